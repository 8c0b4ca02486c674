//! Creating an episode at most once per submission key: a form sent twice, or an API request retried
//! after its reply was lost, answers with the episode already stored.

use crate::audit::append;
use crate::episodes::{created, insert_new};
use crate::rollups::Deltas;
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::Episode;
use lantern_core::record::{storage_time, EpisodeRecord};
use lantern_core::submission::SubmissionKey;
use sqlx::Row;
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
        if let Some(record) = self.replay(key).await? {
            return Ok(Submitted { record, replayed: true });
        }
        let id = Uuid::now_v7();
        let now = Timestamp::now();
        let mut w = self.begin_write().await?;
        insert_new(&mut w.tx, id, episode, now, actor).await?;
        // On PostgreSQL a racing insert of the same key waits here for the other transaction, then
        // does nothing; this transaction is then dropped (rolled back) and the winner's episode read.
        let inserted = sqlx::query(
            "INSERT INTO submission_keys (key_hash, payload_hash, episode_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(key.key_hash.clone())
        .bind(key.payload_hash.clone())
        .bind(id.to_string())
        .bind(storage_time(now))
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            drop(w);
            let record = self.replay(key).await?.ok_or_else(|| {
                StoreError::Conflict("a request with this key is still being stored: try again".into())
            })?;
            return Ok(Submitted { record, replayed: true });
        }
        let mut deltas = Deltas::default();
        deltas.add(episode, 1);
        deltas.apply(&mut w.tx).await?;
        append(&mut w.tx, self.backend, created(actor, id, episode)).await?;
        w.commit().await?;
        Ok(Submitted { record: self.episode(id).await?, replayed: false })
    }

    /// The episode `key` stored, if any; [`StoreError::KeyReused`] when it was sent with something else.
    async fn replay(&self, key: &SubmissionKey) -> Result<Option<EpisodeRecord>, StoreError> {
        let row = sqlx::query("SELECT payload_hash, episode_id FROM submission_keys WHERE key_hash = $1")
            .bind(key.key_hash.clone())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let payload: String = row.try_get("payload_hash")?;
        if payload != key.payload_hash {
            return Err(StoreError::KeyReused);
        }
        let id: String = row.try_get("episode_id")?;
        let id =
            Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(format!("submission key episode: {e}")))?;
        Ok(Some(self.episode(id).await?))
    }
}
