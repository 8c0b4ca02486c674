//! `lantern import places | age-bands | oc | imd | epraccur` as a user runs them, on the samples cut
//! from the published files.

mod support;

use support::{fixture, lantern, text};

/// Runs `lantern import {command} FILE` and returns its standard output, failing with its errors.
fn import(db: &str, command: &str, file: &str) -> String {
    let output = lantern(&["import", command, file, "--database", db]);
    assert!(output.status.success(), "{command}: {}", text(&output.stderr));
    text(&output.stdout)
}

fn assert_lines(out: &str, expected: &[&str]) {
    for line in expected {
        assert!(out.lines().any(|l| l == *line), "{line:?} in\n{out}");
    }
}

#[test]
fn each_reference_file_imports_once_says_what_it_read_and_is_unchanged_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db").to_string_lossy().into_owned();
    let cases: [(&str, &str, &[&str], &str); 5] = [
        (
            "places",
            "gp-reg-pat-prac-map.sample.csv",
            &["rows read: 37", "practices: 37", "period 2025-12: 37 practices", "flags: blank_value 7, unallocated 4"],
            "practice-extracts: 0 new, 0 updated, 37 unchanged",
        ),
        (
            "oc",
            "oc_submissions_by_practice.sample.csv",
            &["rows read: 36", "practices: 3", "period 2024-11: 1 practices", "practice-months: 4 new, 0 updated, 0 unchanged"],
            "practice-months: 0 new, 0 updated, 4 unchanged",
        ),
        (
            "imd",
            "fingertips_93553_imd2019_by_practice.first30rows.csv",
            &["rows read: 30 (Fingertips export layout)", "practices: 28", "rows for other organisation types (not stored): England 2"],
            "practice-years: 0 new, 0 updated, 28 unchanged",
        ),
        (
            "epraccur",
            "epraccur.sample.csv",
            &["rows read: 38", "status P (proposed): 2", "organisations: 38 new, 0 updated, 0 unchanged", "flags: none"],
            "organisations: 0 new, 0 updated, 38 unchanged",
        ),
        (
            "age-bands",
            "gp-reg-pat-prac-quin-age_dec2025.sample.csv",
            &[
                "practices: 2",
                "registered patients (sum of stored bands): 27206",
                "rows for other organisation types (not stored): Comm Region 3, ICB 3, PCN 3, SUB_ICB_LOCATION_CODE 3",
            ],
            "practice-months: 0 new, 0 updated, 2 unchanged",
        ),
    ];
    for (command, name, first_lines, again_line) in cases {
        let file = fixture(name);
        let out = import(&db, command, &file);
        assert_lines(&out, first_lines);
        assert!(out.starts_with(&format!("{file}: ")), "{out}");
        assert_lines(
            &out,
            &["Contains public sector information licensed under the Open Government Licence v3.0."],
        );
        assert_lines(&import(&db, command, &file), &[again_line]);
    }
}

#[test]
fn a_wrong_or_spoiled_file_is_refused_naming_the_line_and_nothing_is_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("r.db").to_string_lossy().into_owned();
    let spoiled = dir.path().join("oc.csv");
    let original =
        std::fs::read_to_string(fixture("oc_submissions_by_practice.sample.csv")).expect("fixture");
    std::fs::write(&spoiled, original.replacen("OC_CAPABILITY,1", "OC_CAPABILITY,one", 1)).expect("write");
    let refused = lantern(&["import", "oc", &spoiled.to_string_lossy(), "--database", &db]);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("nothing was imported from"), "{stderr}");
    assert!(stderr.contains("line 11, column VALUE: \"one\" is not a count"), "{stderr}");
    let wrong = lantern(&["import", "places", &fixture("epraccur.sample.csv"), "--database", &db]);
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("line 1: The header lacks EXTRACT_DATE"), "{}", text(&wrong.stderr));
    let missing =
        lantern(&["import", "imd", &dir.path().join("absent.csv").to_string_lossy(), "--database", &db]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("cannot read"), "{}", text(&missing.stderr));
    // Nothing landed: the spoiled file's practices import afresh from the good one.
    let out = import(&db, "oc", &fixture("oc_submissions_by_practice.sample.csv"));
    assert_lines(&out, &["practice-months: 4 new, 0 updated, 0 unchanged"]);
}
