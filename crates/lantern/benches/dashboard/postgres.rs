//! The PostgreSQL row: the generated ICB copied into a new database on the store's test server, so
//! both backends answer the same questions from the same data. The schema comes from
//! `Store::migrate`, the practices and staff go through the Store API (as for SQLite), and every row of
//! the episode and rollup tables is copied from the SQLite database with `COPY … FROM STDIN` (CSV, each
//! cell as SQLite holds it). The database is dropped when the size is done.

use crate::model::Icb;
use lantern_core::audit::Actor;
use lantern_store::DatabaseLocation;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Executor, Row};
use std::fmt::Display;
use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

/// Copied in this order (rows before the rows that point at them).
const TABLES: [&str; 6] = [
    "episodes",
    "episode_versions",
    "episode_helpers",
    "episode_services",
    "episode_rollups",
    "episode_rollups_monthly",
];

/// Bytes of CSV sent to the server at a time.
const CHUNK: usize = 8 << 20;
/// Rows read from SQLite at a time.
const PAGE: usize = 20_000;
/// The longest a page read or a send may take. At 10M a copy once sat 24 minutes with the server
/// waiting for data and nothing said; a step this slow is a stall, and the run stops naming it.
const STEP: Duration = Duration::from_secs(300);
/// The longest the server may take to end a table's `COPY`: it checks every copied row's foreign keys
/// then, which for 10M rows takes minutes.
const FINISH: Duration = Duration::from_secs(3_600);

pub struct Copied {
    pub location: DatabaseLocation,
    pub rows: u64,
    pub seconds: f64,
}

/// Whether the PostgreSQL row runs: the store's test server answers and `LANTERN_BENCH_POSTGRES` is
/// not `0`.
pub fn wanted() -> bool {
    std::env::var("LANTERN_BENCH_POSTGRES").map_or(true, |v| v.trim() != "0")
        && lantern_store::testing::postgres_server_url().is_some()
}

/// A new PostgreSQL database holding what `sqlite` holds for `icb`.
pub async fn copy(sqlite: &Path, icb: &Icb) -> Copied {
    let started = Instant::now();
    let db = lantern_store::testing::postgres().await.expect("the PostgreSQL server answered");
    let actor = Actor::system("dashboard benchmark");
    for p in &icb.practices {
        db.store.upsert_practice(&p.practice, true, &actor).await.expect("practice");
        for member in &p.staff {
            db.store.add_staff(member, &actor).await.expect("staff");
        }
    }
    db.store.close().await;
    let DatabaseLocation::Postgres(url) = &db.location else {
        unreachable!("testing::postgres makes PostgreSQL databases")
    };
    let mut pg = PgConnection::connect(url).await.expect("connect to the new database");
    let options = SqliteConnectOptions::new().filename(sqlite).read_only(true);
    let mut lite = SqliteConnection::connect_with(&options).await.expect("open the SQLite database");
    let mut rows = 0;
    for table in TABLES {
        rows += copy_table(&mut lite, &mut pg, table).await;
    }
    pg.execute("ANALYZE").await.expect("analyze");
    pg.close().await.expect("close");
    lite.close().await.expect("close");
    Copied { location: db.location.clone(), rows, seconds: started.elapsed().as_secs_f64() }
}

/// `step`'s outcome, or a panic naming `what` when it fails or takes longer than `limit`.
async fn within<T, E: Display>(
    limit: Duration,
    what: impl Fn() -> String,
    step: impl Future<Output = Result<T, E>>,
) -> T {
    match tokio::time::timeout(limit, step).await {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => panic!("PostgreSQL copy: {} failed: {e}", what()),
        Err(_) => {
            panic!("PostgreSQL copy: {} took over {} s, so the copy has stalled", what(), limit.as_secs())
        }
    }
}

async fn copy_table(lite: &mut SqliteConnection, pg: &mut PgConnection, table: &str) -> u64 {
    let started = Instant::now();
    let columns: Vec<String> =
        sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
            .fetch_all(&mut *lite)
            .await
            .expect("columns")
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
    let select = columns.iter().map(|c| format!("CAST({c} AS TEXT)")).collect::<Vec<_>>().join(", ");
    let statement = format!("COPY {table} ({}) FROM STDIN WITH (FORMAT csv)", columns.join(", "));
    let mut copy = within(STEP, || format!("starting {statement}"), pg.copy_in_raw(&statement)).await;
    let mut buffer = String::with_capacity(CHUNK + 4096);
    let mut rows: u64 = 0;
    // Pages by rowid: the tables are ordinary rowid tables, and a page is one indexed range read.
    let sql = format!("SELECT rowid, {select} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT {PAGE}");
    let mut after = 0_i64;
    loop {
        let read = sqlx::query(&sql).bind(after).fetch_all(&mut *lite);
        let page = within(
            STEP,
            || format!("reading {table} from SQLite after rowid {after} ({rows} rows copied)"),
            read,
        )
        .await;
        let Some(last) = page.last() else { break };
        after = last.get::<i64, _>(0);
        for row in &page {
            for i in 0..columns.len() {
                if i > 0 {
                    buffer.push(',');
                }
                // Unquoted empty is NULL in CSV COPY; a quoted cell is text, even when empty.
                if let Some(cell) = row.get::<Option<String>, _>(i + 1) {
                    buffer.push('"');
                    buffer.push_str(&cell.replace('"', "\"\""));
                    buffer.push('"');
                }
            }
            buffer.push('\n');
            rows += 1;
        }
        if buffer.len() >= CHUNK {
            let what =
                || format!("sending {table} rows up to rowid {after} to the server ({rows} rows read)");
            within(STEP, what, copy.send(buffer.as_bytes())).await;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        within(STEP, || format!("sending the last {table} rows to the server"), copy.send(buffer.as_bytes()))
            .await;
    }
    let stored = within(FINISH, || format!("the server ending the COPY of {table}"), copy.finish()).await;
    assert_eq!(stored, rows, "PostgreSQL copy: the server stored {stored} {table} rows of the {rows} sent");
    println!("               {table}: {rows} rows in {:.0} s", started.elapsed().as_secs_f64());
    rows
}

/// Drops the database the copy made (it can be many gigabytes).
pub async fn drop(location: &DatabaseLocation) {
    let DatabaseLocation::Postgres(url) = location else { return };
    let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_owned();
    let server = lantern_store::testing::postgres_server_url().expect("server");
    let mut admin = PgConnection::connect(&server).await.expect("connect to the server");
    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.expect("drop");
    admin.close().await.expect("close");
}
