//! "Who owns what", "Training" and the gap report over real HTTP: assigning an owner and training a
//! second person clear the matching findings, an owner who does little of the work is named, staff
//! read but never change, other practices are not found, and the CSV download is audited.

use crate::common::{actor, json_of, TestApp, PRACTICE};
use jiff::{SignedDuration, Timestamp};
use lantern_core::access::Role;
use lantern_core::guides::GuideDraft;
use lantern_core::ods::OdsCode;
use lantern_core::ownership::{Confidence, Ownership, Training};
use lantern_core::practice::Practice;
use lantern_store::{testing, AuditFilter};
use reqwest::Response;
use serde_json::{json, Value};

const OTHER: &str = "B82002";

fn location(response: &Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The kinds of finding the API reports for `service`.
async fn kinds(app: &TestApp, service: &str) -> Vec<String> {
    let report = json_of(app.get(&format!("/api/v1/practices/{PRACTICE}/gaps")).await).await;
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["service"] == service)
        .filter_map(|f| f["kind"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn assigning_an_owner_and_training_a_second_person_clear_the_findings() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let (asha, ben) = (app.staff[0].id, app.staff[1].id);
    let gaps = lead.get_html("/gaps").await;
    assert!(
        gaps.contains("id=\"gap-no_owner-nhs_login\"") && gaps.contains("id=\"gap-few_trained-nhs_login\"")
    );
    assert!(gaps.contains("href=\"/services/nhs_login?practice=A81001\""), "each finding links to its fix");
    assert!(gaps.contains("id=\"gap-count\"") && gaps.contains("id=\"gap-summary\""), "counted by kind");

    let form = format!(
        "practice={PRACTICE}&owner={ben}&supporting={asha}&escalation_route={}",
        enc("Ben, then the PCN")
    );
    let saved = lead.submit("/services/nhs_login", "/services/nhs_login", &form).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), "/services?practice=A81001&done=nhs_login#done");
    let services = lead.get_html(&location(&saved)).await;
    assert!(services.contains("The arrangements for NHS login are saved."));
    let row =
        services.split("id=\"service-nhs_login\"").nth(1).expect("row").split("</tr>").next().expect("row");
    assert!(row.contains("Ben") && row.contains("Asha") && row.contains("Ben, then the PCN"), "{row}");
    assert!(services.contains("No owner"), "other services are still unowned");
    assert!(!lead.get_html("/gaps").await.contains("gap-no_owner-nhs_login"), "the owner clears NoOwner");

    for (person, expected_left) in [(asha, true), (ben, false)] {
        let form = format!(
            "practice={PRACTICE}&staff_id={person}&service=nhs_login&trained_on=2026-01-15&trainer={}&confidence=medium",
            enc("NHS login e-learning")
        );
        let recorded = lead.submit("/training", "/training", &form).await;
        assert_eq!(recorded.status(), 303, "{}", recorded.text().await.unwrap_or_default());
        let page = lead.get_html(&location(&recorded)).await;
        assert!(page.contains("Training recorded:") && page.contains("15 Jan 2026, medium confidence"));
        let still = lead.get_html("/gaps").await.contains("gap-few_trained-nhs_login");
        assert_eq!(still, expected_left, "one trained is too few; two clears FewTrained");
    }
    assert!(!kinds(&app, "nhs_login").await.iter().any(|k| k == "no_owner" || k == "few_trained"));
}

#[tokio::test]
async fn an_owner_who_does_little_of_the_work_is_named() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let url = format!("{}/api/v1/practices/{PRACTICE}/ownership/nhs_login", app.base);
    let set = lead.put(&url).json(&json!({ "owner": app.staff[1].id })).send().await.expect("send");
    assert_eq!(set.status(), 200);
    let yesterday =
        (Timestamp::now() - SignedDuration::from_hours(24)).strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    for _ in 0..3 {
        let mut body = app.episode_json();
        body["occurred_at"] = json!(yesterday);
        body["helpers"] = json!([app.staff[0].id]);
        body["services"] = json!(["nhs_login"]);
        assert_eq!(app.post_episode(&body).await.status(), 201);
    }
    assert!(kinds(&app, "nhs_login").await.contains(&"owner_not_doing_it".to_owned()));
    let page = app.browser_as(Role::PracticeLead).await.get_html("/gaps").await;
    let card = page.split("id=\"gap-owner_not_doing_it-nhs_login\"").nth(1).expect("the finding is shown");
    let card = card.split("</dl>").next().unwrap_or_default();
    assert!(
        card.contains("Asha gave 100% of the help with NHS login")
            && card.contains("its owner, Ben, gave 0%")
    );
    assert!(card.contains("Why it matters") && card.contains("What to do"));
}

