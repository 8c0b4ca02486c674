//! The figures Lantern reports for the demo data equal a second, independent computation straight
//! from the CSV export: different code, same answers.

use std::collections::HashMap;
use std::process::Command;

fn lantern(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_lantern")).args(args).output().expect("run lantern");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// Gini as the mean absolute difference over all ordered pairs, divided by twice the mean.
fn pairwise_gini(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let differences: f64 = values.iter().flat_map(|a| values.iter().map(move |b| (a - b).abs())).sum();
    differences / (2.0 * n * n * mean)
}

#[test]
fn reported_figures_match_an_independent_count_of_the_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db").to_string_lossy().into_owned();
    lantern(&["demo", "--no-serve", "--database", &db]);
    let csv_text = lantern(&["export", "episodes", "--database", &db]);
    let (from, to) = ("2026-07-01", "2026-09-30");
    let report: serde_json::Value = serde_json::from_str(&lantern(&[
        "report",
        "hidden-work",
        "--database",
        &db,
        "--practice",
        "Y99901",
        "--from",
        from,
        "--to",
        to,
    ]))
    .expect("json");
    let summary = &report["summary"];

    let london = jiff::tz::TimeZone::get("Europe/London").expect("tz");
    let mut episodes = 0i64;
    let mut minutes = 0i64;
    let mut escalated = 0i64;
    let mut by_service: HashMap<String, i64> = HashMap::new();
    let mut by_helper: HashMap<String, i64> = HashMap::new();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (at, practice, helpers, duration, services, outcome) = (
        column("occurred_at"),
        column("practice"),
        column("helpers"),
        column("duration_minutes"),
        column("services"),
        column("outcome"),
    );
    for record in reader.records() {
        let record = record.expect("row");
        let day =
            record[at].parse::<jiff::Timestamp>().expect("time").to_zoned(london.clone()).date().to_string();
        if &record[practice] != "Y99901" || day.as_str() < from || day.as_str() > to {
            continue;
        }
        let length: i64 = record[duration].parse().expect("minutes");
        episodes += 1;
        minutes += length;
        escalated += i64::from(&record[outcome] == "escalated");
        for service in record[services].split(';') {
            *by_service.entry(service.to_owned()).or_default() += 1;
        }
        for helper in record[helpers].split(';') {
            *by_helper.entry(helper.to_owned()).or_default() += length;
        }
    }
    assert!(episodes > 100, "a quarter of demo help: {episodes}");
    assert_eq!(summary["episodes"], episodes);
    assert_eq!(summary["minutes"], minutes);
    assert_eq!(summary["staff_minutes"], by_helper.values().sum::<i64>());
    let rate = summary["escalated_rate"].as_f64().expect("rate");
    assert!((rate - escalated as f64 / episodes as f64).abs() < 1e-12);
    let services = summary["breakdowns"]
        .as_array()
        .expect("breakdowns")
        .iter()
        .find(|b| b["by"] == "service")
        .expect("services");
    for row in services["rows"].as_array().expect("rows") {
        assert_eq!(row["episodes"], by_service[row["key"].as_str().expect("key")], "{row}");
    }
    let per_1000 = summary["episodes_per_1000"].as_f64().expect("per 1000");
    assert!((per_1000 - episodes as f64 * 1000.0 / 6_200.0).abs() < 1e-9);

    let staff_minutes: Vec<f64> = by_helper.values().map(|m| *m as f64).collect();
    let total: f64 = staff_minutes.iter().sum();
    let concentration = &summary["concentration"];
    let top = staff_minutes.iter().copied().fold(0.0, f64::max) / total;
    assert!((concentration["top_share"].as_f64().expect("top") - top).abs() < 1e-9);
    assert!((concentration["gini"].as_f64().expect("gini") - pairwise_gini(&staff_minutes)).abs() < 1e-9);
    let effective = 1.0 / staff_minutes.iter().map(|m| (m / total).powi(2)).sum::<f64>();
    assert!((concentration["effective_helpers"].as_f64().expect("effective") - effective).abs() < 1e-9);
    assert_eq!(concentration["defaulted_to_one_person"], top > 0.5);
    assert!(report["reading"].as_str().expect("reading").contains(&format!("{}%", (top * 100.0).round())));

    // Cost: each helper's minutes at the hourly cost of their role, from the practice's settings.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let expected_cost = runtime.block_on(async {
        let location = lantern_store::DatabaseLocation::parse(&db).expect("location");
        let store = lantern_store::Store::connect(&location).await.expect("open");
        let code = lantern_core::ods::OdsCode::parse("Y99901").expect("valid");
        let staff = store.staff(&code).await.expect("staff");
        let costs = store.role_costs(&code).await.expect("costs");
        let pence_minutes: i64 = by_helper
            .iter()
            .map(|(id, minutes)| {
                let role = &staff.iter().find(|m| m.id.to_string() == *id).expect("a staff member").role;
                minutes * costs[role]
            })
            .sum();
        (pence_minutes as f64 / 60.0).round() as i64
    });
    assert_eq!(summary["cost_pence"], expected_cost);
}
