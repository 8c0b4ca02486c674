//! Cloud Based Telephony: the practice table of two real publication summaries (cut to a few PCNs;
//! see `fixtures/README.md`). Shared phone accounts stay apart from practices, totals equal a plain
//! scan of the worksheet's XML, re-import changes nothing, damage is refused by row, quirks flagged.

use super::shared::workbook::{column_values, spoiled};
use super::{actor, fixture, stores, temp_file};
use lantern_core::uptake::access::CbtStatus;
use lantern_import::cbt::{import_cbt_file, read_cbt};
use lantern_import::reference::ReferenceError;

const OCTOBER: &str = "cbt/Cloud Based Telephony Publication Summary October 2025.sample.xlsx";
const NOVEMBER: &str = "cbt/Cloud Based Telephony Publication Summary November 2025.sample.xlsx";
const TABLE_3: &str = "xl/worksheets/sheet5.xml";

/// The sum of column L (`Count of Inbound calls`) over the data rows (15 on; row 13 is the national
/// total), by scanning the worksheet's XML text for `<c r="L…"…><v>…</v>`: no spreadsheet reader.
fn naive_inbound(name: &str) -> i64 {
    column_values(name, TABLE_3, 'L', 15).iter().sum()
}

#[tokio::test]
async fn real_summaries_import_with_shared_accounts_kept_apart_and_reimport_unchanged() {
    // Split between practices' own accounts and shared ones, and counts of each, worked out with
    // openpyxl when the fixtures were cut: (practice-own inbound, shared inbound, practices, shared accounts).
    let cases =
        [(OCTOBER, "2025-10", 123_876, 1_039_344, 16, 27), (NOVEMBER, "2025-11", 80_003, 1_176_195, 13, 35)];
    for db in stores().await {
        for (name, period, own, shared, practices, accounts) in cases {
            let report = import_cbt_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            let totals = &report.stats.totals;
            let both =
                totals["inbound calls, practices' own accounts"] + totals["inbound calls, shared accounts"];
            assert_eq!(both, naive_inbound(name), "{name}");
            assert_eq!(
                (totals["inbound calls, practices' own accounts"], totals["inbound calls, shared accounts"]),
                (own, shared)
            );
            assert_eq!(report.stats.practices, practices);
            assert_eq!(report.stats.counts["shared phone accounts (figures given to no practice)"], accounts);
            assert_eq!(report.stored.created, practices + accounts);
            assert_eq!(report.stats.other_organisation_rows.get("England (Total)"), Some(&1));
            let months = db.store.cbt_months(period).await.expect("read");
            assert_eq!(months.len() as u64, practices + accounts);
            let stored: i64 = months.iter().filter_map(|m| m.inbound).sum();
            assert_eq!(stored, naive_inbound(name));
        }
        // The PCN U74819 shared account (6,416 calls in October) is not any of its practices' figures.
        let CbtStatus::Reported(own) = db.store.cbt_status("E81615", "2025-10").await.expect("status") else {
            panic!("E81615 reports its own account")
        };
        assert_eq!(own.inbound, Some(2_497));
        let shared: Vec<_> = db.store.cbt_months("2025-10").await.expect("read");
        let u74819: Vec<_> =
            shared.iter().filter(|m| m.account == "shared" && m.pcn.as_deref() == Some("U74819")).collect();
        assert_eq!(u74819.len(), 1);
        assert_eq!((u74819[0].practice.as_str(), u74819[0].inbound), ("shared-1", Some(6_416)));
        assert_eq!(db.store.cbt_status("E81615", "2025-12").await.expect("status"), CbtStatus::NotReported);

        let before = db.store.access_row_counts().await.expect("counts");
        for (name, ..) in cases {
            let again = import_cbt_file(&db.store, &fixture(name), &actor()).await.expect("imports");
            assert_eq!((again.stored.created, again.stored.updated), (0, 0), "{name}");
        }
        assert_eq!(db.store.access_row_counts().await.expect("counts"), before);
    }
}

#[test]
fn published_quirks_are_kept_and_flagged_never_refused() {
    let october = read_cbt(&fixture(OCTOBER)).expect("imports");
    // N81111 left `Call back requested` blank; N84006 made 79 call backs of 78 requested; 9 rows'
    // outcomes do not add up to their inbound calls (all worked out with openpyxl).
    assert_eq!(october.stats.flags.get("blank_value"), Some(&1));
    assert_eq!(october.stats.flags.get("sum_mismatch"), Some(&10));
    let blank = october.flags.iter().find(|f| f.kind == "blank_value").expect("a blank");
    assert_eq!((blank.practice.as_str(), blank.field.as_str()), ("N81111", "Call back requested"));
    assert!(blank.detail.starts_with("line 2984:"), "{}", blank.detail);
    let n81111 = october.rows.iter().find(|r| r.practice == "N81111").expect("kept");
    assert_eq!((n81111.inbound, n81111.callback_requested), (Some(6_205), None));
    let made = october.flags.iter().filter(|f| f.practice == "N84006").map(|f| f.field.as_str());
    assert!(made.collect::<Vec<_>>().contains(&"Call back made"));
    let november = read_cbt(&fixture(NOVEMBER)).expect("imports");
    assert_eq!(november.stats.flags.get("sum_mismatch"), Some(&2));
}

#[tokio::test]
async fn a_damaged_workbook_is_refused_naming_row_and_column_and_nothing_is_written() {
    let not_whole = spoiled(OCTOBER, TABLE_3, |xml| xml.replacen("<v>7993</v>", "<v>79.5</v>", 1));
    let no_header = spoiled(OCTOBER, TABLE_3, |xml| {
        let start = xml.find("<row r=\"10\"").expect("row 10");
        let end = start + xml[start..].find("</row>").expect("its end") + "</row>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    });
    for (bytes, expected) in [
        (not_whole, "line 15, column Count of Inbound calls: \"79.5\" is not a count"),
        (no_header, "no header row naming \"GP Practice (ODS_CODE)\""),
    ] {
        let (_dir, path) = temp_file("Cloud Based Telephony Publication Summary October 2025.xlsx", &bytes);
        for db in stores().await {
            let error = import_cbt_file(&db.store, &path, &actor()).await.expect_err("refused");
            assert!(matches!(error, ReferenceError::Invalid(_)), "{error}");
            assert!(error.to_string().contains(expected), "{error}");
            assert_eq!(db.store.access_row_counts().await.expect("counts").cbt, 0, "nothing written");
        }
    }
    let (_dir, csv) = temp_file("not a workbook.xlsx", b"Month,GP Practice\r\n");
    let error = read_cbt(&csv).expect_err("refused");
    assert!(error.to_string().contains("not a readable .xlsx workbook"), "{error}");
}
