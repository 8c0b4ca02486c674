//! The POMI importer on real NHS files: the 2,000-row fixture always, the national six-month zip from
//! `../shared/data` (skipped when it is not there; under CI a failure).

mod shared;
use lantern_core::audit::Actor;
use lantern_core::uptake::{tabulate, Level, PomiField, PracticeMonth};
use lantern_import::pomi::{import_pomi_file, read_pomi, PomiError};
use lantern_store::testing;
use shared::shared_data;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const FIXTURE: &str = "tests/fixtures/POMI_APR2018_to_SEP2018.first2000rows.csv";

fn actor() -> Actor {
    Actor::system("test")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

/// Zips `csv` as the publisher does: one CSV in a zip.
fn zip_of(csv: &[u8], dir: &Path) -> PathBuf {
    let path = dir.join("pomi.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).expect("create zip"));
    writer.start_file("POMI_APR2018_to_SEP2018.csv", zip::write::SimpleFileOptions::default()).expect("zip");
    writer.write_all(csv).expect("zip");
    writer.finish().expect("zip");
    path
}

/// `report_period_end` as the test reads it, independently of the importer's date parser.
fn month(date: &str) -> String {
    let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    let number = months.iter().position(|m| *m == &date[2..5]).expect("a month name") + 1;
    format!("{}-{number:02}", &date[5..9])
}

/// The second way: sums of `Total_Pat_Enbld` and `patient_list_size` per month straight from the CSV.
fn raw_sums(csv: impl Read) -> BTreeMap<String, (i64, i64)> {
    let mut reader = csv::Reader::from_reader(csv);
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a CSV record");
        let (date, field, value) = (&record[0], &record[10], &record[11]);
        let value: i64 = if value.is_empty() { 0 } else { value.parse().expect("a number") };
        let slot = sums.entry(month(date)).or_default();
        match field {
            "Total_Pat_Enbld" => slot.0 += value,
            "patient_list_size" => slot.1 += value,
            _ => {}
        }
    }
    sums
}

#[tokio::test]
async fn national_zip_imports_six_months_of_about_7000_practices_with_sums_as_in_the_csv() {
    let Some(zip_path) = shared_data("pomi/pomi_apr2018_to_sep2018.zip") else { return };
    let db = testing::sqlite().await;
    let started = std::time::Instant::now();
    let report = import_pomi_file(&db.store, &zip_path, &actor()).await.expect("imports");
    eprintln!("national POMI import (this build): {:.2} s", started.elapsed().as_secs_f64());
    let stats = &report.stats;
    assert_eq!(stats.rows_read, 542_490);
    assert_eq!(stats.periods, ["2018-04", "2018-05", "2018-06", "2018-07", "2018-08", "2018-09"]);
    assert_eq!(stats.practices, 7_054);
    assert!((6_500..=7_500).contains(&stats.practices));
    let per_month: Vec<u64> = stats.practices_per_period.values().copied().collect();
    assert_eq!(per_month, [7_017, 6_978, 6_967, 6_937, 6_918, 6_913]);
    assert!(per_month.iter().all(|n| (6_500..=7_500).contains(n)));
    assert_eq!((stats.practice_months, report.stored.created), (41_730, 41_730));
    // Quirks of the real file, all kept: ~3,900 blank cells, 35 practice-months with more patients
    // enabled than registered (96 counts, per service included), 1,581 switched-off services (none
    // with counts), 375 practice-months of `(I)` suppliers.
    let flags: Vec<(&str, u64)> = stats.flags.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(
        flags,
        [
            ("blank_value", 3_927),
            ("enabled_above_list", 96),
            ("service_off", 1_581),
            ("supplier_suffix", 375)
        ]
    );
    let stored_flags = db.store.uptake_flag_counts("pomi").await.expect("flags");
    assert_eq!(stored_flags.values().sum::<i64>(), 3_927 + 96 + 1_581 + 375);

    let months = db.store.uptake_months(None, None).await.expect("months");
    let england: BTreeMap<String, (i64, i64)> = tabulate(Level::England, &months, None)
        .into_iter()
        .map(|u| (u.period, (u.counts.total_pat_enbld, u.counts.patient_list_size)))
        .collect();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).expect("open")).expect("a zip");
    let expected = raw_sums(archive.by_index(0).expect("the CSV"));
    assert_eq!(england, expected);
    assert_eq!(england["2018-04"], (14_261_188, 57_873_382));
    let above = tabulate(Level::England, &months, None)
        .iter()
        .map(|u| u.counts.practices_enabled_above_list)
        .sum::<u64>();
    assert_eq!(above, 35);

    // The fixture is the zip's first 2,000 rows: each practice-month it holds whole must be stored
    // exactly as the fixture alone reads it.
    let alone = read_pomi(std::fs::File::open(fixture()).expect("fixture")).expect("reads");
    let whole: Vec<&PracticeMonth> =
        alone.months.iter().filter(|m| PomiField::ALL.iter().all(|&f| m.values.get(f).is_some())).collect();
    assert!(whole.len() >= 150, "{}", whole.len());
    for month in whole {
        let stored = months.iter().find(|m| m.period == month.period && m.practice == month.practice);
        assert_eq!(stored, Some(month));
    }
}

