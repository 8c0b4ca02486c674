//! Writing and reading episodes. An edit writes a new version; a delete marks the episode with a
//! reason. Each write is one transaction, so a reader never sees half an episode.

use crate::audit::append;
use crate::rollups::Deltas;
use crate::rows::{self, RECORD_COLUMNS, VERSION_COLUMNS};
use crate::sql::{flag, join_codes};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::episode::Episode;
use lantern_core::identity::{check_free_text, FreeText};
use lantern_core::record::{storage_time, EpisodeRecord, EpisodeVersion};
use lantern_core::validation::ValidationErrors;
use sqlx::any::Any;
use sqlx::Transaction;
use uuid::Uuid;

impl Store {
    /// Stores a new episode as version 1.
    pub async fn create_episode(
        &self,
        episode: &Episode,
        actor: &Actor,
    ) -> Result<EpisodeRecord, StoreError> {
        let id = Uuid::now_v7();
        let mut w = self.begin_write().await?;
        insert_new(&mut w.tx, id, episode, Timestamp::now(), actor).await?;
        let mut deltas = Deltas::default();
        deltas.add(episode, 1);
        deltas.apply(&mut w.tx).await?;
        append(&mut w.tx, self.backend, created(actor, id, episode)).await?;
        w.commit().await?;
        self.episode(id).await
    }

    /// The current version of an episode, deleted or not.
    pub async fn episode(&self, id: Uuid) -> Result<EpisodeRecord, StoreError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS}, {VERSION_COLUMNS} FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version WHERE e.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("episode {id}")))?;
        rows::record(&row)
    }

    /// Writes `episode` as the next version. `expected_version`, when given, must be the current one
    /// (optimistic locking: two people editing the same episode cannot silently overwrite each other).
    pub async fn update_episode(
        &self,
        id: Uuid,
        expected_version: Option<i64>,
        episode: &Episode,
        actor: &Actor,
    ) -> Result<EpisodeRecord, StoreError> {
        let mut w = self.begin_write().await?;
        let current = current_state(&mut w.tx, id).await?;
        if current.deleted {
            return Err(StoreError::Conflict(format!("episode {id} is deleted and cannot be edited")));
        }
        if current.practice != episode.practice.as_str() {
            return Err(StoreError::Conflict("an episode cannot move to another practice".into()));
        }
        if let Some(expected) = expected_version.filter(|v| *v != current.version) {
            return Err(StoreError::Stale { expected, current: current.version });
        }
        let version = current.version + 1;
        insert_version(&mut w.tx, id, version, episode, Timestamp::now(), actor).await?;
        sqlx::query("UPDATE episodes SET current_version = $1, occurred_at = $2, outcome = $3 WHERE id = $4")
            .bind(version)
            .bind(storage_time(episode.occurred_at))
            .bind(episode.outcome.clone())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?;
        replace_links(&mut w.tx, id, episode).await?;
        let mut deltas = Deltas::default();
        deltas.add(&current.record.episode, -1);
        deltas.add(episode, 1);
        deltas.apply(&mut w.tx).await?;
        let before = read_in(&mut w.tx, id).await?;
        let entry = AuditEntry::new(actor, "episode.edit").record("episode", id).practice(&episode.practice);
        append(&mut w.tx, self.backend, entry.before(&current.record).after(&before)).await?;
        w.commit().await?;
        self.episode(id).await
    }

    /// Marks an episode deleted with a reason; its versions stay.
    pub async fn delete_episode(
        &self,
        id: Uuid,
        reason: &str,
        actor: &Actor,
    ) -> Result<EpisodeRecord, StoreError> {
        self.delete_episode_at(id, None, reason, actor).await
    }

    /// Like [`Self::delete_episode`], only while the episode is still at `expected_version` (undo
    /// must not delete an episode someone has corrected since; checked inside the write).
    pub async fn delete_episode_at(
        &self,
        id: Uuid,
        expected_version: Option<i64>,
        reason: &str,
        actor: &Actor,
    ) -> Result<EpisodeRecord, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(ValidationErrors::single(
                "reason",
                "Give a reason for deleting, of 1 to 200 characters",
            )
            .into());
        }
        // The reason goes into the episode and the append-only audit trail: screened like a note.
        ValidationErrors::check(check_free_text("reason", "The reason", reason, FreeText::LINE))?;
        let mut w = self.begin_write().await?;
        let current = current_state(&mut w.tx, id).await?;
        if current.deleted {
            return Err(StoreError::Conflict(format!("episode {id} is already deleted")));
        }
        if let Some(expected) = expected_version.filter(|v| *v != current.version) {
            return Err(StoreError::Stale { expected, current: current.version });
        }
        sqlx::query("UPDATE episodes SET deleted_at = $1, deleted_reason = $2 WHERE id = $3")
            .bind(storage_time(Timestamp::now()))
            .bind(reason.to_owned())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?;
        let mut deltas = Deltas::default();
        deltas.add(&current.record.episode, -1);
        deltas.apply(&mut w.tx).await?;
        let after = read_in(&mut w.tx, id).await?;
        let entry =
            AuditEntry::new(actor, "episode.delete").record("episode", id).practice(&current.practice);
        append(&mut w.tx, self.backend, entry.before(&current.record).after(&after)).await?;
        w.commit().await?;
        self.episode(id).await
    }

    /// Every version of an episode, oldest first.
    pub async fn episode_history(&self, id: Uuid) -> Result<Vec<EpisodeVersion>, StoreError> {
        let record = self.episode(id).await?;
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM episode_versions v WHERE v.episode_id = $1 ORDER BY v.version"
        );
        let rows = sqlx::query(&sql).bind(id.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(|row| rows::version(row, &record.episode.practice)).collect()
    }
}

