//! How fast can Lantern take episodes? Three measurements of the same write, from the outside in:
//!
//! 1. HTTP: `POST /api/v1/episodes` end to end against the real `lantern serve` binary (release build
//!    under `cargo bench`), from concurrent clients with a demo account's API token, on a freshly
//!    seeded SQLite demo database.
//! 2. Store: what the POST handler does, without HTTP, JSON or authentication: read the practice's
//!    settings, validate, `Store::create_episode` (the episode's rows and its audit record in one
//!    transaction, then the record read back).
//! 3. Raw SQLite through sqlx with the store's pragmas (WAL, synchronous=FULL), one transaction per
//!    episode on one connection: (a) one `episode_versions`-shaped row; (b) everything the store writes
//!    for a new episode (four rows plus the hash-chained audit record). SQLite has one writer at a time,
//!    so one connection is its best case.
//!
//! 4. The same on PostgreSQL when the store's test server is there (a new database each): HTTP, the
//!    store in-process, and raw one-row transactions on one connection.
//!
//! Run with `cargo bench -p lantern --bench post_episodes` (or `bench/post-episodes`). Settings:
//! `LANTERN_BENCH_REQUESTS` (default 5000 measured episodes per measurement), `LANTERN_BENCH_CLIENTS`
//! (50), `LANTERN_BENCH_WARMUP` (200), `LANTERN_BENCH_DIR` (where the databases go; default a temporary
//! directory under Cargo's target directory, i.e. on the project's disk, not a tmpfs),
//! `LANTERN_BENCH_POSTGRES=0` (leave PostgreSQL out).
//! Without `--bench` (as under `cargo test --benches`) it makes a small smoke run instead.
//!
//! It prints figures and asserts nothing about them, but exits non-zero if any request failed.

#[path = "support/machine.rs"]
mod machine;
#[path = "support/server.rs"]
mod server;

use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::episode::{EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use lantern_store::{Backend, DatabaseLocation, Store};
use serde_json::json;
use server::{api_token, bearer_client, seed_demo, Server, LANTERN};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, Executor, SqliteConnection};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const PRACTICE: &str = "Y99901";
/// A demo account that logs episodes at [`PRACTICE`].
const ACCOUNT: &str = "reception@demo";
const HTTP: &str = "HTTP POST /api/v1/episodes (server process)";
const STORE: &str = "Store: settings + validate + create_episode (in-process)";
const RAW_PG_ONE: &str = "Raw PostgreSQL: 1 episode_versions row per transaction";
const RAW_STORE: &str = "Raw SQLite: the store's rows + audit record, 1 tx";
const RAW_ONE: &str = "Raw SQLite: 1 episode_versions row per transaction";

struct Settings {
    requests: usize,
    clients: usize,
    warmup: usize,
    smoke: bool,
}

impl Settings {
    fn from_env() -> Self {
        // `cargo bench` passes --bench; anything else (cargo test --benches) gets a quick smoke run.
        let smoke = !std::env::args().any(|a| a == "--bench");
        let number = |name: &str, default: usize| match std::env::var(name) {
            Ok(raw) => raw.trim().parse().unwrap_or_else(|_| panic!("{name}={raw:?} is not a whole number")),
            Err(_) => default,
        };
        Self {
            requests: number("LANTERN_BENCH_REQUESTS", if smoke { 100 } else { 5_000 }).max(1),
            clients: number("LANTERN_BENCH_CLIENTS", 50).max(1),
            warmup: number("LANTERN_BENCH_WARMUP", if smoke { 20 } else { 200 }),
            smoke,
        }
    }
}

/// One measurement: every successful operation's latency and the wall time of the whole run.
struct Measurement {
    name: String,
    concurrency: usize,
    latencies: Vec<Duration>,
    wall: Duration,
    failures: Vec<String>,
}

impl Measurement {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }

    /// Nearest-rank percentile in milliseconds (latencies are sorted once measured).
    fn percentile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * self.latencies.len() as f64).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[rank - 1].as_secs_f64() * 1_000.0
    }
}

