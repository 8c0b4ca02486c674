//! The appointments crosstab: folded into practice-months whose tallies equal a plain sum of the file,
//! re-imported without change, refused whole for damage with its line, and never for a value.

use super::{actor, fixture, records, stores, temp_file};
use lantern_import::appointments::{import_appointments_file, read_appointments};
use lantern_import::reference::ReferenceError;
use std::collections::BTreeMap;

const CROSSTAB: &str = "appointments/Practice_Level_Crosstab_handmade.csv";

/// (month as `YYYY-MM`, practice) → (total, video/online, attended, same day, GP), summed from the
/// file's cells with nothing but string comparison.
fn naive_sums(bytes: &[u8]) -> BTreeMap<(String, String), [i64; 5]> {
    let rows = records(bytes);
    let at = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let (month, code, count) =
        (at("APPOINTMENT_MONTH_START_DATE"), at("GP_CODE"), at("COUNT_OF_APPOINTMENTS"));
    let (mode, status, lead, hcp) =
        (at("APPT_MODE"), at("APPT_STATUS"), at("TIME_BETWEEN_BOOK_AND_APPT"), at("HCP_TYPE"));
    let mut sums = BTreeMap::new();
    for row in &rows[1..] {
        let period = match &row[month][2..] {
            "OCT2025" => "2025-10",
            "NOV2025" => "2025-11",
            other => panic!("month {other}"),
        };
        let n: i64 = row[count].parse().expect("a count");
        let sum: &mut [i64; 5] = sums.entry((period.to_owned(), row[code].clone())).or_default();
        sum[0] += n;
        sum[1] += if row[mode] == "Video Conference/Online" { n } else { 0 };
        sum[2] += if row[status] == "Attended" { n } else { 0 };
        sum[3] += if row[lead] == "Same Day" { n } else { 0 };
        sum[4] += if row[hcp] == "GP" { n } else { 0 };
    }
    sums
}

#[tokio::test]
async fn the_crosstab_folds_into_practice_months_equal_to_a_plain_sum_and_reimports_unchanged() {
    let path = fixture(CROSSTAB);
    let bytes = std::fs::read(&path).expect("fixture");
    let expected = naive_sums(&bytes);
    let all: i64 = expected.values().map(|s| s[0]).sum();
    for db in stores().await {
        let (report, placed) =
            import_appointments_file(&db.store, &path, None, &actor()).await.expect("imports");
        assert!(placed.is_none());
        assert_eq!(report.stats.rows_read as usize, records(&bytes).len() - 1);
        assert_eq!(report.stats.totals["appointments (COUNT_OF_APPOINTMENTS)"], all);
        assert_eq!(report.stored.created as usize, expected.len());
        assert!(report.stats.flags.is_empty(), "{:?}", report.stats.flag_examples);
        let stored = db.store.access_appointment_months(None).await.expect("read");
        let got: BTreeMap<(String, String), [i64; 5]> = stored
            .iter()
            .map(|m| {
                (
                    (m.period.clone(), m.practice.clone()),
                    [m.total, m.video_online, m.attended, m.same_day, m.gp],
                )
            })
            .collect();
        assert_eq!(got, expected);
        for m in &stored {
            let modes = m.face_to_face + m.telephone + m.video_online + m.home_visit + m.mode_unknown;
            let statuses = m.attended + m.dna + m.status_unknown;
            let staff = m.gp + m.other_staff + m.hcp_unknown;
            assert_eq!((modes, statuses, staff), (m.total, m.total, m.total), "{m:?}");
        }
        assert_eq!(stored.iter().find(|m| m.practice == "Y99902").map(|m| m.supplier.as_str()), Some("TPP"));
        let shares = db.store.appointment_shares(Some("Y99901")).await.expect("shares");
        let oct = &expected[&("2025-10".to_owned(), "Y99901".to_owned())];
        assert_eq!(shares[0].video_online_share, Some(oct[1] as f64 / oct[0] as f64));

        let before = db.store.access_row_counts().await.expect("counts");
        let (again, _) = import_appointments_file(&db.store, &path, None, &actor()).await.expect("imports");
        assert_eq!((again.stored.created, again.stored.updated), (0, 0));
        assert_eq!(again.stored.unchanged as usize, expected.len());
        assert_eq!(db.store.access_row_counts().await.expect("counts"), before);
        assert_eq!(db.store.access_appointment_months(None).await.expect("read"), stored);
    }
}

#[tokio::test]
async fn the_mapping_places_each_practice_at_the_crosstabs_latest_month() {
    for db in stores().await {
        let mapping = fixture("appointments/Mapping_handmade.csv");
        let (_, placed) = import_appointments_file(&db.store, &fixture(CROSSTAB), Some(&mapping), &actor())
            .await
            .expect("imports");
        let placed = placed.expect("a mapping report");
        assert_eq!(placed.stats.periods.keys().collect::<Vec<_>>(), ["2025-11"]);
        assert_eq!(placed.stats.flags.get("unallocated"), Some(&1));
        let places = db.store.uptake_places_latest().await.expect("places");
        let one = &places["Y99901"];
        let seen = (one.pcn.as_deref(), one.sub_icb.as_deref(), one.icb.as_deref(), one.region.as_deref());
        assert_eq!(seen, (Some("U99901"), Some("99X"), Some("QXX"), Some("Y99")));
        assert_eq!(places["Y99903"].pcn, None, "PCN U is no PCN");
    }
}

