//! Cloud Based Telephony's practice-level CSVs, on real slices of the June 2026 files (see
//! `fixtures/README.md`): totals equal a plain split of the lines, a shared (`Unassigned`) account is
//! never read as a practice's, re-import changes nothing, damage is refused by line and column, and
//! value quirks are kept, flagged and left out of sums.

use super::{actor, fixture, stores, temp_file};
use lantern_core::uptake::cbt_daily::{CbtDailyFile, CbtDailyStatus};
use lantern_core::uptake::PracticePlace;
use lantern_import::cbt_daily::{import_cbt_daily_file, read_cbt_daily};
use lantern_import::reference::ReferenceError;
use lantern_store::ReferenceBatch;
use std::collections::{BTreeMap, BTreeSet};

const UNMAPPED: &str = "cbt/Cloud Based Telephony Calls Answered Metric - June 2026_Unmapped.sample.csv";
const Y59: &str = "cbt/Cloud Based Telephony Calls Answered Metric - June 2026_Y59.sample.csv";
const DURATIONS_Y58: &str = "cbt/Cloud Based Telephony By Durations - June 2026_Y58.sample.csv";

/// What a plain split of the file's lines gives: sums per (indicator, shared?), the practices, the
/// shared accounts (by ICB, sub-ICB and PCN) and the data lines. No CSV reader, no importer code.
struct Naive {
    sums: BTreeMap<(String, bool), i64>,
    practices: BTreeSet<String>,
    shared: BTreeSet<String>,
    lines: usize,
}

fn naive(name: &str) -> Naive {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    let mut naive =
        Naive { sums: BTreeMap::new(), practices: BTreeSet::new(), shared: BTreeSet::new(), lines: 0 };
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let shared = cells[5] == "Unassigned";
        let value: f64 = cells[cells.len() - 1].parse().expect("a number");
        *naive.sums.entry((cells[6].to_owned(), shared)).or_default() += value as i64;
        if shared {
            naive.shared.insert(cells[2..5].join("/"));
        } else {
            naive.practices.insert(cells[5].to_owned());
        }
        naive.lines += 1;
    }
    naive
}

/// The report's totals keyed like [`Naive::sums`]: `CBT003 <meaning>, shared accounts`.
fn report_sums(totals: &BTreeMap<String, i64>) -> BTreeMap<(String, bool), i64> {
    totals.iter().map(|(what, n)| ((what[..6].to_owned(), what.ends_with(", shared accounts")), *n)).collect()
}

#[tokio::test]
async fn real_slices_import_with_totals_equal_to_a_plain_split_and_reimport_changes_nothing() {
    // Sums worked out with awk over the fixtures when they were made, as a third check.
    let awk: [(&str, &str, bool, i64); 4] = [
        (UNMAPPED, "CBT003", true, 18_855),
        (Y59, "CBT003", false, 1_034),
        (Y59, "CBT003", true, 910),
        (DURATIONS_Y58, "CBT001", false, 2_894),
    ];
    for db in stores().await {
        let mut stored_lines = 0;
        for name in [UNMAPPED, Y59, DURATIONS_Y58] {
            let expected = naive(name);
            let report = import_cbt_daily_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            assert_eq!(report_sums(&report.stats.totals), expected.sums, "{name}");
            assert_eq!(report.stats.practices, expected.practices.len() as u64, "{name}");
            let shared = report.stats.counts["shared phone accounts (figures given to no practice)"];
            assert_eq!(shared, expected.shared.len() as u64, "{name}");
            assert_eq!(report.stored.created, (expected.practices.len() + expected.shared.len()) as u64);
            assert_eq!(report.stats.rows_read, expected.lines as u64);
            stored_lines += expected.lines;
            for (file, indicator, is_shared, sum) in awk.iter().filter(|a| a.0 == name) {
                assert_eq!(expected.sums[&(indicator.to_string(), *is_shared)], *sum, "{file}");
            }
        }
        assert_eq!(db.store.cbt_daily_row_count().await.expect("count"), stored_lines as i64);
        let answered = db.store.cbt_daily_values(CbtDailyFile::CallsAnswered, "2026-06").await.expect("read");
        let durations = db.store.cbt_daily_values(CbtDailyFile::Durations, "2026-06").await.expect("read");
        assert_eq!(answered.len() + durations.len(), stored_lines);
        assert!(answered.iter().all(|v| v.published.ends_with(".0") && v.value.is_some()));

        for name in [UNMAPPED, Y59, DURATIONS_Y58] {
            let again = import_cbt_daily_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            let expected = naive(name);
            let accounts = (expected.practices.len() + expected.shared.len()) as u64;
            let s = again.stored;
            assert_eq!((s.created, s.updated, s.unchanged, s.removed), (0, 0, accounts, 0), "{name}");
        }
        assert_eq!(db.store.cbt_daily_row_count().await.expect("count"), stored_lines as i64);
        let answered_again =
            db.store.cbt_daily_values(CbtDailyFile::CallsAnswered, "2026-06").await.expect("read");
        assert_eq!(answered_again, answered);
    }
}

