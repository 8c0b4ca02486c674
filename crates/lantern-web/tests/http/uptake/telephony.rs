//! The practice page's "Telephony (Cloud Based Telephony)" section over HTTP, on the real fixtures
//! (two publication summaries and three daily CSV slices) imported as `lantern import` does. A
//! practice's own figures equal the fixture read a plain second way (the workbook's XML scanned, the
//! CSV split on commas); a practice on a shared account is told so and shown none of the account's
//! numbers; a practice in neither is "not reported", never zero.

use crate::common::{actor, TestApp};
use lantern_core::access::Role;
use lantern_core::uptake::PracticePlace;
use lantern_store::ReferenceBatch;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

const NOVEMBER: &str = "Cloud Based Telephony Publication Summary November 2025.sample.xlsx";
const SUMMARIES: [&str; 2] = ["Cloud Based Telephony Publication Summary October 2025.sample.xlsx", NOVEMBER];
const Y59: &str = "Cloud Based Telephony Calls Answered Metric - June 2026_Y59.sample.csv";
const DAILY: [&str; 3] = [
    Y59,
    "Cloud Based Telephony Calls Answered Metric - June 2026_Unmapped.sample.csv",
    "Cloud Based Telephony By Durations - June 2026_Y58.sample.csv",
];
/// In November's summary with its own account (PCN U74819, which also has a shared account).
const OWN_SUMMARY: &str = "E81615";
/// In the Y59 daily slice with its own account.
const OWN_DAILY: &str = "G81001";
/// Not in any file; the test's practice map places them in PCNs with a shared (`Unassigned`) account:
/// U74819 in the summaries, U88279 in the Y59 slice.
const SHARED_SUMMARY: &str = "E81990";
const SHARED_DAILY: &str = "H81001";
/// In no file and no map.
const ABSENT: &str = "A89999";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../lantern-import/tests/fixtures/cbt").join(name)
}

async fn load(app: &TestApp) {
    for name in SUMMARIES {
        lantern_import::cbt::import_cbt_file(&app.store, &fixture(name), &actor()).await.expect(name);
    }
    for name in DAILY {
        lantern_import::cbt_daily::import_cbt_daily_file(&app.store, &fixture(name), &actor())
            .await
            .expect(name);
    }
    let place = |practice: &str, pcn: &str| PracticePlace {
        extract: "2026-06".into(),
        practice: practice.into(),
        pcn: Some(pcn.into()),
        sub_icb: None,
        icb: None,
        region: None,
        supplier: None,
    };
    let places = [place(SHARED_SUMMARY, "U74819"), place(SHARED_DAILY, "U88279")];
    let detail = serde_json::json!({});
    let batch = ReferenceBatch { rows: &places, flags: &[], names: &[], file: &detail };
    app.store.import_places(batch, &actor()).await.expect("places");
}

/// Table 3's row for `practice` (column B), columns L N P R U X (inbound, answered, IVR, call back
/// requested, missed, call back made), by scanning the workbook's XML text: no spreadsheet reader.
fn naive_summary_row(name: &str, practice: &str) -> [i64; 6] {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(fixture(name)).expect("open")).expect("zip");
    let mut part = |path: &str| {
        let mut text = String::new();
        zip.by_name(path).expect(path).read_to_string(&mut text).expect("UTF-8");
        text
    };
    let (strings, sheet) = (part("xl/sharedStrings.xml"), part("xl/worksheets/sheet5.xml"));
    let index =
        strings.split("<si>").skip(1).position(|si| si.contains(&format!(">{practice}<"))).expect("code");
    let cell = sheet
        .split("<c r=\"B")
        .skip(1)
        .find(|c| {
            c.split("</c>")
                .next()
                .is_some_and(|c| c.contains("t=\"s\"") && c.contains(&format!("<v>{index}</v>")))
        })
        .expect("the practice's row");
    let row: String = cell.chars().take_while(char::is_ascii_digit).collect();
    ['L', 'N', 'P', 'R', 'U', 'X'].map(|column| {
        let at = sheet.find(&format!("<c r=\"{column}{row}\"")).expect("cell");
        let value = sheet[at..].split("<v>").nth(1).and_then(|v| v.split('<').next()).expect("value");
        value.parse().expect("a count")
    })
}

/// CBT003 for `practice` in the slice, summed by wait band over days and core-hours categories, and
/// the days it appears on, by splitting lines on commas.
fn naive_answered(name: &str, practice: &str) -> (BTreeMap<String, i64>, Vec<String>) {
    let text = std::fs::read_to_string(fixture(name)).expect("read");
    let (mut bands, mut days) = (BTreeMap::new(), Vec::new());
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[5] == practice && cells[6] == "CBT003" {
            let value: f64 = cells[9].parse().expect("a value");
            *bands.entry(cells[7].to_owned()).or_insert(0) += value as i64;
            if !days.contains(&cells[0].to_owned()) {
                days.push(cells[0].to_owned());
            }
        }
    }
    (bands, days)
}

/// The page's telephony section, from its heading to its licence line.
fn section(html: &str) -> &str {
    let start = html.find("id=\"telephony\"").expect("the telephony section");
    let end = html[start..].find("id=\"telephony-attribution\"").expect("its licence line");
    &html[start..start + end]
}

