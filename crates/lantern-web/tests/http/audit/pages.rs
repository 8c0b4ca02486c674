//! The audit trail page and its CSV download: scoped like the API, paged, and every export audited.

use crate::common::{actor, json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_core::audit::AuditEntry;
use lantern_store::testing;
use serde_json::json;

const OTHER: &str = "B82002";

/// A second practice, with a change there made by an administrator over the API.
async fn change_elsewhere(app: &TestApp) {
    let practice = json!({ "name": "Hill Surgery", "pcn": "U00001", "icb": "QHM", "list_size": 5_000 });
    let url = format!("{}/api/v1/practices/{OTHER}", app.base);
    assert_eq!(app.client.put(url).json(&practice).send().await.expect("send").status(), 200);
    let url = format!("{}/api/v1/practices/{OTHER}/services/nhs_app", app.base);
    let switched = app.client.put(url).json(&json!({ "enabled": false })).send().await.expect("send");
    assert_eq!(switched.status(), 200);
}

#[tokio::test]
async fn a_lead_sees_their_practices_records_and_an_admin_sees_all() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    change_elsewhere(&app).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let body = format!("practice={PRACTICE}&code=nhs_login&enabled=false");
    assert_eq!(lead.submit("/settings", "/settings/services", &body).await.status(), 303);

    let page = lead.get_html("/audit").await;
    assert!(page.contains("<title>Audit trail – Lantern</title>"));
    assert!(page.contains("A81001/nhs_login") && page.contains("practice_lead"), "the lead's own change");
    assert!(!page.contains(OTHER), "nothing about a practice the lead cannot reach");
    assert!(page.contains("<option value=\"service.disable\">"), "actions to filter by");
    let filtered = lead.get_html("/audit?action=staff.add&username=&record_id=").await;
    assert!(filtered.contains("staff.add") && !filtered.contains("A81001/nhs_login"));
    assert!(filtered.contains("<option value=\"staff.add\" selected>"));
    assert!(filtered.contains("href=\"/audit.csv?action=staff.add\""), "the download keeps the filter");

    let admin = app.browser_as(Role::Admin).await;
    let all = admin.get_html("/audit?action=service.disable").await;
    assert!(all.contains("B82002/nhs_app") && all.contains("A81001/nhs_login"));
    assert_eq!(app.browser_as(Role::Staff).await.get("/audit").await.status(), 403);
}

#[tokio::test]
async fn older_records_are_a_page_back() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    for n in 0..105 {
        let entry = AuditEntry::new(&actor(), "test.filler").record("filler", n).practice(PRACTICE);
        app.store.audit(entry).await.expect("audit");
    }
    let lead = app.browser_as(Role::PracticeLead).await;
    let first = lead.get_html("/audit?action=test.filler").await;
    assert!(first.contains("(100 shown)"));
    let end = first.find("\">Older records").expect("older link");
    let older = &first[first[..end].rfind("href=\"").expect("href") + 6..end];
    let older = older.replace("&#38;", "&");
    assert!(older.starts_with("/audit?action=test.filler&before="), "{older}");
    let second = lead.get_html(&older).await;
    assert!(second.contains("(5 shown)") && !second.contains("Older records"));
}

#[tokio::test]
async fn the_csv_download_has_every_field_and_is_itself_audited() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    change_elsewhere(&app).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let response = lead.get("/audit.csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = response.headers()["content-disposition"].to_str().expect("ascii").to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let csv = response.text().await.expect("text");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("seq,at,user_id,username,role,organisation,client,action,record_type,record_id,practice,before,after,prev_hash,hash")
    );
    assert!(csv.contains("\"staff.add\"") && !csv.contains(OTHER), "scoped like the page");
    assert!(csv.contains("\"{\"\"id\"\":"), "JSON cells are quoted with doubled quotes");

    let exports = json_of(app.get("/api/v1/audit?action=export.audit").await).await;
    assert_eq!(exports.as_array().map(Vec::len), Some(1), "the export is recorded");
    assert_eq!(exports[0]["username"], "practice_lead");
    let after: serde_json::Value =
        serde_json::from_str(exports[0]["after"].as_str().expect("after")).expect("json");
    assert_eq!(after["records"].as_u64(), Some(csv.lines().count() as u64 - 1));
    assert_eq!(app.browser_as(Role::Staff).await.get("/audit.csv").await.status(), 403);
}
