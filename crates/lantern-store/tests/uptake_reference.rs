//! Reference-data storage (practice map, age bands, online consultations, IMD, ODS practices), on
//! SQLite and on PostgreSQL: whole files in one audited transaction, re-imports that change nothing,
//! a changed practice replaced with its flags, blanks kept as NULL, and the reads the measures use.

use lantern_core::audit::Actor;
use lantern_core::uptake::reference::AGE_BAND_FROM;
use lantern_core::uptake::{AgeBandCount, OcMonth, OdsPractice, PracticePlace, Sex};
use lantern_store::{AuditFilter, ImdRow, ReferenceBatch, Store, UptakeFlag, UptakeName, UptakeWriteSummary};

use lantern_store::contract;

contract!(
    age_bands_are_stored_whole_and_reimporting_changes_nothing,
    a_changed_practice_has_its_rows_and_flags_replaced,
    a_file_the_database_refuses_stores_nothing,
    places_are_read_from_each_practices_latest_extract,
    online_consultations_round_trip_with_blanks,
    imd_scores_are_read_by_edition_without_blanks,
    ods_practices_are_kept_when_a_later_list_omits_them,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn summary(created: u64, updated: u64, unchanged: u64) -> UptakeWriteSummary {
    UptakeWriteSummary { created, updated, unchanged }
}

fn flag(source: &str, period: &str, practice: &str, kind: &str, field: &str) -> UptakeFlag {
    UptakeFlag {
        source: source.into(),
        practice: practice.into(),
        period: period.into(),
        kind: kind.into(),
        field: field.into(),
        detail: format!("{kind} in {field}"),
    }
}

fn batch<'a, T>(rows: &'a [T], flags: &'a [UptakeFlag], names: &'a [UptakeName]) -> ReferenceBatch<'a, T> {
    static FILE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    ReferenceBatch { rows, flags, names, file: FILE.get_or_init(|| serde_json::json!({ "rows_read": 1 })) }
}

/// Practice `n`'s 40 bands in `period`; its male 95+ band is blank when n is odd.
fn bands(n: usize, period: &str) -> Vec<AgeBandCount> {
    let mut rows = Vec::new();
    for sex in [Sex::Female, Sex::Male] {
        for band_from in AGE_BAND_FROM {
            let blank = sex == Sex::Male && band_from == 95 && n % 2 == 1;
            rows.push(AgeBandCount {
                period: period.into(),
                practice: format!("A{n:05}"),
                sex,
                band_from,
                patients: (!blank).then_some(100 + i64::from(band_from) + n as i64),
            });
        }
    }
    rows
}

/// 300 practices × 40 bands = 12,000 rows: several multi-row statements.
async fn age_bands_are_stored_whole_and_reimporting_changes_nothing(store: Store) {
    let rows: Vec<AgeBandCount> = (0..300).flat_map(|n| bands(n, "2025-12")).collect();
    let flags: Vec<UptakeFlag> = (0..300)
        .filter(|n| n % 2 == 1)
        .map(|n| flag("age_bands", "2025-12", &format!("A{n:05}"), "blank_value", "MALE 95+"))
        .collect();
    let first = store.import_age_bands(batch(&rows, &flags, &[]), &actor()).await.expect("stores");
    assert_eq!(first, summary(300, 0, 0));
    let counts = (
        store.uptake_reference_row_counts().await.expect("counts"),
        store.uptake_row_counts().await.expect("counts"),
    );
    assert_eq!((counts.0.age_bands, counts.1.flags), (12_000, 150));
    let again = store.import_age_bands(batch(&rows, &flags, &[]), &actor()).await.expect("stores");
    assert_eq!(again, summary(0, 0, 300));
    assert_eq!(
        (
            store.uptake_reference_row_counts().await.expect("counts"),
            store.uptake_row_counts().await.expect("counts")
        ),
        counts
    );
    let older: Vec<AgeBandCount> = bands(7, "2025-11");
    store.import_age_bands(batch(&older, &[], &[]), &actor()).await.expect("stores");
    assert_eq!(store.uptake_age_band_periods().await.expect("periods"), ["2025-11", "2025-12"]);
    assert_eq!(store.uptake_age_bands(None).await.expect("latest"), rows, "every value and NULL, in order");
    assert_eq!(store.uptake_age_bands(Some("2025-11")).await.expect("read"), older);
    let filter = AuditFilter { action: Some("import.age_bands".into()), ..Default::default() };
    let audit = store.audit_records(&filter, 5).await.expect("audit");
    assert_eq!(audit.len(), 3);
    assert!(
        audit[1].after.as_deref().unwrap_or_default().contains("\"unchanged\":300"),
        "{:?}",
        audit[1].after
    );
    assert!(store.verify_audit().await.expect("verify").is_ok());
}

