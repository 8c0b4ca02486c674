//! The dashboard and "Practices compared" pages over real HTTP: the same figures as the API for the same
//! period, charts with text alternatives and tables, small numbers suppressed for analysts, and a period
//! picker that explains its mistakes.

use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use serde_json::{json, Value};

const NOTE: &str = "A note only the practice should ever read";
const QUARTER: &str = "period=quarter&date=2026-05-05";

/// Logs `count` episodes of `minutes` on 5 May 2026, given by `helpers` (indexes into the test staff).
async fn log(app: &TestApp, count: usize, minutes: i64, helpers: &[usize]) {
    for _ in 0..count {
        let mut body = app.episode_json();
        body["occurred_at"] = json!("2026-05-05T10:00:00Z");
        body["duration_minutes"] = json!(minutes);
        body["helpers"] = json!(helpers.iter().map(|i| app.staff[*i].id).collect::<Vec<_>>());
        body["note"] = json!(NOTE);
        assert_eq!(app.post_episode(&body).await.status(), 201);
    }
}

/// The text of the element with `id`, up to the next tag.
fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no element {id}")) + marker.len();
    html[start..].split('<').next().unwrap_or_default().trim().to_owned()
}

/// The leading number of a figure as people read it ("1,234 minutes (20.6 hours)" → 1234.0).
fn number(text: &str) -> f64 {
    let digits: String = text
        .trim_start_matches('£')
        .chars()
        .take_while(|c| c.is_ascii_digit() || ",.".contains(*c))
        .collect();
    digits.replace(',', "").parse().unwrap_or_else(|_| panic!("no number in {text:?}"))
}

/// The page with the characters templates escape put back, so tests read what people read.
fn decoded(html: &str) -> String {
    [("&#60;", "<"), ("&lt;", "<"), ("&#62;", ">"), ("&gt;", ">"), ("&#34;", "\""), ("&#39;", "'")]
        .iter()
        .fold(html.to_owned(), |text, (entity, plain)| text.replace(entity, plain))
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The table with `id`, from its opening tag to its end.
fn table<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!(" id=\"{id}\"")).unwrap_or_else(|| panic!("no table {id}"));
    let start = html[..at].rfind("<table").expect("table");
    let end = html[start..].find("</table>").expect("table end") + start;
    &html[start..end]
}

#[tokio::test]
async fn the_dashboard_shows_the_api_figures_with_charts_and_tables() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    log(&app, 3, 10, &[0]).await;
    log(&app, 1, 20, &[1, 0]).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let url = format!("{}/api/v1/measures/practices/{PRACTICE}?{QUARTER}", app.base);
    let api: Value = json_of(lead.get(&url).send().await.expect("send")).await;
    let browser = app.browser_as(Role::PracticeLead).await;
    let page = browser.get(&format!("/dashboard?{QUARTER}")).await;
    assert_eq!(page.status(), 200);
    let html = decoded(&page.text().await.expect("html"));

    let summary = &api["summary"];
    assert_eq!(number(&text_of(&html, "figure-episodes")), summary["episodes"].as_f64().expect("episodes"));
    assert_eq!(number(&text_of(&html, "figure-minutes")), summary["minutes"].as_f64().expect("minutes"));
    assert_eq!(
        number(&text_of(&html, "figure-staff-minutes")),
        summary["staff_minutes"].as_f64().expect("sm")
    );
    let cost = summary["cost_pence"].as_f64().expect("cost") / 100.0;
    assert!((number(&text_of(&html, "figure-cost")) - cost).abs() < 0.005, "cost £{cost}");
    assert!(text_of(&html, "figure-episodes").contains('4'), "4 episodes");
    assert!(html.contains("1 April 2026 to 30 June 2026"), "the period is named");
    assert!(html.contains("No help logged in the previous quarter"), "the trend has nothing to compare");

    let reading = api["reading"].as_str().expect("reading");
    assert!(!reading.contains(['\'', '"', '&']), "compared as written: {reading}");
    assert_eq!(text_of(&html, "reading"), reading, "the reading sentence appears");
    assert!(html.contains("Defaulted to one person"), "Asha gave 50 of 70 staff minutes");
    assert!(table(&html, "helpers").contains(">Asha</th>") && table(&html, "helpers").contains(">Ben</th>"));

    // Each breakdown: an SVG with a title and a description, and a table with the same numbers.
    assert!(html.contains("aria-labelledby=\"chart-service-title chart-service-desc\""));
    assert!(
        html.contains("<title id=\"chart-service-title\">")
            && html.contains("<desc id=\"chart-service-desc\">")
    );
    let services = table(&html, "table-service");
    let row = &summary["breakdowns"]
        .as_array()
        .expect("breakdowns")
        .iter()
        .find(|b| b["by"] == "service")
        .expect("by service")["rows"][0];
    assert!(services.contains(">NHS login</th>"), "{services}");
    assert!(
        services.contains(&format!(">{}</td>", row["episodes"]))
            && services.contains(&format!(">{}</td>", row["minutes"]))
    );
    for id in ["task", "channel", "barrier", "age_band", "outcome", "approach", "staff_role"] {
        assert!(html.contains(&format!("id=\"table-{id}\"")), "a table by {id}");
    }
    assert!(!html.contains("<script") && !html.contains(" style="), "no script, no inline styles (CSP)");

    // The downloads are the API's, for the same period, and they work from the browser session.
    let csv = format!("/api/v1/measures/practices/{PRACTICE}?period=quarter&date=2026-04-01&format=csv");
    assert!(html.contains(&csv), "CSV link");
    let download = browser.get(&csv).await;
    assert_eq!(download.status(), 200);
    assert!(download.text().await.expect("csv").contains("headline,,,episodes,4"));
}

