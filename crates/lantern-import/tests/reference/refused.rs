//! Files that go wrong in one way each: what is refused (naming line and column, storing nothing),
//! and what is only flagged.

use super::{actor, fixture, temp_file};
use lantern_import::reference::ReferenceError;
use lantern_import::{age_bands, epraccur, imd, oc, places};
use lantern_store::testing;

fn problems(errors: &lantern_import::episodes_csv::ImportErrors) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

/// The fixture with line `line` (1-based) passed through `spoil`.
fn spoiled(name: &str, line: usize, spoil: impl Fn(&str) -> String) -> Vec<u8> {
    let text = String::from_utf8(std::fs::read(fixture(name)).expect("fixture")).expect("UTF-8");
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    lines[line - 1] = spoil(&lines[line - 1]);
    lines.concat().into_bytes()
}

#[tokio::test]
async fn one_corrupted_row_stores_nothing_from_any_file_and_names_its_line() {
    let db = testing::sqlite().await;
    let cases: [(&str, usize, &str, &str, &str); 5] = [
        ("gp-reg-pat-prac-map.sample.csv", 20, "01Dec2025", "31Dec2025x", "line 20, column EXTRACT_DATE:"),
        ("gp-reg-pat-prac-quin-age_dec2025.sample.csv", 30, ",MALE,", ",M4LE,", "line 30, column SEX:"),
        (
            "oc_submissions_by_practice.sample.csv",
            25,
            ",OC_SUBMISSION_TYPE_OTHER,",
            ",OC_OTHER,",
            "line 25, column METRIC:",
        ),
        ("imd_2010_2015_2019_by_practice.sample.csv", 12, "93553,", "93554,", "line 12, column IndicatorID:"),
        ("epraccur.sample.csv", 9, "\"19740401\"", "\"1974-04\"", "line 9, column Open Date (field 11):"),
    ];
    for (name, line, from, to, expected) in cases {
        let bytes = spoiled(name, line, |l| {
            assert!(l.contains(from), "{name} line {line} holds {from:?}: {l}");
            l.replacen(from, to, 1)
        });
        let (_dir, path) = temp_file(name, &bytes);
        let result = match name {
            n if n.starts_with("gp-reg-pat-prac-map") => {
                places::import_places_file(&db.store, &path, &actor()).await
            }
            n if n.starts_with("gp-reg-pat-prac-quin") => {
                age_bands::import_age_bands_file(&db.store, &path, &actor()).await
            }
            n if n.starts_with("oc_") => oc::import_oc_file(&db.store, &path, &actor()).await,
            n if n.starts_with("imd") => imd::import_imd_file(&db.store, &path, &actor()).await,
            _ => epraccur::import_epraccur_file(&db.store, &path, &actor()).await,
        };
        let Err(ReferenceError::Invalid(errors)) = result else { panic!("{name}: refused, not {result:?}") };
        assert_eq!(errors.total(), 1, "{name}: {errors}");
        assert!(errors.to_string().starts_with(expected), "{name}: {errors}");
    }
    let counts = db.store.uptake_reference_row_counts().await.expect("counts");
    assert_eq!(counts, Default::default(), "nothing stored");
    assert_eq!(db.store.uptake_row_counts().await.expect("counts").names, 0);
}

#[test]
fn headers_are_found_in_any_case_and_order_and_a_wrong_file_is_named() {
    let text = "practice_code,Pcn_Code,extract_date,icb_code,comm_region_code,sub_icb_location_code\r\n\
                C82620,U36231,01Dec2025,QK1,Y60,04C\r\n";
    let file = places::read_places(text.as_bytes()).expect("reads");
    assert_eq!((file.rows[0].practice.as_str(), file.rows[0].icb.as_deref()), ("C82620", Some("QK1")));
    assert_eq!(file.rows[0].supplier, None, "no supplier column: unknown, and nothing to flag");
    let totals = "PUBLICATION,EXTRACT_DATE,TYPE,CODE,SEX,AGE,NUMBER_OF_PATIENTS\n";
    let errors = age_bands::read_age_bands(totals.as_bytes()).expect_err("not the age-band file");
    assert_eq!(
        problems(&errors),
        ["line 1: The header lacks AGE_GROUP_5 or AGE_GROUP; this is not the 5-year age-band file \
          (gp-reg-pat-prac-quin-age)"]
    );
}

