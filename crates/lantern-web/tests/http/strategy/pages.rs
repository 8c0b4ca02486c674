//! The written strategy: drafted from the practice's figures, signed off by a lead, signed by staff.

use crate::common::{hidden, json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;

#[tokio::test]
async fn a_lead_drafts_and_signs_off_and_staff_sign_the_version_in_force() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let empty = lead.get_html("/strategy").await;
    assert!(empty.contains("has no signed-off digital support strategy yet"));

    let drafted = lead.submit("/strategy", "/strategy/draft", &format!("practice={PRACTICE}")).await;
    assert_eq!(drafted.status(), 303);
    let location = drafted.headers()["location"].to_str().expect("ascii").to_owned();
    assert!(location.starts_with("/strategy/versions/1"), "{location}");
    let draft = lead.get_html(&location).await;
    assert!(
        draft.contains("<h1 class=\"nhsuk-heading-l\">Digital support strategy: Test Surgery (A81001)</h1>"),
        "{draft}"
    );
    assert!(
        draft.contains("Draft, not signed off") && draft.contains("No owner"),
        "owners table from the settings"
    );

    let staff = app.browser_as(Role::Staff).await;
    let refused = staff.submit("/strategy", "/strategy/draft", &format!("practice={PRACTICE}")).await;
    assert_eq!(refused.status(), 403, "staff read the strategy; leads write it");
    assert!(staff.get_html("/strategy").await.contains("has no signed-off"), "drafts are not in force");

    let signed =
        lead.submit(&location, "/strategy/versions/1/sign-off", &format!("practice={PRACTICE}")).await;
    assert_eq!(signed.status(), 303);
    let in_force = staff.get_html("/strategy").await;
    assert!(in_force.contains("In force") && in_force.contains("I have read this strategy"));
    let acknowledged =
        staff.submit("/strategy", "/strategy/versions/1/acknowledge", &format!("practice={PRACTICE}")).await;
    assert_eq!(acknowledged.status(), 303);
    assert!(staff.get_html("/strategy").await.contains("You have read and signed this version."));
    assert!(lead.get_html("/strategy").await.contains("Signed by staff (1)"));

    let markdown = lead.get(&format!("/strategy/versions/1/strategy.md?practice={PRACTICE}")).await;
    assert_eq!(markdown.headers()["content-type"], "text/markdown; charset=utf-8");
    assert!(markdown.text().await.expect("md").starts_with("# Digital support strategy: Test Surgery"));

    let audit = json_of(app.get("/api/v1/audit?limit=50").await).await;
    let actions: Vec<&str> =
        audit.as_array().expect("records").iter().filter_map(|r| r["action"].as_str()).collect();
    for expected in ["strategy.save", "strategy.sign_off", "acknowledge", "export.strategy"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

#[tokio::test]
async fn an_edit_is_a_new_draft_and_scripts_in_it_are_inert() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    lead.submit("/strategy", "/strategy/draft", &format!("practice={PRACTICE}")).await;
    let page = lead.get_html("/strategy/versions/1").await;
    let csrf = hidden(&page, "csrf").expect("csrf");
    let body = "# Our strategy\n\nWe help.\n\n<script>alert(1)</script>";
    let form = format!(
        "csrf={csrf}&practice={PRACTICE}&review_by=2027-06-30&body={}",
        form_urlencoded::byte_serialize(body.as_bytes()).collect::<String>()
    );
    let saved = lead.post("/strategy/save", &form).await;
    assert_eq!(saved.headers()["location"], format!("/strategy/versions/2?practice={PRACTICE}&done=saved"));
    let v2 = lead.get_html("/strategy/versions/2").await;
    assert!(v2.contains("<h1 class=\"nhsuk-heading-l\">Our strategy</h1>") && v2.contains("30 June 2027"));
    assert!(!v2.contains("<script>alert") && v2.contains("&lt;script&gt;"), "rendered inert");
    assert_eq!(lead.get("/strategy/versions/9").await.status(), 404);
}

#[tokio::test]
async fn the_strategy_is_readable_over_the_api_within_the_practice() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    lead.submit("/strategy", "/strategy/draft", &format!("practice={PRACTICE}")).await;
    lead.submit("/strategy/versions/1", "/strategy/versions/1/sign-off", &format!("practice={PRACTICE}"))
        .await;
    let staff = app.api_as(Role::Staff).await;
    let view = json_of(
        staff.get(format!("{}/api/v1/practices/{PRACTICE}/strategy", app.base)).send().await.expect("send"),
    )
    .await;
    assert_eq!(view["in_force"], 1);
    assert!(view["versions"][0]["body"].as_str().expect("body").contains("Services and owners"));
    let elsewhere =
        staff.get(format!("{}/api/v1/practices/B82002/strategy", app.base)).send().await.expect("send");
    assert_eq!(elsewhere.status(), 404);
    let analyst = app.api_as(Role::Analyst).await;
    let refused =
        analyst.get(format!("{}/api/v1/practices/{PRACTICE}/strategy", app.base)).send().await.expect("send");
    assert_eq!(refused.status(), 403);
}
