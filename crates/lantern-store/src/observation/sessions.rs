//! Opening sessions, listing them, and pairing two for reliability.

use super::rows::{self, SESSION_COLUMNS};
use super::{for_update, not_found, ObservationError, ObservationSession};
use crate::audit::append;
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::observation::{ReliabilityError, SessionInfo};
use lantern_core::record::storage_time;
use lantern_core::validation::ValidationErrors;
use sqlx::Row;
use uuid::Uuid;

impl Store {
    /// Opens a session coded with the study's current template. The start is kept to the whole second
    /// (as stored), so the session read back is the one checked here. Opening the same session again
    /// (a device retrying) answers the stored one with `false`; the same id for a different session is
    /// a conflict.
    pub async fn start_session(
        &self,
        info: SessionInfo,
        actor: &Actor,
    ) -> Result<(ObservationSession, bool), ObservationError> {
        let started_at = Timestamp::from_second(info.started_at.as_second()).unwrap_or(info.started_at);
        let info = SessionInfo { started_at, ..info };
        if let Some(existing) = self.find_session(info.id).await? {
            if existing.info == info {
                return Ok((existing, false));
            }
            return Err(StoreError::Conflict(format!("session {} already exists", info.id)).into());
        }
        let study = self.study(info.study).await?.study;
        study.check_session(&info, study.template.version())?;
        let staff_practice = sqlx::query("SELECT practice FROM staff WHERE id = $1")
            .bind(info.staff.to_string())
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<String, _>("practice"))
            .transpose()?;
        if staff_practice.as_deref() != Some(info.practice.as_str()) {
            let message = format!("No member of staff {} works at {}", info.staff, info.practice);
            return Err(ValidationErrors::single("staff", message).into());
        }
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO observation_sessions (id, study, template_version, practice, observer, staff_id, \
             started_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(info.id.to_string())
        .bind(info.study.to_string())
        .bind(i64::from(study.template.version()))
        .bind(info.practice.to_string())
        .bind(info.observer.to_string())
        .bind(info.staff.to_string())
        .bind(storage_time(info.started_at))
        .bind(storage_time(Timestamp::now()))
        .execute(&mut *w.tx)
        .await?;
        let entry = AuditEntry::new(actor, "observation.session.start")
            .record("observation_session", info.id)
            .practice(&info.practice)
            .after(&serde_json::json!({ "info": info, "template_version": study.template.version() }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await?;
        Ok((self.observation_session(info.id).await?, true))
    }

    /// A session without its events.
    pub async fn observation_session(&self, id: Uuid) -> Result<ObservationSession, StoreError> {
        self.find_session(id).await?.ok_or_else(|| not_found("session", id))
    }

    async fn find_session(&self, id: Uuid) -> Result<Option<ObservationSession>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM observation_sessions s WHERE s.id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(rows::session).transpose()
    }

    /// A study's sessions in the order they started.
    pub async fn observation_sessions(&self, study: Uuid) -> Result<Vec<ObservationSession>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM observation_sessions s WHERE s.study = $1 ORDER BY s.started_at, s.id"
        );
        let rows = sqlx::query(&sql).bind(study.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(rows::session).collect()
    }

    /// Marks two sessions of a study as a reliability pair: the same member of staff shadowed by two
    /// observers. A session belongs to one pair at most.
    pub async fn pair_sessions(
        &self,
        study: Uuid,
        first: Uuid,
        second: Uuid,
        actor: &Actor,
    ) -> Result<Uuid, ObservationError> {
        if first == second {
            return Err(ReliabilityError::SameObserver.into());
        }
        let mut w = self.begin_write().await?;
        let lock = for_update(self.backend);
        let mut sessions = Vec::new();
        for id in [first, second] {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM observation_sessions s WHERE s.id = $1{lock}");
            let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&mut *w.tx).await?;
            let session = row.as_ref().map(rows::session).transpose()?;
            match session {
                Some(s) if s.info.study == study => sessions.push(s),
                _ => return Err(not_found("session", id).into()),
            }
        }
        let [a, b] = sessions.as_slice() else {
            return Err(StoreError::Corrupt("a pair needs two sessions".into()).into());
        };
        if a.info.staff != b.info.staff {
            return Err(ReliabilityError::DifferentStaff.into());
        }
        if a.info.observer == b.info.observer {
            return Err(ReliabilityError::SameObserver.into());
        }
        if let Some(paired) = sessions.iter().find(|s| s.reliability_pair.is_some()) {
            let message = format!("session {} is already in a reliability pair", paired.info.id);
            return Err(StoreError::Conflict(message).into());
        }
        let pair = Uuid::now_v7();
        for id in [first, second] {
            sqlx::query("UPDATE observation_sessions SET reliability_pair = $1 WHERE id = $2")
                .bind(pair.to_string())
                .bind(id.to_string())
                .execute(&mut *w.tx)
                .await?;
        }
        let entry = AuditEntry::new(actor, "observation.pair")
            .record("reliability_pair", pair)
            .practice(&a.info.practice)
            .after(&serde_json::json!({ "study": study, "sessions": [first, second] }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await?;
        Ok(pair)
    }

    /// The two sessions of a reliability pair, the earlier start first.
    pub async fn reliability_pair(&self, pair: Uuid) -> Result<Vec<ObservationSession>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM observation_sessions s WHERE s.reliability_pair = $1 \
             ORDER BY s.started_at, s.id"
        );
        let rows = sqlx::query(&sql).bind(pair.to_string()).fetch_all(&self.pool).await?;
        let sessions: Vec<ObservationSession> = rows.iter().map(rows::session).collect::<Result<_, _>>()?;
        if sessions.len() != 2 {
            return Err(not_found("reliability pair", pair));
        }
        Ok(sessions)
    }
}
