//! Staff guides and patient leaflets over real HTTP: pages here, the JSON and CSV API in `api.rs`,
//! leaflets and the quick-log links in `leaflets.rs`.

use crate::common::{actor, json_of, TestApp, PRACTICE};
use crate::common::{enc, location};
use lantern_core::access::Role;
use lantern_core::guides::GuideDraft;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_store::testing;
use serde_json::{json, Value};

pub fn draft(title: &str, body: &str) -> Value {
    json!({
        "title": title,
        "services": ["nhs_login"],
        "tasks": ["verify_identity"],
        "body": body,
        "review_by": "2030-01-01",
    })
}

/// A guide written through the API by the administrator; its id.
pub async fn new_guide(app: &TestApp, title: &str, body: &str) -> String {
    let url = format!("{}/api/v1/practices/{PRACTICE}/guides", app.base);
    let response = app.client.post(url).json(&draft(title, body)).send().await.expect("request");
    assert_eq!(response.status(), 201, "guide created");
    json_of(response).await["id"].as_str().expect("id").to_owned()
}

pub async fn install_starters(app: &TestApp) {
    let code = OdsCode::parse(PRACTICE).expect("valid");
    let today = "2026-03-01".parse().expect("date");
    app.store.install_starter_guides(&code, today, &actor()).await.expect("install");
}

fn guide_form(title: &str, body: &str, version: Option<i64>) -> String {
    let version = version.map(|v| format!("&version={v}")).unwrap_or_default();
    format!(
        "practice={PRACTICE}&title={}&services=nhs_login&tasks=verify_identity&body={}&review_by=2030-01-01{version}",
        enc(title),
        enc(body)
    )
}

#[tokio::test]
async fn a_guide_containing_script_renders_inert() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let body = "## Steps\n\n1. **Ask** for the letter\n\n<script>alert(1)</script>\n\n\
        Then <img src=x onerror=alert(1)> and [a link](javascript:alert(1)).";
    let id = new_guide(&app, "Our NHS login help", body).await;
    let html = app.browser_as(Role::Staff).await.get_html(&format!("/guides/{id}")).await;
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the markup is shown as text");
    assert!(!html.contains("<script") && !html.contains("onerror="), "and never runs");
    assert!(!html.to_lowercase().contains("javascript:alert"), "no script link");
    assert!(html.contains("<h2>Steps</h2>") && html.contains("<strong>Ask</strong>"), "Markdown renders");
}

#[tokio::test]
async fn search_and_the_service_filter_find_starter_guides() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    install_starters(&app).await;
    let staff = app.browser_as(Role::Staff).await;
    let photo = staff.get_html("/guides?q=photo").await;
    assert!(photo.contains("Help a patient prove their identity for NHS login without photo ID"));
    assert!(photo.contains("Review for your practice"), "starters await review");
    assert!(photo.contains("href=\"/guides\" aria-current=\"page\""), "Guides is in the menu");
    let none = staff.get_html("/guides?q=zebra").await;
    assert!(none.contains("No guides match") && !none.contains("Help a patient"));
    let proxy = staff.get_html("/guides?service=proxy_access").await;
    assert!(proxy.contains("Set up proxy access for a carer or parent"));
    assert!(!proxy.contains("Help a patient book or cancel an appointment online"));
    assert!(!proxy.contains("Write a new guide"), "staff do not write guides");
}

#[tokio::test]
async fn editing_makes_a_new_version_that_needs_approving_again() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let created =
        lead.submit("/guides/new", "/guides/new", &guide_form("Our login help", "1. Ask for it", None)).await;
    assert_eq!(created.status(), 303);
    let saved = location(&created);
    let id = saved.trim_start_matches("/guides/").split('?').next().expect("id").to_owned();
    assert_eq!(saved, format!("/guides/{id}?done=saved"));
    assert!(lead.get_html(&saved).await.contains("Review for your practice"));

    let page = format!("/guides/{id}");
    let approve = format!("/guides/{id}/approve");
    let bad = lead.submit(&page, &approve, "version=1&review_by=soon").await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.expect("html");
    assert!(bad.contains("<title>Error: ") && bad.contains("href=\"#review_by\""));
    assert_eq!(lead.submit(&page, &approve, "version=1&review_by=2030-01-01").await.status(), 303);
    assert!(lead.get_html(&page).await.contains("Approved — review by 1 January 2030"));
    assert!(lead.get_html("/guides").await.contains("Approved — review by 1 January 2030"));

    let edit = format!("/guides/{id}/edit");
    let form = guide_form("Our login help, version 2", "1. Ask for the letter", Some(1));
    assert_eq!(lead.submit(&edit, &edit, &form).await.status(), 303);
    let current = json_of(app.get(&format!("/api/v1/guides/{id}")).await).await;
    assert_eq!((current["version"].as_i64(), current["approved_by"].is_null()), (Some(2), true));
    assert!(lead.get_html(&page).await.contains("Review for your practice"), "approval is per version");
    assert!(lead.get_html(&format!("{page}/history")).await.contains("2 versions"));
    assert_eq!(lead.submit(&edit, &edit, &form).await.status(), 409, "saving over version 1 again");
    assert_eq!(lead.submit(&page, &approve, "version=1&review_by=2030-01-01").await.status(), 409);

    let empty = lead.submit(&edit, &edit, &guide_form("", "", Some(2))).await;
    assert_eq!(empty.status(), 422);
    let empty = empty.text().await.expect("html");
    assert!(empty.contains("href=\"#title\"") && empty.contains("id=\"body-error\""));
}