/// Runs `total` operations, `concurrency` at a time, timing each.
async fn measure<F, Fut>(name: &str, total: usize, concurrency: usize, operation: F) -> Measurement
where
    F: Fn(usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let next = Arc::clone(&next);
            let operation = operation.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let start = Instant::now();
                    match operation(i).await {
                        Ok(()) => latencies.push(start.elapsed()),
                        Err(error) => failures.push(error),
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut measurement = Measurement {
        name: name.to_owned(),
        concurrency,
        latencies: Vec::with_capacity(total),
        wall: Duration::ZERO,
        failures: Vec::new(),
    };
    for worker in workers {
        match worker.await {
            Ok((latencies, failures)) => {
                measurement.latencies.extend(latencies);
                measurement.failures.extend(failures);
            }
            Err(error) => measurement.failures.push(format!("worker panicked: {error}")),
        }
    }
    measurement.wall = started.elapsed();
    measurement.latencies.sort_unstable();
    measurement
}

fn note(phase: &str, i: usize) -> String {
    format!("bench {phase} episode {i}")
}

fn print_machine(dir: &Path, settings: &Settings) {
    println!("Lantern POST /api/v1/episodes benchmark, {}", Timestamp::now().strftime("%Y-%m-%d %H:%M UTC"));
    println!("  cores        {}", machine::cores());
    println!("  os           {}", machine::os());
    println!("  commit       {}", machine::commit());
    println!("  server       {LANTERN}");
    println!("  build        {}", machine::build());
    println!("  load average {} (1, 5, 15 min) at the start", machine::load_average());
    println!("  databases    {} ({})", dir.display(), machine::filesystem(dir));
    println!(
        "  workload     {} episodes per measurement after {} warm-up, {} concurrent clients{}",
        settings.requests,
        settings.warmup,
        settings.clients,
        if settings.smoke { " [SMOKE RUN: not invoked by cargo bench]" } else { "" }
    );
    println!();
}

/// An active helper and an enabled service of the demo practice.
async fn helper_and_service(store: &Store) -> (String, String) {
    let practice = OdsCode::parse(PRACTICE).expect("demo practice code");
    let settings = store.settings(&practice).await.expect("demo practice settings");
    let helper = settings.staff.iter().find(|s| s.active).expect("an active staff member").id.to_string();
    let enabled: Vec<&str> =
        settings.services.iter().filter(|s| s.enabled).map(|s| s.code.as_str()).collect();
    let service = if enabled.contains(&"nhs_login") { "nhs_login" } else { enabled[0] };
    (helper, service.to_owned())
}

/// Who the in-process and raw measurements write as: shaped like the audit actor of an API request.
fn bench_actor() -> Actor {
    Actor {
        user_id: Some(Uuid::now_v7().to_string()),
        username: ACCOUNT.to_owned(),
        role: "staff".to_owned(),
        organisation: None,
        client: Some("127.0.0.1".to_owned()),
    }
}

fn episode_input(helper: &str, service: &str, note: String) -> EpisodeInput {
    EpisodeInput {
        practice: PRACTICE.to_owned(),
        helpers: vec![helper.to_owned()],
        duration_minutes: Some(7),
        channel: "desk".into(),
        services: vec![service.to_owned()],
        tasks: vec!["verify_identity".into()],
        approach: "with".into(),
        outcome: "resolved".into(),
        note: Some(note),
        ..EpisodeInput::default()
    }
}

fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// A measurement's name with the backend it ran on.
fn on(backend: Backend, measurement: &str) -> String {
    format!("{measurement}, {}", name(backend))
}

/// A measurement's own new database: a SQLite file in the benchmark directory, or a new database on
/// the PostgreSQL server the store's tests use.
struct Database {
    /// What `lantern --database` is given.
    argument: String,
    location: DatabaseLocation,
}

async fn new_database(dir: &Path, name: &str, backend: Backend) -> Database {
    match backend {
        Backend::Sqlite => {
            let path = dir.join(format!("{name}.db"));
            Database { argument: path.display().to_string(), location: DatabaseLocation::Sqlite(path) }
        }
        Backend::Postgres => {
            let db = lantern_store::testing::postgres().await.expect("the PostgreSQL server was reachable");
            db.store.close().await;
            let url = match &db.location {
                DatabaseLocation::Postgres(url) => url.clone(),
                DatabaseLocation::Sqlite(_) => unreachable!("testing::postgres makes PostgreSQL databases"),
            };
            Database { argument: url, location: db.location }
        }
    }
}

async fn open_store(database: &Database) -> Store {
    let store = Store::connect(&database.location).await.expect("open the demo database");
    store.migrate().await.expect("migrate the demo database");
    store
}

async fn bench_http(dir: &Path, settings: &Settings, backend: Backend) -> Vec<Measurement> {
    let database = new_database(dir, "http", backend).await;
    let seeded = seed_demo(&database.argument);
    // The helper's id, and an API token, come from the database before the server opens it.
    let (helper, service, token) = {
        let store = open_store(&database).await;
        let (helper, service) = helper_and_service(&store).await;
        let token = api_token(&store, ACCOUNT, "benchmark").await;
        store.close().await;
        (helper, service, token)
    };
    println!("seeded the {} HTTP database with the demo PCN in {seeded:.1?}", name(backend));
    let mut server = Server::start(&database.argument, None);
    let client = bearer_client(&token, Duration::from_secs(120), settings.clients);
    server.wait_until_healthy(&client).await;
    let url = Arc::new(server.url("/api/v1/episodes"));
    let post = move |phase: &'static str| {
        let client = client.clone();
        let url = Arc::clone(&url);
        let (helper, service) = (helper.clone(), service.clone());
        move |i: usize| {
            let client = client.clone();
            let url = Arc::clone(&url);
            let body = json!(episode_input(&helper, &service, note(phase, i)));
            async move {
                let response =
                    client.post(url.as_str()).json(&body).send().await.map_err(|e| e.to_string())?;
                let status = response.status();
                let text = response.text().await.map_err(|e| e.to_string())?;
                if status == reqwest::StatusCode::CREATED {
                    Ok(())
                } else {
                    Err(format!("{status}: {text}"))
                }
            }
        }
    };
    let warmup = measure("HTTP warm-up", settings.warmup, settings.clients, post("http-warmup")).await;
    let http = measure(&on(backend, HTTP), settings.requests, settings.clients, post("http")).await;
    drop(server);
    vec![warmup, http]
}

