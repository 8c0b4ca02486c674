//! Lantern's persistence. One [`Store`] serves both backends through sqlx's `Any` driver: the SQL is
//! written once in the dialect both SQLite and PostgreSQL accept (`$1` parameters, text timestamps,
//! integer flags), while connection setup and migrations are per backend. The contract tests run the
//! same suite against both.

mod accounts;
mod audit;
mod audit_actions;
mod backup;
mod costs;
mod episodes;
mod error;
mod group_commit;
mod guides;
mod import;
mod list;
mod location;
mod network;
mod observation;
mod offers;
mod oidc;
mod oidc_decisions;
mod oidc_roles;
mod ownership;
mod practices;
mod rollups;
mod rows;
mod settings_cache;
mod sql;
mod strategy;
mod submissions;
#[cfg(feature = "testing")]
pub mod testing;
mod uptake;

pub use accounts::{ApiTokenInfo, SessionRecord};
pub use audit::AuditFilter;
pub use backup::{
    backup_database, postgres_guidance, restore_database, BackupContents, BackupError, BackupReport,
    RestoreReport,
};
pub use error::StoreError;
pub use group_commit::CommitCounts;
pub use import::{ImportRow, ImportSummary};
pub use list::{EpisodeFilter, EpisodePage, MAX_PAGE};
pub use location::{Backend, DatabaseLocation};
pub use network::NetworkPractice;
pub use observation::{
    BatchOutcome, ObservationError, ObservationSession, SessionTimeline, StudyRecord, MAX_BATCH_EVENTS,
};
pub use offers::OfferHelp;
pub use oidc::{IdentityStatus, OidcIdentity, PendingLogin, SignInClaim, NO_PASSWORD};
pub use practices::PracticeSettings;
pub use rollups::RollupDifference;
pub use strategy::Acknowledgement;
pub use submissions::Submitted;
pub use uptake::{
    cbt_daily_flag_source, AccessRowCounts, AppointmentShare, CbtDailyBatch, CbtDailyWriteSummary, ImdRow,
    PomiBatch, PomiImport, ReferenceBatch, ReferenceRowCounts, RegistrationRow, UptakeFlag, UptakeName,
    UptakeRowCounts, UptakeWriteSummary,
};

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;
use std::sync::Arc;
use tokio::sync::Mutex;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer; queueing writers here (instead of in SQLite's busy handler) keeps
    /// transactions that read before they write from failing with SQLITE_BUSY under load.
    write_lock: Arc<Mutex<()>>,
    /// Episode writes waiting to share the next commit.
    group: Arc<group_commit::GroupCommit>,
    /// Practices and their settings as read on every request, emptied by every settings write.
    settings_cache: Arc<settings_cache::SettingsCache>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

/// Switching into write-ahead-log mode needs a moment alone with the file, and SQLite answers busy at
/// once instead of waiting out the busy timeout (sqlx explains this beside its `journal_mode`
/// default), so a busy answer is tried again. Already in WAL mode, the switch is a no-op.
async fn enter_wal(pool: &AnyPool) -> Result<(), sqlx::Error> {
    let mut attempts = 0;
    loop {
        match pool.execute("PRAGMA journal_mode = WAL").await {
            Err(e) if error::busy(&e) && attempts < 100 => attempts += 1,
            other => return other.map(drop),
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

impl Store {
    /// Opens (creating if needed) the database named by `location`.
    pub async fn connect(location: &DatabaseLocation) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = location.backend();
        let options = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        });
        let options = match backend {
            // Durable commits (synchronous=FULL) so that nothing acknowledged is lost on power failure.
            Backend::Sqlite => options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(&location.sqlx_url()).await?;
        if backend == Backend::Sqlite {
            enter_wal(&pool).await?;
        }
        Ok(Self {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            group: Arc::default(),
            settings_cache: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies this backend's migrations; safe to run on every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                // Each migration commits on its own. With synchronous=NORMAL in WAL mode a commit is
                // atomic but waits for no sync, which for a new database's fifteen migrations saves
                // thirty-odd syncs; the first synchronous=FULL commit after them (any write the store
                // acknowledges) syncs the log, and so them, before it returns. A connection that
                // fails here is dropped, never handed back to the pool with the weaker setting.
                let mut conn = self.pool.acquire().await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                let migrated = SQLITE_MIGRATIONS.run(&mut *conn).await;
                let restored = conn.execute("PRAGMA synchronous = FULL").await;
                if migrated.is_err() || restored.is_err() {
                    drop(conn.detach());
                }
                migrated?;
                restored?;
            }
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        if self.rollups_missing().await? {
            self.rebuild_rollups().await?;
        }
        self.fill_uptake_totals().await?;
        Ok(())
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction, serialising writers on SQLite.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, StoreError> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().await),
            Backend::Postgres => None,
        };
        // IMMEDIATE takes SQLite's write lock at the start (waiting out the busy timeout), so a
        // transaction that reads before it writes cannot fail when another process (a CLI command
        // beside the server) commits in between, as a deferred BEGIN would.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _guard: guard })
    }
}

pub(crate) struct WriteTx<'a> {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}