#[tokio::test]
async fn staff_read_and_sign_but_cannot_write_or_approve() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let id = new_guide(&app, "Our NHS login help", "1. Ask for the letter").await;
    let page = format!("/guides/{id}");
    let staff = app.browser_as(Role::Staff).await;
    let html = staff.get_html(&page).await;
    assert!(html.contains("I have read this guide") && !html.contains("Approve this version"));
    assert!(!html.contains(&format!("/guides/{id}/edit")));
    assert_eq!(staff.get("/guides/new").await.status(), 403);
    assert_eq!(staff.get(&format!("{page}/edit")).await.status(), 403);
    let approve = staff.submit(&page, &format!("{page}/approve"), "version=1&review_by=2030-01-01").await;
    assert_eq!(approve.status(), 403);

    let sign = format!("{page}/acknowledge");
    assert_eq!(staff.submit(&page, &sign, "version=1").await.status(), 303);
    assert_eq!(staff.submit(&page, &sign, "version=1").await.status(), 303, "signing again is harmless");
    assert_eq!(staff.submit(&page, &sign, "version=9").await.status(), 409, "only the version shown");
    assert!(staff.get_html(&page).await.contains("You signed this version on"));
    let signed = app.store.acknowledgements("guide", &id, 1).await.expect("read");
    assert_eq!(signed.len(), 1, "recorded once");
    let audit = json_of(app.get("/api/v1/audit?action=acknowledge").await).await;
    assert_eq!(audit.as_array().map(Vec::len), Some(1), "audited once: {audit}");
    assert_eq!(audit[0]["username"], "staff");

    let lead = app.browser_as(Role::PracticeLead).await.get_html(&page).await;
    assert!(lead.contains("id=\"signatures\"") && lead.contains(&app.user(Role::Staff).display_name));
    let forged = staff.post(&sign, "csrf=wrong&version=1").await;
    assert_eq!(forged.status(), 403, "CSRF is checked");
}

#[tokio::test]
async fn a_guide_of_another_practice_is_not_found() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let other = OdsCode::parse("B82002").expect("valid");
    let hill = Practice {
        ods_code: other.clone(),
        name: "Hill Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 900,
    };
    app.store.upsert_practice(&hill, false, &actor()).await.expect("practice");
    let draft = GuideDraft {
        title: "Hill's secret procedure".into(),
        body: "Ring the supplier".into(),
        review_by: "2030-01-01".into(),
        ..GuideDraft::default()
    };
    let id = app.store.save_guide(&other, None, &draft, &actor()).await.expect("save").id;
    for role in [Role::Staff, Role::PracticeLead] {
        let browser = app.browser_as(role).await;
        let page = format!("/guides/{id}");
        let mut answers = Vec::new();
        for path in [
            page.clone(),
            format!("{page}/history"),
            format!("{page}/edit"),
            "/guides?practice=B82002".into(),
        ] {
            answers.push((path.clone(), browser.get(&path).await));
        }
        for action in ["acknowledge", "approve", "edit"] {
            let body = "version=1&review_by=2030-01-01&title=Taken&body=Taken";
            answers.push((action.into(), browser.submit("/guides", &format!("{page}/{action}"), body).await));
        }
        for (what, response) in answers {
            // Staff may not write or approve at all ("forbidden" says nothing about the other practice).
            let writes = what.ends_with("edit") || what == "approve";
            let expected = if writes && role == Role::Staff { 403 } else { 404 };
            assert_eq!(response.status(), expected, "{role} {what}");
            assert!(!response.text().await.expect("html").contains("Hill"), "{role} {what} leaks nothing");
        }
    }
    let unchanged = app.store.guide(id).await.expect("read").1;
    assert_eq!((unchanged.version, unchanged.approved_by), (1, None));
    assert!(app.store.acknowledgements("guide", &id.to_string(), 1).await.expect("read").is_empty());
}