async fn bench_store(dir: &Path, settings: &Settings, backend: Backend) -> Vec<Measurement> {
    let database = new_database(dir, "store", backend).await;
    seed_demo(&database.argument);
    let store = open_store(&database).await;
    let (helper, service) = helper_and_service(&store).await;
    let practice = OdsCode::parse(PRACTICE).expect("demo practice code");
    let actor = Arc::new(bench_actor());
    let create = move |phase: &'static str| {
        let store = store.clone();
        let actor = Arc::clone(&actor);
        let (helper, service, practice) = (helper.clone(), service.clone(), practice.clone());
        move |i: usize| {
            let store = store.clone();
            let actor = Arc::clone(&actor);
            let input = episode_input(&helper, &service, note(phase, i));
            let practice = practice.clone();
            async move {
                // What the handler does: settings (kept in memory by the store), validation, create.
                let settings = store.settings_cached(&practice).await.map_err(|e| e.to_string())?;
                let ctx = PracticeContext {
                    practice: &practice,
                    services: &settings.services,
                    staff: &settings.staff,
                    offers: &settings.offers,
                    now: Timestamp::now(),
                };
                let episode = input.validate(&ctx).map_err(|e| format!("{e:?}"))?;
                store.create_episode(&episode, &actor).await.map(drop).map_err(|e| e.to_string())
            }
        }
    };
    let warmup = measure("Store warm-up", settings.warmup, settings.clients, create("store-warmup")).await;
    let measured = measure(&on(backend, STORE), settings.requests, settings.clients, create("store")).await;
    vec![warmup, measured]
}

const EPISODES_DDL: &str = "CREATE TABLE episodes (id TEXT PRIMARY KEY, practice TEXT NOT NULL, \
    current_version INTEGER NOT NULL, created_at TEXT NOT NULL, occurred_at TEXT NOT NULL, outcome TEXT NOT NULL, \
    deleted_at TEXT, deleted_reason TEXT, created_by TEXT); \
    CREATE INDEX episodes_practice_time ON episodes (practice, occurred_at, id);";
const VERSIONS_DDL: &str = "CREATE TABLE episode_versions (episode_id TEXT NOT NULL, version INTEGER NOT NULL, \
    recorded_at TEXT NOT NULL, occurred_at TEXT NOT NULL, \
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 240), channel TEXT NOT NULL, \
    services TEXT NOT NULL, tasks TEXT NOT NULL, approach TEXT NOT NULL, barriers TEXT NOT NULL, age_band TEXT, \
    carer_proxy INTEGER NOT NULL, outcome TEXT NOT NULL, escalated_to TEXT, follow_up INTEGER NOT NULL, \
    note TEXT, helpers TEXT NOT NULL, recorded_by TEXT, PRIMARY KEY (episode_id, version));";
