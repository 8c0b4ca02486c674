//! Practice settings: leads switch services and manage staff, and the log page follows.

use crate::common::location;
use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use serde_json::json;

const OTHER: &str = "B82002";

async fn other_practice(app: &TestApp) {
    let practice = json!({ "name": "Hill Surgery", "pcn": "U00001", "icb": "QHM", "list_size": 5_000 });
    let url = format!("{}/api/v1/practices/{OTHER}", app.base);
    assert_eq!(app.client.put(url).json(&practice).send().await.expect("send").status(), 200);
}

#[tokio::test]
async fn a_lead_switches_a_service_off_and_it_leaves_the_log_page() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let page = lead.get_html("/settings").await;
    assert!(page.contains("Practice settings") && page.contains("Test Surgery"));
    assert!(page.contains("href=\"/settings\" aria-current=\"page\""));
    assert!(lead.get_html("/log").await.contains("value=\"nhs_app\""), "offered before");

    let off = lead
        .submit("/settings", "/settings/services", &format!("practice={PRACTICE}&code=nhs_app&enabled=false"))
        .await;
    assert_eq!(off.status(), 303);
    let after = lead.get_html(&location(&off)).await;
    assert!(after.contains("NHS App is switched off"), "the change is confirmed");
    assert!(after.contains("<title>Service switched off – Practice settings"));
    assert!(!lead.get_html("/log").await.contains("value=\"nhs_app\""), "no longer offered");

    let on = lead
        .submit("/settings", "/settings/services", &format!("practice={PRACTICE}&code=nhs_app&enabled=true"))
        .await;
    assert_eq!(on.status(), 303);
    assert!(lead.get_html("/log").await.contains("value=\"nhs_app\""), "offered again");

    let blank =
        lead.submit("/settings", "/settings/services/new", &format!("practice={PRACTICE}&label=")).await;
    assert_eq!(blank.status(), 422);
    assert!(blank.text().await.expect("html").contains("<title>Error: Practice settings"));
    let add = format!("practice={PRACTICE}&label=Accurx+Patient+Triage");
    assert_eq!(lead.submit("/settings", "/settings/services/new", &add).await.status(), 303);
    assert!(lead.get_html("/log").await.contains("Accurx Patient Triage"));
    let twice = lead.submit("/settings", "/settings/services/new", &add).await;
    assert_eq!(twice.status(), 422);
    let html = twice.text().await.expect("html");
    assert!(
        html.contains("already has a service called Accurx Patient Triage")
            && html.contains("id=\"label-error\"")
    );
}

#[tokio::test]
async fn a_lead_adds_a_staff_member_who_can_then_be_chosen_until_they_leave() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let missing = lead
        .submit("/settings", "/settings/staff", &format!("practice={PRACTICE}&display_name=&role="))
        .await;
    assert_eq!(missing.status(), 422);
    let html = missing.text().await.expect("html");
    assert!(html.contains("href=\"#display_name\"") && html.contains("Select the person"));
    assert!(html.contains("aria-describedby=\"role-error\""));

    let added = lead
        .submit(
            "/settings",
            "/settings/staff",
            &format!("practice={PRACTICE}&display_name=Chidi+O&role=volunteer"),
        )
        .await;
    assert_eq!(added.status(), 303);
    assert!(lead.get_html(&location(&added)).await.contains("Chidi O was added"));
    assert!(lead.get_html("/log").await.contains(">Chidi O</option>"), "a helper to choose");
    let staff = json_of(app.get(&format!("/api/v1/practices/{PRACTICE}/staff")).await).await;
    let chidi =
        staff.as_array().expect("staff").iter().find(|m| m["display_name"] == "Chidi O").expect("stored");
    assert_eq!(chidi["role"], "volunteer");

    let id = chidi["id"].as_str().expect("id");
    let left = lead
        .submit("/settings", "/settings/staff/status", &format!("practice={PRACTICE}&id={id}&active=false"))
        .await;
    assert_eq!(left.status(), 303);
    let page = lead.get_html(&location(&left)).await;
    assert!(page.contains("Chidi O is marked as left") && page.contains("Mark as returned"));
    assert!(!lead.get_html("/log").await.contains(">Chidi O</option>"), "leavers cannot be chosen");
}

#[tokio::test]
async fn settings_are_for_leads_inside_their_own_practices_with_a_csrf_token() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    other_practice(&app).await;
    let staff = app.browser_as(Role::Staff).await;
    assert_eq!(staff.get("/settings").await.status(), 403);
    let body = format!("practice={PRACTICE}&code=nhs_app&enabled=false");
    assert_eq!(staff.submit("/log", "/settings/services", &body).await.status(), 403);

    let lead = app.browser_as(Role::PracticeLead).await;
    assert_eq!(lead.get(&format!("/settings?practice={OTHER}")).await.status(), 404);
    let elsewhere = format!("practice={OTHER}&code=nhs_app&enabled=false");
    assert_eq!(lead.submit("/settings", "/settings/services", &elsewhere).await.status(), 404);
    assert_eq!(lead.post("/settings/services", &body).await.status(), 403, "no CSRF token");
    assert_eq!(
        lead.post("/settings/staff", &format!("practice={PRACTICE}&display_name=X&role=gp")).await.status(),
        403
    );
    for practice in [PRACTICE, OTHER] {
        let services = json_of(app.get(&format!("/api/v1/practices/{practice}/services")).await).await;
        assert_eq!(services[0]["enabled"], true, "nothing changed at {practice}");
    }
    assert_eq!(
        json_of(app.get(&format!("/api/v1/practices/{PRACTICE}/staff")).await).await.as_array().map(Vec::len),
        Some(2)
    );

    let admin = app.browser_as(Role::Admin).await;
    let page = admin.get_html(&format!("/settings?practice={OTHER}")).await;
    assert!(
        page.contains("Hill Surgery") && page.contains("id=\"switch-practice\""),
        "admins reach every practice"
    );
}