#[tokio::test]
async fn the_fixture_imports_identically_from_csv_and_from_a_zip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = std::fs::read(fixture()).expect("fixture");
    let zipped = zip_of(&csv, dir.path());
    let (a, b) = (testing::sqlite().await, testing::sqlite().await);
    let from_csv = import_pomi_file(&a.store, &fixture(), &actor()).await.expect("csv imports");
    let from_zip = import_pomi_file(&b.store, &zipped, &actor()).await.expect("zip imports");
    assert_eq!(from_csv, from_zip);
    assert_eq!(from_csv.stats.rows_read, 2_000);
    assert_eq!(from_csv.stats.periods, ["2018-04"]);
    assert_eq!(from_csv.stats.practices, 154);
    // 2,000 rows is 153 practice-months of 13 fields and one cut short after 11: its last two
    // fields are flagged missing, not invented.
    assert_eq!(from_csv.stats.flags.get("missing_field"), Some(&2));
    let (months_a, months_b) = (
        a.store.uptake_months(None, None).await.expect("read"),
        b.store.uptake_months(None, None).await.expect("read"),
    );
    assert_eq!(months_a.len(), 154);
    assert_eq!(months_a, months_b);
    assert_eq!(
        a.store.uptake_flags("pomi", None).await.expect("flags"),
        b.store.uptake_flags("pomi", None).await.expect("flags")
    );
    let england = &tabulate(Level::England, &months_a, None)[0];
    let expected = raw_sums(csv.as_slice());
    assert_eq!((england.counts.total_pat_enbld, england.counts.patient_list_size), expected["2018-04"]);
    let names = a.store.uptake_names("ccg").await.expect("names");
    assert_eq!(names.get("02N").map(String::as_str), Some("NHS Airedale, Wharfedale and Craven CCG"));
}

#[tokio::test]
async fn reimporting_changes_nothing_on_either_backend() {
    let mut stores = vec![testing::sqlite().await];
    stores.extend(testing::postgres().await);
    for db in stores {
        let first = import_pomi_file(&db.store, &fixture(), &actor()).await.expect("imports");
        let counts = db.store.uptake_row_counts().await.expect("counts");
        assert_eq!((counts.pomi, first.stored.created), (154, 154));
        let again = import_pomi_file(&db.store, &fixture(), &actor()).await.expect("imports again");
        assert_eq!((again.stored.created, again.stored.updated, again.stored.unchanged), (0, 0, 154));
        assert_eq!(db.store.uptake_row_counts().await.expect("counts"), counts);
        assert!(
            again.to_string().contains("practice-months: 154 (0 new, 0 updated, 154 unchanged)"),
            "{again}"
        );
        let audit = db.store.audit_records(&lantern_store::AuditFilter::default(), 10).await.expect("audit");
        assert_eq!(audit.iter().filter(|r| r.action == "import.pomi").count(), 2);
    }
}

