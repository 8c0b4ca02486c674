//! Sign-in requests over the API: the page's list and decisions, with the page's boundary (a lead
//! sees and decides only their practices' requests; an administrator any).

use super::oidc_support::{actions, manager, request_access, signed_in, Setup, OTHER_PRACTICE};
use crate::common::json_of;
use lantern_core::access::Role;
use oidc_test_issuer::Person;
use serde_json::Value;

with_provider!(
    a_lead_lists_and_decides_their_practices_requests_by_api,
    a_lead_cannot_see_or_decide_another_practices_request_by_api,
);

async fn requests_of(s: &Setup, role: Role) -> Vec<Value> {
    let client = s.app.api_as(role).await;
    let response = client.get(format!("{}/api/v1/sign-in-requests", s.app.base)).send().await.expect("list");
    assert_eq!(response.status(), 200, "{role}");
    json_of(response).await.as_array().cloned().expect("a list")
}

async fn decide(s: &Setup, role: Role, id: &str, decision: &str) -> reqwest::Response {
    let client = s.app.api_as(role).await;
    let url = format!("{}/api/v1/sign-in-requests/{id}/{decision}", s.app.base);
    client.post(url).send().await.expect("decide")
}

async fn a_lead_lists_and_decides_their_practices_requests_by_api(s: Setup) {
    request_access(&s, manager()).await;
    request_access(&s, Person::at("555000000003", "Kim Clerk", crate::common::PRACTICE, "R8010")).await;
    let listed = requests_of(&s, Role::PracticeLead).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let id_of = |name: &str| {
        listed
            .iter()
            .find(|r| r["display_name"] == name)
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
    };
    let (pat, kim) = (id_of("Pat Manager").expect("Pat"), id_of("Kim Clerk").expect("Kim"));
    assert_eq!(listed[0]["status"], "pending");

    let staff = decide(&s, Role::Staff, &pat, "approve").await;
    assert_eq!(staff.status(), 403, "staff decide nothing");
    let approved = decide(&s, Role::PracticeLead, &pat, "approve").await;
    assert_eq!(approved.status(), 200);
    let approved = json_of(approved).await;
    assert_eq!(
        (approved["status"].as_str(), approved["role"].as_str()),
        (Some("approved"), Some("practice_lead"))
    );
    assert!(approved["account"].is_string(), "{approved}");
    assert_eq!(decide(&s, Role::PracticeLead, &pat, "refuse").await.status(), 409, "decided once");
    let refused = json_of(decide(&s, Role::Admin, &kim, "refuse").await).await;
    assert_eq!(refused["status"], "refused");
    assert!(refused["account"].is_null());

    signed_in(&s, manager()).await;
    let by = |action: &'static str| {
        let app = &s.app;
        async move { actions(app, action).await.into_iter().map(|r| r.actor.username).collect::<Vec<_>>() }
    };
    assert_eq!(by("oidc.approved").await, ["practice_lead"], "decisions are audited as who made them");
    assert_eq!(by("oidc.request_refused").await, ["admin"]);
}

async fn a_lead_cannot_see_or_decide_another_practices_request_by_api(s: Setup) {
    request_access(&s, Person::practice_manager("555000000002", "Olu Other", OTHER_PRACTICE)).await;
    assert!(requests_of(&s, Role::PracticeLead).await.is_empty(), "another practice's request is not listed");
    let theirs = requests_of(&s, Role::Admin).await;
    let id = theirs[0]["id"].as_str().expect("an id").to_owned();
    assert_eq!(decide(&s, Role::PracticeLead, &id, "approve").await.status(), 404, "nor found to decide");
    let unknown = decide(&s, Role::Admin, "00000000-0000-7000-8000-000000000000", "approve").await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(decide(&s, Role::Admin, "not-an-id", "refuse").await.status(), 404);
    assert_eq!(decide(&s, Role::Admin, &id, "approve").await.status(), 200);
}
