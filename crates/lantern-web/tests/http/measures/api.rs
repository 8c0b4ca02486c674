//! Hidden-work figures over the API: practice leads see their practice's; analysts see their
//! organisation's with small numbers suppressed and never a note.

use crate::common::{json_of, TestApp, PCN, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use serde_json::json;

const NOTE: &str = "Distinctive note that must never reach an analyst";

async fn log(app: &TestApp, count: usize, minutes: i64) {
    for _ in 0..count {
        let mut body = app.episode_json();
        body["occurred_at"] = json!("2026-05-05T10:00:00Z");
        body["duration_minutes"] = json!(minutes);
        body["note"] = json!(NOTE);
        assert_eq!(app.post_episode(&body).await.status(), 201);
    }
}

#[tokio::test]
async fn a_lead_sees_the_practice_figures_as_json_and_csv() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    log(&app, 3, 10).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let url = format!("{}/api/v1/measures/practices/{PRACTICE}?period=quarter&date=2026-05-05", app.base);
    let figures = json_of(lead.get(&url).send().await.expect("send")).await;
    assert_eq!(figures["summary"]["episodes"], 3);
    assert_eq!(figures["summary"]["minutes"], 30);
    assert_eq!(figures["summary"]["period"]["from"], "2026-04-01");
    assert_eq!(figures["trend"]["previous_episodes"], 0);
    assert!(
        figures["reading"].as_str().expect("reading").contains("100% of the help this quarter"),
        "{figures}"
    );
    let csv = lead.get(format!("{url}&format=csv")).send().await.expect("send");
    assert!(csv.headers()["content-type"].to_str().expect("ascii").starts_with("text/csv"));
    let body = csv.text().await.expect("csv");
    assert!(body.contains("A81001,2026-04-01,2026-06-30,headline,,,episodes,3"), "{body}");
    let staff = app.api_as(Role::Staff).await;
    assert_eq!(staff.get(&url).send().await.expect("send").status(), 403, "the dashboard is for leads");
    let exports = app
        .store
        .audit_records(
            &lantern_store::AuditFilter { action: Some("export.measures".into()), ..Default::default() },
            5,
        )
        .await
        .expect("audit");
    assert_eq!(exports.len(), 1, "the CSV download is audited");
}

#[tokio::test]
async fn an_analyst_csv_has_no_small_counts_and_no_notes() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    log(&app, 3, 7).await;
    let analyst = app.api_as(Role::Analyst).await;
    let base = format!("{}/api/v1/measures/organisations/{PCN}?period=year&date=2026-05-05", app.base);
    let figures = json_of(analyst.get(&base).send().await.expect("send")).await;
    assert_eq!(figures["total"]["episodes"], "<8");
    assert_eq!(figures["total"]["minutes"], "<8", "what derives from a small count is hidden too");
    assert!(figures["suppression_rule"].as_str().expect("rule").contains("1 to 7"));
    let csv =
        analyst.get(format!("{base}&format=csv")).send().await.expect("send").text().await.expect("csv");
    assert!(!csv.contains(NOTE) && !figures.to_string().contains(NOTE), "no note text");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let value = reader.headers().expect("headers").iter().position(|h| h == "value").expect("value column");
    let measure =
        reader.headers().expect("headers").iter().position(|h| h == "measure").expect("measure column");
    let mut hidden = 0;
    for row in reader.records() {
        let row = row.expect("row");
        if matches!(&row[measure], "list_size" | "rank") {
            continue;
        }
        if let Ok(n) = row[value].parse::<i64>() {
            assert!(!(1..=7).contains(&n), "a count from 1 to 7 in {row:?}");
        }
        hidden += usize::from(&row[value] == "<8");
    }
    assert!(hidden > 0, "small counts were present and suppressed");
    // More help lifts the suppression.
    log(&app, 6, 7).await;
    let figures = json_of(analyst.get(&base).send().await.expect("send")).await;
    assert_eq!(figures["total"]["episodes"], 9);
    assert_eq!(figures["practices"][0]["rank"], 1);
}

#[tokio::test]
async fn analysts_reach_only_their_organisation_and_no_practice_dashboard() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let analyst = app.api_as(Role::Analyst).await;
    let other =
        analyst.get(format!("{}/api/v1/measures/organisations/U00000", app.base)).send().await.expect("send");
    assert_eq!(other.status(), 404);
    let practice =
        analyst.get(format!("{}/api/v1/measures/practices/{PRACTICE}", app.base)).send().await.expect("send");
    assert_eq!(practice.status(), 403);
    let lead = app.api_as(Role::PracticeLead).await;
    let org =
        lead.get(format!("{}/api/v1/measures/organisations/{PCN}", app.base)).send().await.expect("send");
    assert_eq!(org.status(), 403, "a practice lead is not a commissioner");
}

#[tokio::test]
async fn role_costs_can_be_set_by_a_lead_and_change_the_cost() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    log(&app, 2, 30).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let costs_url = format!("{}/api/v1/practices/{PRACTICE}/role-costs", app.base);
    let costs = json_of(lead.get(&costs_url).send().await.expect("send")).await;
    assert_eq!(costs["receptionist"], 1_612);
    let url = format!("{}/api/v1/measures/practices/{PRACTICE}?period=quarter&date=2026-05-05", app.base);
    let before = json_of(lead.get(&url).send().await.expect("send")).await["summary"]["cost_pence"].clone();
    assert_eq!(before, 1_612, "an hour of receptionist time");
    let set = lead
        .put(format!("{costs_url}/receptionist"))
        .json(&json!({ "hourly_pence": 2_000 }))
        .send()
        .await
        .expect("send");
    assert_eq!(set.status(), 200);
    let after = json_of(lead.get(&url).send().await.expect("send")).await["summary"]["cost_pence"].clone();
    assert_eq!(after, 2_000);
}
