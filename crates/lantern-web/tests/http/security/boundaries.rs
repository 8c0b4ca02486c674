//! Practice boundaries: nothing of another practice can be read, changed or even confirmed to exist;
//! staff change only the episodes they logged or helped with; tokens belong to their owner.

use super::{admits, create_episode, declared, log_form, spare_token, spec_for, SignedIn};
use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use reqwest::{Client, Method};
use serde_json::{json, Value};

const OTHER: &str = "B82002";

both_backends!(another_practice_is_out_of_reach);

/// The other practice, set up by the administrator: one staff member (Dee) and one episode.
struct Other {
    episode: String,
    dee: String,
    /// A complete episode body for the other practice.
    body: Value,
}

async fn send(client: &Client, method: Method, url: String, body: Option<&Value>) -> reqwest::Response {
    let request = client.request(method, url);
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request.send().await.expect("request")
}

async fn set_up_other_practice(app: &TestApp) -> Other {
    let practice = json!({ "name": "Hill Surgery", "pcn": "U00002", "icb": null, "list_size": 5_000 });
    let url = format!("{}/api/v1/practices/{OTHER}", app.base);
    assert_eq!(send(&app.client, Method::PUT, url, Some(&practice)).await.status(), 200, "practice set up");
    let url = format!("{}/api/v1/practices/{OTHER}/staff", app.base);
    let dee = json!({ "display_name": "Dee", "role": "receptionist" });
    let response = send(&app.client, Method::POST, url, Some(&dee)).await;
    assert_eq!(response.status(), 201, "staff member added");
    let dee = json_of(response).await["id"].as_str().expect("id").to_owned();
    let mut body = app.episode_json();
    body["practice"] = json!(OTHER);
    body["helpers"] = json!([dee]);
    body["note"] = json!("Hill Surgery's own note");
    let episode = create_episode(app, &app.client, &body).await;
    Other { episode, dee, body }
}

/// Everything about the other practice, as the administrator sees it.
async fn snapshot(app: &TestApp, other: &Other) -> Value {
    let mut all = json!({});
    for (key, path) in [
        ("episode", format!("/api/v1/episodes/{}", other.episode)),
        ("history", format!("/api/v1/episodes/{}/history", other.episode)),
        ("services", format!("/api/v1/practices/{OTHER}/services")),
        ("staff", format!("/api/v1/practices/{OTHER}/staff")),
        ("practices", "/api/v1/practices".to_owned()),
        ("episodes", format!("/api/v1/episodes?practice={OTHER}&include_deleted=true")),
        ("role_costs", format!("/api/v1/practices/{OTHER}/role-costs")),
    ] {
        if key == "role_costs" && declared(&Method::GET, &path).is_none() {
            continue; // still being built
        }
        all[key] = json_of(app.get(&path).await).await;
    }
    all
}

