//! A held-out national POMI file: the published April–September 2018 zip with four impossible values
//! written into it (a negative count, more enabled than registered, a `Sys_*` status of 7, counts for
//! a service switched off). `lantern import pomi` must load all of it, name each value and its line,
//! and `lantern report uptake --level england` must equal England worked out a second, naive way
//! straight from the CSV text.

#[path = "../../lantern-import/tests/shared/mod.rs"]
mod shared;
mod support;

use serde_json::Value;
use shared::shared_data;
use sqlx::Connection;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::Path;
use support::{lantern, text};

const SERVICES: [(&str, &str, &str, &str); 3] = [
    ("appointments", "Sys_Appts_Enbld", "Pat_Appts_Enbld", "Pat_Appts_Use"),
    ("prescriptions", "Sys_Presc_Enbld", "Pat_Presc_Enbld", "Pat_Presc_Use"),
    ("record", "Sys_DetCodeRec_Enbld", "Pat_DetCodeRec_Enbld", "Pat_DetCodeRec_Use"),
];

/// One practice-month of the raw file: field → (line, value as written).
type Cells = HashMap<String, (usize, String)>;

/// The file's practice-months in file order, keyed (period as written, practice), read with the csv
/// crate alone. Line numbers are 1-based with the header on line 1; the test first checks that no
/// record spans two lines, so a record's line is its index + 2.
fn practice_months(csv_text: &str) -> Vec<((String, String), Cells)> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut order: Vec<(String, String)> = Vec::new();
    let mut months: HashMap<(String, String), Cells> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.expect("a CSV record");
        let key = (record[0].to_owned(), record[7].to_owned());
        let cells = months.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Cells::new()
        });
        cells.insert(record[10].to_owned(), (i + 2, record[11].to_owned()));
    }
    order.into_iter().map(|key| (key.clone(), months.remove(&key).expect("held"))).collect()
}

/// `30APR2018` → `2018-04`, independently of the importer's date parser.
fn month(date: &str) -> String {
    let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    let number = months.iter().position(|m| *m == &date[2..5]).expect("a month name") + 1;
    format!("{}-{number:02}", &date[5..9])
}

fn value(cells: &Cells, field: &str) -> Option<i64> {
    cells.get(field).and_then(|(_, v)| v.parse().ok())
}

/// A practice-month with nothing odd about it: every field given, every service on, counts in range.
fn ordinary(cells: &Cells) -> bool {
    let list = value(cells, "patient_list_size").unwrap_or(0);
    cells.len() == 13
        && cells.values().all(|(_, v)| v.parse::<i64>().is_ok_and(|n| n >= 0))
        && list > 0
        && SERVICES.iter().all(|(_, sys, enabled, uses)| {
            value(cells, sys) == Some(2)
                && value(cells, enabled).is_some_and(|n| n > 0 && n <= list)
                && value(cells, uses).is_some_and(|n| n > 0)
        })
        && value(cells, "Total_Pat_Enbld").is_some_and(|n| n <= list)
}

