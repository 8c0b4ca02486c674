//! The figures Lantern reports for the demo data equal a second, independent computation: episodes
//! straight from the CSV export, list sizes, staff roles and role costs straight from the database
//! with SQL. Every practice, every breakdown and every row of it, both ways round: different code,
//! same answers.

mod support;

use lantern_core::measures::default_hourly_costs;
use serde_json::Value;
use sqlx::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use support::ok;

const DIMENSIONS: [&str; 8] =
    ["service", "task", "channel", "barrier", "age_band", "outcome", "approach", "helper"];

/// Gini as the mean absolute difference over all ordered pairs, divided by twice the mean.
fn pairwise_gini(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let differences: f64 = values.iter().flat_map(|a| values.iter().map(move |b| (a - b).abs())).sum();
    differences / (2.0 * n * n * mean)
}

fn close(reported: &Value, expected: f64, what: &str) {
    let reported = reported.as_f64().unwrap_or_else(|| panic!("{what} is not a number: {reported}"));
    assert!(
        (reported - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{what}: {reported} vs {expected}"
    );
}

/// One practice's period, counted from the export rows.
#[derive(Default)]
struct Count {
    episodes: i64,
    minutes: i64,
    escalated: i64,
    unresolved: i64,
    /// (dimension, key) → (episodes, minutes), staff-minutes for helpers.
    by: BTreeMap<(String, String), (i64, i64)>,
}

fn count(csv_text: &str, practice: &str, from: &str, to: &str) -> Count {
    let london = jiff::tz::TimeZone::get("Europe/London").expect("tz");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let mut out = Count::default();
    for record in reader.records() {
        let record = record.expect("row");
        let cell = |name: &str| record[column(name)].to_owned();
        let day =
            cell("occurred_at").parse::<jiff::Timestamp>().expect("time").to_zoned(london.clone()).date();
        let day = day.to_string();
        if cell("practice") != practice || day.as_str() < from || day.as_str() > to {
            continue;
        }
        let minutes: i64 = cell("duration_minutes").parse().expect("minutes");
        out.episodes += 1;
        out.minutes += minutes;
        out.escalated += i64::from(cell("outcome") == "escalated");
        out.unresolved += i64::from(cell("outcome") == "not_resolved");
        let age = Some(cell("age_band")).filter(|a| !a.is_empty()).unwrap_or_else(|| "not_recorded".into());
        let mut keys = vec![
            ("channel", cell("channel")),
            ("age_band", age),
            ("outcome", cell("outcome")),
            ("approach", cell("approach")),
        ];
        for (dimension, name) in
            [("service", "services"), ("task", "tasks"), ("barrier", "barriers"), ("helper", "helpers")]
        {
            keys.extend(cell(name).split(';').filter(|k| !k.is_empty()).map(|k| (dimension, k.to_owned())));
        }
        for (dimension, key) in keys {
            let slot = out.by.entry((dimension.to_owned(), key)).or_default();
            slot.0 += 1;
            slot.1 += minutes;
        }
    }
    out
}

/// The practices' list sizes, staff roles and hourly costs, read with SQL.
struct Reference {
    list_sizes: BTreeMap<String, i64>,
    roles: HashMap<String, String>,
    /// (practice, role) → pence per hour set at the practice.
    costs: HashMap<(String, String), i64>,
}

async fn reference(db: &str) -> Reference {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}")).await.expect("open");
    let rows = sqlx::query("SELECT ods_code, list_size FROM practices").fetch_all(&mut c).await.expect("sql");
    let list_sizes = rows.iter().map(|r| (r.get("ods_code"), r.get("list_size"))).collect();
    let rows = sqlx::query("SELECT id, role FROM staff").fetch_all(&mut c).await.expect("sql");
    let roles = rows.iter().map(|r| (r.get("id"), r.get("role"))).collect();
    let rows = sqlx::query("SELECT practice, role, hourly_pence FROM role_costs")
        .fetch_all(&mut c)
        .await
        .expect("sql");
    let costs = rows.iter().map(|r| ((r.get("practice"), r.get("role")), r.get("hourly_pence"))).collect();
    c.close().await.expect("close");
    Reference { list_sizes, roles, costs }
}