async fn another_practice_is_out_of_reach(app: TestApp) {
    let other = set_up_other_practice(&app).await;
    let own_episode = create_episode(&app, &app.client, &app.episode_json()).await;
    let before = snapshot(&app, &other).await;
    assert_eq!(before["episode"]["version"], 1);
    let (b, id, dee) = (&app.base, &other.episode, &other.dee);
    let mut edited = other.body.clone();
    edited["note"] = json!("Changed from another practice");
    let probes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("{b}/api/v1/episodes/{id}"), None),
        (Method::PUT, format!("{b}/api/v1/episodes/{id}?expected_version=1"), Some(edited.clone())),
        (Method::DELETE, format!("{b}/api/v1/episodes/{id}"), Some(json!({ "reason": "not ours" }))),
        (Method::GET, format!("{b}/api/v1/episodes/{id}/history"), None),
        (Method::GET, format!("{b}/api/v1/practices/{OTHER}/services"), None),
        (Method::GET, format!("{b}/api/v1/practices/{OTHER}/staff"), None),
        (Method::POST, format!("{b}/api/v1/practices/{OTHER}/services"), Some(json!({ "label": "Sneaky" }))),
        (
            Method::PUT,
            format!("{b}/api/v1/practices/{OTHER}/services/nhs_app"),
            Some(json!({ "enabled": false })),
        ),
        (
            Method::POST,
            format!("{b}/api/v1/practices/{OTHER}/staff"),
            Some(json!({ "display_name": "Mallory", "role": "receptionist" })),
        ),
        (Method::PUT, format!("{b}/api/v1/practices/{OTHER}/staff/{dee}"), Some(json!({ "active": false }))),
        (
            Method::PUT,
            format!("{b}/api/v1/practices/{OTHER}"),
            Some(json!({ "name": "Taken over", "pcn": null, "icb": null, "list_size": 1 })),
        ),
        (Method::GET, format!("{b}/api/v1/episodes?practice={OTHER}"), None),
    ];
    // Routes still being built join in once they are declared.
    let probes: Vec<_> = probes
        .into_iter()
        .chain(
            [
                (Method::GET, format!("{b}/api/v1/measures/practices/{OTHER}"), None),
                (Method::GET, format!("{b}/api/v1/measures/practices/{OTHER}?format=csv"), None),
                (Method::GET, format!("{b}/api/v1/practices/{OTHER}/role-costs"), None),
                (
                    Method::PUT,
                    format!("{b}/api/v1/practices/{OTHER}/role-costs/receptionist"),
                    Some(json!({ "hourly_pence": 1 })),
                ),
            ]
            .into_iter()
            .filter(|(method, url, _)| declared(method, url.trim_start_matches(b.as_str())).is_some()),
        )
        .collect();
    let mut problems = Vec::new();
    for role in [Role::Staff, Role::PracticeLead] {
        let client = app.api_as(role).await;
        for (method, url, body) in &probes {
            let path = url.trim_start_matches(b.as_str());
            // Outside the practice is "not found"; a route the role may not use at all is "forbidden",
            // which says nothing about the other practice.
            let expected = if admits(spec_for(method, path).access, role) { 404 } else { 403 };
            let response = send(&client, method.clone(), url.clone(), body.as_ref()).await;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            if status != expected {
                problems.push(format!("{role} {method} {path}: {status}, expected {expected}: {text}"));
            } else if text.contains("Hill Surgery") || text.contains("Dee") {
                problems
                    .push(format!("{role} {method} {path}: the refusal leaks the other practice: {text}"));
            }
        }
        let response = send(&client, Method::POST, format!("{b}/api/v1/episodes"), Some(&other.body)).await;
        let status = response.status().as_u16();
        let error = json_of(response).await;
        if status != 422 || error["error"]["fields"][0]["field"] != "practice" {
            problems.push(format!("{role} POST /api/v1/episodes at {OTHER}: {status} {error}"));
        }
        let listed =
            json_of(app_get(&client, &format!("{b}/api/v1/episodes?include_deleted=true")).await).await;
        for episode in listed["episodes"].as_array().expect("episodes") {
            if episode["practice"] != PRACTICE || episode["id"] == json!(id) {
                problems.push(format!("{role} GET /api/v1/episodes lists {}", episode["id"]));
            }
        }
        assert_eq!(listed["total"], 1, "{role} sees exactly their own practice's episode");

        let browser = SignedIn::new(&app, role).await;
        let csrf = browser.csrf(&app).await;
        let form = format!("csrf={csrf}&version=1&{}", log_form(OTHER, dee));
        let pages = [
            (
                "GET",
                format!("/episodes/{id}/edit"),
                browser.browser.get(&format!("/episodes/{id}/edit")).await,
            ),
            (
                "POST",
                format!("/episodes/{id}/edit"),
                browser.post(&format!("/episodes/{id}/edit"), &form).await,
            ),
            (
                "GET",
                format!("/log?practice={OTHER}"),
                browser.browser.get(&format!("/log?practice={OTHER}")).await,
            ),
            ("POST", "/log".to_owned(), browser.post("/log", &form).await),
        ];
        for (method, path, response) in pages {
            if response.status() != 404 {
                problems.push(format!("{role} page {method} {path}: {}, expected 404", response.status()));
            }
        }
        let undo = browser.post("/log/undo", &format!("csrf={csrf}&practice={OTHER}&id={id}")).await;
        if !matches!(undo.status().as_u16(), 404 | 409) {
            problems.push(format!("{role} page POST /log/undo of {OTHER}'s episode: {}", undo.status()));
        }
    }

    // Analysts see aggregates only: no single episode, no list, no history, at any practice.
    let analyst = app.api_as(Role::Analyst).await;
    for path in [
        format!("/api/v1/episodes/{id}"),
        format!("/api/v1/episodes/{own_episode}"),
        format!("/api/v1/episodes/{own_episode}/history"),
        "/api/v1/episodes".to_owned(),
        format!("/api/v1/episodes?practice={PRACTICE}"),
    ] {
        let response = app_get(&analyst, &format!("{b}{path}")).await;
        let status = response.status().as_u16();
        let body = json_of(response).await;
        if status != 403 || body["error"]["code"] != "forbidden" {
            problems.push(format!("analyst GET {path}: {status} {body}"));
        }
    }
    // Nor another organisation's aggregates: the other practice is in PCN U00002, the analyst's is U89141.
    let organisation = "/api/v1/measures/organisations/U00002";
    if declared(&Method::GET, organisation).is_some() {
        let status = app_get(&analyst, &format!("{b}{organisation}")).await.status().as_u16();
        if !matches!(status, 403 | 404) {
            problems.push(format!("analyst GET {organisation}: {status}, expected 404"));
        }
    }
    assert!(problems.is_empty(), "another practice's data was reachable:\n{}", problems.join("\n"));
    assert_eq!(snapshot(&app, &other).await, before, "nothing changed at {OTHER}");
}

