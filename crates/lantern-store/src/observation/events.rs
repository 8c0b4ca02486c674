//! Syncing a session's events. Each batch is applied, in one transaction, to the timeline rebuilt from
//! the stored events; only events the timeline did not have are inserted. So a batch sent twice
//! (the answer lost to a dropped connection) inserts nothing the second time and answers the same,
//! and a batch with one bad event stores none of them.

use super::rows::{self, SESSION_COLUMNS};
use super::{for_update, not_found, BatchOutcome, ObservationError, SessionTimeline, MAX_BATCH_EVENTS};
use crate::audit::append;
use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::observation::{Event, EventKind, SessionError, Template, Timeline};
use lantern_core::record::storage_time;
use sqlx::any::Any;
use sqlx::{Executor, Row};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

impl Store {
    /// A session and the timeline its stored events add up to.
    pub async fn session_timeline(&self, id: Uuid) -> Result<SessionTimeline, StoreError> {
        let session = self.observation_session(id).await?;
        let template = self.template(session.info.study, session.template_version).await?;
        let events = stored_events(&self.pool, id).await?;
        build(session, template, events)
    }

    /// Every session of a study with its timeline, in the order they started.
    pub async fn study_timelines(&self, study: Uuid) -> Result<Vec<SessionTimeline>, StoreError> {
        let sessions = self.observation_sessions(study).await?;
        let templates: HashMap<u32, Template> =
            self.templates(study).await?.into_iter().map(|t| (t.version(), t)).collect();
        let rows = sqlx::query(
            "SELECT e.session, e.payload FROM observation_events e \
             JOIN observation_sessions s ON s.id = e.session WHERE s.study = $1",
        )
        .bind(study.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut events: HashMap<String, Vec<Event>> = HashMap::new();
        for row in &rows {
            let event = rows::event(&row.try_get::<String, _>("payload")?)?;
            events.entry(row.try_get("session")?).or_default().push(event);
        }
        sessions
            .into_iter()
            .map(|session| {
                let template = templates.get(&session.template_version).cloned().ok_or_else(|| {
                    StoreError::Corrupt(format!("no template version {}", session.template_version))
                })?;
                let own = events.remove(&session.info.id.to_string()).unwrap_or_default();
                build(session, template, own)
            })
            .collect()
    }

    /// Adds a batch of events from the capture page; see the module notes.
    pub async fn append_events(
        &self,
        session: Uuid,
        events: Vec<Event>,
        actor: &Actor,
    ) -> Result<BatchOutcome, ObservationError> {
        if events.len() > MAX_BATCH_EVENTS {
            return Err(ObservationError::BatchTooLarge(events.len()));
        }
        self.apply_batch(session, actor, "observation.events", |_| events).await
    }

    /// Ends a session at `at` (by default now, or its last event if that is later). Ending a session
    /// that has ended changes nothing, so a retried request answers the same.
    pub async fn end_observation(
        &self,
        session: Uuid,
        event_id: Option<Uuid>,
        at: Option<Timestamp>,
        actor: &Actor,
    ) -> Result<BatchOutcome, ObservationError> {
        self.apply_batch(session, actor, "observation.session.end", |timeline| {
            if timeline.ended_at().is_some() {
                return Vec::new();
            }
            let at = at.unwrap_or_else(|| Timestamp::now().max(timeline.last_event_at()));
            vec![Event { id: event_id.unwrap_or_else(Uuid::now_v7), at, kind: EventKind::SessionEnded }]
        })
        .await
    }

    async fn apply_batch(
        &self,
        id: Uuid,
        actor: &Actor,
        action: &str,
        batch: impl FnOnce(&Timeline) -> Vec<Event>,
    ) -> Result<BatchOutcome, ObservationError> {
        let mut w = self.begin_write().await?;
        let lock = for_update(self.backend);
        let sql = format!("SELECT {SESSION_COLUMNS} FROM observation_sessions s WHERE s.id = $1{lock}");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&mut *w.tx).await?;
        let session = row.as_ref().map(rows::session).transpose()?.ok_or_else(|| not_found("session", id))?;
        let template =
            sqlx::query("SELECT template_json FROM observation_templates WHERE study = $1 AND version = $2")
                .bind(session.info.study.to_string())
                .bind(i64::from(session.template_version))
                .fetch_one(&mut *w.tx)
                .await?;
        let template = rows::template(&template.try_get::<String, _>("template_json")?)?;
        let stored = stored_events(&mut *w.tx, id).await?;
        let known: HashSet<Uuid> = stored.iter().map(|e| e.id).collect();
        let SessionTimeline { mut session, mut timeline } = build(session, template, stored)?;
        let events = batch(&timeline);
        let mut fresh: Vec<&Event> = Vec::new();
        for event in &events {
            if !known.contains(&event.id) && !fresh.iter().any(|f| f.id == event.id) {
                fresh.push(event);
            }
        }
        if let Some(taken) = used_elsewhere(&mut w, &fresh).await? {
            return Err(SessionError::ConflictingEvent { event: taken }.into());
        }
        let applied = timeline.apply_all(events.iter().cloned())?;
        if applied.new == 0 {
            return Ok(BatchOutcome { applied, session: SessionTimeline { session, timeline } });
        }
        let received_at = storage_time(Timestamp::now());
        for event in &fresh {
            sqlx::query(
                "INSERT INTO observation_events (id, session, at, kind, payload, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(event.id.to_string())
            .bind(id.to_string())
            .bind(storage_time(event.at))
            .bind(kind_code(&event.kind).to_owned())
            .bind(rows::to_json(event)?)
            .bind(received_at.clone())
            .execute(&mut *w.tx)
            .await?;
        }
        let ended_at = timeline.ended_at().map(|at| Timestamp::from_second(at.as_second()).unwrap_or(at));
        if ended_at != session.ended_at {
            sqlx::query("UPDATE observation_sessions SET ended_at = $1 WHERE id = $2")
                .bind(ended_at.map(storage_time))
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
            session.ended_at = ended_at;
        }
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for event in &fresh {
            *kinds.entry(kind_code(&event.kind)).or_default() += 1;
        }
        // Counts only: a note's words stay in the session, not in the trail.
        let entry = AuditEntry::new(actor, action)
            .record("observation_session", id)
            .practice(&session.info.practice)
            .after(
                &serde_json::json!({ "new": applied.new, "duplicates": applied.duplicates, "kinds": kinds }),
            );
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await?;
        Ok(BatchOutcome { applied, session: SessionTimeline { session, timeline } })
    }
}

fn build(
    session: super::ObservationSession,
    template: Template,
    events: Vec<Event>,
) -> Result<SessionTimeline, StoreError> {
    let timeline = Timeline::from_events(session.info.clone(), template, events)
        .map_err(|e| StoreError::Corrupt(format!("session {}: {e}", session.info.id)))?;
    Ok(SessionTimeline { session, timeline })
}

async fn stored_events<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    session: Uuid,
) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query("SELECT payload FROM observation_events WHERE session = $1 ORDER BY at, id")
        .bind(session.to_string())
        .fetch_all(executor)
        .await?;
    rows.iter().map(|r| rows::event(&r.try_get::<String, _>("payload")?)).collect()
}

/// The first of `events` whose id another session already holds: ids are generated on devices to be
/// unique, so a clash is a device fault and the event must not be silently split between sessions.
async fn used_elsewhere(w: &mut crate::WriteTx<'_>, events: &[&Event]) -> Result<Option<Uuid>, StoreError> {
    for chunk in events.chunks(500) {
        let mut c = Conditions::default();
        let placeholders: Vec<String> =
            chunk.iter().map(|e| c.bind_next(Value::Text(e.id.to_string()))).collect();
        let sql = format!("SELECT id FROM observation_events WHERE id IN ({})", placeholders.join(", "));
        if let Some(row) = c.bind(sqlx::query(&sql)).fetch_optional(&mut *w.tx).await? {
            return Ok(Some(crate::rows::uuid(&row.try_get::<String, _>("id")?)?));
        }
    }
    Ok(None)
}

fn kind_code(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::TaskStarted { .. } => "task_started",
        EventKind::TaskEnded { .. } => "task_ended",
        EventKind::Interruption { .. } => "interruption",
        EventKind::Note { .. } => "note",
        EventKind::Paused => "paused",
        EventKind::Resumed => "resumed",
        EventKind::SessionEnded => "session_ended",
    }
}