const LINKS_DDL: &str = "CREATE TABLE episode_helpers (episode_id TEXT NOT NULL, staff_id TEXT NOT NULL, \
    PRIMARY KEY (episode_id, staff_id)); CREATE INDEX episode_helpers_staff ON episode_helpers (staff_id); \
    CREATE TABLE episode_services (episode_id TEXT NOT NULL, service TEXT NOT NULL, \
    PRIMARY KEY (episode_id, service)); CREATE INDEX episode_services_service ON episode_services (service);";
const AUDIT_DDL: &str = "CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user_id TEXT, \
    username TEXT NOT NULL, role TEXT NOT NULL, organisation TEXT, client TEXT, action TEXT NOT NULL, \
    record_type TEXT, record_id TEXT, practice TEXT, before_json TEXT, after_json TEXT, prev_hash TEXT NOT NULL, \
    hash TEXT NOT NULL); \
    CREATE INDEX audit_events_practice ON audit_events (practice, seq); \
    CREATE INDEX audit_events_record ON audit_events (record_type, record_id); \
    CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL); \
    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0');";

/// A fresh SQLite file on one connection with the store's pragmas.
async fn raw_connection(path: &Path, ddl: &[&str]) -> SqliteConnection {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let mut connection = SqliteConnection::connect_with(&options).await.expect("open raw SQLite file");
    for statement in ddl {
        connection.execute(*statement).await.expect("create raw tables");
    }
    let (mode, sync): (String, i64) = sqlx::query_as("SELECT * FROM pragma_journal_mode, pragma_synchronous")
        .fetch_one(&mut connection)
        .await
        .expect("read pragmas");
    assert!(mode.eq_ignore_ascii_case("wal") && sync == 2, "raw SQLite is not WAL + FULL: {mode} {sync}");
    connection
}

/// What one raw episode is written as.
struct RawEpisode<'a> {
    like_store: bool,
    helper: &'a str,
    actor: &'a Actor,
    /// The episode as JSON, for the audit record's `after`.
    after: &'a serde_json::Value,
}