/// England per month, the naive way: every count at or above zero summed; each rate over just the
/// practice-months that gave both its count and a list size at or above zero.
fn england(months: &[((String, String), Cells)]) -> BTreeMap<String, Value> {
    #[derive(Default)]
    struct Sum {
        practices: i64,
        counts: BTreeMap<String, i64>,
        rated: BTreeMap<String, (i64, i64)>,
        on: BTreeMap<&'static str, i64>,
        above: i64,
    }
    let mut sums: BTreeMap<String, Sum> = BTreeMap::new();
    for ((date, _), cells) in months {
        let sum = sums.entry(month(date)).or_default();
        sum.practices += 1;
        let known = |field: &str| value(cells, field).filter(|n| *n >= 0);
        let list = known("patient_list_size");
        for field in cells.keys().filter(|f| !f.starts_with("Sys_")) {
            *sum.counts.entry(field.clone()).or_default() += known(field).unwrap_or(0);
            if let (Some(n), Some(list)) = (known(field), list) {
                let slot = sum.rated.entry(field.clone()).or_default();
                *slot = (slot.0 + n, slot.1 + list);
            }
        }
        let enabled = ["Total_Pat_Enbld", "Pat_Appts_Enbld", "Pat_Presc_Enbld", "Pat_DetCodeRec_Enbld"];
        sum.above += i64::from(enabled.iter().any(|f| known(f).zip(list).is_some_and(|(e, l)| e > l)));
        for (service, sys, ..) in SERVICES {
            *sum.on.entry(service).or_default() += i64::from(value(cells, sys) == Some(2));
        }
    }
    let share = |(n, list): (i64, i64)| 100.0 * (n as f64 / list as f64).min(1.0);
    let per_1000 = |(n, list): (i64, i64)| 1_000.0 * n as f64 / list as f64;
    sums.into_iter()
        .map(|(period, s)| {
            let count = |f: &str| s.counts.get(f).copied().unwrap_or(0);
            let rated = |f: &str| s.rated.get(f).copied().unwrap_or((0, 0));
            let mut unit = serde_json::json!({
                "practices": s.practices,
                "patient_list_size": count("patient_list_size"),
                "total_pat_enbld": count("Total_Pat_Enbld"),
                "new_pat_enbld": count("New_Pat_Enbld"),
                "total_use": count("Total_Use"),
                "practices_enabled_above_list": s.above,
                "enabled_pct": share(rated("Total_Pat_Enbld")),
                "use_per_1000": per_1000(rated("Total_Use")),
            });
            for (service, _, enabled, uses) in SERVICES {
                unit[service] = serde_json::json!({
                    "practices_switched_on": s.on[service],
                    "enabled": count(enabled),
                    "uses": count(uses),
                    "enabled_pct": share(rated(enabled)),
                    "uses_per_1000": per_1000(rated(uses)),
                });
            }
            (period, unit)
        })
        .collect()
}

/// The report's unit in the naive shape, to compare with [`england`].
fn reported(unit: &Value) -> Value {
    let (c, r) = (&unit["counts"], &unit["rates"]);
    let mut out = serde_json::json!({
        "practices": c["practices"],
        "patient_list_size": c["patient_list_size"],
        "total_pat_enbld": c["total_pat_enbld"],
        "new_pat_enbld": c["new_pat_enbld"],
        "total_use": c["total_use"],
        "practices_enabled_above_list": c["practices_enabled_above_list"],
        "enabled_pct": r["enabled"]["percent"],
        "use_per_1000": r["use_per_1000"],
    });
    for (service, ..) in SERVICES {
        out[service] = serde_json::json!({
            "practices_switched_on": c[service]["practices_switched_on"],
            "enabled": c[service]["enabled"],
            "uses": c[service]["uses"],
            "enabled_pct": r[service]["enabled"]["percent"],
            "uses_per_1000": r[service]["uses_per_1000"],
        });
    }
    out
}

/// Equal, with rates allowed the last bits of a float.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            (a - b).abs() <= 1e-9 * a.abs().max(1.0)
        }
        _ => a == b,
    }
}

fn zip_of(csv: &[u8], path: &Path) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).expect("create zip"));
    writer.start_file("POMI_APR2018_to_SEP2018.csv", zip::write::SimpleFileOptions::default()).expect("zip");
    writer.write_all(csv).expect("zip");
    writer.finish().expect("zip");
}

