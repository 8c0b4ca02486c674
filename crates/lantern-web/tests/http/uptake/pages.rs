//! Uptake pages and API over real HTTP, on published-shaped data written through the store: the
//! practice's figures equal sums worked out here a second way, the PCN peers and the deprivation
//! quintiles show, the lagging practice is listed, the help logged sits beside uptake only for people
//! who work with the practice, and mistakes are explained.

use crate::common::{actor, json_of, TestApp, PCN, PRACTICE};
use lantern_core::access::Role;
use lantern_core::uptake::{AgeBandCount, OrgKind, PomiField, PomiValues, PracticeMonth, PracticePlace, Sex};
use lantern_store::{testing, ImdRow, PomiBatch, ReferenceBatch, UptakeName};
use serde_json::{json, Value};

const MONTHS: [&str; 2] = ["2026-04", "2026-05"];
/// Ten practices; A81001 is the test app's own, A81010 lags far below its deprivation's line.
const LAGGING: &str = "A81010";

fn code(i: usize) -> String {
    format!("A810{:02}", i + 1)
}

/// List 10,000 + 100 i; enabled share 30 + 3 i % (+1 point in May); A81010 10 %. IMD score 50 − 4 i.
fn enabled(i: usize, month: usize) -> i64 {
    let list = 10_000 + 100 * i as i64;
    let percent = if code(i) == LAGGING { 10 } else { 30 + 3 * i as i64 + month as i64 };
    list * percent / 100
}

