//! `lantern import pomi`, `lantern import registrations` and `lantern report uptake` as a user runs them.

mod support;

use support::{lantern, text};

fn fixture() -> String {
    support::fixture("POMI_APR2018_to_SEP2018.first2000rows.csv")
}

#[test]
fn pomi_imports_once_reports_unchanged_after_and_feeds_the_uptake_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("u.db").to_string_lossy().into_owned();
    let file = fixture();
    let first = lantern(&["import", "pomi", &file, "--database", &db]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    for expected in [
        "rows read: 2000 (CCG layout)",
        "practices: 154",
        "periods: 1: 2018-04 (154 practices)",
        "practice-months: 154 (154 new, 0 updated, 0 unchanged)",
        "flags: blank_value",
        "missing_field 2",
    ] {
        assert!(out.contains(expected), "{expected:?} in\n{out}");
    }
    let again = lantern(&["import", "pomi", &file, "--database", &db]);
    assert!(text(&again.stdout).contains("practice-months: 154 (0 new, 0 updated, 154 unchanged)"));

    let csv = lantern(&["report", "uptake", "--database", &db, "--level", "england", "--format", "csv"]);
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let csv_text = text(&csv.stdout);
    let lines: Vec<&str> = csv_text.lines().collect();
    assert_eq!(lines.len(), 2, "{csv_text}");
    assert!(lines[0]
        .starts_with("level,code,name,period,practices,patient_list_size,total_pat_enbld,enabled_pct,"));
    assert!(lines[1].starts_with("england,england,England,2018-04,154,"), "{}", lines[1]);
    assert!(text(&csv.stderr).contains("Open Government Licence v3.0"));

    let json = lantern(&[
        "report",
        "uptake",
        "--database",
        &db,
        "--level",
        "ccg",
        "--code",
        "02n",
        "--period",
        "2018-04",
        "--format",
        "json",
    ]);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let document: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let unit = &document["units"][0];
    assert_eq!(unit["code"], "02N");
    assert_eq!(unit["name"], "NHS Airedale, Wharfedale and Craven CCG");
    assert_eq!(unit["counts"]["practices"], 16);
    assert_eq!(unit["counts"]["total_pat_enbld"], 42_734);
    assert_eq!(unit["counts"]["patient_list_size"], 159_064);
    let percent = unit["rates"]["enabled"]["percent"].as_f64().expect("a share");
    assert!((percent - 100.0 * 42_734.0 / 159_064.0).abs() < 1e-9);
    assert!(document["attribution"].as_str().is_some_and(|a| a.contains("Open Government Licence")));

    let practice = lantern(&[
        "report",
        "uptake",
        "--database",
        &db,
        "--level",
        "practice",
        "--code",
        "B82007",
        "--format",
        "csv",
    ]);
    assert!(text(&practice.stdout).contains("practice,B82007,TOWNHEAD SURGERY,2018-04,1,9431,1896,20.10,no,"));
}

#[test]
fn bad_files_and_bad_options_are_refused_with_reasons() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("u.db").to_string_lossy().into_owned();
    let spoiled = dir.path().join("spoiled.csv");
    let original = std::fs::read_to_string(fixture()).expect("fixture");
    std::fs::write(&spoiled, original.replacen("Total_Use,", "Total_Usage,", 1)).expect("write");
    let refused = lantern(&["import", "pomi", &spoiled.to_string_lossy(), "--database", &db]);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("nothing was imported from"), "{stderr}");
    assert!(stderr.contains("column field: \"Total_Usage\" is not a POMI field"), "{stderr}");

    let empty = lantern(&["report", "uptake", "--database", &db, "--format", "csv"]);
    assert!(!empty.status.success());
    assert!(text(&empty.stderr).contains("no POMI data is held"), "{}", text(&empty.stderr));
    for (option, value, reason) in [
        ("--level", "stp", "--level must be one of england, region, icb, ccg, pcn, practice"),
        ("--period", "2018-4", "--period must be a month like 2018-04"),
        ("--format", "xml", "--format must be csv or json"),
    ] {
        let output = lantern(&["report", "uptake", "--database", &db, option, value]);
        assert!(!output.status.success());
        assert!(text(&output.stderr).contains(reason), "{}", text(&output.stderr));
    }
}

#[test]
fn registrations_import_and_say_what_they_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("u.db").to_string_lossy().into_owned();
    let file = dir.path().join("gp-reg-pat-prac-all.csv");
    std::fs::write(
        &file,
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\r\n\
         GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\r\n\
         GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84003,NE63 9UT,ALL,ALL,14738\r\n",
    )
    .expect("write");
    let output = lantern(&["import", "registrations", &file.to_string_lossy(), "--database", &db]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    assert!(out.contains("period 2021-01: 20641 registered patients"), "{out}");
    assert!(out.contains("practice-months: 2 new, 0 updated, 0 unchanged"), "{out}");
}

#[test]
fn online_consultations_report_per_1000_from_the_sums_in_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("oc.db").to_string_lossy().into_owned();
    let file = support::fixture("oc_submissions_by_practice.sample.csv");
    let imported = lantern(&["import", "oc", &file, "--database", &db]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));

    // The same figures worked out here from the raw long-format rows.
    let raw = std::fs::read_to_string(&file).expect("fixture");
    let mut sums: std::collections::BTreeMap<(String, String), (i64, i64)> = Default::default();
    for line in raw.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (metric, value) = (cells[cells.len() - 2], cells[cells.len() - 1]);
        let key = (cells[0][..7].to_owned(), cells[1].to_owned());
        let entry = sums.entry(key).or_default();
        match metric {
            "OC_TOTAL_SUBMISSIONS" => entry.0 += value.parse::<i64>().unwrap_or(0),
            "PATIENTS_REGISTERED" => entry.1 += value.parse::<i64>().unwrap_or(0),
            _ => {}
        }
    }
    let out = lantern(&[
        "report",
        "online-consultations",
        "--database",
        &db,
        "--level",
        "practice",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), sums.len(), "{csv}");
    for row in rows {
        let (period, practice) = (row[3].to_owned(), row[1].to_owned());
        let (submissions, patients) = sums[&(period, practice)];
        assert_eq!(row[9], submissions.to_string());
        assert_eq!(row[10], format!("{:.1}", 1_000.0 * submissions as f64 / patients as f64));
    }
    let england = lantern(&["report", "online-consultations", "--database", &db, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&england.stdout).expect("json");
    let total: i64 = sums.values().map(|(s, _)| s).sum();
    let reported: i64 = json["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["counts"]["total_submissions"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(reported, total, "England's months add up to the file");
}
