//! A backup taken while `lantern serve` is answering and writing is one consistent moment, and a
//! restore refuses to replace the database under a running server.

use super::support::serving::{api_token, Server};
use super::*;
use lantern_store::{DatabaseLocation, Store};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PRACTICE: &str = "Y99901";
const NOTE: &str = "backup test";

async fn get(client: &reqwest::Client, url: String) -> serde_json::Value {
    client.get(url).send().await.expect("GET").error_for_status().expect("200").json().await.expect("JSON")
}

async fn wait_for(count: &AtomicUsize, at_least: usize, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while count.load(Ordering::SeqCst) < at_least {
        assert!(Instant::now() < deadline, "waited too long for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn scalar(file: &str, sql: &str) -> i64 {
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(file).connect().await.expect("open");
    let value = sqlx::query_scalar(sql).fetch_one(&mut conn).await.expect(sql);
    conn.close().await.expect("close");
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_the_server_writes_is_one_consistent_moment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, copy, restored) =
        (path(dir.path(), "live.db"), path(dir.path(), "copy.db"), path(dir.path(), "restored.db"));
    ok(&["demo", "--no-serve", "--database", &db]);
    let store = Store::connect(&DatabaseLocation::Sqlite(db.clone().into())).await.expect("open");
    let token = api_token(&store, "reception@demo", "backup test").await;
    store.close().await;
    let server = Server::start(&db, None);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().expect("header"));
    let client = reqwest::Client::builder().default_headers(headers).build().expect("client");

    let staff = get(&client, format!("{}/api/v1/practices/{PRACTICE}/staff", server.url(""))).await;
    let helper =
        staff.as_array().expect("staff").iter().find(|s| s["active"] == json!(true)).expect("a helper")["id"]
            .clone();
    let services = get(&client, format!("{}/api/v1/practices/{PRACTICE}/services", server.url(""))).await;
    let service = services
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["enabled"] == json!(true))
        .expect("a service")["code"]
        .clone();
    let body = json!({
        "practice": PRACTICE, "helpers": [helper], "duration_minutes": 4, "channel": "desk",
        "services": [service], "tasks": ["verify_identity"], "approach": "with", "outcome": "resolved",
    });
    let (stop, acknowledged) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..3)
        .map(|writer| {
            let (client, url, body) =
                (client.clone(), format!("{}/api/v1/episodes", server.url("")), body.clone());
            let (stop, acknowledged, failures) = (stop.clone(), acknowledged.clone(), failures.clone());
            tokio::spawn(async move {
                for post in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let mut body = body.clone();
                    body["note"] = json!(format!("{NOTE} {writer} post {post}"));
                    match client.post(&url).json(&body).send().await {
                        Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                            acknowledged.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(r) => {
                            let problem = format!("{} {}", r.status(), r.text().await.unwrap_or_default());
                            failures.lock().expect("lock").push(problem);
                        }
                        Err(e) => failures.lock().expect("lock").push(e.to_string()),
                    }
                }
            })
        })
        .collect();

    wait_for(&acknowledged, 10, "the first episodes").await;
    let before_backup = acknowledged.load(Ordering::SeqCst);
    let (d, c) = (db.clone(), copy.clone());
    let output = tokio::task::spawn_blocking(move || lantern(&["backup", "--database", &d, "--to", &c]))
        .await
        .expect("join");
    let after_backup = acknowledged.load(Ordering::SeqCst);
    wait_for(&acknowledged, after_backup + 5, "writes after the backup").await;
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("writer");
    }
    let failures = failures.lock().expect("lock").clone();
    assert!(failures.is_empty(), "every write succeeded during the backup: {failures:?}");
    assert!(output.status.success(), "backup failed: {}", text(&output.stderr));
    eprintln!("{} episodes acknowledged before the backup, {after_backup} by its end", before_backup);

    // Each episode and its audit record are written in one transaction: a consistent copy has both or
    // neither, and holds at least every episode acknowledged before the backup began.
    let episodes_sql = format!("SELECT COUNT(*) FROM episode_versions WHERE note LIKE '{NOTE}%'");
    let records_sql = format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'episode.create' AND after_json LIKE '%{NOTE}%'"
    );
    let in_copy = scalar(&copy, &episodes_sql).await;
    assert_eq!(in_copy, scalar(&copy, &records_sql).await, "episodes and their audit records agree");
    let in_copy = usize::try_from(in_copy).expect("count");
    assert!(
        (before_backup..=after_backup).contains(&in_copy),
        "{in_copy} not in {before_backup}..={after_backup}"
    );

    // The running server keeps its database: a restore over it is refused and changes nothing.
    let live = sqlite_figures(Path::new(&db)).await;
    let stderr = refused(&["restore", "--from", &copy, "--to", &db, "--force"]);
    assert!(stderr.contains("held open by another program"), "{stderr}");
    assert_eq!(sqlite_figures(Path::new(&db)).await, live);
    assert!(!names(dir.path()).iter().any(|n| n.contains("before-restore")), "nothing set aside");
    drop(server);

    ok(&["restore", "--from", &copy, "--to", &restored]);
    ok(&["audit", "verify", "--database", &restored]);
    ok(&["rollups", "check", "--database", &restored]);
    let restored_episodes = scalar(&restored, &episodes_sql).await;
    assert_eq!(usize::try_from(restored_episodes).expect("count"), in_copy);
}
