//! Nothing is counted twice and nothing is silently overwritten: the log form and the API's
//! `Idempotency-Key` store one episode however often (or however concurrently) they are sent; an edit
//! must say which version it changes; undo never throws away someone else's correction.

use super::{enc, episode_total, location, log_form, SignedIn};
use crate::common::{hidden, json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use reqwest::{Client, Response};
use serde_json::{json, Value};

both_backends!(
    the_log_form_sent_twice_stores_one_episode,
    an_idempotency_key_stores_one_episode_however_often_it_is_sent,
    an_api_edit_must_name_its_version,
    a_page_edit_must_name_its_version_and_conflicts_speak_plainly,
    undo_leaves_an_episode_someone_has_corrected,
);

/// The quick-log form as the staff member's browser has it: its CSRF token and one-time key.
async fn log_page(staff: &SignedIn) -> (String, String) {
    let html = staff.browser.get_html(&format!("/log?practice={PRACTICE}")).await;
    let csrf = hidden(&html, "csrf").expect("csrf");
    let key = hidden(&html, "submission").expect("the log form carries a one-time submission key");
    (csrf, key)
}

async fn the_log_form_sent_twice_stores_one_episode(app: TestApp) {
    let staff = SignedIn::new(&app, Role::Staff).await;
    let helper = app.staff[0].id.to_string();
    let before = episode_total(&app).await;

    // Sent twice in a row (a double click, or back and submit again).
    let (csrf, key) = log_page(&staff).await;
    let body = format!("csrf={csrf}&submission={key}&{}", log_form(PRACTICE, &helper));
    let first = staff.post("/log", &body).await;
    let second = staff.post("/log", &body).await;
    assert_eq!((first.status().as_u16(), second.status().as_u16()), (303, 303));
    assert_eq!(location(&first), location(&second), "both land on the one episode logged");
    assert_eq!(episode_total(&app).await, before + 1);

    // Sent twice at the same moment.
    let (csrf, key) = log_page(&staff).await;
    let body = format!("csrf={csrf}&submission={key}&{}", log_form(PRACTICE, &helper));
    let (a, b) = tokio::join!(staff.post("/log", &body), staff.post("/log", &body));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    assert_eq!(location(&a), location(&b));
    assert_eq!(episode_total(&app).await, before + 2);

    // A fresh form is a fresh key: the next patient's help is logged.
    let (csrf, fresh) = log_page(&staff).await;
    assert_ne!(fresh, key, "each form shown has its own key");
    let body = format!("csrf={csrf}&submission={fresh}&{}", log_form(PRACTICE, &helper));
    assert_eq!(staff.post("/log", &body).await.status(), 303);
    assert_eq!(episode_total(&app).await, before + 3);
}

async fn post_keyed(app: &TestApp, client: &Client, key: &str, body: &Value) -> Response {
    client
        .post(format!("{}/api/v1/episodes", app.base))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request")
}

fn replayed(response: &Response) -> String {
    response.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

async fn an_idempotency_key_stores_one_episode_however_often_it_is_sent(app: TestApp) {
    let body = app.episode_json();
    let before = episode_total(&app).await;

    let first = post_keyed(&app, &app.client, "retry-7d1c", &body).await;
    assert_eq!(first.status(), 201);
    assert_eq!(replayed(&first), "false");
    let id = json_of(first).await["id"].clone();
    let again = post_keyed(&app, &app.client, "retry-7d1c", &body).await;
    assert_eq!(again.status(), 201, "a retry gets the first answer");
    assert_eq!(replayed(&again), "true");
    assert_eq!(json_of(again).await["id"], id);
    assert_eq!(episode_total(&app).await, before + 1);

    // Five at once with one key: one episode, every answer naming it.
    let sends: Vec<_> = (0..5)
        .map(|_| {
            let request = app
                .client
                .post(format!("{}/api/v1/episodes", app.base))
                .header("Idempotency-Key", "burst-1")
                .json(&body);
            tokio::spawn(async move { request.send().await.expect("request") })
        })
        .collect();
    let mut ids = Vec::new();
    for send in sends {
        let response = send.await.expect("task");
        assert_eq!(response.status(), 201);
        ids.push(json_of(response).await["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every concurrent answer names the same episode: {ids:?}");
    assert_eq!(episode_total(&app).await, before + 2);

    // The same key with something else is a client bug, refused by name; nothing is stored.
    let mut other = body.clone();
    other["duration_minutes"] = json!(9);
    let reused = post_keyed(&app, &app.client, "retry-7d1c", &other).await;
    assert_eq!(reused.status(), 422);
    let error = json_of(reused).await;
    assert_eq!(error["error"]["fields"][0]["field"], "idempotency_key", "{error}");
    assert_eq!(episode_total(&app).await, before + 2);

    // Keys belong to their sender: another account's identical key stores its own episode.
    let lead = app.api_as(Role::PracticeLead).await;
    let theirs = post_keyed(&app, &lead, "retry-7d1c", &body).await;
    assert_eq!(theirs.status(), 201);
    assert_ne!(json_of(theirs).await["id"], id);
    assert_eq!(episode_total(&app).await, before + 3);

    // Malformed keys are refused before anything is stored; no key means no de-duplication.
    assert_eq!(post_keyed(&app, &app.client, &"k".repeat(256), &body).await.status(), 422);
    assert_eq!(app.post_episode(&body).await.status(), 201);
    assert_eq!(app.post_episode(&body).await.status(), 201);
    assert_eq!(episode_total(&app).await, before + 5);
}

async fn an_api_edit_must_name_its_version(app: TestApp) {
    let created = json_of(app.post_episode(&app.episode_json()).await).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let mut edited = app.episode_json();
    edited["duration_minutes"] = json!(12);

    let missing = app.put_episode(&id, None, &edited).await;
    assert_eq!(missing.status(), 428, "no expected_version, no edit");
    assert_eq!(json_of(missing).await["error"]["code"], "precondition_required");
    assert_eq!(json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await["version"], 1, "unchanged");

    assert_eq!(app.put_episode(&id, Some(1), &edited).await.status(), 200);
    let stale = app.put_episode(&id, Some(1), &edited).await;
    assert_eq!(stale.status(), 409);
    let message = json_of(stale).await["error"]["message"].as_str().expect("message").to_owned();
    assert!(message.contains("version 2"), "says where it stands now: {message}");
    assert!(!message.contains(&id), "speaks to a person, not in ids: {message}");
}

async fn a_page_edit_must_name_its_version_and_conflicts_speak_plainly(app: TestApp) {
    let lead = SignedIn::new(&app, Role::PracticeLead).await;
    let created = json_of(app.post_episode(&app.episode_json()).await).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let helper = app.staff[0].id.to_string();
    let html = lead.browser.get_html(&format!("/episodes/{id}/edit")).await;
    let csrf = hidden(&html, "csrf").expect("csrf");
    assert_eq!(hidden(&html, "version").as_deref(), Some("1"));
    let form = log_form(PRACTICE, &helper);

    let unversioned = lead.post(&format!("/episodes/{id}/edit"), &format!("csrf={csrf}&{form}")).await;
    assert_eq!(unversioned.status(), 428);

    // Someone else saves first; this form, filled from version 1, must not overwrite it.
    let mut theirs = app.episode_json();
    theirs["duration_minutes"] = json!(20);
    assert_eq!(app.put_episode(&id, Some(1), &theirs).await.status(), 200);
    let mine = format!("csrf={csrf}&version=1&{}&note={}", form, enc("Printed the letter"));
    let conflict = lead.post(&format!("/episodes/{id}/edit"), &mine).await;
    assert_eq!(conflict.status(), 409);
    let page = conflict.text().await.expect("html");
    assert!(page.contains("Someone else saved a change to this episode"), "plain words");
    assert!(page.contains("Printed the letter"), "what they typed is kept on the page");
    assert_eq!(hidden(&page, "version").as_deref(), Some("2"), "saving again is now a knowing choice");
    let now = json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await;
    assert_eq!((now["version"].as_i64(), now["duration_minutes"].as_i64()), (Some(2), Some(20)));
}

async fn undo_leaves_an_episode_someone_has_corrected(app: TestApp) {
    let staff = SignedIn::new(&app, Role::Staff).await;
    let helper = app.staff[0].id.to_string();
    let (csrf, key) = log_page(&staff).await;
    let logged =
        staff.post("/log", &format!("csrf={csrf}&submission={key}&{}", log_form(PRACTICE, &helper))).await;
    let id = location(&logged)
        .split("logged=")
        .nth(1)
        .expect("logged id")
        .split('#')
        .next()
        .expect("id")
        .to_owned();

    let mut corrected = app.episode_json();
    corrected["duration_minutes"] = json!(15);
    assert_eq!(app.put_episode(&id, Some(1), &corrected).await.status(), 200, "a lead corrects it");

    let undo = staff.post("/log/undo", &format!("csrf={csrf}&practice={PRACTICE}&id={id}")).await;
    assert_eq!(undo.status(), 409);
    let record = json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await;
    assert!(record["deleted"].is_null(), "the corrected episode stays: {record}");
    assert_eq!(record["version"], 2);
}
