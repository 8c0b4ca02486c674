//! The national files (skipped when the shared data folder is absent; under CI a failure): what is
//! stored must equal what the file says when worked out a second way, straight from its CSV.

use super::{actor, records, shared_data, stores, temp_file};
use lantern_import::reference::ReferenceError;
use lantern_import::{age_bands, epraccur, imd, oc, places};
use lantern_store::UptakeWriteSummary;
use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::time::Instant;

fn read_all(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).expect("read");
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes;
    }
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut text).expect("gunzip");
    text
}

fn unchanged(n: u64) -> UptakeWriteSummary {
    UptakeWriteSummary { created: 0, updated: 0, unchanged: n }
}

#[tokio::test]
async fn the_practice_map_stores_every_practice() {
    let Some(path) = shared_data("registrations/gp-reg-pat-prac-map.csv") else { return };
    let rows = records(&read_all(&path));
    let practices: HashSet<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    let no_supplier = rows[1..].iter().filter(|r| r[16].is_empty()).count() as u64;
    let unallocated = rows[1..].iter().filter(|r| r[5] == "U").count() as u64;
    for db in stores().await {
        let started = Instant::now();
        let report = places::import_places_file(&db.store, &path, &actor()).await.expect("imports");
        eprintln!("practice map: {:.2} s\n{report}", started.elapsed().as_secs_f64());
        assert_eq!(report.stats.rows_read, rows.len() as u64 - 1);
        assert_eq!(
            (report.stats.practices, report.stored.created),
            (practices.len() as u64, practices.len() as u64)
        );
        assert_eq!(report.stats.flags.get("blank_value"), Some(&no_supplier));
        assert_eq!(report.stats.flags.get("unallocated"), Some(&unallocated));
        let placed = db.store.uptake_places_latest().await.expect("read");
        assert_eq!(placed.len(), practices.len());
        assert_eq!(placed.values().filter(|p| p.pcn.is_none()).count() as u64, unallocated);
        let again = places::import_places_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(practices.len() as u64));
    }
}

#[tokio::test]
async fn the_age_band_file_stores_every_practice_band_and_its_patients() {
    let Some(path) = shared_data("registrations/gp-reg-pat-prac-quin-age_dec2025.csv.gz") else { return };
    let rows = records(&read_all(&path));
    let bands: Vec<&Vec<String>> =
        rows[1..].iter().filter(|r| r[2] == "GP" && r[6] != "ALL" && r[7] != "ALL").collect();
    let patients: i64 = bands.iter().map(|r| r[8].parse::<i64>().expect("a count")).sum();
    let practices: HashSet<&str> = bands.iter().map(|r| r[3].as_str()).collect();
    let mut other: BTreeMap<String, u64> = BTreeMap::new();
    for r in rows[1..].iter().filter(|r| r[2] != "GP") {
        *other.entry(r[2].clone()).or_default() += 1;
    }
    for db in stores().await {
        let started = Instant::now();
        let report = age_bands::import_age_bands_file(&db.store, &path, &actor()).await.expect("imports");
        eprintln!("age bands: {:.2} s\n{report}", started.elapsed().as_secs_f64());
        assert_eq!(report.stats.rows_read, rows.len() as u64 - 1);
        assert_eq!(report.stats.practices, practices.len() as u64);
        assert_eq!(report.stats.other_organisation_rows, other);
        let stored = db.store.uptake_age_bands(None).await.expect("read");
        assert_eq!(stored.len(), bands.len());
        assert_eq!(stored.iter().filter_map(|b| b.patients).sum::<i64>(), patients);
        let counts = db.store.uptake_reference_row_counts().await.expect("counts");
        let again = age_bands::import_age_bands_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(practices.len() as u64));
        assert_eq!(db.store.uptake_reference_row_counts().await.expect("counts"), counts);
    }
}

