//! Guides over JSON and CSV.

use super::pages::{draft, install_starters, new_guide};
use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};

async fn send(app: &TestApp, client: &Client, method: Method, path: &str, body: &Value) -> Response {
    client.request(method, format!("{}{path}", app.base)).json(body).send().await.expect("request")
}

#[tokio::test]
async fn guides_are_listed_searched_read_and_exported() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    install_starters(&app).await;
    let id = new_guide(&app, "Our NHS login help", "1. Ask\n\n<script>alert(1)</script>").await;
    let base = format!("/api/v1/practices/{PRACTICE}/guides");
    let photo = json_of(app.get(&format!("{base}?q=photo")).await).await;
    let photo = photo.as_array().expect("list");
    assert!(!photo.is_empty());
    for g in photo {
        let text = format!("{} {}", g["title"], g["body"]).to_lowercase();
        assert!(text.contains("photo"), "{}", g["title"]);
    }
    let proxy = json_of(app.get(&format!("{base}?service=proxy_access")).await).await;
    for g in proxy.as_array().expect("list") {
        assert!(g["services"].as_array().expect("codes").contains(&json!("proxy_access")));
    }

    let one = json_of(app.get(&format!("/api/v1/guides/{id}")).await).await;
    assert!(one["body"].as_str().expect("body").contains("<script>"), "stored as written");
    let rendered = one["rendered_html"].as_str().expect("html");
    assert!(rendered.contains("&lt;script&gt;") && !rendered.contains("<script"), "{rendered}");

    let csv = app.get(&format!("{base}?format=csv")).await;
    assert_eq!(csv.status(), 200);
    let kind = csv.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(kind.starts_with("text/csv"), "{kind}");
    let text = csv.text().await.expect("csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,title,services,tasks,version,review_by,approved_by"));
    assert_eq!(lines.count(), 9, "eight starters and one of our own");
    let audit = json_of(app.get("/api/v1/audit?action=export.guides").await).await;
    assert_eq!(audit.as_array().map(Vec::len), Some(1), "the download is audited");
    assert_eq!(app.get(&format!("{base}?format=pdf")).await.status(), 400);
}

#[tokio::test]
async fn leads_write_and_approve_and_everyone_may_sign() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let (lead, staff) = (app.api_as(Role::PracticeLead).await, app.api_as(Role::Staff).await);
    let list = format!("/api/v1/practices/{PRACTICE}/guides");
    let body = draft("Our NHS login help", "1. Ask for the letter");
    assert_eq!(send(&app, &staff, Method::POST, &list, &body).await.status(), 403);
    let created = send(&app, &lead, Method::POST, &list, &body).await;
    assert_eq!(created.status(), 201);
    let id = json_of(created).await["id"].as_str().expect("id").to_owned();
    let guide = format!("/api/v1/guides/{id}");
    assert_eq!(send(&app, &staff, Method::PUT, &guide, &body).await.status(), 403);
    let second = json_of(send(&app, &lead, Method::PUT, &guide, &body).await).await;
    assert_eq!(second["version"], 2);

    let approve = format!("{guide}/approve");
    let stale = json!({ "version": 1, "review_by": "2030-01-01" });
    assert_eq!(send(&app, &lead, Method::POST, &approve, &stale).await.status(), 409);
    let past = json!({ "version": 2, "review_by": "2020-01-01" });
    assert_eq!(send(&app, &lead, Method::POST, &approve, &past).await.status(), 422);
    let good = json!({ "version": 2, "review_by": "2030-01-01" });
    assert_eq!(send(&app, &staff, Method::POST, &approve, &good).await.status(), 403);
    let approved = json_of(send(&app, &lead, Method::POST, &approve, &good).await).await;
    assert_eq!(
        (approved["approved_by"].as_str(), approved["version"].as_i64()),
        (Some("practice_lead"), Some(2))
    );

    let sign = format!("{guide}/acknowledge");
    let first = json_of(send(&app, &staff, Method::POST, &sign, &json!({})).await).await;
    let again = json_of(send(&app, &staff, Method::POST, &sign, &json!({ "version": 2 })).await).await;
    assert_eq!((first["version"].as_i64(), &first["signed_at"]), (Some(2), &again["signed_at"]), "once");
    let old = send(&app, &staff, Method::POST, &sign, &json!({ "version": 1 })).await;
    assert_eq!(old.status(), 409);
    let audit = json_of(app.get("/api/v1/audit?action=acknowledge").await).await;
    assert_eq!(audit.as_array().map(Vec::len), Some(1));
}