/// "12345" → "12,345", written here rather than borrowed from the page's code (a practice's month
/// is well under a million calls).
fn grouped(n: i64) -> String {
    assert!((0..1_000_000).contains(&n), "{n}");
    if n < 1_000 {
        n.to_string()
    } else {
        format!("{},{:03}", n / 1_000, n % 1_000)
    }
}

fn cell(n: i64) -> String {
    format!("nhsuk-table__cell--numeric\">{}</td>", grouped(n))
}

async fn a_practice_with_its_own_account_shows_its_calls(app: TestApp) {
    load(&app).await;
    let browser = app.browser_as(Role::Staff).await;
    let page = browser.get(&format!("/uptake?practice={OWN_SUMMARY}")).await;
    assert_eq!(page.status(), 200, "telephony alone is enough to answer");
    let html = page.text().await.expect("html");
    let t = section(&html);
    assert!(t.contains("Calls and what happened to them, November 2025"), "the latest month: {t}");
    let [inbound, answered, ivr, requested, missed, made] = naive_summary_row(NOVEMBER, OWN_SUMMARY);
    for n in [inbound, answered, ivr, requested, missed, made] {
        assert!(t.contains(&cell(n)), "{n} shown: {t}");
    }
    let share = format!("{:.1}% of inbound", answered as f64 * 100.0 / inbound as f64);
    assert!(t.contains(&share), "{share}: {t}");
    assert!(t.contains("Source: NHS England, Cloud Based Telephony Publication Summary"));
    assert!(html.contains("Open Government Licence v3.0"));
    // Not in the daily files: missing, not zero.
    assert!(
        t.contains("id=\"telephony-not-reported-daily\">Not reported for June 2026 (missing, not zero)."),
        "{t}"
    );

    let html = browser.get_html(&format!("/uptake?practice={OWN_DAILY}")).await;
    let t = section(&html);
    let (bands, days) = naive_answered(Y59, OWN_DAILY);
    assert!(!bands.is_empty() && !days.is_empty(), "the slice holds the practice");
    for (band, calls) in &bands {
        assert!(t.contains(&cell(*calls)), "band {band}: {calls} shown: {t}");
    }
    assert!(t.contains(&cell(bands.values().sum())), "the month's total: {t}");
    assert!(t.contains(&format!("Held for {} day", days.len())) && t.contains(&days[0]), "{t}");
    assert!(t.contains("Not reported for November 2025 (missing, not zero)."), "not in the summary: {t}");
}

async fn a_practice_on_a_shared_account_shows_no_numbers(app: TestApp) {
    load(&app).await;
    let browser = app.browser_as(Role::Staff).await;
    let html = browser.get_html(&format!("/uptake?practice={SHARED_SUMMARY}")).await;
    let t = section(&html);
    assert!(t.contains("id=\"telephony-shared-account\">Shared phone account: NHS England publishes these calls with the other practices on the account, so no figures are shown for this practice."), "{t}");
    assert!(!t.contains("<td"), "no figures at all: {t}");
    // The U74819 account's November row, read from the workbook: none of its counts on the page.
    let months = app.store.cbt_months("2025-11").await.expect("read");
    let shared =
        months.iter().find(|m| m.account == "shared" && m.pcn.as_deref() == Some("U74819")).expect("shared");
    let counts =
        [shared.inbound, shared.answered, shared.ivr_ended, shared.missed].map(|c| c.expect("published"));
    assert_eq!(counts, [5_501, 2_708, 2_686, 106], "the account as the workbook has it");
    for n in counts {
        assert!(!html.contains(&grouped(n)), "{n} is the shared account's, not the practice's");
    }

    let html = browser.get_html(&format!("/uptake?practice={SHARED_DAILY}")).await;
    let t = section(&html);
    assert!(t.contains("id=\"telephony-shared-account-daily\">Shared phone account:"), "{t}");
    assert!(!t.contains("<td"), "{t}");
    let (account, _) = naive_answered(Y59, "Unassigned");
    let total: i64 = account.values().sum();
    assert!(total > 0 && !html.contains(&grouped(total)), "the account's {total} calls are not shown");
}

async fn a_practice_in_no_file_is_not_reported(app: TestApp) {
    load(&app).await;
    let browser = app.browser_as(Role::Staff).await;
    let page = browser.get(&format!("/uptake?practice={ABSENT}")).await;
    assert_eq!(page.status(), 404, "nothing published knows the practice");
    let html = page.text().await.expect("html");
    assert!(html.contains("no published uptake figures are held for A89999"), "{html}");
    let t = section(&html);
    assert!(
        t.contains("id=\"telephony-not-reported\">Not reported for November 2025 (missing, not zero)."),
        "{t}"
    );
    assert!(
        t.contains("id=\"telephony-not-reported-daily\">Not reported for June 2026 (missing, not zero)."),
        "{t}"
    );
    assert!(!t.contains("<td"), "{t}");
}

async fn with_no_telephony_held_the_page_is_unchanged(app: TestApp) {
    let browser = app.browser_as(Role::Staff).await;
    let page = browser.get(&format!("/uptake?practice={ABSENT}")).await;
    assert_eq!(page.status(), 404, "no figures of any kind: the practice is not found");
    assert!(!page.text().await.expect("html").contains("id=\"telephony\""));
}

both_backends!(
    a_practice_with_its_own_account_shows_its_calls,
    a_practice_on_a_shared_account_shows_no_numbers,
    a_practice_in_no_file_is_not_reported,
    with_no_telephony_held_the_page_is_unchanged,
);