/// One episode in one transaction: either one `episode_versions` row, or everything the store writes
/// for a new episode (episode, version, helper and service rows, and a hash-chained audit record).
async fn raw_episode(
    connection: &mut SqliteConnection,
    raw: &RawEpisode<'_>,
    note: &str,
) -> Result<(), sqlx::Error> {
    let id = Uuid::now_v7().to_string();
    let service = "nhs_login";
    let now = storage_time(Timestamp::now());
    let user = raw.actor.user_id.clone();
    let mut tx = connection.begin().await?;
    if raw.like_store {
        sqlx::query(
            "INSERT INTO episodes (id, practice, current_version, created_at, occurred_at, outcome, created_by) \
             VALUES ($1, $2, 1, $3, $4, 'resolved', $5)",
        )
        .bind(&id)
        .bind(PRACTICE)
        .bind(&now)
        .bind(&now)
        .bind(&user)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO episode_versions (episode_id, version, recorded_at, occurred_at, duration_minutes, channel, \
         services, tasks, approach, barriers, age_band, carer_proxy, outcome, escalated_to, follow_up, note, helpers, \
         recorded_by) VALUES ($1, 1, $2, $3, 7, 'desk', $4, 'verify_identity', 'with', '', NULL, 0, 'resolved', NULL, \
         0, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&now)
    .bind(&now)
    .bind(service)
    .bind(note)
    .bind(raw.helper)
    .bind(&user)
    .execute(&mut *tx)
    .await?;
    if raw.like_store {
        sqlx::query("INSERT INTO episode_helpers (episode_id, staff_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(raw.helper)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO episode_services (episode_id, service) VALUES ($1, $2)")
            .bind(&id)
            .bind(service)
            .execute(&mut *tx)
            .await?;
        let (seq, prev): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let record = AuditEntry::new(raw.actor, "episode.create")
            .record("episode", &id)
            .practice(PRACTICE)
            .after(raw.after)
            .chain(seq + 1, &prev);
        sqlx::query(
            "INSERT INTO audit_events (seq, at, user_id, username, role, organisation, client, action, record_type, \
             record_id, practice, before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(record.seq)
        .bind(&record.at)
        .bind(&record.actor.user_id)
        .bind(&record.actor.username)
        .bind(&record.actor.role)
        .bind(&record.actor.organisation)
        .bind(&record.actor.client)
        .bind(&record.action)
        .bind(&record.record_type)
        .bind(&record.record_id)
        .bind(&record.practice)
        .bind(&record.before)
        .bind(&record.after)
        .bind(&record.prev_hash)
        .bind(&record.hash)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(record.seq)
            .bind(&record.hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Raw SQLite, sequential on one connection (SQLite's best case: it has one writer at a time).
async fn bench_raw(dir: &Path, settings: &Settings, like_store: bool) -> Measurement {
    let (file, ddl, name) = if like_store {
        ("raw-store.db", vec![EPISODES_DDL, VERSIONS_DDL, LINKS_DDL, AUDIT_DDL], RAW_STORE)
    } else {
        ("raw-1.db", vec![VERSIONS_DDL], RAW_ONE)
    };
    let mut connection = raw_connection(&dir.join(file), &ddl).await;
    let helper = Uuid::now_v7().to_string();
    let actor = bench_actor();
    let after = json!(episode_input(&helper, "nhs_login", note("raw", 0)));
    let raw = RawEpisode { like_store, helper: &helper, actor: &actor, after: &after };
    let mut measurement = Measurement {
        name: name.to_owned(),
        concurrency: 1,
        latencies: Vec::with_capacity(settings.requests),
        wall: Duration::ZERO,
        failures: Vec::new(),
    };
    for i in 0..settings.warmup {
        if let Err(error) = raw_episode(&mut connection, &raw, &note("raw-warmup", i)).await {
            measurement.failures.push(error.to_string());
        }
    }
    let started = Instant::now();
    for i in 0..settings.requests {
        let start = Instant::now();
        match raw_episode(&mut connection, &raw, &note("raw", i)).await {
            Ok(()) => measurement.latencies.push(start.elapsed()),
            Err(error) => measurement.failures.push(error.to_string()),
        }
    }
    measurement.wall = started.elapsed();
    measurement.latencies.sort_unstable();
    connection.close().await.expect("close raw SQLite");
    measurement
}

/// Raw PostgreSQL, sequential on one connection: one `episode_versions`-shaped row per transaction,
/// committed with the server's defaults (`synchronous_commit` on: each commit waits for its WAL flush).
async fn bench_raw_postgres(settings: &Settings) -> Measurement {
    let database = new_database(Path::new("."), "raw", Backend::Postgres).await;
    let mut connection = sqlx::PgConnection::connect(&database.argument).await.expect("open raw PostgreSQL");
    connection
        .execute(VERSIONS_DDL.replace("episode_versions", "raw_episode_versions").as_str())
        .await
        .expect("create the raw table");
    let helper = Uuid::now_v7().to_string();
    let mut measurement = Measurement {
        name: RAW_PG_ONE.to_owned(),
        concurrency: 1,
        latencies: Vec::with_capacity(settings.requests),
        wall: Duration::ZERO,
        failures: Vec::new(),
    };
    let mut started = Instant::now();
    for i in 0..settings.warmup + settings.requests {
        if i == settings.warmup {
            started = Instant::now();
        }
        let start = Instant::now();
        let now = storage_time(Timestamp::now());
        let written = async {
            let mut tx = connection.begin().await?;
            sqlx::query(
                "INSERT INTO raw_episode_versions (episode_id, version, recorded_at, occurred_at, duration_minutes, \
                 channel, services, tasks, approach, barriers, age_band, carer_proxy, outcome, escalated_to, follow_up, \
                 note, helpers, recorded_by) VALUES ($1, 1, $2, $3, 7, 'desk', 'nhs_login', 'verify_identity', 'with', \
                 '', NULL, 0, 'resolved', NULL, 0, $4, $5, NULL)",
            )
            .bind(Uuid::now_v7().to_string())
            .bind(&now)
            .bind(&now)
            .bind(note("raw", i))
            .bind(&helper)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        }
        .await;
        match written {
            Ok(()) if i >= settings.warmup => measurement.latencies.push(start.elapsed()),
            Ok(()) => {}
            Err(error) => measurement.failures.push(error.to_string()),
        }
    }
    measurement.wall = started.elapsed();
    measurement.latencies.sort_unstable();
    connection.close().await.expect("close raw PostgreSQL");
    measurement
}

fn print_table(measurements: &[&Measurement]) {
    println!();
    println!(
        "| {:<66} | {:>7} | {:>6} | {:>8} | {:>8} | {:>8} | {:>8} | {:>6} |",
        "measurement", "clients", "ok", "per sec", "p50 ms", "p95 ms", "p99 ms", "failed"
    );
    println!(
        "|{:-<68}|{:->9}|{:->8}|{:->10}|{:->10}|{:->10}|{:->10}|{:->8}|",
        "", ":", ":", ":", ":", ":", ":", ":"
    );
    for m in measurements {
        println!(
            "| {:<66} | {:>7} | {:>6} | {:>8.0} | {:>8.2} | {:>8.2} | {:>8.2} | {:>6} |",
            m.name,
            m.concurrency,
            m.latencies.len(),
            m.per_second(),
            m.percentile_ms(0.50),
            m.percentile_ms(0.95),
            m.percentile_ms(0.99),
            m.failures.len()
        );
    }
    println!();
}

fn main() {
    let settings = Settings::from_env();
    let base = std::env::var_os("LANTERN_BENCH_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from);
    std::fs::create_dir_all(&base).expect("create the benchmark directory");
    let dir = tempfile::tempdir_in(&base).expect("temporary benchmark directory");
    print_machine(dir.path(), &settings);

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    // PostgreSQL rows when the store's test server is there (LANTERN_TEST_POSTGRES_URL, else
    // 127.0.0.1:5432); LANTERN_BENCH_POSTGRES=0 leaves them out.
    let postgres = std::env::var("LANTERN_BENCH_POSTGRES").map_or(true, |v| v.trim() != "0")
        && lantern_store::testing::postgres_server_url().is_some();
    let all = runtime.block_on(async {
        let mut all = bench_http(dir.path(), &settings, Backend::Sqlite).await;
        all.extend(bench_store(dir.path(), &settings, Backend::Sqlite).await);
        all.push(bench_raw(dir.path(), &settings, true).await);
        all.push(bench_raw(dir.path(), &settings, false).await);
        if postgres {
            all.extend(bench_http(dir.path(), &settings, Backend::Postgres).await);
            all.extend(bench_store(dir.path(), &settings, Backend::Postgres).await);
            all.push(bench_raw_postgres(&settings).await);
        }
        all
    });
    let measured: Vec<&Measurement> = all.iter().filter(|m| !m.name.ends_with("warm-up")).collect();
    print_table(&measured);
    println!("load average at the end: {}", machine::load_average());
    let rate = |name: &str| measured.iter().find(|m| m.name == name).map(|m| m.per_second());
    let (http, store) = (on(Backend::Sqlite, HTTP), on(Backend::Sqlite, STORE));
    if let (Some(http), Some(store), Some(raw_store), Some(raw_one)) =
        (rate(&http), rate(&store), rate(RAW_STORE), rate(RAW_ONE))
    {
        println!("HTTP / raw SQLite (1 row per transaction):        {:.2}", http / raw_one);
        println!("HTTP / raw SQLite (the store's rows + audit):     {:.2}", http / raw_store);
        println!("HTTP / Store in-process:                          {:.2}", http / store);
        println!("Store in-process / raw SQLite (the store's rows): {:.2}", store / raw_store);
    }
    let (http, store) = (on(Backend::Postgres, HTTP), on(Backend::Postgres, STORE));
    if let (Some(http), Some(store), Some(raw_one)) = (rate(&http), rate(&store), rate(RAW_PG_ONE)) {
        println!("PostgreSQL: HTTP / raw (1 row per transaction):  {:.2}", http / raw_one);
        println!("PostgreSQL: HTTP / Store in-process:             {:.2}", http / store);
    }
    let failures: Vec<_> = all.iter().flat_map(|m| m.failures.iter().map(move |f| (&m.name, f))).collect();
    if !failures.is_empty() {
        eprintln!("\n{} operations FAILED; the first ones:", failures.len());
        for (name, failure) in failures.iter().take(10) {
            eprintln!("  {name}: {failure}");
        }
        std::process::exit(1);
    }
}