#[tokio::test]
async fn the_online_consultations_file_pivots_every_practice_month() {
    let Some(path) = shared_data("online-consultations/oc_submissions_by_practice_oct2024_to_mar2025.csv.gz")
    else {
        return;
    };
    let rows = records(&read_all(&path));
    let months: HashSet<(&str, &str)> = rows[1..].iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let practices: HashSet<&str> = months.iter().map(|(_, p)| *p).collect();
    let submissions: i64 = rows[1..]
        .iter()
        .filter(|r| r[12] == "OC_TOTAL_SUBMISSIONS" && !r[13].is_empty())
        .map(|r| r[13].parse::<i64>().expect("a count"))
        .sum();
    for db in stores().await {
        let started = Instant::now();
        let report = oc::import_oc_file(&db.store, &path, &actor()).await.expect("imports");
        eprintln!("online consultations: {:.2} s\n{report}", started.elapsed().as_secs_f64());
        assert_eq!(
            (report.stats.rows_read, report.stats.practices),
            (rows.len() as u64 - 1, practices.len() as u64)
        );
        assert_eq!(report.stored.created, months.len() as u64);
        let stored = db.store.uptake_oc_months(None).await.expect("read");
        assert_eq!(stored.len(), months.len());
        assert_eq!(stored.iter().filter_map(|m| m.total_submissions).sum::<i64>(), submissions);
        assert_eq!(db.store.uptake_oc_periods().await.expect("periods").len(), 6);
        assert_eq!(report.stats.flags.get("rate_mismatch"), None, "every published rate follows");
        let again = oc::import_oc_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(months.len() as u64));
    }
}

#[tokio::test]
async fn both_imd_files_store_every_practice_score() {
    let (Some(fingertips), Some(compact)) = (
        shared_data("deprivation/fingertips_93553_imd2019_by_practice.csv"),
        shared_data("deprivation/imd_2010_2015_2019_by_practice.csv"),
    ) else {
        return;
    };
    let export = records(&read_all(&fingertips));
    let gp: Vec<&Vec<String>> = export[1..].iter().filter(|r| r[6] == "GP").collect();
    let editions = records(&read_all(&compact));
    let in_2015: Vec<&Vec<String>> = editions[1..].iter().filter(|r| r[1] == "2015").collect();
    let sum = |rows: &[&Vec<String>], at: usize| -> f64 {
        rows.iter().map(|r| r[at].parse::<f64>().expect("a score")).sum()
    };
    for db in stores().await {
        let report = imd::import_imd_file(&db.store, &fingertips, &actor()).await.expect("imports");
        assert_eq!(report.stats.practices, gp.len() as u64);
        let scores = db.store.uptake_imd(2019).await.expect("read");
        assert!((scores.values().sum::<f64>() - sum(&gp, 12)).abs() < 1e-6);
        let report = imd::import_imd_file(&db.store, &compact, &actor()).await.expect("imports");
        assert_eq!(report.stats.rows_read, editions.len() as u64 - 1);
        let scores = db.store.uptake_imd(2015).await.expect("read");
        assert_eq!(scores.len(), in_2015.len());
        assert!((scores.values().sum::<f64>() - sum(&in_2015, 5)).abs() < 1e-6);
    }
}

#[tokio::test]
async fn epraccur_stores_every_listed_organisation() {
    let Some(path) = shared_data("ods/epraccur.csv") else { return };
    let rows = records(&read_all(&path));
    let active = rows.iter().filter(|r| r[12] == "A").count() as u64;
    let gp = rows.iter().filter(|r| r[25] == "4").count() as u64;
    for db in stores().await {
        let report = epraccur::import_epraccur_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!((report.stats.rows_read, report.stored.created), (rows.len() as u64, rows.len() as u64));
        assert_eq!(report.stats.counts.get("status A (active)"), Some(&active));
        assert_eq!(report.stats.counts.get("prescribing setting 4 (GP practice)"), Some(&gp));
        let stored = db.store.ods_practices().await.expect("read");
        assert_eq!(stored.iter().filter(|p| p.prescribing_setting == Some(4)).count() as u64, gp);
    }
}

#[tokio::test]
async fn one_corrupted_row_deep_in_a_national_file_stores_nothing() {
    let Some(path) = shared_data("online-consultations/oc_submissions_by_practice_oct2024_to_mar2025.csv.gz")
    else {
        return;
    };
    let text = String::from_utf8(read_all(&path)).expect("UTF-8");
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let spoiled = lines[199_997].replacen("OC_SYSTEM_USAGE,1", "OC_SYSTEM_USAGE,yes", 1);
    assert_ne!(spoiled, lines[199_997], "line 199,998 is an OC_SYSTEM_USAGE row of value 1");
    lines[199_997] = &spoiled;
    let (_dir, corrupted) = temp_file("oc.csv", lines.concat().as_bytes());
    let db = lantern_store::testing::sqlite().await;
    let error = oc::import_oc_file(&db.store, &corrupted, &actor()).await.expect_err("refused");
    let ReferenceError::Invalid(errors) = &error else { panic!("{error}") };
    assert_eq!(errors.to_string(), "line 199998, column VALUE: \"yes\" is not a count (a whole number)");
    assert_eq!(db.store.uptake_reference_row_counts().await.expect("counts").oc, 0);
}
