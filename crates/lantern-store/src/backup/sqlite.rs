//! SQLite copies: checking one, and putting a checked one in place of a database.

use super::{files, BackupContents, BackupError, RestoreReport};
use crate::{Backend, DatabaseLocation, Store};
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};
use std::path::Path;
use std::time::Duration;

const HEADER: &[u8; 16] = b"SQLite format 3\0";

fn label(path: &Path) -> String {
    path.display().to_string()
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new().filename(path).create_if_missing(false).busy_timeout(Duration::from_secs(10))
}

/// Checks a copy of a Lantern database without trusting it: a SQLite file, passing the integrity and
/// foreign key checks, with a migration history (only of migrations this version knows, when it is to be
/// restored: a backup copies whatever it finds). Leaves it in rollback-journal mode, so the one file is
/// the whole database. Returns how many migrations it has.
async fn check_file(path: &Path, name: &str, restoring: bool) -> Result<usize, BackupError> {
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::UnexpectedEof => BackupError::NotSqlite(name.to_owned()),
            _ => BackupError::Io { action: "read", path: path.to_owned(), source },
        });
    read?;
    if &header != HEADER {
        return Err(BackupError::NotSqlite(name.to_owned()));
    }
    let damaged = |e: sqlx::Error| BackupError::Damaged { path: name.to_owned(), detail: e.to_string() };
    let mut conn = options(path).foreign_keys(false).connect().await.map_err(damaged)?;
    let checked = check_open(&mut conn, name, restoring).await;
    conn.close().await.map_err(damaged)?;
    checked
}

async fn check_open(conn: &mut SqliteConnection, name: &str, restoring: bool) -> Result<usize, BackupError> {
    let damaged = |detail: String| BackupError::Damaged { path: name.to_owned(), detail };
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut *conn)
        .await
        .map_err(|e| damaged(e.to_string()))?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check(10)")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| damaged(e.to_string()))?;
    if problems != ["ok"] {
        return Err(damaged(problems.join("; ")));
    }
    let orphans = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *conn).await;
    let orphans = orphans.map_err(|e| damaged(e.to_string()))?;
    if let Some(first) = orphans.first() {
        let table: String = first.try_get(0).unwrap_or_default();
        return Err(damaged(format!(
            "{} rows refer to rows that are missing (first in {table})",
            orphans.len()
        )));
    }
    let history: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut *conn)
    .await?;
    if history.is_none() {
        return Err(BackupError::NotLantern(name.to_owned()));
    }
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await?;
    if restoring {
        super::all_known(&applied, &crate::SQLITE_MIGRATIONS, name)?;
    }
    Ok(applied.len())
}

/// Opens a checked copy without writing to it (no journal, no migrations).
async fn open_read_only(path: &Path) -> Result<Store, BackupError> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let pool = AnyPoolOptions::new().max_connections(1).connect(&url).await?;
    Ok(Store {
        pool,
        backend: Backend::Sqlite,
        write_lock: Default::default(),
        group: Default::default(),
        settings_cache: Default::default(),
    })
}

/// Proves a freshly written backup: intact, known migrations, audit chain unbroken.
pub(super) async fn check_copy(path: &Path, name: &str) -> Result<BackupContents, BackupError> {
    check_file(path, name, false).await?;
    let store = open_read_only(path).await?;
    let proven = super::prove(&store, name).await;
    release(store).await;
    proven
}

pub(super) async fn restore(file: &Path, target: &Path, replace: bool) -> Result<RestoreReport, BackupError> {
    if !replace && target.exists() {
        return Err(BackupError::Exists(label(target)));
    }
    let partial = files::Partial::new(target)?;
    std::fs::copy(file, partial.path()).map_err(|source| BackupError::Io {
        action: "copy",
        path: file.to_owned(),
        source,
    })?;
    let had = check_file(partial.path(), &label(file), true).await?;
    let store = Store::connect(&DatabaseLocation::Sqlite(partial.path().to_owned())).await?;
    let proven = async {
        store.migrate().await?;
        let contents = super::prove(&store, &label(file)).await?;
        super::record(&store, super::entry("database.restore", file, &contents)).await?;
        Ok::<_, BackupError>(contents)
    }
    .await;
    release(store).await;
    let contents = proven?;
    let has = fold_journal(partial.path()).await?;

    if target.exists() {
        ensure_not_in_use(target).await?;
    }
    let previous = files::set_aside(target)?;
    if let Err(e) = partial.finish() {
        if let Some(previous) = &previous {
            let _ = std::fs::rename(previous, target);
        }
        return Err(e);
    }
    Ok(RestoreReport {
        database: DatabaseLocation::Sqlite(target.to_owned()),
        contents,
        migrations_applied: usize::try_from(has).unwrap_or(0).saturating_sub(had),
        previous: previous.map(|p| label(&p)),
    })
}

/// Closes a store and drops it. sqlx's `Pool::close` can return while a connection is still on its
/// way back to the pool, and that connection then sits in the closed pool's idle queue, holding the
/// file open for as long as the pool lives (sqlx issue 3217). Dropping the last handle frees it.
async fn release(store: Store) {
    store.close().await;
    drop(store);
}

/// Folds the write-ahead log that opening a copy made back into the one file; returns how many
/// migrations it now has. A connection of the released pool may take a moment to let go of the
/// file, so a busy answer is tried again.
async fn fold_journal(path: &Path) -> Result<i64, BackupError> {
    let mut attempts = 0;
    loop {
        let mut conn = options(path).connect().await?;
        let folded = sqlx::query("PRAGMA journal_mode = DELETE").execute(&mut conn).await;
        let result = match folded {
            Ok(_) => sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut conn).await,
            Err(e) => Err(e),
        };
        conn.close().await?;
        match result {
            Err(e) if super::busy(&e) && attempts < 300 => attempts += 1,
            other => return Ok(other?),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Refuses a database another connection holds open. Leaving write-ahead-log mode needs the only
/// connection, and `lantern serve` keeps its connections open, so a running server makes this fail.
async fn ensure_not_in_use(path: &Path) -> Result<(), BackupError> {
    let attempt = async {
        let mut conn = options(path).busy_timeout(Duration::from_millis(500)).connect().await?;
        let result = async {
            sqlx::query("PRAGMA journal_mode = DELETE").execute(&mut conn).await?;
            sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
            sqlx::query("ROLLBACK").execute(&mut conn).await
        }
        .await;
        conn.close().await?;
        result.map(drop)
    };
    match attempt.await {
        Err(e) if super::busy(&e) => Err(BackupError::InUse(label(path))),
        // A database too damaged to open is what a restore is for: it is set aside all the same.
        Err(e) => {
            tracing::warn!("replacing {} which cannot be opened: {e}", path.display());
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}
