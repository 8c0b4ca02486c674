//! Creating an episode at most once per submission key: a form sent twice, or an API request retried
//! after its reply was lost, answers with the episode already stored.

use crate::episodes::{as_inserted, created, insert_new, read_in};
use crate::group_commit::{Effects, EpisodeWrite};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::Episode;
use lantern_core::record::{storage_time, EpisodeRecord};
use lantern_core::submission::SubmissionKey;
use sqlx::any::Any;
use sqlx::AnyConnection;
use sqlx::{Row, Transaction};
use uuid::Uuid;

/// What a keyed create did.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub record: EpisodeRecord,
    /// True when the key had been used before and `record` is the episode it stored then.
    pub replayed: bool,
}

impl Store {
    /// Stores a new episode unless `key` already stored one, in which case that episode is returned.
    /// The key is written in the same transaction as the episode, so both or neither are kept; two
    /// requests racing with one key store one episode (the loser finds the winner's row).
    pub async fn create_episode_once(
        &self,
        episode: &Episode,
        actor: &Actor,
        key: &SubmissionKey,
    ) -> Result<Submitted, StoreError> {
        // A repeat needs no write, so it need not wait for one.
        if let Some(record) = replay(&mut *self.pool.acquire().await?, key).await? {
            return Ok(Submitted { record, replayed: true });
        }
        let write = EpisodeWrite::CreateOnce {
            id: Uuid::now_v7(),
            episode: episode.clone(),
            actor: actor.clone(),
            key: key.clone(),
        };
        self.write_episodes(write).await?.submitted()
    }
}

/// A keyed create inside a group commit's transaction. The key is looked up again here: the same key
/// may have been stored since the caller looked, by an earlier write of this very transaction.
pub(crate) async fn create_once_in(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    episode: &Episode,
    actor: &Actor,
    key: &SubmissionKey,
    fx: &mut Effects,
) -> Result<Submitted, StoreError> {
    if let Some(record) = replay(tx, key).await? {
        return Ok(Submitted { record, replayed: true });
    }
    let now = Timestamp::now();
    sqlx::query("SAVEPOINT keyed_create").execute(&mut **tx).await?;
    insert_new(tx, id, episode, now, actor).await?;
    // On PostgreSQL a racing insert of the same key from another transaction waits here for it, then
    // does nothing; this episode is then undone and the winner's read instead.
    let inserted = sqlx::query(
        "INSERT INTO submission_keys (key_hash, payload_hash, episode_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key_hash) DO NOTHING",
    )
    .bind(key.key_hash.clone())
    .bind(key.payload_hash.clone())
    .bind(id.to_string())
    .bind(storage_time(now))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        sqlx::query("ROLLBACK TO SAVEPOINT keyed_create").execute(&mut **tx).await?;
        sqlx::query("RELEASE SAVEPOINT keyed_create").execute(&mut **tx).await?;
        let record = replay(tx, key).await?.ok_or_else(|| {
            StoreError::Conflict("a request with this key is still being stored: try again".into())
        })?;
        return Ok(Submitted { record, replayed: true });
    }
    sqlx::query("RELEASE SAVEPOINT keyed_create").execute(&mut **tx).await?;
    fx.deltas.add(episode, 1);
    fx.audit.push(created(actor, id, episode));
    Ok(Submitted { record: as_inserted(id, episode, now, actor)?, replayed: false })
}

/// The episode `key` stored, if any; [`StoreError::KeyReused`] when it was sent with something else.
async fn replay(
    connection: &mut AnyConnection,
    key: &SubmissionKey,
) -> Result<Option<EpisodeRecord>, StoreError> {
    let row = sqlx::query("SELECT payload_hash, episode_id FROM submission_keys WHERE key_hash = $1")
        .bind(key.key_hash.clone())
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let payload: String = row.try_get("payload_hash")?;
    if payload != key.payload_hash {
        return Err(StoreError::KeyReused);
    }
    let id: String = row.try_get("episode_id")?;
    let id = Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(format!("submission key episode: {e}")))?;
    read_in(connection, id).await?.map(Some).ok_or_else(|| StoreError::NotFound(format!("episode {id}")))
}
