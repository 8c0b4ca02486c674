//! Observation studies over real HTTP: a researcher's study from creation to exports, batches re-sent
//! after a dropped connection counted once, the practice boundary, and reliability through the API.

use crate::common::{actor, json_of, TestApp, PRACTICE};
use jiff::Timestamp;
use lantern_core::access::{Role, User};
use lantern_core::ods::OdsCode;
use lantern_store::AuditFilter;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use uuid::Uuid;

both_backends!(
    a_researcher_runs_a_study_from_creation_to_exports,
    staff_are_refused_and_other_organisations_see_nothing,
    identical_observers_give_kappa_1,
);

/// 2026-03-02T09:00:00Z, a Monday inside the study's dates.
const T0: i64 = 1_772_442_000;

fn at(seconds: i64) -> String {
    Timestamp::from_second(T0 + seconds).expect("in range").to_string()
}

/// A user of `role` in `organisation`, with an API client carrying a token of theirs.
async fn person(app: &TestApp, username: &str, organisation: &str) -> (User, Client) {
    let user = User {
        id: Uuid::now_v7(),
        username: username.into(),
        display_name: username.into(),
        role: Role::Researcher,
        staff_id: None,
        organisation: OdsCode::parse(organisation).ok(),
        practices: Vec::new(),
        active: true,
    };
    app.store.create_user(&user, "unused: signs in by token", &actor()).await.expect("user");
    let token = lantern_web::auth::new_secret();
    let hash = lantern_web::auth::hash_secret(&token);
    app.store.create_api_token(&user, "test", &hash, &actor()).await.expect("token");
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).expect("header"));
    let client = Client::builder().default_headers(headers).build().expect("client");
    (user, client)
}

async fn send(app: &TestApp, client: &Client, method: &str, path: &str, body: Option<&Value>) -> Response {
    let url = format!("{}{path}", app.base);
    let request = match method {
        "GET" => client.get(url),
        "PUT" => client.put(url),
        _ => client.post(url),
    };
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request.send().await.expect("request")
}

async fn ok(app: &TestApp, client: &Client, method: &str, path: &str, body: Option<&Value>) -> Value {
    let response = send(app, client, method, path, body).await;
    let status = response.status().as_u16();
    let value = json_of(response).await;
    assert!((200..300).contains(&status), "{method} {path}: {status} {value}");
    value
}

async fn create_study(app: &TestApp, client: &Client, observers: &[Uuid]) -> String {
    let body = json!({
        "name": "Front desk, March",
        "practices": [PRACTICE],
        "observers": observers,
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
        "consent_note": "Staff consented in writing; notices in the waiting room.",
    });
    let study = ok(app, client, "POST", "/api/v1/studies", Some(&body)).await;
    study["id"].as_str().expect("id").to_owned()
}

async fn start_session(app: &TestApp, client: &Client, study: &str) -> String {
    let body = json!({ "practice": PRACTICE, "staff": app.staff[0].id, "started_at": at(0) });
    let session = ok(app, client, "POST", &format!("/api/v1/studies/{study}/sessions"), Some(&body)).await;
    session["id"].as_str().expect("id").to_owned()
}

fn task(id: Uuid, seconds: i64, what: &str, with_whom: &str, how: &str, place: &str) -> Value {
    let values = json!({ "what": what, "with_whom": with_whom, "how": how, "where": place });
    json!({ "id": id, "at": at(seconds), "type": "task_started", "values": values })
}

fn end_task(seconds: i64, task: Uuid) -> Value {
    json!({ "id": Uuid::now_v7(), "at": at(seconds), "type": "task_ended", "task": task })
}

