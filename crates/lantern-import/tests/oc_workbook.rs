//! Submissions via Online Consultation Systems, the monthly workbook's practice table (`Table 2`), on
//! two real publications cut to a few practices (see `fixtures/online-consultations/README.md`): the
//! April 2024 layout and the February 2026 one (with `Participation`). Totals equal a plain scan of
//! the worksheet's XML, re-import changes nothing, damage is refused by row, quirks and the
//! publisher's notes are flagged.

mod shared;
use lantern_import::oc::read_oc;
use lantern_import::oc_table2::{import_oc_table2_file, read_oc_table2};
use lantern_import::reference::ReferenceError;
use shared::workbook::{column_values, spoiled};
use shared::{actor, fixture, stores, temp_file};

const APRIL_2024: &str =
    "online-consultations/Submissions via Online Consultation Systems in General Practice - April 2024.sample.xlsx";
const FEBRUARY_2026: &str =
    "online-consultations/Submissions via OC Systems in General Practice - February 2026.sample.xlsx";
const TABLE_2: &str = "xl/worksheets/sheet4.xml";

/// The values of `column` in rows 13 on (the practice rows; the notes below them leave it empty),
/// by scanning the worksheet's XML text for `<c r="M…"…><v>…</v>`: no spreadsheet reader.
fn naive_column(name: &str, column: char) -> Vec<i64> {
    column_values(name, TABLE_2, column, 13)
}

#[tokio::test]
async fn real_workbooks_import_into_the_oc_table_and_reimport_changes_nothing() {
    // (fixture, month, practices, submissions, registered patients), the last two worked out with
    // Python's xml.etree when the fixtures were cut; the test checks them against its own XML scan too.
    let cases = [(APRIL_2024, "2024-04", 10, 5_084, 111_700), (FEBRUARY_2026, "2026-02", 19, 8_182, 188_781)];
    for db in stores().await {
        for (name, period, practices, submissions, registered) in cases {
            let naive_submissions: i64 = naive_column(name, 'M').iter().sum();
            let naive_registered: i64 = naive_column(name, 'Q').iter().sum();
            assert_eq!((naive_submissions, naive_registered), (submissions, registered), "{name}");
            assert_eq!(naive_column(name, 'M').len(), practices as usize, "{name}");

            let report = import_oc_table2_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            assert_eq!(report.stats.totals["submissions (Submissions)"], naive_submissions);
            assert_eq!(report.stats.practices, practices);
            assert_eq!(report.stats.periods.get(period), Some(&practices));
            assert_eq!(report.stored.created, practices);
            let months = db.store.uptake_oc_months(Some(period)).await.expect("read");
            assert_eq!(months.len() as u64, practices);
            let stored: i64 = months.iter().filter_map(|m| m.total_submissions).sum();
            let stored_registered: i64 = months.iter().filter_map(|m| m.patients_registered).sum();
            assert_eq!((stored, stored_registered), (naive_submissions, naive_registered));
            // The workbook publishes neither capability nor system usage: unknown, never zero.
            assert!(months.iter().all(|m| m.capability.is_none() && m.system_usage.is_none()));
        }
        // A comma-joined supplier list is kept as published.
        let february = db.store.uptake_oc_months(Some("2026-02")).await.expect("read");
        let a81004 = february.iter().find(|m| m.practice == "A81004").expect("kept");
        assert_eq!(a81004.supplier, "ECONSULT HEALTH LIMITED, TPP");
        assert_eq!((a81004.total_submissions, a81004.participation), (Some(2_005), Some(1)));
        let april = db.store.uptake_oc_months(Some("2024-04")).await.expect("read");
        assert!(
            april.iter().all(|m| m.participation.is_none()),
            "the April 2024 layout has no Participation"
        );

        let before = db.store.uptake_reference_row_counts().await.expect("counts");
        let flags_before = db.store.uptake_flags("oc", None).await.expect("flags").len();
        for (name, ..) in cases {
            let again = import_oc_table2_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            assert_eq!((again.stored.created, again.stored.updated), (0, 0), "{name}");
        }
        assert_eq!(db.store.uptake_reference_row_counts().await.expect("counts"), before);
        assert_eq!(db.store.uptake_flags("oc", None).await.expect("flags").len(), flags_before);
    }
}