async fn a_changed_practice_has_its_rows_and_flags_replaced(store: Store) {
    let rows: Vec<AgeBandCount> = (0..3).flat_map(|n| bands(n, "2025-12")).collect();
    let flags = [flag("age_bands", "2025-12", "A00001", "blank_value", "MALE 95+")];
    store.import_age_bands(batch(&rows, &flags, &[]), &actor()).await.expect("stores");
    // A00001's blank band is now known, and A00002 lost its 95+ rows (the file no longer gives them).
    let mut corrected = rows.clone();
    corrected.iter_mut().filter(|r| r.practice == "A00001").for_each(|r| r.patients = Some(1));
    corrected.retain(|r| !(r.practice == "A00002" && r.band_from == 95));
    let mismatch = [flag("age_bands", "2025-12", "A00002", "band_sum_mismatch", "FEMALE ALL")];
    let second = store.import_age_bands(batch(&corrected, &mismatch, &[]), &actor()).await.expect("stores");
    assert_eq!(second, summary(0, 2, 1));
    let stored = store.uptake_age_bands(Some("2025-12")).await.expect("read");
    assert_eq!(stored, corrected);
    let left: Vec<(String, String)> = store
        .uptake_flags("age_bands", None)
        .await
        .expect("flags")
        .into_iter()
        .map(|f| (f.practice, f.kind))
        .collect();
    assert_eq!(left, [("A00002".to_owned(), "band_sum_mismatch".to_owned())]);
}

async fn a_file_the_database_refuses_stores_nothing(store: Store) {
    let mut rows = bands(1, "2025-12");
    rows[3].patients = Some(-1);
    let names = [UptakeName { kind: "practice".into(), code: "A00001".into(), name: "X".into() }];
    assert!(
        store.import_age_bands(batch(&rows, &[], &names), &actor()).await.is_err(),
        "the CHECK refuses -1"
    );
    assert_eq!(store.uptake_reference_row_counts().await.expect("counts"), Default::default());
    assert_eq!(store.uptake_row_counts().await.expect("counts").names, 0);
    let filter = AuditFilter { action: Some("import.age_bands".into()), ..Default::default() };
    assert!(store.audit_records(&filter, 5).await.expect("audit").is_empty());
}

fn place(practice: &str, extract: &str, pcn: Option<&str>) -> PracticePlace {
    PracticePlace {
        practice: practice.into(),
        extract: extract.into(),
        pcn: pcn.map(str::to_owned),
        sub_icb: Some("04C".into()),
        icb: Some("QK1".into()),
        region: Some("Y60".into()),
        supplier: None,
    }
}

async fn places_are_read_from_each_practices_latest_extract(store: Store) {
    let names = [
        UptakeName { kind: "pcn".into(), code: "U1".into(), name: "ORION PCN".into() },
        UptakeName { kind: "pcn".into(), code: "U2".into(), name: "WATERMEAD PCN".into() },
    ];
    let older = [place("C82620", "2024-12", Some("U1")), place("C82999", "2024-12", Some("U1"))];
    store.import_places(batch(&older, &[], &names), &actor()).await.expect("stores");
    let newer = [place("C82620", "2025-12", Some("U2"))];
    let flags = [flag("places", "2025-12", "C82620", "blank_value", "SUPPLIER_NAME")];
    assert_eq!(
        store.import_places(batch(&newer, &flags, &[]), &actor()).await.expect("stores"),
        summary(1, 0, 0)
    );
    let latest = store.uptake_places_latest().await.expect("read");
    assert_eq!(latest.len(), 2);
    assert_eq!(latest["C82620"], newer[0], "the later extract wins");
    assert_eq!(latest["C82999"], older[1], "a practice the later map lacks keeps its last place");
    assert_eq!(
        store.uptake_names("pcn").await.expect("names").get("U2").map(String::as_str),
        Some("WATERMEAD PCN")
    );
    assert_eq!(store.uptake_flag_counts("places").await.expect("flags").get("blank_value"), Some(&1));
}

