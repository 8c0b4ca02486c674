//! PostgreSQL copies through its own tools: `pg_dump --format=custom` to write one, `pg_restore` to
//! read one. Every archive is proven by restoring it into a scratch database on the same server and
//! verifying it there; a restore then swaps databases by renaming, so the old one is kept, not dropped.

use super::pg_url::{database_name, password, with_database, without_password};
use super::{files, BackupContents, BackupError, BackupReport, RestoreReport};
use crate::{DatabaseLocation, Store};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::path::Path;

/// The commands to run by hand where Lantern cannot run them.
pub fn guidance(url: &str) -> String {
    let options: Option<sqlx::postgres::PgConnectOptions> = url.parse().ok();
    let (host, port, user) = options
        .as_ref()
        .map(|o| (o.get_host().to_owned(), o.get_port(), o.get_username().to_owned()))
        .unwrap_or_else(|| ("HOST".into(), 5432, "USER".into()));
    let db = database_name(url);
    let shown = DatabaseLocation::Postgres(url.to_owned());
    format!(
        "Back up with PostgreSQL's own tools, in the custom format pg_restore reads:\n  \
         pg_dump --format=custom --host={host} --port={port} --username={user} --file=lantern.dump {db}\n\
         Restore into an existing database (this replaces what is in it):\n  \
         pg_restore --clean --if-exists --no-owner --host={host} --port={port} --username={user} --dbname={db} lantern.dump\n\
         Then check the restored audit trail:\n  \
         lantern audit verify --database {shown}"
    )
}

pub(super) async fn backup(url: &str, file: &Path, replace: bool) -> Result<BackupReport, BackupError> {
    if !replace && file.exists() {
        return Err(BackupError::Exists(file.display().to_string()));
    }
    let partial = files::Partial::new(file)?;
    let mut dump = vec!["--format=custom".to_owned(), "--no-password".to_owned()];
    dump.push(format!("--file={}", partial.path().display()));
    dump.push(format!("--dbname={}", without_password(url)));
    run("pg_dump", &dump, url).await?;
    let admin = Admin::connect(url).await?;
    let scratch = admin.scratch_name(&database_name(url));
    let proven = admin.restore_into(&scratch, url, partial.path(), &file.display().to_string()).await;
    admin.drop_database(&scratch).await?;
    let (contents, _) = proven?;
    let bytes = partial.finish()?;
    Ok(BackupReport { file: file.to_owned(), bytes, contents })
}

pub(super) async fn restore(file: &Path, url: &str, replace: bool) -> Result<RestoreReport, BackupError> {
    let target = database_name(url);
    let admin = Admin::connect(url).await?;
    let holds_data = admin.holds_data(url, &target).await?;
    if holds_data == Some(true) && !replace {
        return Err(BackupError::Exists(format!("the database {target}")));
    }
    let scratch = admin.scratch_name(&target);
    let proven = match admin.restore_into(&scratch, url, file, &file.display().to_string()).await {
        Ok((contents, applied)) => {
            record_restore(url, &scratch, file, &contents).await.map(|()| (contents, applied))
        }
        Err(e) => Err(e),
    };
    let swapped = match proven {
        Ok(proven) => admin.swap(&scratch, &target, holds_data).await.map(|previous| (proven, previous)),
        Err(e) => Err(e),
    };
    if swapped.is_err() {
        admin.drop_database(&scratch).await?;
    }
    let ((contents, migrations_applied), previous) = swapped?;
    admin.pool.close().await;
    Ok(RestoreReport {
        database: DatabaseLocation::Postgres(url.to_owned()),
        contents,
        migrations_applied,
        previous,
    })
}

async fn record_restore(
    url: &str,
    scratch: &str,
    file: &Path,
    contents: &BackupContents,
) -> Result<(), BackupError> {
    let store = Store::connect(&DatabaseLocation::Postgres(with_database(url, scratch))).await?;
    let recorded = super::record(&store, super::entry("database.restore", file, contents)).await;
    store.close().await;
    recorded
}

/// A connection to the server's maintenance database, from which databases are created and renamed.
struct Admin {
    pool: AnyPool,
}

