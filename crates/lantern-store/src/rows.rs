//! Turning rows back into domain values; a row that fails to parse is reported as corrupt, never guessed.

use crate::sql::split_codes;
use crate::StoreError;
use jiff::Timestamp;
use lantern_core::episode::Episode;
use lantern_core::ods::OdsCode;
use lantern_core::record::{Deletion, EpisodeRecord, EpisodeVersion};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

/// Columns of `episode_versions` (aliased `v`) that [`episode`] reads, in one place for every query.
pub(crate) const VERSION_COLUMNS: &str = "v.version, v.recorded_at, v.occurred_at, v.duration_minutes, \
    v.channel, v.services, v.tasks, v.approach, v.barriers, v.age_band, v.carer_proxy, v.outcome, \
    v.escalated_to, v.follow_up, v.note, v.helpers, v.recorded_by, v.offer_id";

/// Columns of `episodes` (aliased `e`) that [`record`] reads besides the version columns.
pub(crate) const RECORD_COLUMNS: &str =
    "e.id, e.practice, e.created_at, e.deleted_at, e.deleted_reason, e.created_by";

pub(crate) fn time(row: &AnyRow, column: &str) -> Result<Timestamp, StoreError> {
    let text: String = row.try_get(column)?;
    text.parse().map_err(|_| StoreError::Corrupt(format!("{column} = {text:?}")))
}

pub(crate) fn uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("id {text:?}")))
}

pub(crate) fn ods(text: &str) -> Result<OdsCode, StoreError> {
    OdsCode::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn episode(row: &AnyRow, practice: OdsCode) -> Result<Episode, StoreError> {
    let helpers: String = row.try_get("helpers")?;
    let escalated_to: Option<String> = row.try_get("escalated_to")?;
    let offer_id: Option<String> = row.try_get("offer_id")?;
    let duration: i64 = row.try_get("duration_minutes")?;
    Ok(Episode {
        occurred_at: time(row, "occurred_at")?,
        practice,
        helpers: split_codes(&helpers).iter().map(|id| uuid(id)).collect::<Result<_, _>>()?,
        duration_minutes: u16::try_from(duration)
            .map_err(|_| StoreError::Corrupt(format!("duration {duration}")))?,
        channel: row.try_get("channel")?,
        services: split_codes(&row.try_get::<String, _>("services")?),
        tasks: split_codes(&row.try_get::<String, _>("tasks")?),
        approach: row.try_get("approach")?,
        barriers: split_codes(&row.try_get::<String, _>("barriers")?),
        age_band: row.try_get("age_band")?,
        carer_proxy: row.try_get::<i64, _>("carer_proxy")? != 0,
        outcome: row.try_get("outcome")?,
        escalated_to: escalated_to.as_deref().map(uuid).transpose()?,
        follow_up: row.try_get::<i64, _>("follow_up")? != 0,
        note: row.try_get("note")?,
        offer_id: offer_id.as_deref().map(uuid).transpose()?,
    })
}

pub(crate) fn record(row: &AnyRow) -> Result<EpisodeRecord, StoreError> {
    let practice = ods(&row.try_get::<String, _>("practice")?)?;
    let deleted_at: Option<String> = row.try_get("deleted_at")?;
    let deleted = match deleted_at {
        Some(_) => Some(Deletion {
            at: time(row, "deleted_at")?,
            reason: row.try_get::<Option<String>, _>("deleted_reason")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(EpisodeRecord {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        version: row.try_get("version")?,
        created_at: time(row, "created_at")?,
        recorded_at: time(row, "recorded_at")?,
        deleted,
        created_by: row.try_get("created_by")?,
        episode: episode(row, practice)?,
    })
}

pub(crate) fn version(row: &AnyRow, practice: &OdsCode) -> Result<EpisodeVersion, StoreError> {
    Ok(EpisodeVersion {
        version: row.try_get("version")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: time(row, "recorded_at")?,
        episode: episode(row, practice.clone())?,
    })
}