fn oc_month(practice: &str, period: &str, total: Option<i64>) -> OcMonth {
    OcMonth {
        period: period.into(),
        practice: practice.into(),
        supplier: "ECONSULT HEALTH LIMITED, ACCURX LIMITED".into(),
        capability: Some(1),
        participation: Some(1),
        system_usage: total.map(|t| i64::from(t > 0)),
        total_submissions: total,
        clinical: total.map(|t| t - 1),
        admin: Some(1),
        other: None,
        patients_registered: Some(7_837),
    }
}

async fn online_consultations_round_trip_with_blanks(store: Store) {
    let months = [
        oc_month("A83009", "2024-11", Some(210)),
        oc_month("A83009", "2024-10", Some(202)),
        oc_month("A81025", "2024-10", None),
    ];
    assert_eq!(store.import_oc(batch(&months, &[], &[]), &actor()).await.expect("stores"), summary(3, 0, 0));
    assert_eq!(store.uptake_oc_periods().await.expect("periods"), ["2024-10", "2024-11"]);
    assert_eq!(
        store.uptake_oc_months(Some("2024-10")).await.expect("read"),
        [months[2].clone(), months[1].clone()]
    );
    let all = store.uptake_oc_months(None).await.expect("read");
    assert_eq!(all, [months[2].clone(), months[1].clone(), months[0].clone()], "by month, then practice");
    assert_eq!(store.import_oc(batch(&months, &[], &[]), &actor()).await.expect("stores"), summary(0, 0, 3));
}

async fn imd_scores_are_read_by_edition_without_blanks(store: Store) {
    let row = |year, practice: &str, score| ImdRow { year, practice: practice.into(), score };
    let rows = [
        row(2019, "A81001", Some(32.3609392614188)),
        row(2019, "A81002", None),
        row(2015, "A81001", Some(29.14031034)),
    ];
    let flags = [flag("imd", "2019", "A81002", "blank_value", "Value")];
    assert_eq!(
        store.import_imd(batch(&rows, &flags, &[]), &actor()).await.expect("stores"),
        summary(3, 0, 0)
    );
    let scores = store.uptake_imd(2019).await.expect("read");
    assert_eq!(scores.into_iter().collect::<Vec<_>>(), [("A81001".to_owned(), 32.3609392614188)]);
    assert_eq!(store.uptake_imd_years().await.expect("years"), [2015, 2019]);
    assert_eq!(
        store.uptake_reference_row_counts().await.expect("counts").imd,
        3,
        "the blank is kept as NULL"
    );
    assert_eq!(
        store.import_imd(batch(&rows, &flags, &[]), &actor()).await.expect("stores"),
        summary(0, 0, 3)
    );
    let rescored = [row(2019, "A81002", Some(20.5))];
    assert_eq!(
        store.import_imd(batch(&rescored, &[], &[]), &actor()).await.expect("stores"),
        summary(0, 1, 0)
    );
    assert_eq!(store.uptake_imd(2019).await.expect("read").get("A81002"), Some(&20.5));
    assert!(
        store.uptake_flags("imd", None).await.expect("flags").is_empty(),
        "the blank's flag went with it"
    );
}

fn ods(practice: &str, status: &str) -> OdsPractice {
    OdsPractice {
        practice: practice.into(),
        name: "VICTORIA MEDICAL PRACTICE".into(),
        status: status.into(),
        prescribing_setting: Some(4),
        commissioner: Some("00K".into()),
        region: None,
        postcode: Some("TS26 8DB".into()),
        opened: Some("1974-04-01".into()),
        closed: (status == "C").then(|| "2017-10-31".to_owned()),
    }
}

async fn ods_practices_are_kept_when_a_later_list_omits_them(store: Store) {
    let first = [ods("A81003", "A"), ods("A81004", "A")];
    assert_eq!(
        store.import_epraccur(batch(&first, &[], &[]), &actor()).await.expect("stores"),
        summary(2, 0, 0)
    );
    let later = [ods("A81003", "C")];
    assert_eq!(
        store.import_epraccur(batch(&later, &[], &[]), &actor()).await.expect("stores"),
        summary(0, 1, 0)
    );
    assert_eq!(store.ods_practices().await.expect("read"), [later[0].clone(), first[1].clone()]);
    let filter = AuditFilter { action: Some("import.epraccur".into()), ..Default::default() };
    assert_eq!(store.audit_records(&filter, 5).await.expect("audit").len(), 2);
}
