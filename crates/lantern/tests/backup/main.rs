//! `lantern backup` and `lantern restore` as a user runs them, on SQLite and PostgreSQL. Every figure
//! compared is read straight from the databases with SQL, never through Lantern's own code.

mod postgres;
mod refusals;
mod round_trip;
mod serving;
#[path = "../support/mod.rs"]
mod support;

use sqlx::{ConnectOptions, Connection};
use std::path::Path;
pub use support::{lantern, ok, path, refused, text};

/// What a practice manager would check came back: the episodes, the minutes the dashboard adds up
/// (current versions of undeleted episodes, per practice), and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub episode_rows: i64,
    pub episodes: i64,
    pub minutes_by_practice: Vec<(String, i64)>,
    pub audit_records: i64,
    pub last_action: String,
}

pub const FIGURES_SQL: [&str; 4] = [
    "SELECT COUNT(*) FROM episodes",
    "SELECT COUNT(*) FROM episodes WHERE deleted_at IS NULL",
    "SELECT e.practice, CAST(SUM(v.duration_minutes) AS BIGINT) FROM episodes e \
     JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version \
     WHERE e.deleted_at IS NULL GROUP BY e.practice ORDER BY e.practice",
    "SELECT COUNT(*) FROM audit_events",
];
pub const LAST_ACTION_SQL: &str = "SELECT action FROM audit_events ORDER BY seq DESC LIMIT 1";

pub async fn sqlite_figures(file: &Path) -> Figures {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("open {}: {e}", file.display()));
    let count = |row: (i64,)| row.0;
    let figures = Figures {
        episode_rows: count(sqlx::query_as(FIGURES_SQL[0]).fetch_one(&mut conn).await.expect("count")),
        episodes: count(sqlx::query_as(FIGURES_SQL[1]).fetch_one(&mut conn).await.expect("count")),
        minutes_by_practice: sqlx::query_as(FIGURES_SQL[2]).fetch_all(&mut conn).await.expect("minutes"),
        audit_records: count(sqlx::query_as(FIGURES_SQL[3]).fetch_one(&mut conn).await.expect("count")),
        last_action: sqlx::query_scalar(LAST_ACTION_SQL).fetch_one(&mut conn).await.expect("last action"),
    };
    conn.close().await.expect("close");
    figures
}

/// A demo database's figures, checked to be a real demo rather than an empty file.
pub fn assert_demo_sized(figures: &Figures) {
    assert!(figures.episodes > 5_000, "a year of demo episodes: {figures:?}");
    assert!(figures.minutes_by_practice.len() >= 3, "the demo's practices: {figures:?}");
    assert!(figures.audit_records > 10, "the demo's audit trail: {figures:?}");
}

/// A file's whole contents, to show it was not touched.
pub fn bytes(file: &Path) -> Vec<u8> {
    std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()))
}

/// Files in `dir`, by name, to show that nothing was left behind or set aside.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