#[tokio::test]
async fn a_shared_account_is_never_a_practices_and_a_practice_with_no_rows_is_missing() {
    for db in stores().await {
        import_cbt_daily_file(&db.store, &fixture(Y59), &actor()).await.expect("imports");
        // G81001's own calls answered after 1–30 s in core hours 10:00–18:30, over the two days kept,
        // summed from the file's lines here.
        let text = std::fs::read_to_string(fixture(Y59)).expect("fixture");
        let g81001: i64 = text
            .lines()
            .filter(|l| l.contains(",G81001,CBT003,1_30,Core_10_1830,"))
            .map(|l| l.rsplit(',').next().expect("value").parse::<f64>().expect("number") as i64)
            .sum();
        assert_eq!(g81001, 66 + 54);
        let CbtDailyStatus::Reported(bands) =
            db.store.cbt_daily_status("G81001", "2026-06").await.expect("status")
        else {
            panic!("G81001 has its own account")
        };
        let band =
            bands.iter().find(|b| b.band == "1_30" && b.core_category == "Core_10_1830").expect("band");
        assert_eq!((band.calls, band.days, band.left_out), (g81001, 2, 0));

        // Nothing is ever read as the practice `Unassigned`, and the practices' own sums leave the
        // shared accounts' 910 calls out.
        assert!(db.store.cbt_daily_bands("Unassigned", "2026-06").await.expect("read").is_empty());
        let naive = naive(Y59);
        let mut own = 0;
        for practice in &naive.practices {
            own += db
                .store
                .cbt_daily_bands(practice, "2026-06")
                .await
                .expect("read")
                .iter()
                .map(|b| b.calls)
                .sum::<i64>();
        }
        assert_eq!(own, naive.sums[&("CBT003".to_owned(), false)]);

        // A practice the map places in PCN U88279 (placed here by the test: the file cannot say which
        // practices share that account) shows "shared account", never numbers; one in a PCN without a
        // shared account, and one not in the map, are not reported.
        let place = |practice: &str, pcn: &str| PracticePlace {
            extract: "2026-06".into(),
            practice: practice.into(),
            pcn: Some(pcn.into()),
            sub_icb: Some("D9Y0V".into()),
            icb: Some("QRL".into()),
            region: Some("Y59".into()),
            supplier: None,
        };
        let places = [place("H81001", "U88279"), place("H81002", "U14062")];
        let detail = serde_json::json!({});
        let batch = ReferenceBatch { rows: &places, flags: &[], names: &[], file: &detail };
        db.store.import_places(batch, &actor()).await.expect("places");
        assert_eq!(
            db.store.cbt_daily_status("H81001", "2026-06").await.expect("status"),
            CbtDailyStatus::SharedAccount { pcn: "U88279".into() }
        );
        for practice in ["H81002", "H81003"] {
            let status = db.store.cbt_daily_status(practice, "2026-06").await.expect("status");
            assert_eq!(status, CbtDailyStatus::NotReported, "{practice}");
        }
        assert_eq!(
            db.store.cbt_daily_status("G81001", "2026-05").await.expect("status"),
            CbtDailyStatus::NotReported
        );
    }
}

