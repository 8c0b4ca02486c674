//! Cloud Based Telephony's practice-level values, on SQLite and on PostgreSQL: a file's slice stored
//! whole in one audited transaction, a re-import that changes nothing, a changed account replaced and
//! a vanished one removed (other regions and file kinds untouched), and a shared account's values
//! never read as a practice's.

use lantern_core::audit::Actor;
use lantern_core::uptake::cbt_daily::{CbtDailyFile, CbtDailyStatus, CbtDailyValue};
use lantern_store::{contract, AuditFilter, CbtDailyBatch, CbtDailyWriteSummary, Store, UptakeFlag};

contract!(
    a_slice_round_trips_and_reimporting_changes_nothing,
    a_reimport_replaces_only_its_own_slice,
    a_shared_account_is_never_read_as_a_practice,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn summary(created: u64, updated: u64, unchanged: u64, removed: u64) -> CbtDailyWriteSummary {
    CbtDailyWriteSummary { created, updated, unchanged, removed }
}

fn value(region: &str, pcn: &str, practice: &str, day: &str, band: &str, published: &str) -> CbtDailyValue {
    CbtDailyValue {
        file: "calls_answered".into(),
        period: day[..7].into(),
        day: day.into(),
        region: region.into(),
        icb: "QRL".into(),
        sub_icb: "D9Y0V".into(),
        pcn: pcn.into(),
        practice: practice.into(),
        account: if practice == "Unassigned" { "shared" } else { "practice" }.into(),
        indicator: "CBT003".into(),
        band: band.into(),
        core_category: "Core_8_10".into(),
        published: published.into(),
        value: published.parse::<f64>().ok().filter(|n| n.fract() == 0.0).map(|n| n as i64),
    }
}

async fn store(store: &Store, rows: &[CbtDailyValue], flags: &[UptakeFlag]) -> CbtDailyWriteSummary {
    let detail = serde_json::json!({ "rows_read": rows.len() });
    let batch = CbtDailyBatch { file: CbtDailyFile::CallsAnswered, rows, flags, detail: &detail };
    store.import_cbt_daily(batch, &actor()).await.expect("stores")
}

fn sample() -> Vec<CbtDailyValue> {
    vec![
        value("Y59", "U14062", "G81001", "2026-06-01", "1_30", "66.0"),
        value("Y59", "U14062", "G81001", "2026-06-02", "1_30", "54.0"),
        value("Y59", "U14062", "G81001", "2026-06-02", ">300", "2.5"),
        value("Y59", "U88279", "Unassigned", "2026-06-01", "1_30", "303.0"),
        value("Y59", "U42972", "G81002", "2026-06-01", "1_30", "9.0"),
    ]
}

async fn a_slice_round_trips_and_reimporting_changes_nothing(db: Store) {
    let rows = sample();
    let flags = [UptakeFlag {
        source: "cbt_calls_answered".into(),
        practice: "G81001".into(),
        period: "2026-06".into(),
        kind: "not_a_count".into(),
        field: "2026-06-02 CBT003 >300 Core_8_10".into(),
        detail: "line 4: \"2.5\" is not a count".into(),
    }];
    assert_eq!(store(&db, &rows, &flags).await, summary(3, 0, 0, 0));
    let mut expected = rows.clone();
    expected
        .sort_by(|a, b| (&a.day, &a.pcn, &a.practice, &a.band).cmp(&(&b.day, &b.pcn, &b.practice, &b.band)));
    assert_eq!(db.cbt_daily_values(CbtDailyFile::CallsAnswered, "2026-06").await.expect("read"), expected);
    assert!(db.cbt_daily_values(CbtDailyFile::Durations, "2026-06").await.expect("read").is_empty());
    assert_eq!(db.uptake_flags("cbt_calls_answered", None).await.expect("flags").len(), 1);

    assert_eq!(store(&db, &rows, &flags).await, summary(0, 0, 3, 0));
    assert_eq!(db.cbt_daily_row_count().await.expect("count"), 5);
    assert_eq!(db.uptake_flags("cbt_calls_answered", None).await.expect("flags").len(), 1);
    let filter = AuditFilter { action: Some("import.cbt_daily".into()), ..Default::default() };
    assert_eq!(db.audit_records(&filter, 5).await.expect("audit").len(), 2);

    // G81001's month: 66 + 54 in the 1–30 s band over two days; the 2.5 left out, counted.
    let bands = db.cbt_daily_bands("G81001", "2026-06").await.expect("read");
    let seen: Vec<(&str, i64, i64, i64)> =
        bands.iter().map(|b| (b.band.as_str(), b.calls, b.days, b.left_out)).collect();
    assert_eq!(seen, [("1_30", 120, 2, 0), (">300", 0, 1, 1)]);
}

async fn a_reimport_replaces_only_its_own_slice(db: Store) {
    store(&db, &sample(), &[]).await;
    let other_region = [value("Y58", "U19923", "J81002", "2026-06-01", "1_30", "37.0")];
    assert_eq!(store(&db, &other_region, &[]).await, summary(1, 0, 0, 0));
    // The Y59 file again with G81002 gone and G81001 corrected: one updated, one removed, the shared
    // account unchanged, and Y58's practice untouched.
    let mut republished: Vec<CbtDailyValue> =
        sample().into_iter().filter(|v| v.practice != "G81002").collect();
    republished[0] = value("Y59", "U14062", "G81001", "2026-06-01", "1_30", "67.0");
    assert_eq!(store(&db, &republished, &[]).await, summary(0, 1, 1, 1));
    assert_eq!(db.cbt_daily_row_count().await.expect("count"), 5);
    assert!(db.cbt_daily_bands("G81002", "2026-06").await.expect("read").is_empty());
    assert_eq!(db.cbt_daily_bands("J81002", "2026-06").await.expect("read")[0].calls, 37);
    assert_eq!(db.cbt_daily_bands("G81001", "2026-06").await.expect("read")[0].calls, 121);
}

async fn a_shared_account_is_never_read_as_a_practice(db: Store) {
    store(&db, &sample(), &[]).await;
    assert!(db.cbt_daily_bands("Unassigned", "2026-06").await.expect("read").is_empty());
    let mut own = 0;
    for practice in ["G81001", "G81002"] {
        own +=
            db.cbt_daily_bands(practice, "2026-06").await.expect("read").iter().map(|b| b.calls).sum::<i64>();
    }
    assert_eq!(own, 66 + 54 + 9, "the shared account's 303 is in no practice's sum");
    // Without a practice map nothing places a practice in U88279: not reported, never the account's.
    assert_eq!(db.cbt_daily_status("H81001", "2026-06").await.expect("status"), CbtDailyStatus::NotReported);
}
