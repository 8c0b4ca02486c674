//! Impossible values in the reference files: never refused, stored as published (or as unknown where
//! the column cannot hold them), flagged with their line and reason, and named in the summary.

use super::{actor, stores};
use lantern_import::reference::ReferenceReport;
use lantern_import::{age_bands, epraccur, imd, oc};

/// The flags' (kind, field, detail), in the order stored.
fn flagged(flags: &[lantern_store::UptakeFlag]) -> Vec<(&str, &str, &str)> {
    flags.iter().map(|f| (f.kind.as_str(), f.field.as_str(), f.detail.as_str())).collect()
}

#[tokio::test]
async fn a_negative_age_band_is_stored_as_unknown_and_flagged_with_its_line() {
    let text = "EXTRACT_DATE,ORG_TYPE,ORG_CODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n\
                2025-12-01,GP,A81001,FEMALE,0_4,10\n\
                2025-12-01,GP,A81001,FEMALE,5_9,-4\n\
                2025-12-01,,A81001,FEMALE,10_14,3\n";
    let file = age_bands::read_age_bands(text.as_bytes()).expect("a value is never refused");
    let stored: Vec<Option<i64>> = file.rows.iter().map(|r| r.patients).collect();
    assert_eq!(stored, [Some(10), None], "the column holds no negative count");
    let negative: Vec<_> = flagged(&file.flags).into_iter().filter(|f| f.0 == "negative_value").collect();
    assert_eq!(
        negative,
        [(
            "negative_value",
            "FEMALE 5_9",
            "line 3: -4 is below zero; stored as NULL (the column holds no count below zero), left out of \
             sums and rates as unknown"
        )]
    );
    assert_eq!(file.stats.other_organisation_rows.get("(blank ORG_TYPE)"), Some(&1));
    for db in stores().await {
        let stored = age_bands::store_age_bands(&db.store, &file, &actor()).await.expect("stores");
        assert!(stored
            .to_string()
            .contains("  negative_value line 3, A81001 2025-12 FEMALE 5_9: -4 is below"));
    }
}

#[tokio::test]
async fn negative_online_consultation_counts_are_kept_flagged_and_left_out_of_rates() {
    let text = "MONTH,GP_CODE,SUPPLIER,METRIC,VALUE\n\
                2024-10-01,A81001,ACCURX,OC_TOTAL_SUBMISSIONS,-12\n\
                2024-10-01,A81001,ACCURX,PATIENTS_REGISTERED,5000\n\
                2024-10-01,A81001,ACCURX,OC_RATE_PER_1000_REGISTERED_PATIENTS,-2.4\n\
                2024-10-01,A81002,ACCURX,OC_TOTAL_SUBMISSIONS,30\n\
                2024-10-01,A81002,ACCURX,PATIENTS_REGISTERED,1000\n";
    let file = oc::read_oc(text.as_bytes()).expect("a value is never refused");
    assert_eq!(file.rows[0].total_submissions, Some(-12), "stored as published");
    let details: Vec<&str> =
        file.flags.iter().filter(|f| f.kind == "negative_value").map(|f| f.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "line 2: -12 is below zero; stored as published, left out of sums and rates as unknown",
            "line 4: -2.4 is below zero; not checked against the counts",
        ]
    );
    // Only A81002 gave both sides of submissions per 1,000: 30 of 1,000 patients.
    let mut counts = lantern_core::uptake::oc::OcCounts::default();
    file.rows.iter().for_each(|m| counts.add(m));
    assert_eq!((counts.total_submissions, counts.patients_registered), (30, 6_000));
    assert_eq!(counts.rates().submissions_per_1000, Some(30.0));
}

#[tokio::test]
async fn a_negative_imd_score_is_kept_flagged_and_left_unscored() {
    let text = "IndicatorID,Year,AreaCode,AreaName,IsAreaCurrent,Value\r\n\
                93553,2019,A81001,The Densham Surgery,1,32.36\r\n\
                93553,2019,A81002,Queens Park Medical Centre,1,-1.5\r\n";
    let file = imd::read_imd(text.as_bytes()).expect("a value is never refused");
    assert_eq!(file.rows.iter().map(|r| r.score).collect::<Vec<_>>(), [Some(32.36), Some(-1.5)]);
    assert_eq!(
        flagged(&file.flags),
        [(
            "negative_value",
            "Value",
            "line 3: -1.5 is below zero, which no IMD score is; kept as published, left out of the \
             deprivation quintiles"
        )]
    );
    let scores: Vec<lantern_core::uptake::Deprivation> = file
        .rows
        .iter()
        .map(|r| lantern_core::uptake::Deprivation {
            practice: r.practice.clone(),
            year: r.year,
            score: r.score.unwrap_or(f64::NAN),
        })
        .collect();
    let quintiles = lantern_core::uptake::equity::deprivation_quintiles(&scores, 2019);
    assert_eq!(quintiles.unscored, ["A81002"]);
}

#[tokio::test]
async fn unknown_epraccur_codes_and_impossible_dates_are_kept_and_flagged() {
    let row = |code: &str, status: &str, opened: &str, setting: &str| {
        let mut fields = vec![String::new(); 27];
        for (at, value) in [(0, code), (1, "A SURGERY"), (10, opened), (12, status), (25, setting)] {
            fields[at] = value.to_owned();
        }
        fields.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(",") + "\r\n"
    };
    let text = [row("A81001", "Q", "19740431", "4"), row("A81002", "A", "19740401", "123")].concat();
    let file = epraccur::read_epraccur(text.as_bytes()).expect("a value is never refused");
    let kept: Vec<(&str, Option<&str>, Option<i64>)> =
        file.rows.iter().map(|p| (p.status.as_str(), p.opened.as_deref(), p.prescribing_setting)).collect();
    assert_eq!(kept, [("Q", None, Some(4)), ("A", Some("1974-04-01"), Some(123))]);
    let kinds: Vec<(&str, &str)> = flagged(&file.flags).iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        kinds,
        [
            ("impossible_date", "Open Date (field 11)"),
            ("unknown_code", "Status Code (field 13)"),
            ("unknown_code", "Prescribing Setting (field 26)"),
        ]
    );
    assert!(file.flags[0].detail.starts_with("line 1: 19740431 is no day of the calendar"));
    let report =
        ReferenceReport { unit: "organisations", stats: file.stats.clone(), stored: Default::default() };
    let summary = report.to_string();
    assert!(summary.contains("flags: impossible_date 1, unknown_code 2"), "{summary}");
    assert!(
        summary.contains("  unknown_code line 2, A81002 Prescribing Setting (field 26): 123 is not"),
        "{summary}"
    );
}
