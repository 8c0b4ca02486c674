//! Listing episodes with filters, by page for people and by key for exports.

use crate::rows::{self, RECORD_COLUMNS, VERSION_COLUMNS};
use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::ods::OdsCode;
use lantern_core::record::{storage_time, EpisodeRecord};
use sqlx::Row;
use uuid::Uuid;

pub const MAX_PAGE: i64 = 500;

#[derive(Debug, Clone, Default)]
pub struct EpisodeFilter {
    /// Only these practices; empty means every practice (callers scope this to what the user may see).
    pub practices: Vec<OdsCode>,
    /// Occurred at or after.
    pub from: Option<Timestamp>,
    /// Occurred before.
    pub until: Option<Timestamp>,
    pub service: Option<String>,
    pub helper: Option<Uuid>,
    pub outcome: Option<String>,
    pub include_deleted: bool,
}

#[derive(Debug, Clone)]
pub struct EpisodePage {
    pub episodes: Vec<EpisodeRecord>,
    /// Episodes matching the filter across all pages.
    pub total: i64,
}

impl EpisodeFilter {
    fn conditions(&self) -> Conditions {
        let mut c = Conditions::default();
        if !self.practices.is_empty() {
            let placeholders: Vec<String> =
                self.practices.iter().map(|p| c.bind_next(Value::Text(p.to_string()))).collect();
            c.push_plain(&format!("e.practice IN ({})", placeholders.join(", ")));
        }
        if let Some(from) = self.from {
            c.push("e.occurred_at >= ?", Value::Text(storage_time(from)));
        }
        if let Some(until) = self.until {
            c.push("e.occurred_at < ?", Value::Text(storage_time(until)));
        }
        if let Some(service) = &self.service {
            c.push(
                "EXISTS (SELECT 1 FROM episode_services s WHERE s.episode_id = e.id AND s.service = ?)",
                Value::Text(service.clone()),
            );
        }
        if let Some(helper) = self.helper {
            c.push(
                "EXISTS (SELECT 1 FROM episode_helpers h WHERE h.episode_id = e.id AND h.staff_id = ?)",
                Value::Text(helper.to_string()),
            );
        }
        if let Some(outcome) = &self.outcome {
            c.push("e.outcome = ?", Value::Text(outcome.clone()));
        }
        if !self.include_deleted {
            c.push_plain("e.deleted_at IS NULL");
        }
        c
    }
}

impl Store {
    /// Newest first, `limit` (at most [`MAX_PAGE`]) from `offset`.
    pub async fn list_episodes(
        &self,
        filter: &EpisodeFilter,
        limit: i64,
        offset: i64,
    ) -> Result<EpisodePage, StoreError> {
        let mut c = filter.conditions();
        let where_sql = c.where_sql();
        let count_sql = format!("SELECT COUNT(*) AS n FROM episodes e{where_sql}");
        let total: i64 = c.bind(sqlx::query(&count_sql)).fetch_one(&self.pool).await?.try_get("n")?;
        let limit_p = c.bind_next(Value::Int(limit.clamp(1, MAX_PAGE)));
        let offset_p = c.bind_next(Value::Int(offset.max(0)));
        let sql = format!(
            "SELECT {RECORD_COLUMNS}, {VERSION_COLUMNS} FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version{where_sql} \
             ORDER BY e.occurred_at DESC, e.id DESC LIMIT {limit_p} OFFSET {offset_p}"
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let episodes = rows.iter().map(rows::record).collect::<Result<_, _>>()?;
        Ok(EpisodePage { episodes, total })
    }

    /// Oldest first, the `limit` episodes after `after` (occurred_at, id): a stable walk through any
    /// number of episodes in constant memory, for exports.
    pub async fn episodes_after(
        &self,
        filter: &EpisodeFilter,
        after: Option<&EpisodeRecord>,
        limit: i64,
    ) -> Result<Vec<EpisodeRecord>, StoreError> {
        let mut c = filter.conditions();
        if let Some(last) = after {
            let at = c.bind_next(Value::Text(storage_time(last.episode.occurred_at)));
            let id = c.bind_next(Value::Text(last.id.to_string()));
            // A row comparison, so both databases can walk the (occurred_at, id) index.
            c.push_plain(&format!("(e.occurred_at, e.id) > ({at}, {id})"));
        }
        let limit_p = c.bind_next(Value::Int(limit.max(1)));
        let sql = format!(
            "SELECT {RECORD_COLUMNS}, {VERSION_COLUMNS} FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version{} \
             ORDER BY e.occurred_at, e.id LIMIT {limit_p}",
            c.where_sql()
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter().map(rows::record).collect()
    }
}