#[tokio::test]
async fn one_corrupted_row_imports_nothing_and_is_named_by_line_and_column() {
    let text = std::fs::read_to_string(fixture()).expect("fixture");
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    lines[1_000] = lines[1_000].replacen("30APR2018", "31APR2018", 1);
    let value_line = lines[1_499].rsplit_once(',').map(|(head, _)| format!("{head},12a")).expect("a row");
    lines[1_499] = value_line;
    let spoiled = lines.join("\r\n");
    let dir = tempfile::tempdir().expect("tempdir");
    let csv_path = dir.path().join("spoiled.csv");
    std::fs::write(&csv_path, &spoiled).expect("write");
    for path in [csv_path, zip_of(spoiled.as_bytes(), dir.path())] {
        let db = testing::sqlite().await;
        let error = import_pomi_file(&db.store, &path, &actor()).await.expect_err("refused");
        let PomiError::Invalid(errors) = &error else { panic!("{error}") };
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            listed,
            [
                "line 1001, column report_period_end: \"31APR2018\" is not a date like 30APR2018, \
                 31-Dec-23, 31-Dec-2023, 2023-12-31 or 31/12/2023",
                "line 1500, column value: \"12a\" is not a whole number",
            ]
        );
        assert!(error
            .to_string()
            .starts_with("2 problem(s) in the file:\nline 1001, column report_period_end"));
        assert_eq!(db.store.uptake_row_counts().await.expect("counts"), Default::default());
    }
}

/// A sub-ICB-era file (`31-Dec-23` dates, ICB columns) made to break each rule once.
fn crafted_sub_icb_file() -> String {
    let mut text = String::from(
        "report_period_end,region_code,region_name,ICB_code,ICB_name,sub_ICB_location_code,\
         sub_ICB_location_name,practice_code,practice_name,system_supplier,field,value\r\n",
    );
    let practice = |text: &mut String, code: &str, supplier: &str, changes: &[(&str, &str)]| {
        let mut values: BTreeMap<&str, String> =
            PomiField::ALL.iter().map(|f| (f.name(), "10".to_owned())).collect();
        for field in ["patient_list_size", "Total_Pat_Enbld"] {
            values.insert(field, if field == "patient_list_size" { "1000" } else { "200" }.to_owned());
        }
        for sys in ["Sys_Appts_Enbld", "Sys_Presc_Enbld", "Sys_DetCodeRec_Enbld"] {
            values.insert(sys, "2".to_owned());
        }
        for (field, value) in changes {
            values.insert(field, (*value).to_owned());
        }
        for (field, value) in values {
            text.push_str(&format!(
                "31-Dec-23,Y60,Midlands,QK1,\"NHS Leicester, Leicestershire and Rutland ICB\",04C,\
                 NHS LLR ICB - 04C,{code},Practice {code},{supplier},{field},{value}\r\n"
            ));
        }
    };
    practice(&mut text, "C82001", "TPP", &[("Total_Pat_Enbld", "100"), ("Pat_Presc_Enbld", "120")]);
    practice(
        &mut text,
        "C82002",
        "EMIS (I)",
        &[("Sys_DetCodeRec_Enbld", "1"), ("Pat_DetCodeRec_Enbld", "5"), ("Total_Use", "")],
    );
    practice(&mut text, "C82003", "EMIS", &[("Total_Pat_Enbld", "1200")]);
    text
}

