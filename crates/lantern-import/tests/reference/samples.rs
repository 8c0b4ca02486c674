//! Each importer on its sample of the real file: what is stored, named and flagged, and that
//! importing again changes nothing.

use super::{actor, fixture, records, stores};
use lantern_core::uptake::{OcMonth, OdsPractice, PracticePlace, Sex};
use lantern_import::{age_bands, epraccur, imd, oc, places};
use lantern_store::UptakeWriteSummary;
use std::collections::BTreeMap;

fn map<const N: usize>(entries: [(&str, u64); N]) -> BTreeMap<String, u64> {
    entries.into_iter().map(|(k, n)| (k.to_owned(), n)).collect()
}

fn created(n: u64) -> UptakeWriteSummary {
    UptakeWriteSummary { created: n, updated: 0, unchanged: 0 }
}

fn unchanged(n: u64) -> UptakeWriteSummary {
    UptakeWriteSummary { created: 0, updated: 0, unchanged: n }
}

#[tokio::test]
async fn the_practice_map_places_names_and_flags_and_reimports_unchanged() {
    let path = fixture("gp-reg-pat-prac-map.sample.csv");
    for db in stores().await {
        let first = places::import_places_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!((first.stats.rows_read, first.stats.practices, first.stored), (37, 37, created(37)));
        assert_eq!(first.stats.periods, map([("2025-12", 37)]));
        // Four practices (G83024 among them) are in PCN "U", Unallocated; the last seven have no supplier.
        assert_eq!(first.stats.flags, map([("blank_value", 7), ("unallocated", 4)]));
        let counts = db.store.uptake_reference_row_counts().await.expect("counts");
        let names = db.store.uptake_row_counts().await.expect("counts").names;
        let again = places::import_places_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(37));
        assert_eq!(db.store.uptake_reference_row_counts().await.expect("counts"), counts);
        assert_eq!(db.store.uptake_row_counts().await.expect("counts").names, names);
        let placed = db.store.uptake_places_latest().await.expect("read");
        assert_eq!(placed.len(), 37);
        let some = |s: &str| Some(s.to_owned());
        let expected = PracticePlace {
            practice: "C82620".into(),
            extract: "2025-12".into(),
            pcn: some("U36231"),
            sub_icb: some("04C"),
            icb: some("QK1"),
            region: some("Y60"),
            supplier: some("TPP"),
        };
        assert_eq!(placed["C82620"], expected);
        assert_eq!((placed["G83024"].pcn.as_deref(), placed["G83024"].supplier.as_deref()), (None, None));
        let pcns = db.store.uptake_names("pcn").await.expect("names");
        assert_eq!(pcns.get("U36231").map(String::as_str), Some("ORION PCN"));
        assert!(!pcns.contains_key("U"), "Unallocated is not a PCN");
        let sub_icbs = db.store.uptake_names("sub_icb").await.expect("names");
        assert_eq!(sub_icbs["04C"], "NHS Leicester, Leicestershire and Rutland ICB - 04C");
        let flags = db.store.uptake_flags("places", Some("blank_value")).await.expect("flags");
        assert!(flags.iter().all(|f| f.field == "SUPPLIER_NAME" && f.period == "2025-12"), "{flags:?}");
    }
}

#[tokio::test]
async fn age_bands_store_practice_bands_and_count_other_organisations() {
    let path = fixture("gp-reg-pat-prac-quin-age_dec2025.sample.csv");
    // The second way: the sample's own practice band rows, summed.
    let text = std::fs::read(&path).expect("fixture");
    let band_rows: Vec<Vec<String>> =
        records(&text).into_iter().filter(|r| r[2] == "GP" && r[6] != "ALL" && r[7] != "ALL").collect();
    let expected: i64 = band_rows.iter().map(|r| r[8].parse::<i64>().expect("count")).sum();
    for db in stores().await {
        let report = age_bands::import_age_bands_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!((report.stats.rows_read, report.stats.practices, report.stored), (98, 2, created(2)));
        let other = map([("Comm Region", 3), ("ICB", 3), ("PCN", 3), ("SUB_ICB_LOCATION_CODE", 3)]);
        assert_eq!(report.stats.other_organisation_rows, other);
        assert!(report.stats.flags.is_empty(), "the bands add up: {:?}", report.stats.flags);
        let bands = db.store.uptake_age_bands(None).await.expect("read");
        assert_eq!(bands.len(), band_rows.len());
        assert_eq!(bands.iter().filter_map(|b| b.patients).sum::<i64>(), expected);
        // P87040's file totals: female 4,097, male 4,392.
        let p87040 = |sex| bands.iter().filter(|b| b.practice == "P87040" && b.sex == sex).count();
        assert_eq!((p87040(Sex::Female), p87040(Sex::Male)), (20, 20));
        let sum = |sex| -> i64 {
            bands.iter().filter(|b| b.practice == "P87040" && b.sex == sex).filter_map(|b| b.patients).sum()
        };
        assert_eq!((sum(Sex::Female), sum(Sex::Male)), (4_097, 4_392));
        assert_eq!(bands[0].band_from, 0, "ordered by practice, sex, band");
        assert_eq!(db.store.uptake_age_bands(Some("2025-11")).await.expect("read"), []);
        let again = age_bands::import_age_bands_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(2));
    }
}