/// Every row of a breakdown as key → (episodes, minutes); shares checked against `total` on the way.
fn rows_of(breakdown: &Value, total: &Count, what: &str) -> BTreeMap<String, (i64, i64)> {
    let mut out = BTreeMap::new();
    for row in breakdown["rows"].as_array().expect("rows") {
        let (episodes, minutes) = (row["episodes"].as_i64().expect("n"), row["minutes"].as_i64().expect("n"));
        close(&row["share_of_episodes"], episodes as f64 / total.episodes as f64, what);
        close(&row["share_of_minutes"], minutes as f64 / total.minutes as f64, what);
        assert!(
            out.insert(row["key"].as_str().expect("key").to_owned(), (episodes, minutes)).is_none(),
            "{what}"
        );
    }
    out
}

/// Staff time × each helper's hourly rate at the practice (its own setting, else the default), in pence.
fn cost(count: &Count, practice: &str, reference: &Reference) -> i64 {
    let defaults: HashMap<&str, i64> =
        default_hourly_costs().iter().map(|c| (c.role, c.hourly_pence)).collect();
    let pence_minutes: i64 = count
        .by
        .iter()
        .filter(|((d, _), _)| d == "helper")
        .map(|((_, id), (_, minutes))| {
            let role = &reference.roles[id];
            let rate = reference.costs.get(&(practice.to_owned(), role.clone())).copied();
            minutes * rate.unwrap_or_else(|| defaults[role.as_str()])
        })
        .sum();
    (pence_minutes as f64 / 60.0).round() as i64
}

