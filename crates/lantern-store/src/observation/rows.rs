//! Rows of the observation tables back into domain values; anything unparseable is corrupt, never
//! guessed at.

use super::ObservationSession;
use crate::ownership::date;
use crate::rows::{ods, time, uuid};
use crate::StoreError;
use jiff::civil::Date;
use lantern_core::observation::{Event, SessionInfo, Template};
use sqlx::any::AnyRow;
use sqlx::Row;

pub(super) const SESSION_COLUMNS: &str = "s.id, s.study, s.template_version, s.practice, s.observer, \
    s.staff_id, s.started_at, s.ended_at, s.reliability_pair, s.created_at";

pub(super) fn session(row: &AnyRow) -> Result<ObservationSession, StoreError> {
    let pair: Option<String> = row.try_get("reliability_pair")?;
    let ended: Option<String> = row.try_get("ended_at")?;
    Ok(ObservationSession {
        info: SessionInfo {
            id: uuid(&row.try_get::<String, _>("id")?)?,
            study: uuid(&row.try_get::<String, _>("study")?)?,
            practice: ods(&row.try_get::<String, _>("practice")?)?,
            observer: uuid(&row.try_get::<String, _>("observer")?)?,
            staff: uuid(&row.try_get::<String, _>("staff_id")?)?,
            started_at: time(row, "started_at")?,
        },
        template_version: version(row.try_get("template_version")?)?,
        ended_at: ended.map(|_| time(row, "ended_at")).transpose()?,
        reliability_pair: pair.as_deref().map(uuid).transpose()?,
        created_at: time(row, "created_at")?,
    })
}

pub(super) fn version(stored: i64) -> Result<u32, StoreError> {
    u32::try_from(stored).map_err(|_| StoreError::Corrupt(format!("template version {stored}")))
}

pub(super) fn day(text: String) -> Result<Date, StoreError> {
    date(Some(text))?.ok_or_else(|| StoreError::Corrupt("missing date".into()))
}

pub(super) fn template(json: &str) -> Result<Template, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("template: {e}")))
}

pub(super) fn event(json: &str) -> Result<Event, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("observation event: {e}")))
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("cannot serialise: {e}")))
}
