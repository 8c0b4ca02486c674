//! The registrations totals importer on the real January 2021 file (skipped when the
//! shared data folder is absent; under CI a failure) and on small made-up files.

mod shared;
use lantern_core::audit::Actor;
use lantern_import::registrations::{import_registrations_file, read_registrations, RegistrationsError};
use lantern_store::testing;
use shared::shared_data;
use std::io::Write;

const HEADER: &str =
    "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\r\n";

#[tokio::test]
async fn the_january_2021_totals_import_plain_and_gzipped_and_reimport_unchanged() {
    let Some(path) = shared_data("registrations/gp-reg-pat-prac-all_jan2021.csv") else { return };
    // The second way: the total straight from the CSV.
    let mut reader = csv::Reader::from_path(&path).expect("csv");
    let expected: i64 =
        reader.records().map(|r| r.expect("record")[9].parse::<i64>().expect("a count")).sum();
    let dir = tempfile::tempdir().expect("tempdir");
    let gz = dir.path().join("gp-reg-pat-prac-all_jan2021.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("create"),
        flate2::Compression::fast(),
    );
    encoder.write_all(&std::fs::read(&path).expect("read")).expect("gzip");
    encoder.finish().expect("gzip");
    let actor = Actor::system("test");
    let mut stores = vec![testing::sqlite().await];
    stores.extend(testing::postgres().await);
    for db in stores {
        let plain = import_registrations_file(&db.store, &path, &actor).await.expect("imports");
        assert_eq!(
            (plain.stats.rows_read, plain.stats.practices, plain.stored.created),
            (6_658, 6_658, 6_658)
        );
        assert_eq!(plain.stats.patients_per_period.get("2021-01"), Some(&expected));
        let stored = db.store.uptake_registrations("2021-01").await.expect("read");
        assert_eq!(stored.values().flatten().sum::<i64>(), expected);
        assert_eq!(stored.get("A84002"), Some(&Some(5_903)));
        let zipped = import_registrations_file(&db.store, &gz, &actor).await.expect("imports");
        assert_eq!((zipped.stored.created, zipped.stored.updated, zipped.stored.unchanged), (0, 0, 6_658));
        assert_eq!(zipped.stats, plain.stats);
        assert_eq!(db.store.uptake_row_counts().await.expect("counts").registrations, 6_658);
    }
}

#[test]
fn breakdowns_bad_cells_and_repeats_are_named_by_line() {
    let text = format!(
        "{HEADER}{}{}{}{}{}",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\r\n",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84003,NE63 9UT,MALE,ALL,7000\r\n",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84004,NE63 9UT,ALL,ALL,lots\r\n",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\r\n",
        "GP_PRAC_PAT_LIST,01JAN2021,CCG,00L,E38000130,00L,,ALL,ALL,300000\r\n",
    );
    let errors = read_registrations(text.as_bytes()).expect_err("refused");
    let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "line 3, column SEX: \"MALE\" is a breakdown; this importer takes totals (ALL)",
            "line 4, column NUMBER_OF_PATIENTS: \"lots\" is not a count of patients",
            "line 5, column CODE: A84002 is also on line 2 for 2021-01; each practice may appear once a month",
        ]
    );
}

#[tokio::test]
async fn other_organisations_are_counted_and_blanks_flagged() {
    let text = format!(
        "{HEADER}{}{}",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,\r\n",
        "GP_PRAC_PAT_LIST,01JAN2021,CCG,00L,E38000130,00L,,ALL,ALL,300000\r\n",
    );
    let file = read_registrations(text.as_bytes()).expect("reads");
    assert_eq!((file.rows.len(), file.stats.other_organisation_rows), (1, 1));
    assert_eq!((file.rows[0].patients, file.flags[0].kind.as_str()), (None, "blank_value"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.csv");
    std::fs::write(&path, &text).expect("write");
    let db = testing::sqlite().await;
    let report = import_registrations_file(&db.store, &path, &Actor::system("test")).await.expect("imports");
    assert!(report.to_string().contains("rows for other organisation types (not stored): 1"), "{report}");
    assert_eq!(
        db.store.uptake_flag_counts("registrations").await.expect("flags").get("blank_value"),
        Some(&1)
    );
}

#[tokio::test]
async fn the_age_band_file_is_refused_at_its_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("quin.csv");
    std::fs::write(
        &path,
        "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n\
         GP_PRAC_PAT_LIST,2025-12-01,GP,P87040,,M6 7HL,FEMALE,15_19,256\n",
    )
    .expect("write");
    let db = testing::sqlite().await;
    let error =
        import_registrations_file(&db.store, &path, &Actor::system("test")).await.expect_err("refused");
    assert!(matches!(error, RegistrationsError::Invalid(_)));
    assert!(error.to_string().contains("line 1: This is an age-band breakdown file"), "{error}");
}

#[tokio::test]
async fn a_negative_count_is_stored_as_unknown_flagged_with_its_line_and_named_in_the_summary() {
    let text = format!(
        "{HEADER}{}{}",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\r\n",
        "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84003,NE63 9UT,ALL,ALL,-7\r\n",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.csv");
    std::fs::write(&path, &text).expect("write");
    let db = testing::sqlite().await;
    let report = import_registrations_file(&db.store, &path, &Actor::system("test")).await.expect("imports");
    let summary = report.to_string();
    assert!(summary.contains("period 2021-01: 5903 registered patients"), "{summary}");
    assert!(
        summary.contains(
            "  negative_value line 3, A84003 2021-01 NUMBER_OF_PATIENTS: -7 is below zero; stored as NULL"
        ),
        "{summary}"
    );
    let stored = db.store.uptake_registrations("2021-01").await.expect("read");
    assert_eq!(stored.get("A84003"), Some(&None), "the column holds no count below zero");
    let flags = db.store.uptake_flags("registrations", None).await.expect("flags");
    assert_eq!((flags.len(), flags[0].kind.as_str()), (1, "negative_value"));
    assert!(flags[0].detail.starts_with("line 3: -7 is below zero"), "{}", flags[0].detail);
}