async fn app_get(client: &Client, url: &str) -> reqwest::Response {
    client.get(url).send().await.expect("request")
}

#[tokio::test]
async fn staff_change_only_episodes_they_logged_or_helped_with() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let (lead, staff) = (app.api_as(Role::PracticeLead).await, app.api_as(Role::Staff).await);
    let episode_url = |id: &str| format!("{}/api/v1/episodes/{id}", app.base);
    let mut bens = app.episode_json();
    bens["helpers"] = json!([app.staff[1].id]);
    let by_lead_for_ben = create_episode(&app, &lead, &bens).await;
    let mut edit = bens.clone();
    edit["duration_minutes"] = json!(20);

    let put = send(&staff, Method::PUT, episode_url(&by_lead_for_ben), Some(&edit)).await;
    assert_eq!(put.status(), 403, "staff cannot edit an episode they neither logged nor helped with");
    assert_eq!(json_of(put).await["error"]["code"], "forbidden");
    let reason = json!({ "reason": "not mine" });
    let delete = send(&staff, Method::DELETE, episode_url(&by_lead_for_ben), Some(&reason)).await;
    assert_eq!(delete.status(), 403, "nor delete it");
    let browser = SignedIn::new(&app, Role::Staff).await;
    let edit_page = format!("/episodes/{by_lead_for_ben}/edit");
    assert_eq!(browser.browser.get(&edit_page).await.status(), 403, "nor open its edit page");
    let csrf = browser.csrf(&app).await;
    let form = format!(
        "csrf={csrf}&version=1&{}&duration_other=25",
        log_form(PRACTICE, &app.staff[1].id.to_string())
    );
    assert_eq!(browser.post(&edit_page, &form).await.status(), 403, "nor save that page");
    let record = json_of(app.get(&format!("/api/v1/episodes/{by_lead_for_ben}")).await).await;
    assert_eq!((record["version"].as_i64(), record["deleted"].is_null()), (Some(1), true), "unchanged");
    assert_eq!(
        app_get(&staff, &episode_url(&by_lead_for_ben)).await.status(),
        200,
        "staff may still read it"
    );

    let url = format!("{}?expected_version=1", episode_url(&by_lead_for_ben));
    let put = send(&lead, Method::PUT, url, Some(&edit)).await;
    assert_eq!(put.status(), 200, "the practice lead edits any episode of their practice");
    assert_eq!(json_of(put).await["version"], 2);

    let asha_helped = create_episode(&app, &lead, &app.episode_json()).await;
    let mut edit = app.episode_json();
    edit["duration_minutes"] = json!(9);
    let url = format!("{}?expected_version=1", episode_url(&asha_helped));
    assert_eq!(send(&staff, Method::PUT, url, Some(&edit)).await.status(), 200);
    assert_eq!(browser.browser.get(&format!("/episodes/{asha_helped}/edit")).await.status(), 200);
    let staff_logged = create_episode(&app, &staff, &bens).await;
    assert_eq!(
        send(&staff, Method::PUT, format!("{}?expected_version=1", episode_url(&staff_logged)), Some(&edit))
            .await
            .status(),
        200,
        "staff edit what they logged, whoever helped"
    );
    let delete = send(&staff, Method::DELETE, episode_url(&asha_helped), Some(&reason)).await;
    assert_eq!(delete.status(), 200, "and delete what they helped with");
}

