//! Hostile input: SQL and script in every free-text field come back exactly as typed in JSON and
//! escaped in HTML; oversized bodies are refused; every response carries the security headers.

use super::matrix::{fill, Fixtures, Who};
use super::{
    contains_escaped, create_episode, episode_total, location, log_form, raw_sign_in, SignedIn, FORM,
};
use crate::common::{json_of, TestApp, PASSWORD, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use lantern_web::Kind;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, Response};
use serde_json::{json, Value};

const SQL: [&str; 3] = ["'; DROP TABLE episodes; --", "\" OR 1=1 --", "\\'); DELETE FROM staff; --"];
const SCRIPT: [&str; 3] =
    ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)"];
/// What must never appear unescaped in a page.
const RAW_MARKUP: [&str; 3] = ["<script>alert", "<img src=x onerror", "\"><img"];

fn payloads() -> impl Iterator<Item = &'static str> {
    SQL.into_iter().chain(SCRIPT)
}

async fn post_json(app: &TestApp, path: &str, body: &Value) -> Response {
    app.client.post(format!("{}{path}", app.base)).json(body).send().await.expect("request")
}

fn raw_markup_in(html: &str) -> Vec<&'static str> {
    RAW_MARKUP.into_iter().filter(|m| html.contains(m)).collect()
}

