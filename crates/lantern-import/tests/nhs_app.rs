//! NHS App Management Information Statistics, on three real monthly workbooks (June, July, August
//! 2025; re-saved copies, see `fixtures/README.md`). England's and the ICBs' figures equal a plain
//! scan of the worksheets' XML, the ICB rows add up to England's as the publication says they do,
//! re-import changes nothing, damage is refused by sheet, row and column, and value quirks are
//! flagged and kept, never refused.

mod shared;
use lantern_import::nhs_app::{import_nhs_app_file, read_nhs_app};
use lantern_import::reference::ReferenceError;
use shared::workbook::{column_values, spoiled};
use shared::{actor, fixture, stores, temp_file};

const JUNE: &str = "nhs-app/NHS App Management Information Statistics - June 2025.xlsx";
const JULY: &str = "nhs-app/NHS App Management Information Statistics - July 2025.xlsx";
const AUGUST: &str = "nhs-app/NHS App Management Information Statistics - August 2025.xlsx";
const TABLE_1: &str = "xl/worksheets/sheet3.xml";
const TABLE_2: &str = "xl/worksheets/sheet4.xml";

/// Table 1's figures by scanning its XML: per month column (C on), [logins, unique users] from rows 4
/// and 5. No spreadsheet reader, and no reading of the month labels.
fn naive_england(name: &str) -> Vec<[i64; 2]> {
    "CDEFGH"
        .chars()
        .map(|column| column_values(name, TABLE_1, column, 4))
        .filter(|values| !values.is_empty())
        .map(|values| [values[0], values[1]])
        .collect()
}

/// Table 2's logins (column F) and unique users (G) over every data row, by scanning its XML.
fn naive_icb_sums(name: &str) -> [i64; 2] {
    ['F', 'G'].map(|column| column_values(name, TABLE_2, column, 4).iter().sum())
}

/// `xml` with cell `reference`'s whole element replaced by `with` (which must name the same cell).
fn replace_cell(xml: &str, reference: &str, with: &str) -> String {
    let start = xml.find(&format!("<c r=\"{reference}\"")).expect("the cell");
    let rest = &xml[start..];
    let tag_end = rest.find('>').expect("a tag");
    let end = if rest[..tag_end].ends_with('/') {
        start + tag_end + 1
    } else {
        start + rest.find("</c>").expect("its end") + "</c>".len()
    };
    format!("{}{with}{}", &xml[..start], &xml[end..])
}

fn number(reference: &str, value: &str) -> String {
    format!("<c r=\"{reference}\"><v>{value}</v></c>")
}

fn text(reference: &str, value: &str) -> String {
    format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{value}</t></is></c>")
}

