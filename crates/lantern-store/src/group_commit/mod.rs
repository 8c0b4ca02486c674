//! Group commit for episode writes. SQLite makes each `synchronous=FULL` commit wait for its own
//! fsync, and only one writer commits at a time, so writes that each commit alone queue behind one
//! another's fsyncs. Here every episode write (create, edit, delete, import) joins a queue; one task
//! at a time takes everything queued, runs it in one transaction and commits once. Writes that arrive
//! while that commit is in flight wait for the next one. Each write still gets its own audit record,
//! in the order the writes ran, and its caller hears back only after the shared commit returned.
//!
//! The batch runs on a task of its own, not inside any caller's future: a request dropped half-way
//! (a client hanging up) must not abandon the other callers' writes or leave their outcome unknown.

mod batch;
mod write;

pub(crate) use write::{Effects, EpisodeWrite, Written};

use crate::{Store, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use tokio::sync::oneshot;

/// At most this many writes share a transaction, so one commit's latency stays bounded.
const MAX_BATCH: usize = 256;

struct Job {
    write: EpisodeWrite,
    reply: oneshot::Sender<Result<Written, StoreError>>,
}

#[derive(Default)]
struct Queue {
    pending: Vec<Job>,
    /// Whether a task is draining the queue; the writer that finds none starts one.
    running: bool,
}

#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: Mutex<Queue>,
    writes: AtomicU64,
    commits: AtomicU64,
}

/// How many episode writes were answered and how many transactions committed them, since the store
/// was opened: the gap is what group commit saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitCounts {
    pub writes: u64,
    pub commits: u64,
}

impl GroupCommit {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        // The lock guards plain data and no code under it can panic half-way through a change.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store {
    pub fn commit_counts(&self) -> CommitCounts {
        CommitCounts {
            writes: self.group.writes.load(Ordering::Relaxed),
            commits: self.group.commits.load(Ordering::Relaxed),
        }
    }

    /// Queues `write` for the next group commit and waits until that commit has returned.
    pub(crate) async fn write_episodes(&self, write: EpisodeWrite) -> Result<Written, StoreError> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queue = self.group.queue();
            queue.pending.push(Job { write, reply });
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            tokio::spawn(drain(self.clone()));
        }
        answer.await.map_err(|_| StoreError::Abandoned)?
    }
}

/// Commits batches until the queue is empty.
async fn drain(store: Store) {
    let mut running = Running { store: &store, finished: false };
    loop {
        let jobs = {
            let mut queue = store.group.queue();
            if queue.pending.is_empty() {
                queue.running = false;
                running.finished = true;
                return;
            }
            let take = queue.pending.len().min(MAX_BATCH);
            queue.pending.drain(..take).collect::<Vec<_>>()
        };
        batch::commit(&store, jobs).await;
    }
}

/// Clears the running flag if the draining task ends early (its runtime shut down, or a write
/// panicked), so that the next writer starts a new one instead of waiting for ever. The writes still
/// queued are dropped, and their callers get [`StoreError::Abandoned`].
struct Running<'a> {
    store: &'a Store,
    finished: bool,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut queue = self.store.group.queue();
            queue.running = false;
            queue.pending.clear();
        }
    }
}
