//! Fresh, migrated databases for tests in any crate: a temporary SQLite file, or a new PostgreSQL
//! database on the server named by `LANTERN_TEST_POSTGRES_URL` (set by `scripts/test`), falling back
//! to the machine's local server at 127.0.0.1:5432.

use crate::{DatabaseLocation, Store};
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::path::PathBuf;

mod skip;
pub use skip::{ci, skip, MARKER};

/// A migrated store plus whatever keeps its database alive.
pub struct TestDatabase {
    pub store: Store,
    pub location: DatabaseLocation,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A practice for tests that need one to exist: named "Test", list size 100, no PCN or ICB.
    pub async fn practice(&self, code: &str) -> OdsCode {
        let ods_code = OdsCode::parse(code).expect("a valid ODS code");
        let practice = Practice {
            ods_code: ods_code.clone(),
            name: "Test".into(),
            pcn: None,
            icb: None,
            list_size: 100,
        };
        self.store.upsert_practice(&practice, false, &Actor::system("setup")).await.expect("practice");
        ods_code
    }

    /// Runs SQL behind the store's back, as someone with direct database access could (used to prove
    /// that tampering is detected).
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(self.store.pool.execute(sql).await?.rows_affected())
    }
}

pub async fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path: PathBuf = dir.path().join("lantern.db");
    let location = DatabaseLocation::Sqlite(path);
    let store = Store::connect(&location).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDatabase { store, location, _dir: Some(dir) }
}

/// The server tests create their databases on, or None when there is none, recorded as a skip (see
/// [`skip`]): under CI a missing server fails the test instead.
pub fn postgres_server_url() -> Option<String> {
    if let Ok(url) = std::env::var("LANTERN_TEST_POSTGRES_URL") {
        if !url.trim().is_empty() {
            return Some(url);
        }
    }
    let fallback = "postgres://postgres@127.0.0.1:5432/test";
    if std::net::TcpStream::connect("127.0.0.1:5432").is_ok() {
        return Some(fallback.to_owned());
    }
    skip("PostgreSQL: LANTERN_TEST_POSTGRES_URL is unset and nothing listens on 127.0.0.1:5432");
    None
}

/// A new, empty, migrated database of its own for one test; None (recorded as a skip, a failure under
/// CI) when there is no server.
pub async fn postgres() -> Option<TestDatabase> {
    let server = postgres_server_url()?;
    sqlx::any::install_default_drivers();
    let admin =
        AnyPoolOptions::new().max_connections(1).connect(&server).await.expect("connect to PostgreSQL");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    sweep_stale(&admin, now).await;
    let name = format!("lantern_test_{now}_{}", uuid::Uuid::new_v4().simple());
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
    admin.close().await;
    let url = replace_database(&server, &name);
    let location = DatabaseLocation::parse(&url).expect("postgres url");
    let store = Store::connect(&location).await.expect("open PostgreSQL");
    store.migrate().await.expect("migrate PostgreSQL");
    Some(TestDatabase { store, location, _dir: None })
}

/// A test's database outlives it (its store may still be open as the test ends), so each new one first
/// drops those made more than [`STALE_AFTER`] seconds ago, as their names tell, and those named before
/// names told (`lantern_test_` and 32 hex digits). A plain `DROP DATABASE` refuses one still in use,
/// and two runs sweeping at once find the other's drops done: either is simply passed over.
async fn sweep_stale(admin: &sqlx::AnyPool, now: u64) {
    let rows = sqlx::query("SELECT datname::text FROM pg_database WHERE datname LIKE 'lantern\\_test\\_%'")
        .fetch_all(admin)
        .await
        .expect("list the test databases");
    for row in rows {
        let name: String = sqlx::Row::try_get(&row, 0).expect("a database name");
        if is_stale(&name, now) {
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name}").as_str()).await;
        }
    }
}

/// Six hours: far longer than any test runs.
const STALE_AFTER: u64 = 6 * 60 * 60;

fn is_stale(name: &str, now: u64) -> bool {
    let Some(rest) = name.strip_prefix("lantern_test_") else { return false };
    match rest.split_once('_') {
        Some((made, _)) => made.parse::<u64>().is_ok_and(|made| made + STALE_AFTER < now),
        None => rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()),
    }
}

fn replace_database(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').map_or((server, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs each named test of a file twice, as `sqlite::name` and `postgres::name`: the one contract suite
/// on both backends (without a PostgreSQL server the second is recorded as skipped, or fails under
/// CI). Each is an `async fn(Store)`, or, after `database:`, an `async fn(TestDatabase)` for tests that
/// need the database itself.
#[macro_export]
macro_rules! contract {
    (database: $($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::testing::sqlite().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(db) = $crate::testing::postgres().await { super::$name(db).await; }
            })*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::testing::sqlite().await.store).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(db) = $crate::testing::postgres().await { super::$name(db.store).await; }
            })*
        }
    };
}

#[cfg(test)]
mod tests {
    /// A database left by a test long ago is gone once the next test makes its own.
    #[tokio::test]
    async fn a_new_test_database_sweeps_away_stale_ones() {
        use sqlx::Executor;
        let Some(server) = super::postgres_server_url() else { return };
        sqlx::any::install_default_drivers();
        let admin = super::AnyPoolOptions::new().max_connections(1).connect(&server).await.expect("connect");
        let stale = format!("lantern_test_1_{}", uuid::Uuid::new_v4().simple());
        admin.execute(format!("CREATE DATABASE {stale}").as_str()).await.expect("create");
        let exists = || async {
            sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(stale.clone())
                .fetch_optional(&admin)
                .await
                .expect("query")
                .is_some()
        };
        assert!(exists().await);
        let fresh = super::postgres().await.expect("a server");
        assert!(!exists().await, "{stale} was not swept");
        drop(fresh);
    }

    #[test]
    fn only_old_test_databases_are_stale() {
        let now = 1_800_000_000;
        assert!(super::is_stale("lantern_test_1799970000_0123abcd", now), "over six hours old");
        assert!(!super::is_stale("lantern_test_1799990000_0123abcd", now), "under three hours old");
        assert!(
            super::is_stale(&format!("lantern_test_{}", "a1".repeat(16)), now),
            "named before names told"
        );
        assert!(!super::is_stale("lantern_test_notes", now));
        assert!(!super::is_stale("test", now));
    }

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(super::replace_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            super::replace_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(super::replace_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