#[test]
fn no_data_suppliers_and_incomplete_supplier_months_are_flagged_never_dropped() {
    let april = read_oc_table2(&fixture(APRIL_2024)).expect("imports");
    assert!(april.flags.is_empty(), "{:?}", april.flags);
    let february = read_oc_table2(&fixture(FEBRUARY_2026)).expect("imports");
    // Four practices' supplier is published as "No Data" (three) or "No data" (Y07819): kept, with
    // their zeros as published, and flagged.
    let no_data: Vec<_> = february.flags.iter().filter(|f| f.kind == "missing_field").collect();
    assert_eq!(no_data.len(), 4, "{no_data:?}");
    assert!(no_data.iter().all(|f| f.field == "Supplier" && f.detail.contains("not a measure of demand")));
    let y07819 = february.rows.iter().find(|r| r.practice == "Y07819").expect("kept");
    assert_eq!((y07819.supplier.as_str(), y07819.total_submissions), ("No data", Some(0)));
    // February 2026's notes: partial data from Blinx and Engage Health (two practices each in the
    // fixture), none from Sensely (no practice here); iPlato is not named for February.
    let incomplete: Vec<(&str, &str)> = february
        .flags
        .iter()
        .filter(|f| f.kind == "incomplete_supplier")
        .map(|f| (f.practice.as_str(), f.field.as_str()))
        .collect();
    assert_eq!(incomplete.len(), 4, "{incomplete:?}");
    let fields: std::collections::BTreeSet<&str> = incomplete.iter().map(|(_, field)| *field).collect();
    assert_eq!(fields, ["BLINX", "ENGAGE HEALTH"].into());
    assert_eq!(february.stats.flags.get("incomplete_supplier"), Some(&4));
    assert_eq!(february.rows.iter().filter(|r| r.participation == Some(0)).count(), 1);
}

#[test]
fn months_before_the_method_change_are_flagged_in_every_layout() {
    // The real long-format sample with its MONTH moved back a year: the cells are as published, only
    // the month differs, to reach the months before April 2024 the fixtures do not cover.
    let csv = std::fs::read_to_string(fixture("oc_submissions_by_practice.sample.csv")).expect("fixture");
    let moved = csv.replace("2024-10-01", "2023-10-01").replace("2024-11-01", "2023-11-01");
    let file = read_oc(moved.as_bytes()).expect("imports");
    let method: Vec<_> = file.flags.iter().filter(|f| f.kind == "method_change").collect();
    assert_eq!(method.len(), file.rows.len());
    assert!(method.iter().all(|f| f.detail.contains("not comparable with months from 2024-04 on")));
    let unmoved = read_oc(csv.as_bytes()).expect("imports");
    assert!(unmoved.flags.iter().all(|f| f.kind != "method_change"));
}

#[tokio::test]
async fn a_damaged_workbook_is_refused_naming_row_and_column_and_nothing_is_written() {
    let not_whole = spoiled(FEBRUARY_2026, TABLE_2, |xml| xml.replacen("<v>157</v>", "<v>157.5</v>", 1));
    let no_header = spoiled(FEBRUARY_2026, TABLE_2, |xml| {
        let start = xml.find("<row r=\"12\"").expect("row 12");
        let end = start + xml[start..].find("</row>").expect("its end") + "</row>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    });
    let twice = spoiled(FEBRUARY_2026, TABLE_2, |xml| {
        // Row 14 (A81002) given A81001's code: the practice twice in the month.
        let start = xml.find("<row r=\"14\"").expect("row 14");
        let row = &xml[start..start + xml[start..].find("</row>").expect("its end")];
        let code_at = row.find("<c r=\"B14\"").expect("B14");
        let (b13, b14) = (cell_value(&xml, "B13"), cell_value(row, "B14"));
        let spoiled_row = format!("{}{}", &row[..code_at], row[code_at..].replacen(&b14, &b13, 1));
        xml.replacen(row, &spoiled_row, 1)
    });
    for (bytes, expected) in [
        (not_whole, "line 13, column Submissions: \"157.5\" is not a count"),
        (no_header, "no header row naming \"GP Code\""),
        (twice, "line 14, column GP Code: A81001 in 2026-02 is also on row 13"),
    ] {
        let (_dir, path) =
            temp_file("Submissions via OC Systems in General Practice - February 2026.xlsx", &bytes);
        for db in stores().await {
            let error = import_oc_table2_file(&db.store, &path, &actor()).await.expect_err("refused");
            assert!(matches!(error, ReferenceError::Invalid(_)), "{error}");
            assert!(error.to_string().contains(expected), "{error}");
            assert_eq!(
                db.store.uptake_reference_row_counts().await.expect("counts").oc,
                0,
                "nothing written"
            );
        }
    }
    let (_dir, csv) = temp_file("not a workbook.xlsx", b"Month,GP Code\r\n");
    let error = read_oc_table2(&csv).expect_err("refused");
    assert!(error.to_string().contains("not a readable .xlsx workbook"), "{error}");
}

/// The `<v>` of cell `r` (a shared-string index for text cells).
fn cell_value(xml: &str, r: &str) -> String {
    let at = xml.find(&format!("<c r=\"{r}\"")).expect("the cell");
    let (_, rest) = xml[at..].split_once("<v>").expect("a value");
    format!("<v>{}</v>", rest.split('<').next().expect("text"))
}
