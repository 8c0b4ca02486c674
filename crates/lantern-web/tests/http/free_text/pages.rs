//! The pages refuse disguised identifiers and unreadable text the way the API does: the form comes
//! back with the error by the field, nothing is stored and nothing reaches the audit trail.

use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::{testing, AuditFilter};

/// 943 476 5919 with a zero-width space and a soft hyphen between its groups.
const DISGUISED: &str = "943\u{200B}476\u{00AD}5919";

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn audit_length(app: &TestApp) -> usize {
    app.store.audit_records(&AuditFilter::default(), 100_000).await.expect("audit").len()
}

fn log_form(app: &TestApp, note: &str) -> String {
    format!(
        "practice={PRACTICE}&helpers={}&services=nhs_app&tasks=reset_password&duration_minutes=5&channel=desk&approach=for&outcome=resolved&note={note}",
        app.staff[0].id
    )
}

#[tokio::test]
async fn every_page_form_refuses_a_disguised_nhs_number_by_its_field() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let staff = app.browser_as(Role::Staff).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let text = encode(&format!("Helped {DISGUISED}"));
    let settings = format!("/settings?practice={PRACTICE}");
    let strategy = format!("/strategy?practice={PRACTICE}");
    let submissions = [
        (&staff, "/log", "/log", log_form(&app, &text), "The note looks like an NHS number"),
        (
            &staff,
            "/account",
            "/account/tokens",
            format!("name={text}"),
            "The token name looks like an NHS number",
        ),
        (
            &lead,
            settings.as_str(),
            "/settings/services/new",
            format!("practice={PRACTICE}&label={text}"),
            "The service name looks like an NHS number",
        ),
        (
            &lead,
            settings.as_str(),
            "/settings/staff",
            format!("practice={PRACTICE}&display_name={text}&role=receptionist"),
            "The name looks like an NHS number",
        ),
        (
            &lead,
            strategy.as_str(),
            "/strategy/save",
            format!("practice={PRACTICE}&review_by=2027-03-31&body={text}"),
            "The strategy looks like an NHS number",
        ),
    ];
    for (browser, from, path, form, expected) in submissions {
        let audited = audit_length(&app).await;
        let response = browser.submit(from, path, &form).await;
        assert_eq!(response.status(), 422, "{path}");
        let page = response.text().await.expect("html");
        assert!(page.contains(expected), "{path}: {expected:?} not on the page");
        assert_eq!(audit_length(&app).await, audited, "{path} reached the audit trail");
    }
    assert_eq!(json_of(app.get("/api/v1/episodes").await).await["total"], 0);
    let code = lantern_core::ods::OdsCode::parse(PRACTICE).expect("ods");
    assert!(app.store.services(&code).await.expect("services").iter().all(|s| !s.custom));
    assert_eq!(app.store.staff(&code).await.expect("staff").len(), 2);
    assert!(app.store.strategy_versions(&code).await.expect("strategy").is_empty());
}

#[tokio::test]
async fn a_form_that_is_not_utf8_is_refused_not_altered() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let staff = app.browser_as(Role::Staff).await;
    let audited = audit_length(&app).await;
    // Percent-escaped invalid bytes, as a form encoder for another character set would send them.
    let escaped = staff.submit("/log", "/log", &log_form(&app, "caf%E9+helped")).await;
    assert_eq!(escaped.status(), 400);
    assert!(escaped.text().await.expect("html").contains("not valid UTF-8"));
    // Raw invalid bytes in the body.
    let csrf = staff.csrf("/log").await;
    let mut body = format!("csrf={csrf}&{}", log_form(&app, "caf")).into_bytes();
    body.extend([0xFF, 0xFE]);
    let raw = staff
        .client
        .post(format!("{}/log", staff.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(raw.status(), 400);
    assert_eq!(json_of(app.get("/api/v1/episodes").await).await["total"], 0, "nothing stored");
    assert_eq!(audit_length(&app).await, audited, "nothing audited");
    // The same form in UTF-8 is logged, with its accented letter intact.
    let good = staff.submit("/log", "/log", &log_form(&app, "caf%C3%A9+helped")).await;
    assert_eq!(good.status(), 303);
    let listed = json_of(app.get("/api/v1/episodes").await).await;
    assert_eq!(listed["episodes"][0]["note"], "caf\u{e9} helped");
}

#[tokio::test]
async fn control_and_direction_characters_are_refused_in_names_and_notes() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let staff = app.browser_as(Role::Staff).await;
    for note in ["line%00break", "Asha%E2%80%AEK"] {
        let response = staff.submit("/log", "/log", &log_form(&app, note)).await;
        assert_eq!(response.status(), 422, "{note}");
        let page = response.text().await.expect("html");
        assert!(page.contains("remove it"), "{note}: the reason is shown");
    }
    assert_eq!(json_of(app.get("/api/v1/episodes").await).await["total"], 0);
}