#[tokio::test]
async fn a_damaged_crosstab_is_refused_naming_line_and_column_and_nothing_is_written() {
    let text = std::fs::read_to_string(fixture(CROSSTAB)).expect("fixture");
    let lines: Vec<&str> = text.split_inclusive("\r\n").collect();
    let spoil = |n: usize, with: String| {
        let mut spoiled = lines.clone();
        spoiled[n - 1] = Box::leak(with.into_boxed_str());
        spoiled.concat()
    };
    let line7 = lines[6].trim_end();
    let cases = [
        (spoil(7, format!("{}\r\n", line7.rsplit_once(',').expect("cells").0)), "line 7", "fields"),
        (
            spoil(7, format!("{}\r\n", line7.replacen("01OCT2025", "sometime", 1))),
            "line 7",
            "APPOINTMENT_MONTH_START_DATE",
        ),
        (
            spoil(9, {
                let mut cells: Vec<String> = records(lines[8].as_bytes()).remove(0);
                cells[12] = "twelve".into();
                let quoted: Vec<String> = cells
                    .iter()
                    .map(|c| if c.contains(',') { format!("\"{c}\"") } else { c.clone() })
                    .collect();
                format!("{}\r\n", quoted.join(","))
            }),
            "line 9",
            "COUNT_OF_APPOINTMENTS",
        ),
        (format!("{}{}", text, lines[2]), "also on line 3", "once"),
    ];
    for (spoiled, at, what) in cases {
        let (_dir, path) = temp_file("Practice_Level_Crosstab_Oct_25.csv", spoiled.as_bytes());
        for db in stores().await {
            let error =
                import_appointments_file(&db.store, &path, None, &actor()).await.expect_err("refused");
            let ReferenceError::Invalid(errors) = &error else { panic!("{error}") };
            let shown = error.to_string();
            assert!(shown.contains(at) && shown.contains(what), "{shown}");
            assert!(errors.total() >= 1);
            assert_eq!(
                db.store.access_row_counts().await.expect("counts").appointments,
                0,
                "nothing written"
            );
        }
    }
    let error = read_appointments("GP_CODE,COUNT\r\nY99901,1\r\n".as_bytes()).expect_err("not this file");
    assert!(format!("{error:?}").contains("APPT_MODE"), "{error:?}");
}

#[tokio::test]
async fn blank_negative_and_unknown_values_are_kept_flagged_and_counted_never_refused() {
    let text = "APPOINTMENT_MONTH_START_DATE,GP_CODE,SUPPLIER,HCP_TYPE,APPT_MODE,NATIONAL_CATEGORY,TIME_BETWEEN_BOOK_AND_APPT,COUNT_OF_APPOINTMENTS,APPT_STATUS\r\n\
        01OCT2025,Y99901,EMIS,GP,Face-to-Face,Walk-in,Same Day,10,Attended\r\n\
        01OCT2025,Y99901,EMIS,GP,Telephone,Walk-in,Same Day,,Attended\r\n\
        01OCT2025,Y99901,EMIS,GP,Video Conference/Online,Walk-in,Same Day,-3,Attended\r\n\
        01OCT2025,Y99901,EMIS,Robot,Carrier pigeon,Walk-in,Next week,4,Maybe\r\n\
        01OCT2025,Y99902,,GP,Home Visit,Walk-in,1 Day,2,DNA\r\n";
    let file = read_appointments(text.as_bytes()).expect("a value is never refused");
    let flags: Vec<(&str, &str, &str)> =
        file.flags.iter().map(|f| (f.practice.as_str(), f.kind.as_str(), f.field.as_str())).collect();
    assert_eq!(
        flags,
        [
            ("Y99901", "blank_value", "COUNT_OF_APPOINTMENTS"),
            ("Y99901", "negative_value", "COUNT_OF_APPOINTMENTS"),
            ("Y99901", "unknown_code", "APPT_MODE"),
            ("Y99901", "unknown_code", "APPT_STATUS"),
            ("Y99901", "unknown_code", "TIME_BETWEEN_BOOK_AND_APPT"),
            ("Y99901", "unknown_code", "HCP_TYPE"),
            ("Y99902", "blank_value", "SUPPLIER"),
        ]
    );
    assert!(file.flags[1].detail.starts_with("line 4:"), "{}", file.flags[1].detail);
    assert_eq!(file.stats.flags.get("unknown_code"), Some(&4));
    let one = &file.rows[0];
    assert_eq!(
        (one.total, one.face_to_face, one.mode_unknown, one.status_unknown, one.rows_left_out),
        (14, 10, 4, 4, 2)
    );
    assert_eq!((one.lead_time_unknown, one.hcp_unknown, one.video_online), (4, 4, 0));
    assert_eq!(file.stats.counts["rows left out (blank or negative count)"], 2);
    for db in stores().await {
        let (_dir, path) = temp_file("quirks.csv", text.as_bytes());
        let (report, _) = import_appointments_file(&db.store, &path, None, &actor()).await.expect("imports");
        assert_eq!(report.stored.created, 2);
        assert_eq!(db.store.uptake_flags("appointments", None).await.expect("flags").len(), 7);
        let (again, _) = import_appointments_file(&db.store, &path, None, &actor()).await.expect("imports");
        assert_eq!(again.stored.unchanged, 2);
        assert_eq!(db.store.uptake_flags("appointments", None).await.expect("flags").len(), 7);
    }
}