struct CurrentState {
    practice: String,
    version: i64,
    deleted: bool,
    record: EpisodeRecord,
}

async fn current_state(tx: &mut Transaction<'static, Any>, id: Uuid) -> Result<CurrentState, StoreError> {
    let record = read_in(tx, id).await?.ok_or_else(|| StoreError::NotFound(format!("episode {id}")))?;
    Ok(CurrentState {
        practice: record.episode.practice.to_string(),
        version: record.version,
        deleted: record.deleted.is_some(),
        record,
    })
}

/// The current version of an episode as this transaction sees it.
pub(crate) async fn read_in(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
) -> Result<Option<EpisodeRecord>, StoreError> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS}, {VERSION_COLUMNS} FROM episodes e \
         JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version WHERE e.id = $1"
    );
    let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&mut **tx).await?;
    row.as_ref().map(rows::record).transpose()
}

/// The audit entry for a new episode: its id and content.
pub(crate) fn created(actor: &Actor, id: Uuid, episode: &Episode) -> AuditEntry {
    AuditEntry::new(actor, "episode.create").record("episode", id).practice(&episode.practice).after(episode)
}

/// Inserts a new episode (version 1) inside the caller's transaction.
pub(crate) async fn insert_new(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    episode: &Episode,
    now: Timestamp,
    actor: &Actor,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO episodes (id, practice, current_version, created_at, occurred_at, outcome, created_by) \
         VALUES ($1, $2, 1, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(episode.practice.to_string())
    .bind(storage_time(now))
    .bind(storage_time(episode.occurred_at))
    .bind(episode.outcome.clone())
    .bind(actor.user_id.clone())
    .execute(&mut **tx)
    .await?;
    insert_version(tx, id, 1, episode, now, actor).await?;
    replace_links(tx, id, episode).await
}

async fn insert_version(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    version: i64,
    e: &Episode,
    now: Timestamp,
    actor: &Actor,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO episode_versions (episode_id, version, recorded_at, occurred_at, duration_minutes, channel, \
         services, tasks, approach, barriers, age_band, carer_proxy, outcome, escalated_to, follow_up, note, helpers, \
         recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(id.to_string())
    .bind(version)
    .bind(storage_time(now))
    .bind(storage_time(e.occurred_at))
    .bind(i64::from(e.duration_minutes))
    .bind(e.channel.clone())
    .bind(join_codes(&e.services))
    .bind(join_codes(&e.tasks))
    .bind(e.approach.clone())
    .bind(join_codes(&e.barriers))
    .bind(e.age_band.clone())
    .bind(flag(e.carer_proxy))
    .bind(e.outcome.clone())
    .bind(e.escalated_to.map(|id| id.to_string()))
    .bind(flag(e.follow_up))
    .bind(e.note.clone())
    .bind(e.helpers.iter().map(Uuid::to_string).collect::<Vec<_>>().join(" "))
    .bind(actor.user_id.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn replace_links(tx: &mut Transaction<'static, Any>, id: Uuid, e: &Episode) -> Result<(), StoreError> {
    for table in ["episode_helpers", "episode_services"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE episode_id = $1"))
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    for helper in &e.helpers {
        sqlx::query("INSERT INTO episode_helpers (episode_id, staff_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(helper.to_string())
            .execute(&mut **tx)
            .await?;
    }
    for service in &e.services {
        sqlx::query("INSERT INTO episode_services (episode_id, service) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(service.clone())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