/// The fixture with its line `n` (1 = header) changed by `edit`.
fn damaged(name: &str, n: usize, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    let lines: Vec<String> =
        text.lines().enumerate().map(|(i, l)| if i + 1 == n { edit(l) } else { l.to_owned() }).collect();
    (lines.join("\n") + "\n").into_bytes()
}

#[tokio::test]
async fn damaged_copies_are_refused_naming_line_and_column_and_nothing_is_written() {
    let duplicate = {
        let mut text = std::fs::read(fixture(Y59)).expect("fixture");
        let second = std::fs::read_to_string(fixture(Y59))
            .expect("fixture")
            .lines()
            .nth(1)
            .expect("line 2")
            .to_owned();
        text.extend_from_slice(format!("{second}\n").as_bytes());
        text
    };
    let y59_lines = std::fs::read_to_string(fixture(Y59)).expect("fixture").lines().count();
    let cases: Vec<(Vec<u8>, String)> = vec![
        (damaged(Y59, 5, |l| format!("{l},7.0")), "line 5: This row has 11 fields but the file has 10".into()),
        (damaged(Y59, 3, |l| l.replacen("2026-06-01", "2026-06-31", 1)), "line 3, column Date: \"2026-06-31\" is not a date".into()),
        (damaged(Y59, 2, |l| l.replacen("G81001", "G8100!", 1)), "line 2, column PRACTICE_CODE".into()),
        (damaged(Y59, 4, |l| l.replacen("CBT003", "CBT009", 1)), "line 4, column Indicator: \"CBT009\" is not one of CBT001 to CBT007".into()),
        (damaged(Y59, 7, |l| l.replacen("Core_8_10", "Core_6_8", 1)), "line 7, column Core_Category: \"Core_6_8\" is not one of".into()),
        (damaged(Y59, 7, |l| l.replacen(",U14062,", ",,", 1)), "line 7, column PCN_CODE: blank".into()),
        (damaged(DURATIONS_Y58, 6, |l| l.replacen("1_30", "one", 1)), "line 6, column Duration: \"one\" is not a band".into()),
        (duplicate, format!("line {}, column Indicator: G81001 CBT003 121_180 Core_10_1830 on 2026-06-01 is also on line 2", y59_lines + 1)),
        (damaged(Y59, 1, |l| l.replace("Wait_Time", "Wait").replace("Core_Category", "Core")), "neither Wait_Time nor Duration".into()),
        (damaged(DURATIONS_Y58, 1, |l| l.replace("PCN_CODE", "PCN")), "The header lacks PCN_CODE; this is not a Cloud Based Telephony By Durations file".into()),
    ];
    for (bytes, expected) in cases {
        let error = match read_cbt_daily(bytes.as_slice()) {
            Ok(_) => panic!("refused: {expected}"),
            Err(e) => e.to_string(),
        };
        assert!(error.contains(&expected), "{error}\nexpected {expected}");
        let (_dir, path) =
            temp_file("Cloud Based Telephony Calls Answered Metric - June 2026_Y59.csv", &bytes);
        for db in stores().await {
            let refused = import_cbt_daily_file(&db.store, &path, &actor()).await.expect_err("refused");
            assert!(matches!(refused, ReferenceError::Invalid(_)), "{refused}");
            assert_eq!(db.store.cbt_daily_row_count().await.expect("count"), 0, "nothing written");
        }
    }
}

