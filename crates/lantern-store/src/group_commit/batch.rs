//! One transaction for a batch of queued writes.

use super::{Effects, EpisodeWrite, Job, Written};
use crate::audit::append_all;
use crate::episodes::{self, NewEpisode};
use crate::rollups::Deltas;
use crate::{Store, StoreError};
use jiff::Timestamp;
use std::sync::atomic::Ordering;

type Results = Vec<Result<Written, StoreError>>;

/// Commits `jobs` together and answers each; when the shared transaction itself fails, each write is
/// tried again alone, so one write that upsets the database cannot fail its neighbours.
pub(super) async fn commit(store: &Store, jobs: Vec<Job>) {
    let writes: Vec<&EpisodeWrite> = jobs.iter().map(|job| &job.write).collect();
    // Most batches are all good writes (they were validated before joining), so the first attempt
    // runs them without a savepoint each (a batch of nothing but new episodes as one multi-row
    // insert per table). If one of them fails, that attempt is rolled back and the
    // batch runs again with every write in its own savepoint, so that only the failed one is undone.
    let first = if writes.len() > 1 && writes.iter().all(|w| matches!(w, EpisodeWrite::Create { .. })) {
        attempt_creates(store, &writes).await
    } else {
        attempt(store, &writes, Guard::None).await
    };
    let outcome = match first {
        Ok(Attempt::WriteFailed) => attempt(store, &writes, Guard::Savepoints).await,
        other => other,
    };
    match outcome {
        Ok(Attempt::Answered(results)) => {
            for (job, result) in jobs.into_iter().zip(results) {
                // A caller that has gone away no longer wants the answer; its write stands.
                let _ = job.reply.send(result);
            }
        }
        Ok(Attempt::WriteFailed) => {
            // Not reached: with savepoints a failed write is undone alone and the batch goes on.
            for job in jobs {
                let _ = job.reply.send(Err(StoreError::Abandoned));
            }
        }
        Err(error) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.reply.send(Err(error));
            }
        }
        Err(error) => {
            tracing::warn!(?error, writes = jobs.len(), "group commit failed; trying each write alone");
            for job in jobs {
                let result = match attempt(store, &[&job.write], Guard::None).await {
                    Ok(Attempt::Answered(mut results)) => results.pop().unwrap_or(Err(StoreError::Abandoned)),
                    Ok(Attempt::WriteFailed) => Err(StoreError::Abandoned),
                    Err(error) => Err(error),
                };
                let _ = job.reply.send(result);
            }
        }
    }
}

/// Whether each write of a batch runs inside a savepoint of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    None,
    Savepoints,
}

enum Attempt {
    /// Each write's own result, in order: the transaction committed, or a write alone failed.
    Answered(Results),
    /// A write failed in a batch run without savepoints: everything was rolled back.
    WriteFailed,
}

/// Runs `writes` in one transaction. With savepoints, a write that fails (a stale version, a
/// constraint) is undone alone and the rest go ahead; without, a failed write rolls back everything
/// and the answer is [`Attempt::WriteFailed`]. A write alone needs no savepoint: its own failure is
/// its answer. The rollup changes are summed and the audit records appended, in the writes' order,
/// once every write has run. `Err` means the transaction as a whole failed and nothing was committed.
async fn attempt(store: &Store, writes: &[&EpisodeWrite], guard: Guard) -> Result<Attempt, StoreError> {
    let mut w = store.begin_write().await?;
    let alone = writes.len() == 1;
    let savepoints = guard == Guard::Savepoints && !alone;
    let mut results = Vec::with_capacity(writes.len());
    let mut deltas = Deltas::default();
    let mut audit = Vec::with_capacity(writes.len());
    for write in writes {
        if savepoints {
            sqlx::query("SAVEPOINT episode_write").execute(&mut *w.tx).await?;
        }
        let mut effects = Effects::default();
        let result = write.run(&mut w.tx, &mut effects).await;
        match &result {
            Ok(_) => {
                deltas.merge(effects.deltas);
                audit.extend(effects.audit);
            }
            // Alone, the failed write's transaction is simply rolled back below.
            Err(_) if alone => {
                // The write's own error is its answer, whatever the rollback says.
                let _ = w.tx.rollback().await;
                return Ok(Attempt::Answered(vec![result]));
            }
            Err(_) if !savepoints => {
                w.tx.rollback().await?;
                return Ok(Attempt::WriteFailed);
            }
            Err(_) => {
                sqlx::query("ROLLBACK TO SAVEPOINT episode_write").execute(&mut *w.tx).await?;
            }
        }
        if savepoints {
            sqlx::query("RELEASE SAVEPOINT episode_write").execute(&mut *w.tx).await?;
        }
        results.push(result);
    }
    deltas.apply(&mut w.tx, store.backend).await?;
    append_all(&mut w.tx, store.backend, audit).await?;
    w.commit().await?;
    store.group.commits.fetch_add(1, Ordering::Relaxed);
    store.group.writes.fetch_add(results.len() as u64, Ordering::Relaxed);
    Ok(Attempt::Answered(results))
}

/// A batch of nothing but new episodes: their rows in one multi-row insert per table, then the
/// rollups and audit records as in [`attempt`]. If the inserts fail, nothing is kept and the answer
/// is [`Attempt::WriteFailed`], so the batch runs again write by write, each in its savepoint.
async fn attempt_creates(store: &Store, writes: &[&EpisodeWrite]) -> Result<Attempt, StoreError> {
    let new: Vec<NewEpisode<'_>> = writes
        .iter()
        .filter_map(|write| match write {
            EpisodeWrite::Create { id, episode, actor } => Some(NewEpisode { id: *id, episode, actor }),
            _ => None,
        })
        .collect();
    if new.len() != writes.len() {
        return attempt(store, writes, Guard::None).await;
    }
    let mut w = store.begin_write().await?;
    let now = Timestamp::now();
    if episodes::insert_many(&mut w.tx, store.backend, &new, now).await.is_err() {
        w.tx.rollback().await?;
        return Ok(Attempt::WriteFailed);
    }
    let mut deltas = Deltas::default();
    let mut audit = Vec::with_capacity(new.len());
    let mut results = Vec::with_capacity(new.len());
    for n in &new {
        deltas.add(n.episode, 1);
        audit.push(episodes::created(n.actor, n.id, n.episode));
        results.push(episodes::as_inserted(n.id, n.episode, now, n.actor).map(Written::Record));
    }
    deltas.apply(&mut w.tx, store.backend).await?;
    append_all(&mut w.tx, store.backend, audit).await?;
    w.commit().await?;
    store.group.commits.fetch_add(1, Ordering::Relaxed);
    store.group.writes.fetch_add(results.len() as u64, Ordering::Relaxed);
    Ok(Attempt::Answered(results))
}