impl Admin {
    async fn connect(url: &str) -> Result<Self, BackupError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new().max_connections(1).connect(&with_database(url, "postgres")).await?;
        Ok(Self { pool })
    }

    fn scratch_name(&self, target: &str) -> String {
        let stem: String = target.chars().take(30).collect();
        format!("{stem}_restoring_{}_{}", files::timestamp().to_lowercase(), std::process::id())
    }

    /// None when there is no such database; otherwise whether it has any tables.
    async fn holds_data(&self, url: &str, name: &str) -> Result<Option<bool>, BackupError> {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        if exists == 0 {
            return Ok(None);
        }
        let pool = AnyPoolOptions::new().max_connections(1).connect(url).await?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        )
        .fetch_one(&pool)
        .await?;
        pool.close().await;
        Ok(Some(tables > 0))
    }

    /// Restores `archive` into a new database `name` and proves it there, brought forward by this
    /// version's migrations; returns what it holds and how many migrations that took.
    async fn restore_into(
        &self,
        name: &str,
        url: &str,
        archive: &Path,
        label: &str,
    ) -> Result<(BackupContents, usize), BackupError> {
        let damaged = |e: BackupError| match e {
            BackupError::Tool { detail, .. } => BackupError::Damaged { path: label.to_owned(), detail },
            other => other,
        };
        run("pg_restore", &["--list".to_owned(), archive.display().to_string()], url)
            .await
            .map_err(damaged)?;
        self.pool.execute(format!("CREATE DATABASE {}", quoted(name)).as_str()).await?;
        let scratch = with_database(url, name);
        let mut load =
            ["--no-owner", "--no-privileges", "--no-password", "--exit-on-error", "--single-transaction"]
                .map(str::to_owned)
                .to_vec();
        load.push(format!("--dbname={}", without_password(&scratch)));
        load.push(archive.display().to_string());
        run("pg_restore", &load, url).await.map_err(damaged)?;
        let store = Store::connect(&DatabaseLocation::Postgres(scratch)).await?;
        let proven = prove_forward(&store, label).await;
        store.close().await;
        proven
    }

    /// Puts `scratch` in place of `target`, keeping a target that held data under a new name.
    async fn swap(
        &self,
        scratch: &str,
        target: &str,
        held: Option<bool>,
    ) -> Result<Option<String>, BackupError> {
        let mut previous = None;
        if held.is_some() {
            self.ensure_unused(target).await?;
            if held == Some(true) {
                let stem: String = target.chars().take(30).collect();
                let aside = format!("{stem}_before_restore_{}", files::timestamp().to_lowercase());
                self.rename(target, &aside).await?;
                previous = Some(aside);
            } else {
                self.drop_database(target).await?;
            }
        }
        self.rename(scratch, target).await?;
        Ok(previous)
    }

    /// Refuses a database with sessions open on it (a running server), after giving sessions that
    /// are just closing a moment to go.
    async fn ensure_unused(&self, name: &str) -> Result<(), BackupError> {
        for _ in 0..10 {
            let sessions: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1")
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await?;
            if sessions == 0 {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        Err(BackupError::InUse(format!("the database {name}")))
    }

    async fn rename(&self, from: &str, to: &str) -> Result<(), BackupError> {
        let sql = format!("ALTER DATABASE {} RENAME TO {}", quoted(from), quoted(to));
        self.pool.execute(sql.as_str()).await?;
        Ok(())
    }

    async fn drop_database(&self, name: &str) -> Result<(), BackupError> {
        self.pool.execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quoted(name)).as_str()).await?;
        Ok(())
    }
}

async fn prove_forward(store: &Store, label: &str) -> Result<(BackupContents, usize), BackupError> {
    let history: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations'",
    )
    .fetch_one(&store.pool)
    .await?;
    if history == 0 {
        return Err(BackupError::NotLantern(label.to_owned()));
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations").fetch_all(&store.pool).await?;
    super::all_known(&applied, &crate::POSTGRES_MIGRATIONS, label)?;
    store.migrate().await?;
    let contents = super::prove(store, label).await?;
    let now: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&store.pool).await?;
    Ok((contents, usize::try_from(now).unwrap_or(0).saturating_sub(applied.len())))
}

/// Runs a PostgreSQL client tool, handing it the URL's password through the environment rather than
/// its command line (which other users of the machine can read).
async fn run(tool: &'static str, args: &[String], url: &str) -> Result<(), BackupError> {
    let mut command = std::process::Command::new(tool);
    command.args(args).stdin(std::process::Stdio::null());
    if let Some(password) = password(url) {
        command.env("PGPASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| BackupError::Tool { tool, detail: e.to_string() })?;
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BackupError::ToolMissing(tool)),
        Err(e) => return Err(BackupError::Tool { tool, detail: e.to_string() }),
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let detail = stderr.lines().filter(|l| !l.trim().is_empty()).take(5).collect::<Vec<_>>().join("; ");
    Err(BackupError::Tool { tool, detail: format!("{} ({})", detail, output.status) })
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guidance_names_the_server_and_never_the_password() {
        let text = guidance("postgres://lantern:s3cret@db.example:5433/practice");
        assert!(
            text.contains("pg_dump --format=custom --host=db.example --port=5433 --username=lantern"),
            "{text}"
        );
        assert!(text.contains("lantern audit verify"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