async fn seed(app: &TestApp) {
    let mut months = Vec::new();
    for (m, period) in MONTHS.iter().enumerate() {
        for i in 0..10 {
            let values = PomiValues::from_fn(|f| match f {
                PomiField::PatientListSize => Some(10_000 + 100 * i as i64),
                PomiField::TotalPatEnbld => Some(enabled(i, m)),
                PomiField::TotalUse => Some(500 + i as i64),
                f if f.is_system_status() => Some(2),
                _ => Some(100),
            });
            months.push(PracticeMonth {
                practice: code(i),
                period: (*period).to_owned(),
                supplier: "TPP".into(),
                region: "Y63".into(),
                org_kind: OrgKind::SubIcb,
                org: "16C".into(),
                icb: None,
                values,
            });
        }
    }
    let names: Vec<UptakeName> = (0..10)
        .map(|i| UptakeName { kind: "practice".into(), code: code(i), name: format!("Practice {i}") })
        .collect();
    let file = json!({ "test": true });
    let store = &app.store;
    store
        .import_pomi(PomiBatch { months: &months, flags: &[], names: &names, file: &file }, &actor())
        .await
        .expect("pomi");
    // The first four practices are the test PCN's; all are in ICB QHM.
    let places: Vec<PracticePlace> = (0..10)
        .map(|i| PracticePlace {
            practice: code(i),
            extract: "2025-12".into(),
            pcn: Some(if i < 4 { PCN.to_owned() } else { "U00002".to_owned() }),
            sub_icb: Some("16C".into()),
            icb: Some("QHM".into()),
            region: Some("Y63".into()),
            supplier: Some("TPP".into()),
        })
        .collect();
    store
        .import_places(ReferenceBatch { rows: &places, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("places");
    let imd: Vec<ImdRow> = (0..10)
        .map(|i| ImdRow { year: 2019, practice: code(i), score: Some(50.0 - 4.0 * i as f64) })
        .collect();
    store
        .import_imd(ReferenceBatch { rows: &imd, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("imd");
    // A81001: 50 patients of each sex in each of the 20 bands: 2,000 in all, 700 aged 65+, 500 aged 75+.
    let bands: Vec<AgeBandCount> = [Sex::Female, Sex::Male]
        .into_iter()
        .flat_map(|sex| {
            (0..20).map(move |b| AgeBandCount {
                period: "2025-12".into(),
                practice: PRACTICE.into(),
                sex,
                band_from: b * 5,
                patients: Some(50),
            })
        })
        .collect();
    store
        .import_age_bands(ReferenceBatch { rows: &bands, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("age bands");
}

fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no element {id}")) + marker.len();
    html[start..].split('<').next().unwrap_or_default().trim().to_owned()
}

#[tokio::test]
async fn a_practice_sees_its_uptake_peers_deprivation_and_the_help_beside_it() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    seed(&app).await;
    for _ in 0..9 {
        let mut body = app.episode_json();
        body["occurred_at"] = json!("2026-05-05T10:00:00Z");
        assert_eq!(app.post_episode(&body).await.status(), 201);
    }
    let lead = app.api_as(Role::PracticeLead).await;
    let api: Value = json_of(
        lead.get(format!("{}/api/v1/uptake/practices/{PRACTICE}", app.base)).send().await.expect("send"),
    )
    .await;
    // The latest month, and its share worked out here: 30% of 10,000 plus the May point.
    assert_eq!(api["period"], "2026-05");
    let share = api["uptake"]["rates"]["enabled"]["percent"].as_f64().expect("share");
    assert!((share - 100.0 * enabled(0, 1) as f64 / 10_000.0).abs() < 1e-9);
    let change = api["months"][1]["vs_previous"]["enabled_pp"].as_f64().expect("change");
    assert!((change - 1.0).abs() < 1e-9, "one point up on April: {change}");
    // The lowest share among the nine ordinary practices is A81001's, but A81010 is lower still.
    let rank = &api["ranks"][0]["rank"]["england"];
    assert_eq!(rank["below"], 1, "{rank}");
    let peers: Vec<&str> =
        api["peers"].as_array().expect("peers").iter().filter_map(|p| p["code"].as_str()).collect();
    assert_eq!(peers, ["A81001", "A81002", "A81003", "A81004"], "the PCN's practices");
    assert_eq!(api["deprivation"]["quintile"], 5, "the highest score is the most deprived fifth");
    assert_eq!(api["hidden_work"]["episodes"], 9);
    assert_eq!(api["age"]["share_65_plus"], 35.0);
    assert_eq!(api["age"]["share_75_plus"], 25.0);
    let per_1000 = api["hidden_work"]["episodes_per_1000"].as_f64().expect("rate");
    assert!((per_1000 - 0.9).abs() < 1e-9, "9 episodes per 10,000 patients: {per_1000}");

    let browser = app.browser_as(Role::PracticeLead).await;
    let html = browser.get_html("/uptake").await;
    assert_eq!(text_of(&html, "figure-enabled"), "31.0%");
    assert!(html.contains("<title id=\"chart-trend-title\">"), "the trend chart has a title");
    assert!(html.contains("id=\"trend-table\"") && html.contains("id=\"peers\""));
    assert!(html.contains("id=\"hidden-figures\"") && html.contains("Contains public sector information"));

    // Another organisation's analyst reads the same public figures, but not the help logged there.
    let analyst = app.api_as(Role::Analyst).await;
    let url = format!("{}/api/v1/uptake/practices/{LAGGING}?period=2026-04", app.base);
    let other: Value = json_of(analyst.get(url).send().await.expect("send")).await;
    assert_eq!(other["period"], "2026-04");
    assert!(other["hidden_work"].is_null());
}

#[tokio::test]
async fn analysts_compare_units_see_the_quintiles_and_the_lagging_practice() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    seed(&app).await;
    let analyst = app.api_as(Role::Analyst).await;
    let url = format!("{}/api/v1/uptake?level=pcn&period=2026-05", app.base);
    let table: Value = json_of(analyst.get(url).send().await.expect("send")).await;
    let ours =
        table["units"].as_array().expect("units").iter().find(|u| u["code"] == PCN).expect("our PCN").clone();
    let (list, total): (i64, i64) =
        (0..4).fold((0, 0), |(l, e), i| (l + 10_000 + 100 * i as i64, e + enabled(i, 1)));
    assert_eq!(ours["counts"]["patient_list_size"], list);
    assert_eq!(ours["counts"]["total_pat_enbld"], total);

    // England lists its regions with a series each, read from the kept monthly totals: every test
    // practice is in region Y63, so its series is England's enabled share month by month.
    let england: Value = json_of(
        analyst.get(format!("{}/api/v1/uptake/network?level=england", app.base)).send().await.expect("send"),
    )
    .await;
    assert_eq!(england["periods"], json!(MONTHS));
    let region =
        england["units"].as_array().expect("units").iter().find(|u| u["unit"]["code"] == "Y63").expect("Y63");
    for (m, period) in MONTHS.iter().enumerate() {
        let url = format!("{}/api/v1/uptake?level=england&period={period}", app.base);
        let table: Value = json_of(analyst.get(url).send().await.expect("send")).await;
        assert_eq!(region["series"][m], table["units"][0]["rates"]["enabled"]["percent"], "{period}");
    }
    assert_eq!(england["total"]["counts"]["total_pat_enbld"], (0..10).map(|i| enabled(i, 1)).sum::<i64>());
    assert_eq!(england["unplaced_practices"], 0);

    let browser = app.browser_as(Role::Analyst).await;
    let html = browser.get_html("/network/uptake?level=icb&code=QHM").await;
    assert!(html.contains("<title id=\"chart-quintiles-title\">"), "the quintile chart");
    let quintiles = html.matches("scope=\"row\">").count();
    assert!(quintiles >= 10 + 5, "ten practices and five quintiles: {quintiles}");
    assert!(
        html.contains("id=\"lagging-table\"") && html.contains(LAGGING),
        "the lagging practice is listed"
    );
    assert!(html.contains("class=\"lantern-sparkline\""), "rows carry sparklines");
    let row = &html[html.find("Practice 0<").expect("A81001's row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    assert!(row.contains(">35.0%</td>") && row.contains(">25.0%</td>"), "65+ and 75+ beside uptake: {row}");
    // Sorting by name puts A81001's row first.
    let sorted = browser.get_html("/network/uptake?level=icb&code=QHM&sort=name&dir=asc").await;
    let first = sorted.find("Practice 0").expect("row");
    assert!(first < sorted.find("Practice 9").expect("row"));
    assert!(sorted.contains("aria-sort=\"ascending\""));

    let csv = analyst
        .get(format!("{}/api/v1/uptake/equity?period=2026-05&format=csv", app.base))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.lines().count(), 1 + 5 + 1, "header, five quintiles, no score: {csv}");
    assert!(csv.lines().nth(1).expect("q1").starts_with("2026-05,1,2,"), "two practices a fifth: {csv}");
}

#[tokio::test]
async fn mistakes_are_explained_and_roles_are_kept() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    seed(&app).await;
    let browser = app.browser_as(Role::PracticeLead).await;
    let page = browser.get("/uptake?practice=A81001&period=2019-01").await;
    assert_eq!(page.status(), 404);
    let html = page.text().await.expect("html");
    assert!(html.contains("months held: 2026-04, 2026-05"), "names the months there are");
    assert!(html.contains("nhsuk-error-summary"));
    assert_eq!(browser.get("/network/uptake").await.status(), 403, "a practice lead is not an analyst");
    let analyst = app.api_as(Role::Analyst).await;
    let bad = analyst.get(format!("{}/api/v1/uptake?level=stp", app.base)).send().await.expect("send");
    assert_eq!(bad.status(), 400);
    assert!(json_of(bad)
        .await
        .to_string()
        .contains("is not one of england, region, icb, ccg, pcn, practice"));
    let unknown =
        analyst.get(format!("{}/api/v1/uptake/practices/Z99999", app.base)).send().await.expect("send");
    assert_eq!(unknown.status(), 404);
}

/// A multipart body as a browser sends it: the token, the kind, then the file.
fn multipart(csrf: &str, kind: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "lantern-test-boundary-7d1f";
    let mut body = Vec::new();
    for (field, value) in [("csrf", csrf), ("kind", kind)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                .bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn an_analyst_loads_a_published_file_in_the_browser_all_or_nothing() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lantern-import/tests/fixtures/POMI_APR2018_to_SEP2018.first2000rows.csv");
    let good = std::fs::read(&fixture).expect("the POMI fixture");
    assert!(good.len() > lantern_web::MAX_BODY_BYTES, "bigger than a form may be, as real files are");
    let browser = app.browser_as(Role::Analyst).await;
    let post = |kind: &'static str, bytes: Vec<u8>, csrf: String| {
        let (content_type, body) = multipart(&csrf, kind, "POMI_APR2018.csv", &bytes);
        browser
            .client
            .post(format!("{}/network/uptake/import", browser.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    // A corrupted count on line 1,000 refuses the whole file, naming the line.
    let text = String::from_utf8(good.clone()).expect("ASCII");
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    let cells: Vec<&str> = lines[999].rsplitn(2, ',').collect();
    lines[999] = format!("{},12x", cells[1]);
    let csrf = browser.csrf("/network/uptake/import").await;
    let refused = post("pomi", lines.join("\r\n").into_bytes(), csrf.clone()).await.expect("send");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("line 1000"), "the line is named: {html}");
    assert_eq!(app.store.uptake_row_counts().await.expect("counts").pomi, 0, "nothing was stored");

    // Without the form's token nothing is read.
    let forged = post("pomi", good.clone(), "not-the-token".into()).await.expect("send");
    assert_eq!(forged.status(), 403);

    let loaded = post("pomi", good.clone(), csrf.clone()).await.expect("send");
    assert_eq!(loaded.status(), 200);
    let html = loaded.text().await.expect("html");
    assert!(html.contains("id=\"loaded\"") && html.contains("rows read: 2000"), "{html}");
    let stored = app.store.uptake_row_counts().await.expect("counts");
    assert!(stored.pomi > 0);
    let again = post("pomi", good, csrf).await.expect("send");
    assert_eq!(again.status(), 200);
    assert_eq!(
        app.store.uptake_row_counts().await.expect("counts"),
        stored,
        "loading it again changes nothing"
    );
    let filter = lantern_store::AuditFilter { action: Some("import.pomi".into()), ..Default::default() };
    let audit = app.store.audit_records(&filter, 5).await.expect("audit");
    assert_eq!(audit.len(), 2, "both loads are in the audit trail");
    assert_eq!(audit[0].actor.username, "analyst", "as the analyst who loaded them");
}