fn check_practice(csv_text: &str, report: &Value, practice: &str, reference: &Reference) {
    let (from, to, days) = ("2026-07-01", "2026-09-30", 92.0);
    let summary = &report["summary"];
    let c = count(csv_text, practice, from, to);
    assert!(c.episodes > 50, "{practice}: a quarter of demo help, not {}", c.episodes);
    let at = |what: &str| format!("{practice} {what}");
    assert_eq!(summary["episodes"], c.episodes, "{}", at("episodes"));
    assert_eq!(summary["minutes"], c.minutes, "{}", at("minutes"));
    let helpers: BTreeMap<String, i64> =
        c.by.iter().filter(|((d, _), _)| d == "helper").map(|((_, k), (_, m))| (k.clone(), *m)).collect();
    let staff_minutes: i64 = helpers.values().sum();
    assert_eq!(summary["staff_minutes"], staff_minutes, "{}", at("staff minutes"));
    close(&summary["escalated_rate"], c.escalated as f64 / c.episodes as f64, &at("escalated"));
    close(&summary["unresolved_rate"], c.unresolved as f64 / c.episodes as f64, &at("unresolved"));

    // Every breakdown, every row, both ways round: nothing missing, nothing extra, nothing wrong.
    let breakdowns = summary["breakdowns"].as_array().expect("breakdowns");
    let by: BTreeSet<&str> = breakdowns.iter().filter_map(|b| b["by"].as_str()).collect();
    let mut wanted: BTreeSet<&str> = DIMENSIONS.into_iter().collect();
    wanted.insert("staff_role");
    assert_eq!(by, wanted, "{}", at("breakdowns"));
    let mut roles: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (id, (episodes, minutes)) in c.by.iter().filter(|((d, _), _)| d == "helper").map(|((_, k), t)| (k, t))
    {
        let slot = roles.entry(reference.roles[id].clone()).or_default();
        slot.0 += episodes;
        slot.1 += minutes;
    }
    for breakdown in breakdowns {
        let dimension = breakdown["by"].as_str().expect("by");
        let expected: BTreeMap<String, (i64, i64)> = if dimension == "staff_role" {
            roles.clone()
        } else {
            c.by.iter().filter(|((d, _), _)| d == dimension).map(|((_, k), t)| (k.clone(), *t)).collect()
        };
        assert_eq!(rows_of(breakdown, &c, &at(dimension)), expected, "{}", at(dimension));
    }
    let reported_helpers: BTreeMap<String, i64> = summary["helper_minutes"]
        .as_array()
        .expect("helper minutes")
        .iter()
        .map(|pair| (pair[0].as_str().expect("id").to_owned(), pair[1].as_i64().expect("minutes")))
        .collect();
    assert_eq!(reported_helpers, helpers, "{}", at("helper minutes"));

    // Rates: per week over the period's days, per 1,000 on the list size the database holds.
    let list_size = reference.list_sizes[practice];
    assert_eq!(summary["list_size"], list_size, "{}", at("list size"));
    let cost_pence = cost(&c, practice, reference);
    assert_eq!(summary["cost_pence"], cost_pence, "{}", at("cost"));
    for (name, value) in [("episodes", c.episodes), ("minutes", c.minutes), ("cost", cost_pence)] {
        let key = |suffix: &str| {
            if name == "cost" {
                format!("cost_{suffix}_pence")
            } else {
                format!("{name}_{suffix}")
            }
        };
        close(&summary[key("per_week")], value as f64 / (days / 7.0), &at(&key("per_week")));
        close(&summary[key("per_1000")], value as f64 * 1000.0 / list_size as f64, &at(&key("per_1000")));
    }

    // Who carries it.
    let minutes: Vec<f64> = helpers.values().map(|m| *m as f64).collect();
    let total: f64 = minutes.iter().sum();
    let concentration = &summary["concentration"];
    let top = minutes.iter().copied().fold(0.0, f64::max) / total;
    close(&concentration["top_share"], top, &at("top share"));
    close(&concentration["gini"], pairwise_gini(&minutes), &at("gini"));
    close(
        &concentration["effective_helpers"],
        1.0 / minutes.iter().map(|m| (m / total).powi(2)).sum::<f64>(),
        &at("effective"),
    );
    assert_eq!(concentration["helpers"], minutes.len(), "{}", at("helpers"));
    assert_eq!(concentration["defaulted_to_one_person"], top > 0.5, "{}", at("defaulted"));
    assert!(report["reading"].as_str().expect("reading").contains(&format!("{}%", (top * 100.0).round())));

    // The trend: the 92 days before, counted the same way.
    let before = count(csv_text, practice, "2026-03-31", "2026-06-30");
    let trend = &report["trend"];
    assert_eq!(trend["previous_episodes"], before.episodes, "{}", at("previous episodes"));
    assert_eq!(trend["previous_minutes"], before.minutes, "{}", at("previous minutes"));
    let previous_cost = cost(&before, practice, reference);
    assert_eq!(trend["previous_cost_pence"], previous_cost, "{}", at("previous cost"));
    for (name, now, then) in [
        ("episodes", c.episodes, before.episodes),
        ("minutes", c.minutes, before.minutes),
        ("cost", cost_pence, previous_cost),
    ] {
        let reported = &trend[format!("{name}_change")];
        if then == 0 {
            assert!(reported.is_null(), "{}", at(name));
        } else {
            close(reported, (now - then) as f64 / then as f64, &at(&format!("{name} change")));
        }
    }
}

#[test]
fn reported_figures_match_an_independent_count_of_the_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db").to_string_lossy().into_owned();
    ok(&["demo", "--no-serve", "--database", &db]);
    let csv_text = ok(&["export", "episodes", "--database", &db]);
    let reference = tokio::runtime::Runtime::new().expect("runtime").block_on(reference(&db));
    assert!(reference.list_sizes.len() >= 3, "the demo's practices: {:?}", reference.list_sizes);
    for practice in reference.list_sizes.keys() {
        let report: Value = serde_json::from_str(&ok(&[
            "report",
            "hidden-work",
            "--database",
            &db,
            "--practice",
            practice,
            "--from",
            "2026-07-01",
            "--to",
            "2026-09-30",
        ]))
        .expect("json");
        check_practice(&csv_text, &report, practice, &reference);
    }
}
