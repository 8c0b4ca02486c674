//! Killing the server with SIGKILL while 20 clients post episodes loses no episode that got a 201.
//!
//! The real `lantern` binary serves a seeded SQLite demo database; 20 clients post episodes as fast as
//! they can; the server is killed without warning mid-stream; then the database is opened again, both
//! directly through the store and through a fresh server, and every acknowledged episode must be there,
//! unchanged. Nothing here asserts on timing, so a slow or loaded machine only makes the test slower.
//!
//! What SIGKILL can and cannot show: it proves a 201 is only sent after the episode's transaction has
//! committed (no acknowledging early, no write-behind buffering) and that the database recovers and
//! serves again after a crash. It cannot show that commits reach the disk: the kernel keeps what a killed
//! process wrote. Power-loss durability rests on SQLite's `synchronous=FULL`, set by the store.

use lantern_core::audit::Actor;
use lantern_core::record::EpisodeRecord;
use lantern_store::{DatabaseLocation, Store};
use serde_json::json;
use sqlx::Connection;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

const LANTERN: &str = env!("CARGO_BIN_EXE_lantern");
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

/// A running `lantern serve`, killed (SIGKILL) when dropped so that a failing test leaves no server.
struct Server {
    child: Child,
    address: SocketAddr,
    log: PathBuf,
}