#[tokio::test]
async fn real_workbooks_import_at_england_and_icb_level_and_reimport_changes_nothing() {
    // (fixture, months it holds, newest month). 42 ICBs and one Unknown row a month, and England.
    let cases = [(JUNE, 4u64, "2025-06"), (JULY, 5, "2025-07"), (AUGUST, 6, "2025-08")];
    for db in stores().await {
        let mut stored_before = 0u64;
        for (name, months, newest) in cases {
            let report = import_nhs_app_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            assert_eq!(report.stats.counts["ICBs"], 42, "{name}");
            assert_eq!(report.stats.counts["England months (Table 1)"], months, "{name}");
            assert_eq!(report.stats.rows_read, months * 43, "{name}");
            // Each workbook republishes the earlier months unchanged: only the newest is new.
            assert_eq!(
                (report.stored.created, report.stored.updated, report.stored.unchanged),
                (months * 44 - stored_before, 0, stored_before),
                "{name}"
            );
            stored_before = months * 44;

            // England: what is stored equals Table 1's cells, and Table 2's rows add up to it.
            let england = db.store.nhs_app_england_months("2025-01", "2025-12").await.expect("read");
            assert_eq!(england.len() as u64, months);
            let naive = naive_england(name);
            let stored_sum = [
                england.iter().filter_map(|m| m.logins).sum::<i64>(),
                england.iter().filter_map(|m| m.unique_user_logins).sum::<i64>(),
            ];
            let naive_sum =
                [naive.iter().map(|m| m[0]).sum::<i64>(), naive.iter().map(|m| m[1]).sum::<i64>()];
            assert_eq!(stored_sum, naive_sum, "{name}");
            assert_eq!(naive_icb_sums(name), naive_sum, "{name}: Table 2 adds up to Table 1");
            for month in &england {
                let rows = db.store.nhs_app_month(&month.period).await.expect("read");
                assert_eq!(rows.len(), 44);
                let parts: i64 = rows.iter().filter(|r| r.level != "england").filter_map(|r| r.logins).sum();
                assert_eq!(Some(parts), month.logins, "{} in {name}", month.period);
            }
            // The newest month is Table 1's first column (C), whatever its label says.
            let newest_row = db.store.nhs_app_england_months(newest, newest).await.expect("read");
            assert_eq!(newest_row.len(), 1);
            assert_eq!([newest_row[0].logins, newest_row[0].unique_user_logins], naive[0].map(Some));
        }
        // Greater Manchester (QOP), June 2025, row 171 of the June workbook's Table 2.
        let qop = db.store.nhs_app_icb_months("QOP", "2025-06", "2025-06").await.expect("read");
        assert_eq!((qop[0].logins, qop[0].unique_user_logins), (Some(2_791_609), Some(607_905)));
        assert_eq!(qop[0].region.as_deref(), Some("Y62"));
        assert_eq!(db.store.nhs_app_icb_months("QOP", "2025-03", "2025-08").await.expect("read").len(), 6);
        assert!(db
            .store
            .nhs_app_icb_months("E92000001", "2025-03", "2025-08")
            .await
            .expect("read")
            .is_empty());
        assert!(db.store.nhs_app_icb_months("Unknown", "2025-03", "2025-08").await.expect("read").is_empty());

        let before = db.store.nhs_app_row_count().await.expect("count");
        assert_eq!(before, 6 * 44);
        for (name, ..) in cases {
            let again = import_nhs_app_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            assert_eq!((again.stored.created, again.stored.updated), (0, 0), "{name}");
        }
        assert_eq!(db.store.nhs_app_row_count().await.expect("count"), before);
        assert_eq!(db.store.uptake_flags("nhs_app", None).await.expect("flags").len(), 1);
    }
}

#[test]
fn table_1s_repeated_june_label_is_read_as_july_and_flagged() {
    // July's and August's Table 1 head two columns with June 2025 (serial 45809); the first of them in
    // July (C) and the second in August (D) hold Table 2's July sums.
    let june = read_nhs_app(&fixture(JUNE)).expect("imports");
    assert!(june.stats.flags.is_empty(), "{:?}", june.stats.flag_examples);
    for (name, column) in [(JULY, 'C'), (AUGUST, 'D')] {
        let file = read_nhs_app(&fixture(name)).expect("imports");
        assert_eq!(file.stats.flags.len(), 1, "{:?}", file.stats.flag_examples);
        assert_eq!(file.stats.flags.get("month_relabelled"), Some(&1), "{name}");
        let flag = &file.flags[0];
        assert_eq!((flag.practice.as_str(), flag.period.as_str()), ("E92000001", "2025-07"));
        assert!(
            flag.detail.starts_with(&format!("line 3: column {column} is labelled 2025-06")),
            "{}",
            flag.detail
        );
        let july = file.rows.iter().find(|r| r.level == "england" && r.period == "2025-07").expect("July");
        let cells = column_values(name, TABLE_1, column, 4);
        assert_eq!((july.logins, july.unique_user_logins), (Some(cells[0]), Some(cells[1])));
        let months: Vec<&str> =
            file.rows.iter().filter(|r| r.level == "england").map(|r| r.period.as_str()).collect();
        let distinct: std::collections::BTreeSet<&&str> = months.iter().collect();
        assert_eq!(distinct.len(), months.len(), "{name}: each month once");
    }
}