#[tokio::test]
async fn broken_invariants_and_quirks_are_flagged_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pomi_dec23.csv");
    std::fs::write(&path, crafted_sub_icb_file()).expect("write");
    let db = testing::sqlite().await;
    let report = import_pomi_file(&db.store, &path, &actor()).await.expect("imports: quirks are not errors");
    assert_eq!(
        (report.stats.layout.as_str(), report.stats.periods.as_slice()),
        ("sub_icb", &["2023-12".to_owned()][..])
    );
    let flags = db.store.uptake_flags("pomi", None).await.expect("flags");
    let found: Vec<(&str, &str, &str)> =
        flags.iter().map(|f| (f.practice.as_str(), f.kind.as_str(), f.field.as_str())).collect();
    assert_eq!(
        found,
        [
            ("C82001", "total_below_service", "Pat_Presc_Enbld"),
            ("C82002", "blank_value", "Total_Use"),
            ("C82002", "service_off", "Sys_DetCodeRec_Enbld"),
            ("C82002", "service_off_with_counts", "Sys_DetCodeRec_Enbld"),
            ("C82002", "supplier_suffix", "system_supplier"),
            ("C82003", "enabled_above_list", "Total_Pat_Enbld"),
        ]
    );
    assert!(report.to_string().contains(
        "flags: blank_value 1, enabled_above_list 1, service_off 1, service_off_with_counts 1, \
         supplier_suffix 1, total_below_service 1"
    ));
    let months = db.store.uptake_months(Some("2023-12"), None).await.expect("months");
    let kept = months.iter().find(|m| m.practice == "C82002").expect("kept");
    assert_eq!((kept.supplier.as_str(), kept.values.get(PomiField::TotalUse)), ("EMIS (I)", None));
    assert_eq!(kept.values.get(PomiField::PatDetCodeRecEnbld), Some(5), "kept as published, not zeroed");
    let capped = &tabulate(Level::Practice, &months, Some("C82003"))[0];
    let share = capped.rates.enabled.expect("a list size");
    assert_eq!((share.percent, share.capped), (100.0, true));
    let icb = tabulate(Level::Icb, &months, None);
    assert_eq!((icb.len(), icb[0].code.as_str(), icb[0].counts.practices), (1, "QK1", 3));
    let sub_icbs = db.store.uptake_names("sub_icb").await.expect("names");
    assert_eq!(sub_icbs.get("04C").map(String::as_str), Some("NHS LLR ICB - 04C"));
}

/// A long-format file of `practices` whole practice-months in April 2018 (every field given; the list
/// size is 1,000 + the practice's number), with `tail` appended after them.
fn long_file(practices: usize, tail: &str) -> String {
    let mut text = String::from(
        "report_period_end,region_code,region_name,ccg_code,ccg_name,practice_code,practice_name,\
         system_supplier,field,value\n",
    );
    for n in 0..practices {
        for field in PomiField::ALL {
            let value = if field == PomiField::PatientListSize { 1_000 + n } else { 2 };
            text.push_str(&format!(
                "30APR2018,Y54,NORTH,02N,A CCG,A{n:05},A SURGERY,TPP,{},{value}\n",
                field.name()
            ));
        }
    }
    text.push_str(tail);
    text
}

/// Whole practice-months are stored while the rest of the file is still being read. A problem on the
/// last line, found long after thousands of them were handed to the store, must still leave nothing
/// stored, on either backend; the same file without it then imports whole.
#[tokio::test]
async fn a_problem_after_practice_months_were_stored_rolls_every_one_back() {
    let practices = 3_000;
    // The last row gives the first practice-month's list size again: a field repeated.
    let repeated = "30APR2018,Y54,NORTH,02N,A CCG,A00000,A SURGERY,TPP,patient_list_size,7\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let (bad, good) = (dir.path().join("bad.csv"), dir.path().join("good.csv"));
    std::fs::write(&bad, long_file(practices, repeated)).expect("write");
    std::fs::write(&good, long_file(practices, "")).expect("write");
    let mut stores = vec![testing::sqlite().await];
    stores.extend(testing::postgres().await);
    for db in stores {
        let error = import_pomi_file(&db.store, &bad, &actor()).await.expect_err("refused");
        let PomiError::Invalid(errors) = &error else { panic!("{error}") };
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(listed.len(), 1, "{listed:?}");
        let last_line = practices * 13 + 2;
        assert!(
            listed[0].starts_with(&format!("line {last_line}, column field: A00000 already has")),
            "{listed:?}"
        );
        assert_eq!(db.store.uptake_row_counts().await.expect("counts"), Default::default());
        let audit = db.store.audit_records(&lantern_store::AuditFilter::default(), 10).await.expect("audit");
        assert!(audit.iter().all(|r| r.action != "import.pomi"));

        let report = import_pomi_file(&db.store, &good, &actor()).await.expect("imports");
        assert_eq!(report.stored.created, practices as u64);
        let months = db.store.uptake_months(Some("2018-04"), None).await.expect("months");
        assert_eq!(months.len(), practices);
        let list: i64 = months.iter().map(|m| m.values.get(PomiField::PatientListSize).unwrap_or(0)).sum();
        assert_eq!(list, (0..practices as i64).map(|n| 1_000 + n).sum::<i64>());
    }
}