#[tokio::test]
async fn staff_read_who_owns_what_but_change_nothing() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let staff = app.browser_as(Role::Staff).await;
    let services = staff.get_html("/services").await;
    assert!(services.contains("<title>Who owns what – Lantern</title>") && services.contains("No owner"));
    assert!(services.contains("href=\"/services\" aria-current=\"page\""), "in the staff menu");
    assert!(!services.contains(">Change<") && !services.contains("href=\"/gaps"), "nothing staff cannot use");
    let one = staff.get_html("/services/nhs_login").await;
    assert!(one.contains("id=\"arrangements\"") && one.contains("Not recorded: ask the practice manager"));
    assert!(!one.contains("<form method=\"post\" action=\"/services/"), "read-only");
    let post = staff.submit("/services", "/services/nhs_login", &format!("practice={PRACTICE}")).await;
    assert_eq!(post.status(), 403);
    for path in ["/gaps", "/training"] {
        assert_eq!(staff.get(path).await.status(), 403, "{path}");
    }
    let api = app.api_as(Role::Staff).await;
    let base = format!("{}/api/v1/practices/{PRACTICE}", app.base);
    let list = api.get(format!("{base}/ownership")).send().await.expect("send");
    assert_eq!(list.status(), 200, "staff see who to escalate to");
    assert!(json_of(list).await.as_array().is_some_and(|a| a.iter().any(|o| o["service"] == "nhs_login")));
    let put = api.put(format!("{base}/ownership/nhs_login")).json(&json!({})).send().await.expect("send");
    assert_eq!(put.status(), 403);
    assert_eq!(api.get(format!("{base}/gaps")).send().await.expect("send").status(), 403);
    assert!(app.store.ownership(&OdsCode::parse(PRACTICE).expect("valid")).await.expect("read").is_empty());
}

#[tokio::test]
async fn another_practice_is_not_found() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let other = Practice {
        ods_code: OdsCode::parse(OTHER).expect("valid"),
        name: "Hill Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 5_000,
    };
    app.store.upsert_practice(&other, false, &actor()).await.expect("practice");
    let lead = app.browser_as(Role::PracticeLead).await;
    for path in ["/services", "/services/nhs_login", "/training", "/gaps"] {
        let response = lead.get(&format!("{path}?practice={OTHER}")).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let post = lead.submit("/services", "/services/nhs_login", &format!("practice={OTHER}")).await;
    assert_eq!(post.status(), 404);
    let api = app.api_as(Role::PracticeLead).await;
    let base = format!("{}/api/v1/practices/{OTHER}", app.base);
    for path in ["ownership", "training", "gaps", "gaps?format=csv"] {
        let response = api.get(format!("{base}/{path}")).send().await.expect("send");
        assert_eq!(response.status(), 404, "{path}");
        assert!(!response.text().await.unwrap_or_default().contains("Hill Surgery"));
    }
    let put = api.put(format!("{base}/ownership/nhs_login")).json(&json!({})).send().await.expect("send");
    assert_eq!(put.status(), 404);
    assert!(app.store.ownership(&other.ods_code).await.expect("read").is_empty());
}

#[tokio::test]
async fn downloads_are_csv_audited_and_formula_safe() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let base = format!("{}/api/v1/practices/{PRACTICE}", app.base);
    let route =
        json!({ "escalation_route": "=HYPERLINK(\"http://example.com\")", "reviewed_on": "2026-01-02" });
    let set = lead.put(format!("{base}/ownership/nhs_app")).json(&route).send().await.expect("send");
    assert_eq!(set.status(), 200);
    let gaps = lead.get(format!("{base}/gaps?format=csv")).send().await.expect("send");
    assert!(gaps.headers()["content-type"].to_str().expect("ascii").starts_with("text/csv"));
    let body = gaps.text().await.expect("csv");
    assert!(body.starts_with("practice,kind,service,finding,why_it_matters,what_to_do,fix_at\n"), "{body}");
    assert!(body.contains("A81001,no_owner,nhs_login,"), "{body}");
    let ownership = lead.get(format!("{base}/ownership?format=csv")).send().await.expect("send");
    let body = ownership.text().await.expect("csv");
    assert!(
        body.contains(",\"'=HYPERLINK(\"\"http://example.com\"\")\","),
        "a formula is neutralised: {body}"
    );
    for action in ["export.gaps", "export.ownership"] {
        let filter = AuditFilter { action: Some(action.into()), ..AuditFilter::default() };
        let records = app.store.audit_records(&filter, 5).await.expect("audit");
        assert_eq!(records.len(), 1, "{action} is audited");
        assert_eq!(records[0].actor.username, "practice_lead");
    }
    let json = json_of(lead.get(format!("{base}/gaps")).send().await.expect("send")).await;
    assert_eq!(json["practice"], PRACTICE);
    let exports = AuditFilter { action: Some("export.gaps".into()), ..AuditFilter::default() };
    assert_eq!(app.store.audit_records(&exports, 5).await.expect("audit").len(), 1, "JSON is not an export");
}

