//! Writing and reading episodes. An edit writes a new version; a delete marks the episode with a
//! reason. Each write runs inside one transaction (shared with the writes that arrived alongside it:
//! see [`crate::group_commit`]), so a reader never sees half an episode.

use crate::group_commit::{Effects, EpisodeWrite};
use crate::rows::{self, RECORD_COLUMNS, VERSION_COLUMNS};
use crate::sql::{flag, join_codes, split_codes, values_rows};
use crate::{Backend, Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::episode::Episode;
use lantern_core::identity::{check_free_text, FreeText};
use lantern_core::record::{storage_time, EpisodeRecord, EpisodeVersion};
use lantern_core::validation::ValidationErrors;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;
use sqlx::AnyConnection;
use sqlx::Transaction;
use uuid::Uuid;

impl Store {
    /// Stores a new episode as version 1.
    pub async fn create_episode(
        &self,
        episode: &Episode,
        actor: &Actor,
    ) -> Result<EpisodeRecord, StoreError> {
        let write =
            EpisodeWrite::Create { id: Uuid::now_v7(), episode: episode.clone(), actor: actor.clone() };
        self.write_episodes(write).await?.record()
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
        let write =
            EpisodeWrite::Update { id, expected_version, episode: episode.clone(), actor: actor.clone() };
        self.write_episodes(write).await?.record()
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
        let write =
            EpisodeWrite::Delete { id, expected_version, reason: reason.to_owned(), actor: actor.clone() };
        self.write_episodes(write).await?.record()
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

/// A new episode inside a group commit's transaction, read back as stored.
pub(crate) async fn create_in(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    episode: &Episode,
    actor: &Actor,
    fx: &mut Effects,
) -> Result<EpisodeRecord, StoreError> {
    let now = Timestamp::now();
    insert_new(tx, id, episode, now, actor).await?;
    fx.deltas.add(episode, 1);
    fx.audit.push(created(actor, id, episode));
    as_inserted(id, episode, now, actor)
}

/// A new episode as [`insert_new`] stores it and [`read_in`] would read it back: times to the whole
/// second as stored, codes through the same joining and splitting. Built here rather than read back,
/// which saves a query per episode inside the shared commit.
pub(crate) fn as_inserted(
    id: Uuid,
    episode: &Episode,
    now: Timestamp,
    actor: &Actor,
) -> Result<EpisodeRecord, StoreError> {
    let stored_time = |t: Timestamp| {
        let text = storage_time(t);
        text.parse::<Timestamp>().map_err(|_| StoreError::Corrupt(format!("time {text:?}")))
    };
    let round_trip = |codes: &[String]| split_codes(&join_codes(codes));
    let now = stored_time(now)?;
    Ok(EpisodeRecord {
        id,
        version: 1,
        created_at: now,
        recorded_at: now,
        deleted: None,
        created_by: actor.user_id.clone(),
        episode: Episode {
            occurred_at: stored_time(episode.occurred_at)?,
            services: round_trip(&episode.services),
            tasks: round_trip(&episode.tasks),
            barriers: round_trip(&episode.barriers),
            ..episode.clone()
        },
    })
}

/// The next version of an episode inside a group commit's transaction.
pub(crate) async fn update_in(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    expected_version: Option<i64>,
    episode: &Episode,
    actor: &Actor,
    fx: &mut Effects,
) -> Result<EpisodeRecord, StoreError> {
    let current = current_state(tx, id).await?;
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
    insert_version(tx, id, version, episode, Timestamp::now(), actor).await?;
    sqlx::query(
        "UPDATE episodes SET current_version = $1, occurred_at = $2, outcome = $3, offer_id = $4 WHERE id = $5",
    )
    .bind(version)
    .bind(storage_time(episode.occurred_at))
    .bind(episode.outcome.clone())
    .bind(episode.offer_id.map(|id| id.to_string()))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    replace_links(tx, id, episode).await?;
    fx.deltas.add(&current.record.episode, -1);
    fx.deltas.add(episode, 1);
    let after = stored(tx, id).await?;
    let entry = AuditEntry::new(actor, "episode.edit").record("episode", id).practice(&episode.practice);
    fx.audit.push(entry.before(&current.record).after(&after));
    Ok(after)
}

/// Marks an episode deleted inside a group commit's transaction (the reason is already checked).
pub(crate) async fn delete_in(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    expected_version: Option<i64>,
    reason: &str,
    actor: &Actor,
    fx: &mut Effects,
) -> Result<EpisodeRecord, StoreError> {
    let current = current_state(tx, id).await?;
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
        .execute(&mut **tx)
        .await?;
    fx.deltas.add(&current.record.episode, -1);
    let after = stored(tx, id).await?;
    let entry = AuditEntry::new(actor, "episode.delete").record("episode", id).practice(&current.practice);
    fx.audit.push(entry.before(&current.record).after(&after));
    Ok(after)
}

/// The episode as this transaction just wrote it.
pub(crate) async fn stored(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
) -> Result<EpisodeRecord, StoreError> {
    read_in(tx, id).await?.ok_or_else(|| StoreError::NotFound(format!("episode {id}")))
}

struct CurrentState {
    practice: String,
    version: i64,
    deleted: bool,
    record: EpisodeRecord,
}

/// An `episode_versions` insert up to its VALUES rows, which [`bind_version`] fills in this order. A
/// macro, so the one-row insert stays a `&'static str` (prepared once, kept by the connection).
macro_rules! version_insert_sql {
    () => {
        "INSERT INTO episode_versions (episode_id, version, recorded_at, occurred_at, duration_minutes, \
         channel, services, tasks, approach, barriers, age_band, carer_proxy, outcome, escalated_to, follow_up, \
         note, helpers, recorded_by, offer_id) VALUES "
    };
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
    connection: &mut AnyConnection,
    id: Uuid,
) -> Result<Option<EpisodeRecord>, StoreError> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS}, {VERSION_COLUMNS} FROM episodes e \
         JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version WHERE e.id = $1"
    );
    let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(connection).await?;
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
        "INSERT INTO episodes (id, practice, current_version, created_at, occurred_at, outcome, created_by, \
         offer_id) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)",
    )
    .bind(id.to_string())
    .bind(episode.practice.to_string())
    .bind(storage_time(now))
    .bind(storage_time(episode.occurred_at))
    .bind(episode.outcome.clone())
    .bind(actor.user_id.clone())
    .bind(episode.offer_id.map(|id| id.to_string()))
    .execute(&mut **tx)
    .await?;
    insert_version(tx, id, 1, episode, now, actor).await?;
    insert_links(tx, id, episode).await
}

