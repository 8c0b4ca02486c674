//! Backing up a database to a file and restoring one from it, each proven before it counts: a backup is
//! only reported made once its copy passes SQLite's integrity check and the audit chain verifies in it,
//! and a restore checks the backup the same way before anything is replaced.
//!
//! SQLite is copied with `VACUUM INTO`, a consistent snapshot taken in one read transaction while a
//! server keeps serving and writing (SQLite's C backup API is not reachable without unsafe code, which
//! the workspace forbids). PostgreSQL is copied by `pg_dump`/`pg_restore` when they are on PATH.

mod files;
mod pg_url;
mod postgres;
mod sqlite;

use crate::error::busy;
use crate::{DatabaseLocation, Store, StoreError};
use lantern_core::audit::{Actor, AuditEntry, ChainBreak};
use std::path::{Path, PathBuf};

pub use postgres::guidance as postgres_guidance;

/// What a backup holds, read from the copy itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupContents {
    pub episodes: i64,
    pub audit_records: i64,
    /// The newest migration applied in it.
    pub schema_version: i64,
}

#[derive(Debug, Clone)]
pub struct BackupReport {
    pub file: PathBuf,
    pub bytes: u64,
    pub contents: BackupContents,
}

#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub database: DatabaseLocation,
    pub contents: BackupContents,
    /// Migrations this version applied to bring an older backup forward.
    pub migrations_applied: usize,
    /// Where the database that was replaced now is (a file, or a PostgreSQL database's new name).
    pub previous: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists")]
    Exists(String),
    #[error("there is no database at {0}")]
    NoDatabase(PathBuf),
    #[error("{0} is the database itself")]
    SameFile(PathBuf),
    #[error("cannot {action} {path}: {source}")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{0} is not a SQLite database")]
    NotSqlite(String),
    #[error("{0} is not a Lantern database (it has no migration history)")]
    NotLantern(String),
    #[error("{path} is damaged: {detail}")]
    Damaged { path: String, detail: String },
    #[error("{path} was written by a newer Lantern: its migration {version} is unknown to this version")]
    NewerSchema { path: String, version: i64 },
    #[error("the audit trail in {path} is broken: {found}")]
    AuditBroken { path: String, found: ChainBreak },
    #[error("{0} is held open by another program (is `lantern serve` running on it?)")]
    InUse(String),
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("{0} is not on PATH")]
    ToolMissing(&'static str),
    #[error("{tool} failed: {detail}")]
    Tool { tool: &'static str, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(e))
    }
}

/// Copies the database at `location` to `file`; `replace` allows overwriting an existing file.
pub async fn backup_database(
    location: &DatabaseLocation,
    file: &Path,
    replace: bool,
) -> Result<BackupReport, BackupError> {
    match location {
        DatabaseLocation::Sqlite(path) => {
            if !path.is_file() {
                return Err(BackupError::NoDatabase(path.clone()));
            }
            if files::same_file(path, file) {
                return Err(BackupError::SameFile(file.to_owned()));
            }
            let store = Store::connect(location).await?;
            let report = store.backup_to(file, replace).await;
            let recorded = match &report {
                Ok(report) => record(&store, entry("database.backup", &report.file, &report.contents)).await,
                Err(_) => Ok(()),
            };
            store.close().await;
            recorded?;
            report
        }
        DatabaseLocation::Postgres(url) => {
            let report = postgres::backup(url, file, replace).await?;
            let store = Store::connect(location).await?;
            let recorded = record(&store, entry("database.backup", &report.file, &report.contents)).await;
            store.close().await;
            recorded?;
            Ok(report)
        }
    }
}

/// Appends to the audit trail of a database another process (a running server) may be writing to.
/// SQLite refuses at once, without waiting, a transaction that read before another process committed
/// and then tries to write; it succeeds when tried again.
async fn record(store: &Store, entry: AuditEntry) -> Result<(), BackupError> {
    let mut attempts = 0;
    loop {
        match store.audit(entry.clone()).await {
            Err(StoreError::Database(e)) if busy(&e) && attempts < 50 => attempts += 1,
            other => return other.map(drop).map_err(BackupError::from),
        }
        tokio::time::sleep(std::time::Duration::from_millis(20 * attempts)).await;
    }
}

/// The audit record of a backup (in the database copied, after the copy) or of a restore (in the
/// restored database, after its chain verified).
fn entry(action: &str, file: &Path, contents: &BackupContents) -> AuditEntry {
    let detail = serde_json::json!({
        "file": file.display().to_string(),
        "episodes": contents.episodes,
        "audit_records": contents.audit_records,
        "schema_version": contents.schema_version,
    });
    AuditEntry::new(&Actor::system(&action.replace("database.", "lantern ")), action).after(&detail)
}

/// Checks the backup in `file` and, only if it passes, puts it in place of the database at `location`
/// (brought forward by this version's migrations); `replace` allows replacing an existing database,
/// which is kept aside rather than deleted.
pub async fn restore_database(
    file: &Path,
    location: &DatabaseLocation,
    replace: bool,
) -> Result<RestoreReport, BackupError> {
    if !file.is_file() {
        return Err(BackupError::NoDatabase(file.to_owned()));
    }
    match location {
        DatabaseLocation::Sqlite(path) => {
            if files::same_file(path, file) {
                return Err(BackupError::SameFile(path.clone()));
            }
            sqlite::restore(file, path, replace).await
        }
        DatabaseLocation::Postgres(url) => postgres::restore(file, url, replace).await,
    }
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `file` while others keep using it. The copy
    /// appears under its name only once it has passed the integrity check and audit verification.
    pub async fn backup_to(&self, file: &Path, replace: bool) -> Result<BackupReport, BackupError> {
        if self.backend != crate::Backend::Sqlite {
            return Err(BackupError::Unsupported(
                "Store::backup_to copies SQLite; PostgreSQL is copied by pg_dump",
            ));
        }
        if !replace && file.exists() {
            return Err(BackupError::Exists(file.display().to_string()));
        }
        let partial = files::Partial::new(file)?;
        let target = partial.path().to_str().ok_or_else(|| BackupError::Io {
            action: "name",
            path: file.to_owned(),
            source: std::io::Error::other("the path is not valid UTF-8"),
        })?;
        sqlx::query("VACUUM INTO $1").bind(target.to_owned()).execute(&self.pool).await?;
        let contents = sqlite::check_copy(partial.path(), &file.display().to_string()).await?;
        let bytes = partial.finish()?;
        Ok(BackupReport { file: file.to_owned(), bytes, contents })
    }
}

/// Verifies the audit chain in a copy and reads what it holds.
async fn prove(store: &Store, name: &str) -> Result<BackupContents, BackupError> {
    store.verify_audit().await?.map_err(|found| BackupError::AuditBroken { path: name.to_owned(), found })?;
    let count = |sql: &'static str| async move {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&store.pool).await?;
        Ok::<_, BackupError>(n)
    };
    Ok(BackupContents {
        episodes: count("SELECT COUNT(*) FROM episodes").await?,
        audit_records: count("SELECT COUNT(*) FROM audit_events").await?,
        schema_version: count("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").await?,
    })
}

/// Refuses a copy with a migration this version does not have: a newer Lantern wrote it.
fn all_known(applied: &[i64], migrator: &sqlx::migrate::Migrator, name: &str) -> Result<(), BackupError> {
    match applied.iter().find(|v| !migrator.iter().any(|m| m.version == **v)) {
        Some(version) => Err(BackupError::NewerSchema { path: name.to_owned(), version: *version }),
        None => Ok(()),
    }
}