#[test]
fn age_bands_that_do_not_add_up_or_are_blank_are_flagged_not_refused() {
    let mut text = "EXTRACT_DATE,ORG_TYPE,ORG_CODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n".to_owned();
    for (sex, total) in [("FEMALE", 200), ("MALE", 999)] {
        for band in ["0_4", "5_9", "10_14", "15_19", "20_24", "25_29", "30_34", "35_39", "40_44", "45_49"]
            .into_iter()
            .chain(["50_54", "55_59", "60_64", "65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95+"])
        {
            let n = if sex == "MALE" && band == "95+" { String::new() } else { "10".to_owned() };
            text.push_str(&format!("2025-12-01,GP,A81001,{sex},{band},{n}\n"));
        }
        text.push_str(&format!("2025-12-01,GP,A81001,{sex},ALL,{total}\n"));
    }
    text.push_str("2025-12-01,GP,A81001,ALL,ALL,400\n");
    let file = age_bands::read_age_bands(text.as_bytes()).expect("flagged, not refused");
    assert_eq!(file.rows.len(), 40);
    assert_eq!(file.rows.iter().filter(|r| r.patients.is_none()).count(), 1);
    let flags: Vec<(&str, &str)> = file.flags.iter().map(|f| (f.kind.as_str(), f.field.as_str())).collect();
    // Female bands add to 200 as the file says; male has a blank, so neither it nor both can be checked.
    assert_eq!(flags, [("blank_value", "MALE 95+")]);
    let wrong_female = text.replace("FEMALE,ALL,200", "FEMALE,ALL,201");
    let file = age_bands::read_age_bands(wrong_female.as_bytes()).expect("flagged, not refused");
    let mismatch = file.flags.iter().find(|f| f.kind == "band_sum_mismatch").expect("flagged");
    assert_eq!(mismatch.field, "FEMALE ALL");
    assert_eq!(mismatch.detail, "the bands add up to 200 but the file's FEMALE total is 201");
    let no_band = text.replace("2025-12-01,GP,A81001,FEMALE,40_44,10\n", "");
    let file = age_bands::read_age_bands(no_band.as_bytes()).expect("flagged, not refused");
    assert!(file.flags.iter().any(|f| f.kind == "missing_field" && f.field == "FEMALE 40_44"));
}

#[test]
fn age_band_rows_are_refused_by_line_for_bad_sexes_bands_and_repeats() {
    let text = "EXTRACT_DATE,ORG_TYPE,ORG_CODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n\
                2025-12-01,GP,A81001,FEMALE,0_4,10\n\
                2025-12-01,GP,A81001,UNKNOWN,0_4,1\n\
                2025-12-01,GP,A81001,MALE,100+,1\n\
                2025-12-01,GP,A81001,ALL,0_4,1\n\
                2025-12-01,GP,A81001,female,0_4,12\n\
                2025-12-01,PCN,U1,FEMALE,nonsense,x\n";
    let errors = age_bands::read_age_bands(text.as_bytes()).expect_err("refused");
    assert_eq!(
        problems(&errors),
        [
            "line 3, column SEX: \"UNKNOWN\" is not FEMALE, MALE or ALL",
            "line 4, column AGE_GROUP_5: \"100+\" is not a 5-year band (0_4 … 90_94, 95+) or ALL",
            "line 5, column AGE_GROUP_5: a row for both sexes together must be for ALL ages",
            "line 6, column ORG_CODE: A81001 FEMALE 0_4 is also on line 2 for 2025-12; each may appear once \
             an extract",
        ]
    );
}

const OC_HEADER: &str = "MONTH,GP_CODE,GP_NAME,SUPPLIER,METRIC,VALUE\n";

#[test]
fn oc_refuses_unknown_and_repeated_metrics_and_a_changing_supplier() {
    let text = format!(
        "{OC_HEADER}{}{}{}{}{}",
        "2024-10-01,A81001,X,ACCURX LIMITED,OC_CAPABILITY,1\n",
        "2024-10-01,A81001,X,ACCURX LIMITED,OC_CAPABILITY,1\n",
        "2024-10-01,A81001,X,PATCHS HEALTH LIMITED,OC_PARTICIPATION,1\n",
        "2024-10-01,A81001,X,ACCURX LIMITED,OC_VIDEO,1\n",
        "2024-10-01,A81001,X,ACCURX LIMITED,OC_TOTAL_SUBMISSIONS,3.5\n",
    );
    let errors = oc::read_oc(text.as_bytes()).expect_err("refused");
    let listed = problems(&errors);
    assert_eq!(listed.len(), 4, "{listed:#?}");
    assert_eq!(
        listed[0],
        "line 3, column METRIC: OC_CAPABILITY for A81001 in 2024-10 is also on line 2; each metric may \
         appear once a practice-month"
    );
    assert_eq!(
        listed[1],
        "line 4, column SUPPLIER: \"PATCHS HEALTH LIMITED\" differs from \"ACCURX LIMITED\" on line 2 for \
         this practice-month"
    );
    assert!(listed[2].starts_with("line 5, column METRIC: \"OC_VIDEO\" is not a metric of this file"));
    assert_eq!(listed[3], "line 6, column VALUE: \"3.5\" is not a count (a whole number)");
}