#[test]
fn value_quirks_are_kept_and_flagged_never_refused() {
    // The June workbook's Table 2 holds March in rows 4-46, April 47-89, May 90-132, June 133-175.
    let bytes = spoiled(JUNE, TABLE_2, |xml| {
        let xml = replace_cell(&xml, "F4", "<c r=\"F4\"/>");
        let xml = replace_cell(&xml, "G100", &text("G100", "*"));
        let xml = replace_cell(&xml, "F140", &number("F140", "-5"));
        let xml = replace_cell(&xml, "G141", &number("G141", "99999999"));
        replace_cell(&xml, "F50", &number("F50", "99999999"))
    });
    let (_dir, path) = temp_file("NHS App Management Information Statistics - June 2025.xlsx", &bytes);
    let file = read_nhs_app(&path).expect("values never refuse the file");
    let flags = &file.stats.flags;
    assert_eq!(flags.get("blank_value"), Some(&2), "{:?}", file.stats.flag_examples);
    assert_eq!(flags.get("negative_value"), Some(&1));
    assert_eq!(flags.get("implausible"), Some(&1), "more users than logins");
    // April's ICB rows no longer add up to England's; the months with an unknown figure are not checked.
    assert_eq!(flags.get("sum_mismatch"), Some(&1));
    let mismatch = file.flags.iter().find(|f| f.kind == "sum_mismatch").expect("flagged");
    assert_eq!((mismatch.practice.as_str(), mismatch.period.as_str()), ("E92000001", "2025-04"));
    // The untouched workbook's Table 2 rows, in file order from row 4: which ICB-month each spoiled row is.
    let original = read_nhs_app(&fixture(JUNE)).expect("imports");
    let untouched: Vec<_> = original.rows.iter().filter(|r| r.level != "england").collect();
    let row = |line: usize| {
        let was = untouched[line - 4];
        file.rows.iter().find(|r| r.code == was.code && r.period == was.period).expect("kept").clone()
    };
    assert_eq!((row(4).period.as_str(), row(4).logins), ("2025-03", None));
    assert_eq!((row(100).period.as_str(), row(100).unique_user_logins), ("2025-05", None));
    assert_eq!((row(140).period.as_str(), row(140).logins), ("2025-06", Some(-5)));
    assert_eq!(row(141).unique_user_logins, Some(99_999_999));
    assert_eq!(row(141).logins, untouched[141 - 4].logins);
}

#[tokio::test]
async fn a_damaged_workbook_is_refused_naming_sheet_row_and_column_and_nothing_is_written() {
    let bad_code = spoiled(JUNE, TABLE_2, |xml| replace_cell(&xml, "B5", &text("B5", "Q12X")));
    let not_a_date = spoiled(JUNE, TABLE_2, |xml| replace_cell(&xml, "A6", &number("A6", "45717.5")));
    let twice = spoiled(JUNE, TABLE_2, |xml| replace_cell(&xml, "B8", &text("B8", "QJG")));
    let no_header = spoiled(JUNE, TABLE_2, |xml| {
        let start = xml.find("<row r=\"3\"").expect("row 3");
        let end = start + xml[start..].find("</row>").expect("its end") + "</row>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    });
    // Two columns labelled June whose figures are no month's sums cannot be told apart.
    let same_month = spoiled(JUNE, TABLE_1, |xml| {
        let xml = replace_cell(&xml, "D3", &number("D3", "45809"));
        replace_cell(&xml, "D4", &number("D4", "1"))
    });
    for (bytes, expected) in [
        (bad_code, "line 5, column ICB ODS Code: sheet \"Table 2\": \"Q12X\" is not an ICB code"),
        (not_a_date, "line 6, column Month: sheet \"Table 2\": 45717.5 is not a date"),
        (twice, "line 8, column ICB ODS Code: sheet \"Table 2\": QJG in 2025-03 is also on row 4"),
        (no_header, "sheet \"Table 2\" has no header row naming \"ICB ODS Code\""),
        (same_month, "line 3, column D: sheet \"Table 1\": month 2025-06 heads more than one column"),
    ] {
        let (_dir, path) = temp_file("NHS App Management Information Statistics - June 2025.xlsx", &bytes);
        for db in stores().await {
            let error = import_nhs_app_file(&db.store, &path, &actor()).await.expect_err("refused");
            assert!(matches!(error, ReferenceError::Invalid(_)), "{error}");
            assert!(error.to_string().contains(expected), "{expected:?} in {error}");
            assert_eq!(db.store.nhs_app_row_count().await.expect("count"), 0, "nothing written");
        }
    }
    let (_dir, csv) = temp_file("not a workbook.xlsx", b"Month,ICB ODS Code\r\n");
    let error = read_nhs_app(&csv).expect_err("refused");
    assert!(error.to_string().contains("not a readable .xlsx workbook"), "{error}");
}