async fn a_researcher_runs_a_study_from_creation_to_exports(app: TestApp) {
    let rita = app.api_as(Role::Researcher).await;
    let rita_id = app.user(Role::Researcher).id;
    let (stranger, _) = person(&app, "far-away", "U00001").await;
    let refused = send(&app, &rita, "POST", "/api/v1/studies", Some(&json!({
        "name": "x", "practices": [PRACTICE, "B82005"], "observers": [stranger.id], "starts_on": "2026-03-01",
        "ends_on": "2026-02-01", "consent_note": "",
    }))).await;
    assert_eq!(refused.status(), 422);
    let fields: Vec<String> = json_of(refused).await["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(fields, ["practices", "observers", "ends_on", "consent_note"]);

    let study = create_study(&app, &rita, &[rita_id]).await;
    let session = start_session(&app, &rita, &study).await;
    let events_path = format!("/api/v1/sessions/{session}/events");
    // One hour: help with an app problem 0–600 s, phone triage 700–900 s, a phone interruption and a note.
    let (help, triage) = (Uuid::now_v7(), Uuid::now_v7());
    let batch = json!({ "events": [
        task(help, 0, "troubleshoot", "patient", "patient_device", "front_desk"),
        { "id": Uuid::now_v7(), "at": at(50), "type": "note", "text": "Patient's app showed an old error" },
        { "id": Uuid::now_v7(), "at": at(100), "type": "interruption", "source": "phone" },
        end_task(600, help),
        task(triage, 700, "phone_triage", "patient", "phone", "front_desk"),
        end_task(900, triage),
    ]});
    let first = ok(&app, &rita, "POST", &events_path, Some(&batch)).await;
    assert_eq!((first["new"].as_u64(), first["duplicates"].as_u64()), (Some(6), Some(0)));
    // The answer was lost to a dropped connection, so the page sends the batch again.
    let again = ok(&app, &rita, "POST", &events_path, Some(&batch)).await;
    assert_eq!((again["new"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(6)));
    assert_eq!(again["timeline"], first["timeline"]);
    assert_eq!(first["timeline"]["tasks"], 2);

    let note = Uuid::now_v7();
    let identifying = json!({ "events": [
        { "id": note, "at": at(950), "type": "note", "text": "Helped Mr Smith, NHS number 943 476 5919" },
    ]});
    let refused = send(&app, &rita, "POST", &events_path, Some(&identifying)).await;
    assert_eq!(refused.status(), 422);
    let error = json_of(refused).await["error"].clone();
    assert_eq!(error["fields"][0]["field"], "events[0]");
    assert!(
        error["fields"][0]["message"].as_str().unwrap_or_default().contains(&note.to_string()),
        "{error}"
    );
    assert_eq!(error["fields"][1]["field"], "events[0].text");
    assert!(error["fields"][1]["message"].as_str().unwrap_or_default().contains("an NHS number"), "{error}");
    let admin = send(&app, &app.client, "POST", &events_path, Some(&batch)).await;
    assert_eq!(admin.status(), 403, "only the session's observer adds to it");
    let ended =
        ok(&app, &rita, "POST", &format!("/api/v1/sessions/{session}/end"), Some(&json!({ "at": at(3600) })))
            .await;
    assert_eq!(ended["timeline"]["ended_at"], at(3600));
    let read = ok(&app, &rita, "GET", &format!("/api/v1/sessions/{session}"), None).await;
    assert_eq!(read["events"].as_array().map(Vec::len), Some(7), "six events and the end, nothing twice");

    // Episodes logged by the staff member observed: one in the hour (12 minutes), one after it.
    for (seconds, minutes) in [(100, 12), (5_000, 5)] {
        let mut episode = app.episode_json();
        episode["occurred_at"] = json!(at(seconds));
        episode["duration_minutes"] = json!(minutes);
        assert_eq!(app.post_episode(&episode).await.status(), 201);
    }
    let results = ok(&app, &rita, "GET", &format!("/api/v1/studies/{study}/results?slice=10"), None).await;
    let summary = &results["summary"];
    assert_eq!((summary["observed_seconds"].as_f64(), summary["tasks"].as_u64()), (Some(3600.0), Some(2)));
    assert_eq!(
        (summary["tasks_per_hour"].as_f64(), summary["mean_task_seconds"].as_f64()),
        (Some(2.0), Some(400.0))
    );
    assert_eq!(summary["interruptions"], 1);
    // Worked by hand: 1 help task of 10 minutes observed; 1 episode of 12 minutes logged in the hour.
    let gap = &results["logging_gap"][0];
    assert_eq!(gap["staff"], json!(app.staff[0].id));
    assert_eq!(
        (gap["observed_help_tasks"].as_u64(), gap["observed_help_minutes"].as_f64()),
        (Some(1), Some(10.0))
    );
    assert_eq!((gap["logged_episodes"].as_u64(), gap["logged_minutes"].as_u64()), (Some(1), Some(12)));
    assert_eq!((gap["episode_ratio"].as_f64(), gap["minutes_ratio"].as_f64()), (Some(1.0), Some(1.2)));

    let tasks = send(&app, &rita, "GET", &format!("/api/v1/studies/{study}/tasks.csv"), None).await;
    assert_eq!(tasks.status(), 200);
    let tasks = tasks.text().await.expect("csv");
    let lines: Vec<&str> = tasks.lines().collect();
    assert!(lines[0].ends_with("seconds,closed_at_end,what,with_whom,how,where"), "{}", lines[0]);
    assert_eq!(lines.len(), 3);
    assert!(lines[1].contains(",600.0,false,troubleshoot,patient,patient_device,front_desk"), "{}", lines[1]);
    let notes = send(&app, &rita, "GET", &format!("/api/v1/studies/{study}/notes/{session}.txt"), None).await;
    assert_eq!(notes.headers()["content-type"], "text/plain; charset=utf-8");
    let notes = notes.text().await.expect("text");
    assert!(notes.contains(&format!("[00:00:50 | {}] Patient's app showed an old error", at(50))), "{notes}");
    let codebook = send(&app, &rita, "GET", &format!("/api/v1/studies/{study}/codebook.csv"), None).await;
    let codebook = codebook.text().await.expect("csv");
    assert!(codebook.starts_with("template_version,dimension,dimension_label,category,label,digital_help\n"));
    assert!(codebook.contains("1,what,What,troubleshoot,"), "{codebook}");
    let refused = send(&app, &app.client, "GET", &format!("/api/v1/studies/{study}/tasks.csv"), None).await;
    assert_eq!(refused.status(), 403, "exports are for researchers only");
    let records = app.store.audit_records(&AuditFilter::default(), 200).await.expect("audit");
    for action in ["export.observation.tasks", "export.observation.notes", "export.observation.codebook"] {
        assert!(records.iter().any(|r| r.action == action && r.actor.username == "researcher"), "{action}");
    }
    assert!(records.iter().all(|r| !r.after.as_deref().unwrap_or_default().contains("old error")));
}

async fn staff_are_refused_and_other_organisations_see_nothing(app: TestApp) {
    let rita = app.api_as(Role::Researcher).await;
    let study = create_study(&app, &rita, &[app.user(Role::Researcher).id]).await;
    let session = start_session(&app, &rita, &study).await;
    let staff = app.api_as(Role::Staff).await;
    for path in ["/api/v1/studies".to_owned(), format!("/api/v1/studies/{study}")] {
        let response = send(&app, &staff, "GET", &path, None).await;
        assert_eq!(response.status(), 403, "{path}");
    }
    let (_, elsewhere) = person(&app, "elsewhere", "U00001").await;
    let listed = ok(&app, &elsewhere, "GET", "/api/v1/studies", None).await;
    assert_eq!(listed, json!([]));
    let batch = json!({ "events": [] });
    let start = json!({ "practice": PRACTICE, "staff": app.staff[0].id });
    for (method, path, body) in [
        ("GET", format!("/api/v1/studies/{study}"), None),
        ("GET", format!("/api/v1/studies/{study}/results"), None),
        ("GET", format!("/api/v1/studies/{study}/tasks.csv"), None),
        ("GET", format!("/api/v1/sessions/{session}"), None),
        ("POST", format!("/api/v1/sessions/{session}/events"), Some(&batch)),
        ("POST", format!("/api/v1/studies/{study}/sessions"), Some(&start)),
    ] {
        let response = send(&app, &elsewhere, method, &path, body).await;
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    assert_eq!(ok(&app, &rita, "GET", "/api/v1/studies", None).await.as_array().map(Vec::len), Some(1));
}

async fn identical_observers_give_kappa_1(app: TestApp) {
    let rita = app.api_as(Role::Researcher).await;
    let (sam_user, sam) = person(&app, "sam", "U89141").await;
    let study = create_study(&app, &rita, &[app.user(Role::Researcher).id, sam_user.id]).await;
    let mut sessions = Vec::new();
    for client in [&rita, &sam] {
        let session = start_session(&app, client, &study).await;
        // The same story from each observer, with ids of each device's own making.
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let batch = json!({ "events": [
            task(a, 0, "troubleshoot", "patient", "patient_device", "front_desk"),
            end_task(120, a),
            task(b, 200, "phone_triage", "colleague", "phone", "back_office"),
            end_task(400, b),
            { "id": Uuid::now_v7(), "at": at(600), "type": "session_ended" },
        ]});
        ok(&app, client, "POST", &format!("/api/v1/sessions/{session}/events"), Some(&batch)).await;
        sessions.push(session);
    }
    let pair = ok(
        &app,
        &rita,
        "POST",
        &format!("/api/v1/studies/{study}/reliability-pairs"),
        Some(&json!({ "sessions": sessions })),
    )
    .await;
    let id = pair["id"].as_str().expect("id");
    let view = ok(&app, &sam, "GET", &format!("/api/v1/reliability-pairs/{id}?slice=10"), None).await;
    assert_eq!(view["slice_seconds"], 10);
    let reliability = &view["reliability"];
    assert_eq!(reliability["slices"], 60, "600 seconds in 10-second slices");
    let dimensions = reliability["dimensions"].as_array().expect("dimensions");
    assert_eq!(dimensions.len(), 4);
    for d in dimensions {
        assert_eq!(d["agreement"]["kappa"].as_f64(), Some(1.0), "{d}");
        assert_eq!(d["agreement"]["observed"].as_f64(), Some(1.0), "{d}");
    }
    assert_eq!(reliability["all_dimensions"].as_f64(), Some(1.0));
    let results = ok(&app, &rita, "GET", &format!("/api/v1/studies/{study}/results"), None).await;
    assert_eq!(results["sessions"], json!([sessions[0]]), "a pair's time is counted once");
    assert_eq!(results["excluded"][0]["reason"], "second session of a reliability pair");
}