#[tokio::test]
async fn injected_text_comes_back_exactly_in_json_and_escaped_in_pages() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let staff_url = format!("/api/v1/practices/{PRACTICE}/staff");
    let services_url = format!("/api/v1/practices/{PRACTICE}/services");
    let services_before = json_of(app.get(&services_url).await).await.as_array().expect("list").len();
    let staff_browser = SignedIn::new(&app, Role::Staff).await;
    let csrf = staff_browser.csrf(&app).await;
    let staff_api = app.api_as(Role::Staff).await;
    let mut episodes = Vec::new();
    let mut problems = Vec::new();
    for (n, payload) in payloads().enumerate() {
        // The note, over the API and through the page.
        let mut body = app.episode_json();
        body["note"] = json!(payload);
        let id = create_episode(&app, &app.client, &body).await;
        let form = format!(
            "csrf={csrf}&{}&note={}",
            log_form(PRACTICE, &app.staff[0].id.to_string()),
            super::enc(payload)
        );
        let logged = staff_browser.post("/log", &form).await;
        assert_eq!(logged.status(), 303, "logged through the page: {payload}");
        let page_id =
            location(&logged).split("logged=").nth(1).expect("id").split('#').next().expect("id").to_owned();
        for id in [&id, &page_id] {
            let note = json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await["note"].clone();
            if note != json!(payload) {
                problems.push(format!("note {payload:?} came back as {note}"));
            }
            let html = staff_browser.browser.get_html(&format!("/episodes/{id}/edit")).await;
            if !contains_escaped(&html, payload) || !raw_markup_in(&html).is_empty() {
                problems.push(format!("edit page of the note {payload:?} does not show it escaped"));
            }
        }
        episodes.extend([id, page_id]);

        // A staff member's name, a custom service's label and an API token's name.
        let member =
            post_json(&app, &staff_url, &json!({ "display_name": payload, "role": "receptionist" })).await;
        assert_eq!(member.status(), 201, "staff member {payload}");
        let name = json_of(member).await["display_name"].clone();
        if name != json!(payload) {
            problems.push(format!("staff name {payload:?} came back as {name}"));
        }
        let service = post_json(&app, &services_url, &json!({ "label": payload })).await;
        assert_eq!(service.status(), 201, "service {payload}");
        let label = json_of(service).await["label"].clone();
        if label != json!(payload) {
            problems.push(format!("service label {payload:?} came back as {label}"));
        }
        let token = staff_browser
            .browser
            .client
            .post(format!("{}/api/v1/tokens", app.base))
            .json(&json!({ "name": payload }))
            .send()
            .await
            .expect("request");
        assert_eq!(token.status(), 201, "token {payload}");
        let tokens =
            json_of(staff_api.get(format!("{}/api/v1/tokens", app.base)).send().await.expect("list")).await;
        if !tokens.as_array().expect("tokens").iter().any(|t| t["name"] == json!(payload)) {
            problems.push(format!("token name {payload:?} is not listed as typed: {tokens}"));
        }
        // The same text as a filter matches nothing rather than everything.
        let url = format!("/api/v1/episodes?service={}&outcome={}", super::enc(payload), super::enc(payload));
        let filtered = json_of(app.get(&url).await).await;
        if filtered["total"] != 0 {
            problems.push(format!("filtering by {payload:?} matched {}", filtered["total"]));
        }
        assert_eq!(episode_total(&app).await, 2 * (n as i64 + 1), "every episode is still there");
    }

    // A user whose display name is script, shown in every page's header.
    let account = json!({
        "username": "mallory", "display_name": SCRIPT[0], "role": "staff", "password": PASSWORD,
        "practices": [PRACTICE],
    });
    assert_eq!(post_json(&app, "/api/v1/users", &account).await.status(), 201);
    let mallory = crate::common::Browser::new(&app.base);
    assert_eq!(mallory.sign_in("mallory", PASSWORD).await.status(), 303);
    let header = mallory.get_html("/log").await;
    if !contains_escaped(&header, SCRIPT[0]) || !raw_markup_in(&header).is_empty() {
        problems.push("a display name of script is not escaped in the page header".into());
    }

    // The quick-log page lists the staff names and service labels: escaped, never raw.
    let log = staff_browser.browser.get_html(&format!("/log?practice={PRACTICE}")).await;
    for payload in payloads() {
        if !contains_escaped(&log, payload) {
            problems.push(format!("/log does not show {payload:?} escaped (staff name or service label)"));
        }
    }
    // Every page anyone can open, with the hostile records in place, shows no raw markup.
    let fx = Fixtures::new(&app).await;
    for role in Role::ALL {
        let browser = SignedIn::new(&app, role).await;
        for spec in lantern_web::route_specs() {
            if spec.kind != Kind::Page || spec.method != Method::GET || spec.path.starts_with("/assets/") {
                continue;
            }
            let mut path = fill(&spec.path, Who::As(role), &fx).expect("sample values");
            if spec.path == "/episodes/{id}/edit" {
                path = path.replace(&fx.episode, &episodes[6]);
            }
            let response = browser.browser.get(&path).await;
            let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
            if !content_type.unwrap_or_default().starts_with("text/html") {
                continue; // CSV and other downloads are not rendered by the browser
            }
            let html = response.text().await.expect("html");
            let raw = raw_markup_in(&html);
            if !raw.is_empty() {
                problems.push(format!("{role} GET {path} shows raw {raw:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "injected text was not inert:\n{}", problems.join("\n"));

    // The tables are all still there, holding exactly what was added.
    let staff = json_of(app.get(&staff_url).await).await;
    assert_eq!(staff.as_array().map(Vec::len), Some(2 + 6), "staff: the two fixtures and six added");
    let services = json_of(app.get(&services_url).await).await;
    assert_eq!(services.as_array().map(Vec::len), Some(services_before + 6));
    assert_eq!(episode_total(&app).await, 12 + 1, "two per payload, and the sweep's fixture");
}

/// The cells of a CSV document (quoted cells unquoted).
fn csv_cells(text: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',' | '\n', false) => cells.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            (c, _) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

#[tokio::test]
async fn formulas_typed_anywhere_start_no_cell_of_the_audit_export() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let declared =
        lantern_web::route_specs().iter().any(|s| s.path == "/audit.csv" && s.method == Method::GET);
    assert!(declared, "GET /audit.csv is not in the route table: the audit export this test checks is gone");
    let formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
    raw_sign_in(&app.base, formula, "wrong horse battery staple", "").await;
    let staff_url = format!("/api/v1/practices/{PRACTICE}/staff");
    let member =
        post_json(&app, &staff_url, &json!({ "display_name": formula, "role": "receptionist" })).await;
    assert_eq!(member.status(), 201);
    let mut body = app.episode_json();
    body["note"] = json!(format!("+{formula}"));
    create_episode(&app, &app.client, &body).await;
    let admin = SignedIn::new(&app, Role::Admin).await;
    let export = admin.browser.get_html("/audit.csv").await;
    assert!(export.contains("HYPERLINK"), "the export holds the typed text");
    let cells: Vec<String> =
        csv_cells(&export).into_iter().filter(|c| c.starts_with(['=', '+', '-', '@'])).collect();
    assert!(cells.is_empty(), "cells a spreadsheet would run as formulas: {cells:?}");
}

#[tokio::test]
async fn usernames_typed_at_sign_in_are_echoed_escaped() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let mut problems = Vec::new();
    for payload in payloads() {
        let response = raw_sign_in(&app.base, payload, "wrong horse battery staple", "").await;
        // Wrong every time, so after five the answer is "too many attempts": the username is echoed either way.
        let status = response.status().as_u16();
        let html = response.text().await.expect("html");
        let echoed = payload.trim().to_lowercase();
        if !matches!(status, 401 | 429)
            || !contains_escaped(&html, &echoed)
            || !raw_markup_in(&html).is_empty()
        {
            problems.push(format!("sign-in with username {payload:?}: {status}, not echoed escaped"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        json_of(app.get("/api/v1/users").await).await.as_array().map(Vec::len),
        Some(5),
        "the users table is intact"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_and_nothing_stored() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let mut body = app.episode_json();
    body["note"] = json!("x".repeat(66 * 1024));
    let response = post_json(&app, "/api/v1/episodes", &body).await;
    assert_eq!(response.status(), 413);
    assert_eq!(json_of(response).await["error"]["code"], "payload_too_large");

    let browser = SignedIn::new(&app, Role::Staff).await;
    let csrf = browser.csrf(&app).await;
    let form = format!(
        "csrf={csrf}&{}&note={}",
        log_form(PRACTICE, &app.staff[0].id.to_string()),
        "x".repeat(100 * 1024)
    );
    assert_eq!(browser.post("/log", &form).await.status(), 413, "the page refuses a 100 KB form");
    let sign_in =
        format!("username=staff&password={}&padding={}", super::enc(PASSWORD), "x".repeat(100 * 1024));
    let response = super::plain_client()
        .post(format!("{}/sign-in", app.base))
        .header(CONTENT_TYPE, FORM)
        .body(sign_in)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 413, "so does sign-in");
    assert_eq!(episode_total(&app).await, 0, "nothing stored");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let signed_out = super::plain_client();
    let analyst = SignedIn::new(&app, Role::Analyst).await;
    let analyst_api = app.api_as(Role::Analyst).await;
    let get = |path: &str| signed_out.get(format!("{}{path}", app.base)).send();
    let mut too_big = app.episode_json();
    too_big["note"] = json!("x".repeat(66 * 1024));
    let samples: Vec<(&str, Response)> = vec![
        ("a page", get("/sign-in").await.expect("request")),
        ("API JSON", app.get("/api/v1/practices").await),
        ("a public API answer", get("/api/v1/health").await.expect("request")),
        ("a missing page", get("/no-such-page").await.expect("request")),
        ("a missing API route", get("/api/v1/no-such-route").await.expect("request")),
        ("a 403 page", analyst.browser.get("/log").await),
        (
            "a 403 API answer",
            analyst_api.get(format!("{}/api/v1/episodes", app.base)).send().await.expect("request"),
        ),
        ("a 401 API answer", get("/api/v1/me").await.expect("request")),
        ("a redirect to sign in", get("/log").await.expect("request")),
        ("a 413 answer", post_json(&app, "/api/v1/episodes", &too_big).await),
        ("a style sheet", get("/assets/nhsuk/nhsuk-frontend.min.css").await.expect("request")),
    ];
    let mut problems = Vec::new();
    for (what, response) in samples {
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let csp = header("content-security-policy");
        if !csp.contains("frame-ancestors 'none'") || !csp.contains("default-src 'self'") {
            problems.push(format!("{what} ({}): CSP {csp:?}", response.status()));
        }
        for (name, value) in [("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer")] {
            if header(name) != value {
                problems.push(format!("{what} ({}): {name} {:?}", response.status(), header(name)));
            }
        }
    }
    assert!(problems.is_empty(), "responses without the security headers:\n{}", problems.join("\n"));
}