#[tokio::test]
async fn a_held_out_national_file_with_impossible_values_imports_whole_and_england_matches_the_csv() {
    let Some(published) = shared_data("pomi/pomi_apr2018_to_sep2018.zip") else { return };
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&published).expect("open")).expect("a zip");
    let mut original = String::new();
    archive.by_index(0).expect("the CSV").read_to_string(&mut original).expect("UTF-8 text");
    let eol = if original.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = original.split(eol).map(str::to_owned).collect();
    let months = practice_months(&original);
    let records: usize = months.iter().map(|(_, cells)| cells.len()).sum();
    assert_eq!(records, lines.iter().skip(1).filter(|l| !l.is_empty()).count(), "one record a line");

    // Four ordinary practice-months, early in the file, each given one impossible value.
    let picked: Vec<&((String, String), Cells)> =
        months.iter().filter(|(_, c)| ordinary(c)).take(4).collect();
    let list = value(&picked[1].1, "patient_list_size").expect("a list size");
    let presc = (value(&picked[3].1, "Pat_Presc_Enbld"), value(&picked[3].1, "Pat_Presc_Use"));
    let (presc_enabled, presc_use) = (presc.0.expect("enabled"), presc.1.expect("use"));
    let injected = [
        (0, "Total_Use", "-5".to_owned(), "negative_value", "-5 is below zero".to_owned()),
        (
            1,
            "Total_Pat_Enbld",
            (list + 500).to_string(),
            "enabled_above_list",
            format!("{} enabled but {list} on the list", list + 500),
        ),
        (2, "Sys_Appts_Enbld", "7".to_owned(), "unknown_status", "7 is not a status POMI defines".to_owned()),
        (
            3,
            "Sys_Presc_Enbld",
            "0".to_owned(),
            "service_off_with_counts",
            format!("Sys_Presc_Enbld = 0 but Pat_Presc_Enbld {presc_enabled}, Pat_Presc_Use {presc_use}"),
        ),
    ];
    let mut expected_lines = Vec::new();
    for (at, field, new, kind, reason) in &injected {
        let ((date, practice), cells) = picked[*at];
        let line = cells[*field].0;
        let (head, _) = lines[line - 1].rsplit_once(',').expect("a value cell");
        lines[line - 1] = format!("{head},{new}");
        expected_lines.push(format!("  {kind} line {line}, {practice} {} {field}: {reason}", month(date)));
    }
    let held_out = lines.join(eol);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pomi_held_out.zip");
    zip_of(held_out.as_bytes(), &file);
    let db = dir.path().join("held_out.db");
    let db_text = db.to_string_lossy().into_owned();

    let import = lantern(&["import", "pomi", &file.to_string_lossy(), "--database", &db_text]);
    assert!(import.status.success(), "refused:\n{}", text(&import.stderr));
    let summary = text(&import.stdout);
    assert!(summary.contains("rows read: 542490 (CCG layout)"), "{summary}");
    assert!(summary.contains("practice-months: 41730 (41730 new, 0 updated, 0 unchanged)"), "{summary}");
    for expected in &expected_lines {
        assert!(summary.lines().any(|l| l.starts_with(expected.as_str())), "{expected:?} in\n{summary}");
    }
    for counted in ["negative_value 1", "unknown_status 1", "service_off_with_counts 1", "blank_value 3927"] {
        assert!(summary.contains(counted), "{counted:?} in\n{summary}");
    }
    assert!(summary.contains("  blank_value: 3922 more, in the flags table"), "{summary}");

    // The flags table holds every one, the line and reason with it.
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("open the database");
    for (at, field, _, kind, reason) in &injected {
        let ((_, practice), cells) = picked[*at];
        let flag = if *kind == "service_off_with_counts" { "Sys_Presc_Enbld" } else { field };
        let (detail,): (String,) = sqlx::query_as(
            "SELECT detail FROM uptake_flags WHERE source = 'pomi' AND practice = $1 AND kind = $2 AND field = $3",
        )
        .bind(practice)
        .bind(*kind)
        .bind(flag)
        .fetch_one(&mut connection)
        .await
        .expect("a stored flag");
        assert!(detail.starts_with(&format!("line {}: {reason}", cells[*field].0)), "{detail}");
    }
    let (values,): (i64,) =
        sqlx::query_as("SELECT total_use FROM uptake_pomi WHERE practice = $1 AND period = $2")
            .bind(&picked[0].0 .1)
            .bind(month(&picked[0].0 .0))
            .fetch_one(&mut connection)
            .await
            .expect("the practice-month");
    assert_eq!(values, -5, "stored as published");
    connection.close().await.expect("close");

    // England: every month from the rows read whole, and each month summed in the database.
    let expected = england(&practice_months(&held_out));
    assert_eq!(expected.len(), 6);
    let whole = lantern(&["report", "uptake", "--database", &db_text, "--level", "england"]);
    assert!(whole.status.success(), "{}", text(&whole.stderr));
    let document: Value = serde_json::from_slice(&whole.stdout).expect("JSON");
    let units = document["units"].as_array().expect("units");
    assert_eq!(units.len(), 6);
    for unit in units {
        let period = unit["period"].as_str().expect("a period");
        assert!(
            same(&reported(unit), &expected[period]),
            "{period}: {} vs {}",
            reported(unit),
            expected[period]
        );
        let one =
            lantern(&["report", "uptake", "--database", &db_text, "--level", "england", "--period", period]);
        assert!(one.status.success(), "{}", text(&one.stderr));
        let summed: Value = serde_json::from_slice(&one.stdout).expect("JSON");
        assert!(same(&reported(&summed["units"][0]), &expected[period]), "{period}, summed in the database");
    }
}