#[tokio::test]
async fn tokens_belong_to_their_owner() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let leads_token = spare_token(&app, Role::PracticeLead).await;
    let staff = app.api_as(Role::Staff).await;
    let revoke =
        send(&staff, Method::DELETE, format!("{}/api/v1/tokens/{leads_token}", app.base), None).await;
    assert_eq!(revoke.status(), 404, "another user's token is not found");
    let mine = json_of(app_get(&staff, &format!("{}/api/v1/tokens", app.base)).await).await;
    assert!(
        mine.as_array().expect("tokens").iter().all(|t| t["id"] != json!(leads_token)),
        "nor listed: {mine}"
    );
    let lead = app.api_as(Role::PracticeLead).await;
    let theirs = json_of(app_get(&lead, &format!("{}/api/v1/tokens", app.base)).await).await;
    let token = theirs.as_array().expect("tokens").iter().find(|t| t["id"] == json!(leads_token)).cloned();
    assert!(token.is_some_and(|t| t["revoked_at"].is_null()), "the lead's token is still live: {theirs}");

    // A revoked token stops working at once, and a bad bearer token is refused even beside a good cookie.
    // Tokens are made by a person signed in, never by another token.
    let person = SignedIn::new(&app, Role::Staff).await;
    let created = person
        .browser
        .client
        .post(format!("{}/api/v1/tokens", app.base))
        .json(&json!({ "name": "script" }))
        .send()
        .await
        .expect("request");
    assert_eq!(created.status(), 201);
    let created = json_of(created).await;
    let secret = created["token"].as_str().expect("token").to_owned();
    let me = |token: String| {
        let url = format!("{}/api/v1/me", app.base);
        async move { super::plain_client().get(url).bearer_auth(token).send().await.expect("request").status() }
    };
    assert_eq!(me(secret.clone()).await, 200);
    let id = created["id"].as_str().expect("id");
    assert_eq!(
        send(&staff, Method::DELETE, format!("{}/api/v1/tokens/{id}", app.base), None).await.status(),
        204
    );
    assert_eq!(me(secret).await, 401, "revoked");
    let session = SignedIn::new(&app, Role::Staff).await.session;
    let mixed = super::plain_client()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth("lantern_not-a-real-token")
        .header(reqwest::header::COOKIE, format!("{}={session}", super::SESSION))
        .send()
        .await
        .expect("request");
    assert_eq!(mixed.status(), 401, "a bad bearer token is not rescued by a good cookie");
}