#[tokio::test]
async fn online_consultations_pivot_to_practice_months_with_names() {
    let path = fixture("oc_submissions_by_practice.sample.csv");
    for db in stores().await {
        let report = oc::import_oc_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!((report.stats.rows_read, report.stats.practices, report.stored), (36, 3, created(4)));
        assert_eq!(report.stats.periods, map([("2024-10", 3), ("2024-11", 1)]));
        // The only flag is NHS England's own note: eConsult's November 2024 data is incomplete
        // (publications November 2024 to January 2025), and A83009 uses eConsult.
        assert_eq!(report.stats.flags, map([("incomplete_supplier", 1)]), "{:?}", report.stats.flag_examples);
        let noted = db.store.uptake_flags("oc", Some("incomplete_supplier")).await.expect("flags");
        assert_eq!((noted[0].practice.as_str(), noted[0].period.as_str()), ("A83009", "2024-11"));
        assert_eq!(db.store.uptake_oc_periods().await.expect("periods"), ["2024-10", "2024-11"]);
        let october = db.store.uptake_oc_months(Some("2024-10")).await.expect("read");
        let expected = OcMonth {
            period: "2024-10".into(),
            practice: "A83009".into(),
            supplier: "ECONSULT HEALTH LIMITED, ACCURX LIMITED".into(),
            capability: Some(1),
            participation: Some(1),
            system_usage: Some(1),
            total_submissions: Some(202),
            clinical: Some(93),
            admin: Some(109),
            other: Some(0),
            patients_registered: Some(7_837),
        };
        assert_eq!(october.iter().find(|m| m.practice == "A83009"), Some(&expected));
        assert_eq!(db.store.uptake_oc_months(None).await.expect("read").len(), 4);
        let practices = db.store.uptake_names("practice").await.expect("names");
        assert_eq!(practices.get("A81025").map(String::as_str), Some("THE DOVECOT SURGERY"));
        let pcns = db.store.uptake_names("pcn").await.expect("names");
        assert_eq!(pcns.get("U89141").map(String::as_str), Some("STOCKTON PCN"));
        let again = oc::import_oc_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(4));
    }
}

#[tokio::test]
async fn both_imd_layouts_store_scores_by_edition() {
    let fingertips = fixture("fingertips_93553_imd2019_by_practice.first30rows.csv");
    let compact = fixture("imd_2010_2015_2019_by_practice.sample.csv");
    for db in stores().await {
        let first = imd::import_imd_file(&db.store, &fingertips, &actor()).await.expect("imports");
        assert_eq!(first.stats.layout.as_deref(), Some("Fingertips export"));
        assert_eq!((first.stats.rows_read, first.stats.practices), (30, 28));
        assert_eq!(first.stats.other_organisation_rows, map([("England", 2)]));
        let scores = db.store.uptake_imd(2019).await.expect("read");
        assert_eq!(scores.len(), 28);
        assert_eq!(scores.get("A81001"), Some(&32.3609392614188));
        let second = imd::import_imd_file(&db.store, &compact, &actor()).await.expect("imports");
        assert_eq!(second.stats.layout.as_deref(), Some("compact"));
        assert_eq!(second.stats.periods, map([("2010", 13), ("2015", 12), ("2019", 8)]));
        assert_eq!(second.stats.counts, map([("practices no longer current (IsAreaCurrent 0)", 7)]));
        // The compact file rounds to 8 decimals, so its 2019 scores replace the export's.
        assert_eq!(second.stored, UptakeWriteSummary { created: 25, updated: 8, unchanged: 0 });
        assert_eq!(db.store.uptake_imd(2019).await.expect("read").get("A81001"), Some(&32.36093926));
        assert_eq!(db.store.uptake_imd(2010).await.expect("read").get("A81001"), Some(&25.07512244));
        assert_eq!(db.store.uptake_imd_years().await.expect("years"), [2010, 2015, 2019]);
        assert_eq!(db.store.uptake_reference_row_counts().await.expect("counts").imd, 28 + 25);
    }
}

#[tokio::test]
async fn epraccur_stores_every_setting_with_status_and_dates() {
    let path = fixture("epraccur.sample.csv");
    let text = std::fs::read(&path).expect("fixture");
    let rows = records(&text);
    let gp = rows.iter().filter(|r| r[25] == "4").count() as u64;
    for db in stores().await {
        let report = epraccur::import_epraccur_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!((report.stats.rows_read, report.stats.practices, report.stored), (38, 38, created(38)));
        assert_eq!(report.stats.counts.get("prescribing setting 4 (GP practice)"), Some(&gp));
        assert_eq!(report.stats.counts.get("status P (proposed)"), Some(&2));
        assert!(report.stats.flags.is_empty(), "{:?}", report.stats.flags);
        let practices = db.store.ods_practices().await.expect("read");
        assert_eq!(practices.len(), 38);
        let expected = OdsPractice {
            practice: "A81003".into(),
            name: "VICTORIA MEDICAL PRACTICE".into(),
            status: "C".into(),
            prescribing_setting: Some(4),
            commissioner: Some("00K".into()),
            region: Some("Y54".into()),
            postcode: Some("TS26 8DB".into()),
            opened: Some("1974-04-01".into()),
            closed: Some("2017-10-31".into()),
        };
        assert_eq!(practices.iter().find(|p| p.practice == "A81003"), Some(&expected));
        let alderney = practices.iter().find(|p| p.practice == "ALD200").expect("listed");
        assert_eq!((alderney.region.as_deref(), alderney.prescribing_setting), (None, Some(0)));
        let again = epraccur::import_epraccur_file(&db.store, &path, &actor()).await.expect("imports");
        assert_eq!(again.stored, unchanged(38));
    }
}
