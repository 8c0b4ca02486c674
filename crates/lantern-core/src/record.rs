//! Stored episodes: every edit makes a new version and a deletion is only a mark with a reason, so the
//! record of help given can always be reconstructed.

use crate::episode::Episode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EpisodeRecord {
    pub id: Uuid,
    /// 1 when created, +1 for each edit.
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    /// When this version was written.
    pub recorded_at: Timestamp,
    pub deleted: Option<Deletion>,
    /// The user who logged it (absent for episodes imported by a system command).
    pub created_by: Option<String>,
    #[serde(flatten)]
    pub episode: Episode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deletion {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    pub reason: String,
}

/// One version in an episode's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EpisodeVersion {
    pub version: i64,
    /// The user who wrote this version.
    pub recorded_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    #[serde(flatten)]
    pub episode: Episode,
}

/// Timestamps are stored as fixed-width UTC text (`2026-11-25T10:30:00Z`) in both databases, so they
/// compare correctly as strings and read the same in SQLite and PostgreSQL.
pub fn storage_time(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_time_drops_fractions_so_text_order_is_time_order() {
        let a: Timestamp = "2026-11-25T10:30:00.900Z".parse().expect("valid");
        let b: Timestamp = "2026-11-25T10:30:01Z".parse().expect("valid");
        assert_eq!(storage_time(a), "2026-11-25T10:30:00Z");
        assert!(storage_time(a) < storage_time(b));
    }
}