/// A new episode (version 1) for [`insert_many`]: its id, content and who logged it.
pub(crate) struct NewEpisode<'a> {
    pub id: Uuid,
    pub episode: &'a Episode,
    pub actor: &'a Actor,
}

/// Inserts many new episodes at once, the rows [`insert_new`] writes for each, in one multi-row
/// statement per table: a group commit of creates costs four statements rather than four per episode.
/// The offer an episode names goes in with it, on `episodes` and its first version alike.
pub(crate) async fn insert_many(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    new: &[NewEpisode<'_>],
    now: Timestamp,
) -> Result<(), StoreError> {
    if new.is_empty() {
        return Ok(());
    }
    let now = storage_time(now);
    let rows = |width: usize, count: usize| values_rows(backend, width, count);
    let sql = format!(
        "INSERT INTO episodes (id, practice, created_at, occurred_at, outcome, created_by, current_version, \
         offer_id) VALUES {}",
        rows(8, new.len())
    );
    let mut query = sqlx::query(&sql).persistent(false);
    for n in new {
        query = query
            .bind(n.id.to_string())
            .bind(n.episode.practice.to_string())
            .bind(now.clone())
            .bind(storage_time(n.episode.occurred_at))
            .bind(n.episode.outcome.clone())
            .bind(n.actor.user_id.clone())
            .bind(1_i64)
            .bind(n.episode.offer_id.map(|id| id.to_string()));
    }
    query.execute(&mut **tx).await?;
    let sql = format!("{}{}", version_insert_sql!(), rows(19, new.len()));
    let mut query = sqlx::query(&sql).persistent(false);
    for n in new {
        query = bind_version(query, n.id, 1, now.clone(), n.episode, n.actor);
    }
    query.execute(&mut **tx).await?;
    let helpers: Vec<(Uuid, String)> =
        new.iter().flat_map(|n| n.episode.helpers.iter().map(|h| (n.id, h.to_string()))).collect();
    let services: Vec<(Uuid, String)> =
        new.iter().flat_map(|n| n.episode.services.iter().map(|s| (n.id, s.clone()))).collect();
    for (table, column, links) in
        [("episode_helpers", "staff_id", helpers), ("episode_services", "service", services)]
    {
        if links.is_empty() {
            continue;
        }
        let sql = format!("INSERT INTO {table} (episode_id, {column}) VALUES {}", rows(2, links.len()));
        let mut query = sqlx::query(&sql).persistent(false);
        for (id, value) in links {
            query = query.bind(id.to_string()).bind(value);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_version(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    version: i64,
    e: &Episode,
    now: Timestamp,
    actor: &Actor,
) -> Result<(), StoreError> {
    let query = sqlx::query(concat!(
        version_insert_sql!(),
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    ));
    bind_version(query, id, version, storage_time(now), e, actor).execute(&mut **tx).await?;
    Ok(())
}

/// Binds one `episode_versions` row's 19 values, in the column order both inserts name.
fn bind_version<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    id: Uuid,
    version: i64,
    recorded_at: String,
    e: &Episode,
    actor: &Actor,
) -> Query<'q, Any, AnyArguments<'q>> {
    query
        .bind(id.to_string())
        .bind(version)
        .bind(recorded_at)
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
        .bind(e.offer_id.map(|id| id.to_string()))
}

async fn replace_links(tx: &mut Transaction<'static, Any>, id: Uuid, e: &Episode) -> Result<(), StoreError> {
    for table in ["episode_helpers", "episode_services"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE episode_id = $1"))
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    insert_links(tx, id, e).await
}

/// A new episode has no links yet, so it skips the deletes.
async fn insert_links(tx: &mut Transaction<'static, Any>, id: Uuid, e: &Episode) -> Result<(), StoreError> {
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