#[tokio::test]
async fn each_page_is_for_its_roles_only() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let staff = app.browser_as(Role::Staff).await;
    assert_eq!(staff.get("/dashboard").await.status(), 403);
    assert_eq!(staff.get("/network").await.status(), 403);
    let lead = app.browser_as(Role::PracticeLead).await;
    assert_eq!(lead.get("/network").await.status(), 403, "a practice lead is not a commissioner");
    assert_eq!(lead.get("/dashboard?practice=B82002").await.status(), 404, "another practice is not found");
    let nav = lead.get_html("/dashboard").await;
    assert!(nav.contains("href=\"/dashboard\" aria-current=\"page\">Dashboard"), "in the menu");
    let analyst = app.browser_as(Role::Analyst).await;
    assert_eq!(analyst.get("/dashboard").await.status(), 403, "analysts never see one practice's detail");
    assert_eq!(analyst.get("/network?org=U00000").await.status(), 404, "nor another organisation");
    assert!(analyst.get_html("/network").await.contains(">Practices compared</a>"), "in the menu");
}

#[tokio::test]
async fn analysts_see_small_numbers_suppressed_and_no_notes_or_names() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    log(&app, 3, 10, &[0, 1]).await;
    let analyst = app.browser_as(Role::Analyst).await;
    let page = analyst.get(&format!("/network?{QUARTER}")).await;
    assert_eq!(page.status(), 200);
    let html = decoded(&page.text().await.expect("html"));
    assert!(html.contains("Counts from 1 to 7 are shown as"), "the rule is stated");
    let practices = table(&html, "practices");
    assert!(practices.contains("><8</td>"), "3 episodes are shown as <8: {practices}");
    assert!(
        !practices.contains(">3</td>") && !practices.contains(">30</td>"),
        "no small count or its minutes"
    );
    assert!(html.contains("<8 (too few to show)"), "the chart shows a labelled gap, not a bar");
    assert!(!html.contains(NOTE), "no note text");
    assert!(!html.contains("Asha") && !html.contains("Ben"), "no named staff");
    let csv = "/api/v1/measures/organisations/U89141?period=quarter&date=2026-04-01&format=csv";
    assert!(html.contains(csv), "CSV link");

    // Enough help lifts the suppression, and the practice is ranked.
    log(&app, 6, 10, &[0]).await;
    let html = decoded(&analyst.get_html(&format!("/network?{QUARTER}")).await);
    assert_eq!(text_of(&html, "total-episodes"), "9");
    assert!(table(&html, "practices").contains(">1</td>"), "ranked first");
    assert!(!html.contains("Asha") && !html.contains("Ben") && !html.contains(NOTE));
    let sorted = analyst.get(&format!("/network?{QUARTER}&sort=cost&dir=desc")).await;
    assert_eq!(sorted.status(), 200);
    assert!(sorted.text().await.expect("html").contains("aria-sort=\"descending\""), "sorted by cost");
}

#[tokio::test]
async fn the_period_picker_names_each_kind_of_period() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let cases = [
        ("period=month&date=2026-05-05", "1 May 2026 to 31 May 2026"),
        ("period=year&date=2026-05-05", "1 April 2026 to 31 March 2027"),
        ("period=week&date=2026-05-05", "4 May 2026 to 10 May 2026"),
        ("period=custom&from=2026-03-10&to=2026-03-19", "10 March 2026 to 19 March 2026"),
    ];
    for (query, label) in cases {
        let html = lead.get_html(&format!("/dashboard?{query}")).await;
        assert_eq!(text_of(&html, "period-label"), label, "{query}");
    }
    let month = decoded(&lead.get_html("/dashboard?period=month&date=2026-05-05").await);
    let previous = "href=\"/dashboard?practice=A81001&period=month&date=2026-04-01\">Previous period";
    assert!(month.contains(previous), "a link to the month before");
    assert!(month.contains("value=\"month\" checked"), "the chosen kind stays chosen");
    let analyst = app.browser_as(Role::Analyst).await;
    let year = analyst.get_html("/network?period=year&date=2026-09-15").await;
    assert_eq!(text_of(&year, "period-label"), "1 April 2026 to 31 March 2027");
}

#[tokio::test]
async fn mistyped_periods_get_a_clear_error_not_a_failure() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let cases = [
        ("period=month&date=2026-02-30", "#date", "real date"),
        ("period=fortnight", "#period", "Select week, month"),
        ("period=custom&from=2026-03-10", "#to", "Enter the last day"),
        ("period=custom&from=2026-03-10&to=2026-03-01", "#to", "after the first day"),
        ("period=custom&from=2000-01-01&to=2026-01-01", "#to", "up to ten years"),
    ];
    for (query, anchor, message) in cases {
        let response = lead.get(&format!("/dashboard?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let html = decoded(&response.text().await.expect("html"));
        assert!(html.contains("<title>Error: Hidden work"), "{query}: the title says error");
        assert!(html.contains(&format!("href=\"{anchor}\"")) && html.contains(message), "{query}: {html}");
        assert!(!html.contains("id=\"figure-episodes\""), "no figures for a period that is not one");
    }
    let analyst = app.browser_as(Role::Analyst).await;
    let response = analyst.get("/network?period=year&date=yesterday").await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.expect("html").contains("There is a problem"));
}
