//! The logging gap Lantern reports for the demo's observation study equals a second computation made
//! straight from the database rows (the events as stored JSON, the episodes and their helpers) with
//! none of Lantern's observation code: different code, same answer. The figure is read the way a
//! researcher reads it, from the results API of a running server.

use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_store::{DatabaseLocation, Store};
use serde_json::Value;
use sqlx::{Row, SqlitePool};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const LANTERN: &str = env!("CARGO_BIN_EXE_lantern");

/// Stops the server even when an assertion fails first.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Nanoseconds since the epoch, so interval sums are exact integers.
fn nanos(text: &str) -> i128 {
    text.parse::<Timestamp>().unwrap_or_else(|e| panic!("{text}: {e}")).as_nanosecond()
}

/// One counted session rebuilt from its rows.
struct Session {
    start: i128,
    end: i128,
    pauses: Vec<(i128, i128)>,
    /// (start, end, values) of every task.
    tasks: Vec<(i128, i128, HashMap<String, String>)>,
}

impl Session {
    fn watching(&self, t: i128) -> bool {
        self.start <= t && t < self.end && !self.pauses.iter().any(|&(a, b)| a <= t && t < b)
    }

    /// Nanoseconds of [a, b) inside the session and outside its pauses.
    fn watched(&self, a: i128, b: i128) -> i128 {
        let (a, b) = (a.max(self.start), b.min(self.end));
        let paused: i128 = self.pauses.iter().map(|&(p, q)| (b.min(q) - a.max(p)).max(0)).sum();
        (b - a).max(0) - paused
    }
}

fn rebuild(start: &str, payloads: &[String]) -> Session {
    let mut events: Vec<Value> =
        payloads.iter().map(|p| serde_json::from_str(p).expect("event json")).collect();
    events.sort_by_key(|e| nanos(e["at"].as_str().expect("at")));
    let end = events.iter().find(|e| e["type"] == "session_ended").expect("the session ended");
    let mut session = Session {
        start: nanos(start),
        end: nanos(end["at"].as_str().expect("at")),
        pauses: vec![],
        tasks: vec![],
    };
    let (mut paused, mut ends) = (None, HashMap::new());
    for e in &events {
        let at = nanos(e["at"].as_str().expect("at"));
        match e["type"].as_str().expect("type") {
            "paused" => paused = Some(at),
            "resumed" => session.pauses.push((paused.take().expect("resumed after a pause"), at)),
            "task_ended" => {
                ends.insert(e["task"].as_str().expect("task").to_owned(), at);
            }
            _ => {}
        }
    }
    session.pauses.extend(paused.map(|p| (p, session.end)));
    for e in events.iter().filter(|e| e["type"] == "task_started") {
        let values = serde_json::from_value(e["values"].clone()).expect("values");
        let end = ends.get(e["id"].as_str().expect("id")).copied().unwrap_or(session.end);
        session.tasks.push((nanos(e["at"].as_str().expect("at")), end, values));
    }
    session
}

