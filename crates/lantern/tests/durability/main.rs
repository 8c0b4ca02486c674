//! Killing the server with SIGKILL while 20 clients post episodes loses no episode that got a 201, on
//! SQLite and on PostgreSQL.
//!
//! The real `lantern` binary serves a seeded demo database (a SQLite file, or a fresh database on the
//! test PostgreSQL server); 20 clients post episodes as fast as they can; the server is killed without
//! warning mid-stream; then the database is opened again, both directly through the store and through
//! a fresh server, and every acknowledged episode must be there, unchanged. Nothing here asserts on
//! timing, so a slow or loaded machine only makes the test slower.
//!
//! What SIGKILL can and cannot show: it proves a 201 is only sent after the episode's transaction has
//! committed (no acknowledging early, no write-behind buffering; with 20 clients the episodes share
//! group commits, so this covers a batch cut off mid-commit too) and that the database recovers and
//! serves again after a crash. It cannot show that commits reach the disk: the kernel keeps what a killed
//! process wrote. Power-loss durability rests on SQLite's `synchronous=FULL`, set by the store, and on
//! PostgreSQL's own write-ahead log (`synchronous_commit` on, its default). Killing `lantern` leaves the
//! PostgreSQL server running: what is shown there is that nothing acknowledged was only in Lantern's
//! hands, and that connections cut mid-transaction leave nothing half-written.

mod clients;
#[path = "../../benches/support/server.rs"]
mod server;

