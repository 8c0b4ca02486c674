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
use std::path::Path;
use std::time::Instant;

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

async fn copy_table(lite: &mut SqliteConnection, pg: &mut PgConnection, table: &str) -> u64 {
    let columns: Vec<String> =
        sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
            .fetch_all(&mut *lite)
            .await
            .expect("columns")
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
    let select = columns.iter().map(|c| format!("CAST({c} AS TEXT)")).collect::<Vec<_>>().join(", ");
    let mut copy = pg
        .copy_in_raw(&format!("COPY {table} ({}) FROM STDIN WITH (FORMAT csv)", columns.join(", ")))
        .await
        .expect("start COPY");
    let mut buffer = String::with_capacity(CHUNK + 4096);
    let mut rows = 0;
    // Pages by rowid: the tables are ordinary rowid tables, and a page is one indexed range read.
    let sql = format!("SELECT rowid, {select} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT {PAGE}");
    let mut after = 0_i64;
    loop {
        let page = sqlx::query(&sql).bind(after).fetch_all(&mut *lite).await.expect("read a page");
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
            copy.send(buffer.as_bytes()).await.expect("send rows");
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await.expect("send rows");
    }
    copy.finish().await.expect("finish COPY");
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
