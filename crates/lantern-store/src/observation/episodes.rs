//! The logged side of the logging gap: a practice's episodes in a stretch of time, reduced to what the
//! comparison needs.

use crate::rows::{time, uuid};
use crate::sql::split_codes;
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::observation::LoggedEpisode;
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use sqlx::Row;

impl Store {
    /// Episodes at `practice`, not deleted, that occurred from `from` to `until` inclusive. Stored
    /// times are whole seconds, so the bounds are widened to their seconds here and the gap's own
    /// comparison with observed time decides exactly.
    pub async fn logged_episodes(
        &self,
        practice: &OdsCode,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<LoggedEpisode>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.occurred_at, v.duration_minutes, v.helpers FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version \
             WHERE e.practice = $1 AND e.occurred_at >= $2 AND e.occurred_at <= $3 AND e.deleted_at IS NULL \
             ORDER BY e.occurred_at, e.id",
        )
        .bind(practice.to_string())
        .bind(storage_time(from))
        .bind(storage_time(until))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let minutes: i64 = row.try_get("duration_minutes")?;
                Ok(LoggedEpisode {
                    occurred_at: time(row, "occurred_at")?,
                    helpers: split_codes(&row.try_get::<String, _>("helpers")?)
                        .iter()
                        .map(|id| uuid(id))
                        .collect::<Result<_, _>>()?,
                    duration_minutes: u16::try_from(minutes)
                        .map_err(|_| StoreError::Corrupt(format!("duration {minutes}")))?,
                })
            })
            .collect()
    }
}