use clients::{helper_and_service, note, post_until_killed, Outcomes};
use lantern_core::record::EpisodeRecord;
use lantern_store::{DatabaseLocation, Store};
use serde_json::json;
use server::{api_token, bearer_client, seed_demo, Server};
use sqlx::Connection;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 20;
const PRACTICE: &str = "Y99901";
/// A demo account that logs episodes at [`PRACTICE`].
const ACCOUNT: &str = "reception@demo";
const NOTE_PREFIX: &str = "durability client";
/// Kill no earlier than this…
const MIN_RUN: Duration = Duration::from_millis(1_500);
/// …and not before this many episodes were acknowledged…
const MIN_ACKNOWLEDGED: usize = 200;
/// …unless the server is so slow that this much time has passed.
const MAX_RUN: Duration = Duration::from_secs(120);
/// Fewer acknowledged episodes than this and the test would prove too little.
const REQUIRED_ACKNOWLEDGED: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_while_posting_to_sqlite_loses_no_acknowledged_episode() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let location = DatabaseLocation::Sqlite(dir.path().join("lantern.db"));
    kill_while_posting(&location, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_while_posting_to_postgres_loses_no_acknowledged_episode() {
    // A fresh database of its own on the test server (LANTERN_TEST_POSTGRES_URL), as the store tests use.
    let Some(db) = lantern_store::testing::postgres().await else { return };
    db.store.close().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    kill_while_posting(&db.location, dir.path()).await;
}

/// What `--database` is given, and what sqlx connects to, for `location`.
fn urls(location: &DatabaseLocation) -> (String, String) {
    match location {
        DatabaseLocation::Sqlite(path) => {
            (path.display().to_string(), format!("sqlite://{}", path.display()))
        }
        DatabaseLocation::Postgres(url) => (url.clone(), url.clone()),
    }
}

async fn kill_while_posting(location: &DatabaseLocation, logs: &Path) {
    for sample in [note(0, 1), note(CLIENTS - 1, 99_999)] {
        assert!(
            lantern_core::identity::screen(&sample).is_empty(),
            "{sample:?} must pass the identity guard"
        );
    }
    let (database, sqlx_url) = urls(location);
    seed_demo(&database);

    let store = Store::connect(location).await.expect("open the demo database");
    let token = api_token(&store, ACCOUNT, "durability test").await;
    store.close().await;
    let client = bearer_client(&token, Duration::from_secs(60), CLIENTS);
    let mut server = Server::start(&database, Some(logs.join("serve-1.log")));
    server.wait_until_healthy(&client).await;
    let (helper, service) = helper_and_service(&client, &server).await;
    let body = json!({
        "practice": PRACTICE,
        "helpers": [helper],
        "duration_minutes": 7,
        "channel": "desk",
        "services": [service],
        "tasks": ["verify_identity"],
        "approach": "with",
        "outcome": "resolved",
    });

    let killing = Arc::new(AtomicBool::new(false));
    let outcomes = Arc::new(Outcomes::default());
    let url = server.url("/api/v1/episodes");
    let clients: Vec<_> = (0..CLIENTS)
        .map(|index| {
            tokio::spawn(post_until_killed(
                client.clone(),
                url.clone(),
                index,
                body.clone(),
                Arc::clone(&killing),
                Arc::clone(&outcomes),
            ))
        })
        .collect();

    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let acknowledged = outcomes.acknowledged_count.load(Ordering::SeqCst);
        let stalled = clients.iter().all(|c| c.is_finished());
        if (started.elapsed() >= MIN_RUN && acknowledged >= MIN_ACKNOWLEDGED)
            || started.elapsed() >= MAX_RUN
            || stalled
        {
            break;
        }
    }
    // The flag goes up before the kill, so any error a client sees without it is a real failure.
    killing.store(true, Ordering::SeqCst);
    server.kill();
    let killed_after = started.elapsed();
    for task in clients {
        task.await.expect("client task");
    }

    let failures = outcomes.failures.lock().expect("failures lock").clone();
    assert!(failures.is_empty(), "posts failed before the kill:\n{}", failures.join("\n"));
    let acknowledged = std::mem::take(&mut *outcomes.acknowledged.lock().expect("acknowledged lock"));
    let in_doubt = outcomes.in_doubt.lock().expect("in-doubt lock").clone();
    eprintln!(
        "killed after {killed_after:.2?}: {} episodes acknowledged, {} posts in flight",
        acknowledged.len(),
        in_doubt.len()
    );
    assert!(
        acknowledged.len() > REQUIRED_ACKNOWLEDGED,
        "only {} posts were acknowledged before the kill: too few to prove anything",
        acknowledged.len()
    );
    let ids: HashSet<_> = acknowledged.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), acknowledged.len(), "two acknowledgements carried the same id");

    // 1. Straight from the database, through the store (on SQLite, which recovers the WAL on open).
    let store = Store::connect(location).await.expect("reopen the database after the kill");
    let mut lost = Vec::new();
    let mut changed = Vec::new();
    for record in &acknowledged {
        match store.episode(record.id).await {
            Ok(stored) if stored == *record => {}
            Ok(stored) => {
                changed.push(format!("{}: acknowledged {record:?}\n  stored {stored:?}", record.id))
            }
            Err(error) => lost.push(format!("{} ({:?}): {error}", record.id, record.episode.note)),
        }
    }
    store.close().await;
    assert!(
        lost.is_empty(),
        "ACKNOWLEDGED EPISODES LOST after SIGKILL: {} of {}:\n{}",
        lost.len(),
        acknowledged.len(),
        lost.join("\n")
    );
    assert!(changed.is_empty(), "acknowledged episodes stored differently:\n{}", changed.join("\n"));

    // 2. Each note was stored at most once, and nothing beyond the acknowledged and in-flight posts.
    sqlx::any::install_default_drivers();
    let mut connection = sqlx::AnyConnection::connect(&sqlx_url).await.expect("open the database with sqlx");
    let notes: Vec<(String,)> =
        sqlx::query_as("SELECT note FROM episode_versions WHERE note LIKE 'durability client %'")
            .fetch_all(&mut connection)
            .await
            .expect("read the test's notes");
    connection.close().await.expect("close the sqlx connection");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (note,) in &notes {
        *counts.entry(note.as_str()).or_default() += 1;
    }
    let duplicated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicated.is_empty(), "notes stored more than once: {duplicated:?}");
    let acknowledged_notes: HashSet<_> =
        acknowledged.iter().filter_map(|r| r.episode.note.as_deref()).collect();
    let extra = counts.keys().filter(|n| !acknowledged_notes.contains(*n)).count();
    assert!(
        extra <= in_doubt.len(),
        "{extra} stored episodes were neither acknowledged nor in flight at the kill ({} in flight)",
        in_doubt.len()
    );
    eprintln!("{extra} of the {} in-flight posts were stored as well", in_doubt.len());

    // 3. A fresh server on the same database starts and serves every acknowledged episode.
    let mut server = Server::start(&database, Some(logs.join("serve-2.log")));
    server.wait_until_healthy(&client).await;
    for record in &acknowledged {
        let response = client
            .get(server.url(&format!("/api/v1/episodes/{}", record.id)))
            .send()
            .await
            .expect("GET the episode from the restarted server");
        assert_eq!(response.status(), reqwest::StatusCode::OK, "episode {} after restart", record.id);
        let served: EpisodeRecord = response.json().await.expect("episode JSON");
        assert_eq!(served, *record, "episode {} as served after restart", record.id);
    }
}