#[test]
fn the_demo_logging_gap_equals_an_independent_count_of_the_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let output = Command::new(LANTERN)
        .args(["demo", "--no-serve", "--database"])
        .arg(&db)
        .env("LANTERN_LOG", "warn")
        .output()
        .expect("run lantern demo");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (study, staff, counted, pair, expected, token) = runtime.block_on(async {
        let pool = SqlitePool::connect(&format!("sqlite://{}", db.display())).await.expect("open");
        let study = sqlx::query("SELECT id, name, template_version FROM observation_studies")
            .fetch_one(&pool)
            .await
            .expect("the demo has one study");
        let (id, name): (String, String) = (study.get("id"), study.get("name"));
        assert!(name.ends_with("(synthetic)"), "{name}");
        let template: String =
            sqlx::query("SELECT template_json FROM observation_templates WHERE study = ? AND version = ?")
                .bind(&id)
                .bind(study.get::<i64, _>("template_version"))
                .fetch_one(&pool)
                .await
                .expect("template")
                .get("template_json");
        let template: Value = serde_json::from_str(&template).expect("template json");
        let mut digital_help = HashSet::new();
        for dimension in template["dimensions"].as_array().expect("dimensions") {
            for category in dimension["categories"].as_array().expect("categories") {
                if category["digital_help"] == true {
                    let code = |v: &Value| v["code"].as_str().expect("code").to_owned();
                    digital_help.insert((code(dimension), code(category)));
                }
            }
        }

        // Of two sessions shadowing the same person at once, only the earlier counts.
        let rows = sqlx::query(
            "SELECT id, practice, staff_id, started_at, reliability_pair FROM observation_sessions WHERE study = ?",
        )
        .bind(&id)
        .fetch_all(&pool)
        .await
        .expect("sessions");
        let mut earliest: HashMap<String, (String, String)> = HashMap::new();
        for row in &rows {
            if let Some(pair) = row.get::<Option<String>, _>("reliability_pair") {
                let this = (row.get::<String, _>("started_at"), row.get::<String, _>("id"));
                let slot = earliest.entry(pair).or_insert_with(|| this.clone());
                *slot = slot.clone().min(this);
            }
        }
        let pairs: Vec<&String> = earliest.keys().collect();
        assert_eq!(pairs.len(), 1, "one reliability pair");
        let pair = pairs[0].clone();
        let mut counted = Vec::new();
        let (mut help_tasks, mut help_nanos, mut watched) = (0usize, 0i128, 0i128);
        let mut sessions = Vec::new();
        let (mut practice, mut staff) = (String::new(), String::new());
        for row in &rows {
            let session: String = row.get("id");
            let pair: Option<String> = row.get("reliability_pair");
            if pair.is_some_and(|p| earliest[&p].1 != session) {
                continue;
            }
            (practice, staff) = (row.get("practice"), row.get("staff_id"));
            let payloads: Vec<String> = sqlx::query("SELECT payload FROM observation_events WHERE session = ?")
                .bind(&session)
                .fetch_all(&pool)
                .await
                .expect("events")
                .iter()
                .map(|r| r.get("payload"))
                .collect();
            let rebuilt = rebuild(&row.get::<String, _>("started_at"), &payloads);
            for (a, b, values) in &rebuilt.tasks {
                if values.iter().any(|(d, c)| digital_help.contains(&(d.clone(), c.clone()))) {
                    help_tasks += 1;
                    help_nanos += rebuilt.watched(*a, *b);
                }
            }
            watched += rebuilt.watched(rebuilt.start, rebuilt.end);
            counted.push(session);
            sessions.push(rebuilt);
        }
        assert!(rows.iter().all(|r| r.get::<String, _>("staff_id") == staff), "one person shadowed");

        let episodes = sqlx::query(
            "SELECT e.occurred_at, v.duration_minutes FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version \
             JOIN episode_helpers h ON h.episode_id = e.id \
             WHERE e.practice = ? AND h.staff_id = ? AND e.deleted_at IS NULL",
        )
        .bind(&practice)
        .bind(&staff)
        .fetch_all(&pool)
        .await
        .expect("episodes");
        let (mut logged, mut logged_minutes) = (0usize, 0i64);
        for row in &episodes {
            let at = nanos(&row.get::<String, _>("occurred_at"));
            if sessions.iter().any(|s| s.watching(at)) {
                logged += 1;
                logged_minutes += row.get::<i64, _>("duration_minutes");
            }
        }
        pool.close().await;
        let expected = (help_tasks, help_nanos as f64 / 60e9, logged, logged_minutes, watched as f64 / 1e9);

        let store = Store::connect(&DatabaseLocation::Sqlite(db.clone())).await.expect("store");
        let (user, _) = store.user_for_sign_in("researcher@demo").await.expect("look up").expect("researcher");
        let token = lantern_web::auth::new_secret();
        let hash = lantern_web::auth::hash_secret(&token);
        store.create_api_token(&user, "observation test", &hash, &Actor::system("test")).await.expect("token");
        store.close().await;
        (id, staff, counted, pair, expected, token)
    });

    let server = serve(&db);
    let get = |path: &str| -> Value {
        runtime.block_on(async {
            let response = reqwest::Client::new()
                .get(format!("{}{path}", server.1))
                .bearer_auth(&token)
                .send()
                .await
                .expect("request");
            assert!(response.status().is_success(), "{path}: {}", response.status());
            response.json().await.expect("json")
        })
    };
    let results = get(&format!("/api/v1/studies/{study}/results"));
    let reported: Vec<&str> =
        results["sessions"].as_array().expect("sessions").iter().filter_map(Value::as_str).collect();
    assert_eq!(reported, counted, "the same sessions counted");
    let gap = results["logging_gap"]
        .as_array()
        .expect("gap")
        .iter()
        .find(|g| g["staff"] == staff.as_str())
        .expect("a gap for the person shadowed");
    let (help_tasks, help_minutes, logged, logged_minutes, watched) = expected;
    assert!(logged >= 3 && help_tasks > logged, "a real gap to measure: {gap}");
    assert_eq!(gap["sessions"], counted.len());
    assert_eq!(gap["observed_help_tasks"], help_tasks);
    assert_eq!(gap["logged_episodes"], logged);
    assert_eq!(gap["logged_minutes"], logged_minutes);
    let close = |key: &str, value: f64| {
        let got = gap[key].as_f64().unwrap_or_else(|| panic!("{key} in {gap}"));
        assert!((got - value).abs() < 1e-9, "{key}: Lantern {got}, recomputed {value}");
        got
    };
    close("observed_seconds", watched);
    close("observed_help_minutes", help_minutes);
    let episode_ratio = close("episode_ratio", logged as f64 / help_tasks as f64);
    let minutes_ratio = close("minutes_ratio", logged_minutes as f64 / help_minutes);
    assert!(episode_ratio < 1.0 && minutes_ratio < 1.0, "under-logging is visible: {gap}");

    let reliability = get(&format!("/api/v1/reliability-pairs/{pair}"));
    let dimensions = reliability["reliability"]["dimensions"].as_array().expect("dimensions");
    assert_eq!(dimensions.len(), 4, "{reliability}");
    for d in dimensions {
        let kappa = d["agreement"]["kappa"].as_f64().expect("kappa");
        assert!(kappa > 0.0 && kappa < 1.0, "{}: kappa {kappa}", d["dimension"]);
    }
    eprintln!(
        "observed {help_tasks} help tasks, {help_minutes:.1} min; logged {logged} episodes, {logged_minutes} min; \
         ratios {episode_ratio:.3} (episodes) {minutes_ratio:.3} (minutes); kappa {:?}",
        dimensions.iter().map(|d| (d["dimension"].clone(), d["agreement"]["kappa"].clone())).collect::<Vec<_>>()
    );
}

/// `lantern serve` on the database, with the base URL it announces.
fn serve(db: &Path) -> (Server, String) {
    let mut child = Command::new(LANTERN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(db)
        .env("LANTERN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lantern serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.strip_prefix("Lantern is serving at ") {
            let url = rest.split_whitespace().next().expect("url").trim_end_matches('/').to_owned();
            return (server, url);
        }
    }
    panic!("lantern serve announced no address");
}