#[test]
fn oc_blanks_missing_metrics_and_a_rate_that_does_not_follow_are_flagged() {
    let rows = [
        ("OC_TOTAL_SUBMISSIONS", "202"),
        ("PATIENTS_REGISTERED", "7837"),
        ("OC_RATE_PER_1000_REGISTERED_PATIENTS", "25.775169"),
        ("OC_SUBMISSION_TYPE_OTHER", ""),
    ];
    let body: String =
        rows.iter().map(|(m, v)| format!("2024-10-01,A83009,X,ACCURX LIMITED,{m},{v}\n")).collect();
    let file = oc::read_oc(format!("{OC_HEADER}{body}").as_bytes()).expect("reads");
    let month = &file.rows[0];
    assert_eq!((month.total_submissions, month.other, month.capability), (Some(202), None, None));
    let kinds = |file: &lantern_import::reference::ReferenceFile<_>| file.stats.flags.clone();
    // 202 ÷ 7,837 × 1,000 = 25.7751690…: within the rounding of six decimals.
    assert_eq!(kinds(&file).get("rate_mismatch"), None);
    assert_eq!(kinds(&file).get("blank_value"), Some(&1));
    assert_eq!(
        kinds(&file).get("missing_field"),
        Some(&5),
        "capability, participation, usage, clinical, admin"
    );
    for (published, flagged) in
        [("25.775170", true), ("25.78", false), ("25.7", true), ("26", false), ("27", true)]
    {
        let text = format!("{OC_HEADER}{}", body.replace("25.775169", published));
        let file = oc::read_oc(text.as_bytes()).expect("reads");
        assert_eq!(file.flags.iter().any(|f| f.kind == "rate_mismatch"), flagged, "{published}");
    }
}

#[test]
fn imd_refuses_other_indicators_bad_years_and_repeats_and_keeps_blanks() {
    let text = "\u{feff}IndicatorID,Year,AreaCode,AreaName,IsAreaCurrent,Value\r\n\
                93553,2019,A81001,The Densham Surgery,1,32.36\r\n\
                93553,2019,A81002,Queens Park Medical Centre,1,\r\n\
                93553,2019,E92000001,England,1,21.7\r\n";
    let file = imd::read_imd(text.as_bytes()).expect("reads");
    assert_eq!(file.rows.iter().map(|r| r.score).collect::<Vec<_>>(), [Some(32.36), None]);
    assert_eq!((file.flags[0].kind.as_str(), file.flags[0].period.as_str()), ("blank_value", "2019"));
    assert_eq!(file.stats.other_organisation_rows.get("ONS-coded area"), Some(&1));
    let bad = format!(
        "{text}{}{}{}",
        "93552,2019,A81003,Somewhere,1,3\r\n",
        "93553,2019/20,A81004,Elsewhere,1,3\r\n",
        "93553,2019,a81001,Again,1,30\r\n"
    );
    let errors = imd::read_imd(bad.as_bytes()).expect_err("refused");
    assert_eq!(
        problems(&errors),
        [
            "line 5, column IndicatorID: \"93552\" is not the IMD indicator (93553)",
            "line 6, column Year: \"2019/20\" is not an IMD edition year such as 2019",
            "line 7, column AreaCode: A81001 is also on line 2 for 2019; each practice may have one score an \
             edition",
        ]
    );
}

#[test]
fn epraccur_refuses_bad_rows_by_field_and_flags_blank_mandatory_fields() {
    let row = |code: &str, name: &str, status: &str, opened: &str| {
        let mut fields = vec![String::new(); 27];
        for (at, value) in [(0, code), (1, name), (10, opened), (12, status), (25, "4")] {
            fields[at] = value.to_owned();
        }
        fields.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(",") + "\r\n"
    };
    let good = row("A81001", "", "A", "19740401");
    let file = epraccur::read_epraccur(good.as_bytes()).expect("reads");
    assert_eq!((file.rows[0].name.as_str(), file.flags[0].field.as_str()), ("", "Name (field 2)"));
    let text = [good.clone(), row("A81002", "B", "A", "1974-04-01"), good, "\"A81003\",\"C\"\r\n".to_owned()]
        .concat();
    let errors = epraccur::read_epraccur(text.as_bytes()).expect_err("refused");
    assert_eq!(
        problems(&errors),
        [
            "line 2, column Open Date (field 11): \"1974-04-01\" is not a date written YYYYMMDD",
            "line 3, column Organisation Code (field 1): A81001 is also on line 1; each practice may appear once",
            "line 4: This row has 2 fields but the file has 27",
        ]
    );
}