#[tokio::test]
async fn value_quirks_are_kept_as_published_flagged_and_left_out_of_sums() {
    // The published lines read hold no blank, negative or fractional value, so these are made here:
    // lines 2–5 are G81001's on 2026-06-01 (6.0, 3.0, 2.0, 3.0 as published).
    let mut bytes = damaged(Y59, 2, |l| l.replacen(",6.0", ",", 1));
    for (n, from, to) in [(3, ",3.0", ",-3.0"), (4, ",2.0", ",2.5"), (5, ",3.0", ",n/a")] {
        let text = String::from_utf8(bytes).expect("utf-8");
        let lines: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == n { l.replacen(from, to, 1) } else { l.to_owned() })
            .collect();
        bytes = (lines.join("\n") + "\n").into_bytes();
    }
    let read = read_cbt_daily(bytes.as_slice()).expect("values never refuse");
    let flags = &read.values.stats.flags;
    // K81066's PCN is published as `U`: one flag for the account, not one per row.
    assert_eq!(
        (
            flags.get("blank_value"),
            flags.get("negative_value"),
            flags.get("not_a_count"),
            flags.get("unknown_code")
        ),
        (Some(&1), Some(&1), Some(&2), Some(&1))
    );
    let pcn_flag = read.values.flags.iter().find(|f| f.kind == "unknown_code").expect("flag");
    assert_eq!((pcn_flag.practice.as_str(), pcn_flag.field.as_str()), ("K81066", "PCN_CODE"));
    let g81001: Vec<_> =
        read.values.rows.iter().filter(|v| v.practice == "G81001" && v.day == "2026-06-01").take(4).collect();
    let kept: Vec<(&str, Option<i64>)> = g81001.iter().map(|v| (v.published.as_str(), v.value)).collect();
    assert_eq!(kept, [("", None), ("-3.0", Some(-3)), ("2.5", None), ("n/a", None)]);
    let blank = read.values.flags.iter().find(|f| f.kind == "blank_value").expect("flag");
    assert!(blank.detail.starts_with("line 2:"), "{}", blank.detail);
    assert_eq!(blank.field, "2026-06-01 CBT003 121_180 Core_10_1830");

    // The practices' sum is the published one less the four altered values (6 + 3 + 2 + 3).
    let own =
        read.values.stats.totals.iter().find(|(k, _)| k.ends_with("practices' own accounts")).expect("total");
    assert_eq!(*own.1, naive(Y59).sums[&("CBT003".to_owned(), false)] - 14);

    let (_dir, path) = temp_file("quirks.csv", &bytes);
    for db in stores().await {
        import_cbt_daily_file(&db.store, &path, &actor()).await.expect("imports");
        let bands = db.store.cbt_daily_bands("G81001", "2026-06").await.expect("read");
        let left_out: i64 = bands.iter().map(|b| b.left_out).sum();
        assert_eq!(left_out, 4);
        let flags = db.store.uptake_flags("cbt_calls_answered", None).await.expect("flags");
        assert_eq!(flags.len(), 5);
    }
}

#[test]
fn answered_by_wait_and_by_duration_are_compared_per_account_day() {
    // In the real Durations slice each practice's CBT003 and CBT007 agree (summed here from the lines),
    // so nothing is flagged.
    let text = std::fs::read_to_string(fixture(DURATIONS_Y58)).expect("fixture");
    let mut sums: BTreeMap<(String, String), [i64; 2]> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let slot = match cells[6] {
            "CBT003" => 0,
            "CBT007" => 1,
            _ => continue,
        };
        let value: f64 = cells[8].parse().expect("a number");
        sums.entry((cells[5].to_owned(), cells[0].to_owned())).or_default()[slot] += value as i64;
    }
    assert_eq!(sums.len(), 6);
    assert!(sums.values().all(|[wait, duration]| wait == duration), "{sums:?}");
    let read = read_cbt_daily(std::fs::File::open(fixture(DURATIONS_Y58)).expect("open")).expect("reads");
    assert_eq!(read.values.stats.flags.get("sum_mismatch"), None);

    // Line 29 is J81002's CBT007 >300 (35.0): one call more there and the day no longer agrees.
    let j81002 = sums[&("J81002".to_owned(), "2026-06-01".to_owned())][0];
    let bytes = damaged(DURATIONS_Y58, 29, |l| l.replacen(",>300,35.0", ",>300,36.0", 1));
    let read = read_cbt_daily(bytes.as_slice()).expect("values never refuse");
    assert_eq!(read.values.stats.flags.get("sum_mismatch"), Some(&1));
    let flag = read.values.flags.iter().find(|f| f.kind == "sum_mismatch").expect("flag");
    assert_eq!((flag.practice.as_str(), flag.field.as_str()), ("J81002", "CBT003/CBT007 2026-06-01"));
    let expected = format!(
        "CBT003 (answered, by wait) sums to {j81002} but CBT007 (answered, by duration) to {}",
        j81002 + 1
    );
    assert!(flag.detail.contains(&expected), "{}", flag.detail);
}