#[tokio::test]
async fn mistakes_come_back_as_field_errors() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let form = format!(
        "practice={PRACTICE}&reviewed_on=soon&escalation_route={}",
        enc("Ring the patient on 07700 900123")
    );
    let bad = lead.submit("/services/nhs_login", "/services/nhs_login", &form).await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.expect("html");
    assert!(page.contains("<title>Error: Arrangements for NHS login"), "the title says so");
    assert!(page.contains("href=\"#reviewed_on\"") && page.contains("id=\"reviewed_on-error\""));
    // The store's own checks (a patient's phone number) come back against their field too.
    let form = format!("practice={PRACTICE}&escalation_route={}", enc("Ring the patient on 07700 900123"));
    let leaky = lead.submit("/services/nhs_login", "/services/nhs_login", &form).await;
    assert_eq!(leaky.status(), 422);
    assert!(leaky.text().await.expect("html").contains("id=\"escalation_route-error\""));
    let empty = lead.submit("/training", "/training", &format!("practice={PRACTICE}&trained_on=")).await;
    assert_eq!(empty.status(), 422);
    let page = empty.text().await.expect("html");
    for field in ["staff_id", "service", "trained_on", "trainer", "confidence"] {
        assert!(page.contains(&format!("href=\"#{field}\"")), "{field} is reported");
    }
    let api = app.api_as(Role::PracticeLead).await;
    let base = format!("{}/api/v1/practices/{PRACTICE}", app.base);
    let wrong =
        api.put(format!("{base}/ownership/nhs_login")).json(&json!({ "service": "nhs_app" })).send().await;
    let wrong = wrong.expect("send");
    assert_eq!(wrong.status(), 422);
    assert_eq!(json_of(wrong).await["error"]["fields"][0]["field"], "service");
    let training = json!({
        "staff_id": app.staff[0].id, "service": "nhs_app", "trained_on": "2026-01-10",
        "trainer": "Digital champion", "confidence": "high"
    });
    let created = api.post(format!("{base}/training")).json(&training).send().await.expect("send");
    assert_eq!(created.status(), 201);
    let listed: Value = json_of(api.get(format!("{base}/training")).send().await.expect("send")).await;
    assert_eq!(listed[0]["confidence"], "high");
}

#[tokio::test]
async fn a_practice_with_everything_in_place_has_no_gaps() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let code = OdsCode::parse(PRACTICE).expect("valid");
    let (store, who) = (&app.store, actor());
    let services: Vec<String> =
        store.services(&code).await.expect("services").into_iter().map(|s| s.code).collect();
    for service in &services {
        let arrangement = Ownership {
            service: service.clone(),
            owner: Some(app.staff[1].id),
            escalation_route: Some("Ben, then the PCN digital lead".into()),
            ..Ownership::default()
        };
        store.set_ownership(&code, &arrangement, &who).await.expect("owner");
        for member in &app.staff {
            let training = Training {
                staff_id: member.id,
                service: service.clone(),
                trained_on: "2026-01-05".parse().expect("date"),
                trainer: "Digital champion".into(),
                confidence: Confidence::Medium,
            };
            store.record_training(&code, &training, &who).await.expect("training");
        }
    }
    let draft = GuideDraft {
        title: "Helping with every online service".into(),
        services: services.clone(),
        body: "Ask what they are trying to do.".into(),
        review_by: "2099-01-01".into(),
        ..GuideDraft::default()
    };
    let guide = store.save_guide(&code, None, &draft, &who).await.expect("guide");
    store.approve_guide(guide.id, 1, "2099-01-01".parse().expect("date"), &who).await.expect("approve");
    let version =
        store.save_strategy(&code, "# Our strategy", "2099-01-01".parse().expect("date"), &who).await;
    store.sign_off_strategy(&code, version.expect("strategy"), &who).await.expect("sign off");

    let page = app.browser_as(Role::PracticeLead).await.get_html("/gaps").await;
    assert!(page.contains("id=\"no-gaps\"") && !page.contains("id=\"gap-count\""), "{page}");
    assert!(kinds(&app, "nhs_login").await.is_empty());
}