impl Server {
    fn start(database: &Path, log: PathBuf) -> Self {
        let stderr = std::fs::File::create(&log).expect("create the server log file");
        let mut child = Command::new(LANTERN)
            .arg("serve")
            .arg("--database")
            .arg(database)
            .args(["--listen", "127.0.0.1:0"])
            .env("LANTERN_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start lantern serve");
        let stdout = child.stdout.take().expect("the server's stdout is piped");
        let (tx, rx) = mpsc::channel();
        // Reads the announced address, then keeps draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("Lantern is serving at http://").nth(1) {
                    let address = rest.split('/').next().unwrap_or_default().to_owned();
                    let _ = tx.send(address);
                }
            }
        });
        let mut server = Self { child, address: SocketAddr::from(([127, 0, 0, 1], 0)), log };
        let announced = rx.recv_timeout(Duration::from_secs(120));
        let Ok(address) = announced else {
            panic!("lantern serve did not announce its address; its log:\n{}", server.log_text());
        };
        server.address = address.parse().expect("the announced address is a socket address");
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(cannot read {:?}: {e})", self.log))
    }

    /// Sends SIGKILL (what `Child::kill` does on Unix) and reaps the process.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the killed server");
    }

    async fn wait_until_healthy(&mut self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(response) = client.get(self.url("/api/v1/health")).send().await {
                if response.status().is_success() {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "lantern serve exited ({status}) before it was healthy; its log:\n{}",
                    self.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "lantern serve never became healthy; log:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn seed_demo(database: &Path) {
    let output = Command::new(LANTERN)
        .arg("demo")
        .arg("--database")
        .arg(database)
        .arg("--no-serve")
        .env("LANTERN_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run lantern demo");
    assert!(
        output.status.success(),
        "lantern demo --no-serve failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A bearer token for the demo's reception account (practice staff at the demo practice), made the way
/// the web crate's tests make theirs: straight into the database, before the server opens it.
async fn api_token(database: &Path) -> String {
    let store =
        Store::connect(&DatabaseLocation::Sqlite(database.to_owned())).await.expect("open the demo DB");
    let (user, _) = store
        .user_for_sign_in(ACCOUNT)
        .await
        .expect("look up the demo account")
        .unwrap_or_else(|| panic!("lantern demo created no {ACCOUNT} account"));
    let token = lantern_web::auth::new_secret();
    let hash = lantern_web::auth::hash_secret(&token);
    store
        .create_api_token(&user, "durability test", &hash, &Actor::system("durability test"))
        .await
        .expect("token");
    store.close().await;
    token
}

fn note(client: usize, post: usize) -> String {
    // Short digit runs only: nothing the identity guard could take for an NHS number, phone or date.
    format!("{NOTE_PREFIX} {client} post {post}")
}

/// An active helper and an enabled service of the practice, as the API reports them.
async fn helper_and_service(client: &reqwest::Client, server: &Server) -> (String, String) {
    let staff: serde_json::Value = client
        .get(server.url(&format!("/api/v1/practices/{PRACTICE}/staff")))
        .send()
        .await
        .expect("GET staff")
        .error_for_status()
        .expect("staff listed")
        .json()
        .await
        .expect("staff JSON");
    let helper = staff
        .as_array()
        .expect("staff is an array")
        .iter()
        .find(|s| s["active"] == json!(true))
        .and_then(|s| s["id"].as_str())
        .expect("the demo practice has an active staff member")
        .to_owned();
    let services: serde_json::Value = client
        .get(server.url(&format!("/api/v1/practices/{PRACTICE}/services")))
        .send()
        .await
        .expect("GET services")
        .error_for_status()
        .expect("services listed")
        .json()
        .await
        .expect("services JSON");
    let enabled: Vec<&str> = services
        .as_array()
        .expect("services is an array")
        .iter()
        .filter(|s| s["enabled"] == json!(true))
        .filter_map(|s| s["code"].as_str())
        .collect();
    let service = if enabled.contains(&"nhs_login") { "nhs_login" } else { enabled[0] };
    (helper, service.to_owned())
}

#[derive(Default)]
struct Outcomes {
    /// Every episode whose POST was answered 201 with a complete record.
    acknowledged: Mutex<Vec<EpisodeRecord>>,
    acknowledged_count: AtomicUsize,
    /// Posts cut short by the kill: sent, but no complete answer. Either outcome is correct for them.
    in_doubt: Mutex<Vec<String>>,
    /// Anything that went wrong before the kill: these fail the test.
    failures: Mutex<Vec<String>>,
}

async fn post_until_killed(
    client: reqwest::Client,
    url: String,
    index: usize,
    body: serde_json::Value,
    killing: Arc<AtomicBool>,
    outcomes: Arc<Outcomes>,
) {
    for post in 1.. {
        if killing.load(Ordering::SeqCst) {
            return;
        }
        let note = note(index, post);
        let mut body = body.clone();
        body["note"] = json!(note);
        let result = client.post(&url).json(&body).send().await;
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                if killing.load(Ordering::SeqCst) {
                    outcomes.in_doubt.lock().expect("in-doubt lock").push(note);
                } else {
                    outcomes.failures.lock().expect("failures lock").push(format!("{note}: {error}"));
                }
                return;
            }
        };
        let status = response.status();
        if status == reqwest::StatusCode::CREATED {
            match response.json::<EpisodeRecord>().await {
                Ok(record) => {
                    if record.episode.note.as_deref() != Some(note.as_str()) {
                        outcomes
                            .failures
                            .lock()
                            .expect("failures lock")
                            .push(format!("{note}: the 201 answer holds note {:?}", record.episode.note));
                    }
                    outcomes.acknowledged.lock().expect("acknowledged lock").push(record);
                    outcomes.acknowledged_count.fetch_add(1, Ordering::SeqCst);
                }
                Err(error) if killing.load(Ordering::SeqCst) => {
                    outcomes
                        .in_doubt
                        .lock()
                        .expect("in-doubt lock")
                        .push(format!("{note} (201 cut: {error})"));
                    return;
                }
                Err(error) => {
                    outcomes
                        .failures
                        .lock()
                        .expect("failures lock")
                        .push(format!("{note}: bad 201 body: {error}"));
                    return;
                }
            }
        } else {
            let text = response.text().await.unwrap_or_default();
            outcomes.failures.lock().expect("failures lock").push(format!("{note}: {status} {text}"));
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_while_posting_loses_no_acknowledged_episode() {
    for sample in [note(0, 1), note(CLIENTS - 1, 99_999)] {
        assert!(
            lantern_core::identity::screen(&sample).is_empty(),
            "{sample:?} must pass the identity guard"
        );
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("lantern.db");
    seed_demo(&database);

    let token = api_token(&database).await;
    let mut headers = reqwest::header::HeaderMap::new();
    let bearer = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).expect("header value");
    headers.insert(reqwest::header::AUTHORIZATION, bearer);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .default_headers(headers)
        .build()
        .expect("HTTP client");
    let mut server = Server::start(&database, dir.path().join("serve-1.log"));
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

    // 1. Straight from the database file, through the store (which recovers the WAL on open).
    let location = DatabaseLocation::Sqlite(database.clone());
    let store = Store::connect(&location).await.expect("reopen the database after the kill");
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
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", database.display()))
        .await
        .expect("open the database with sqlx");
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

    // 3. A fresh server on the same file starts and serves every acknowledged episode.
    let mut server = Server::start(&database, dir.path().join("serve-2.log"));
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
