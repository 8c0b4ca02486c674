//! NHS App management information storage, on SQLite and on PostgreSQL: England and ICB months in one
//! audited transaction, blanks kept as NULL, a re-import that changes nothing, a republished month
//! replaced whole (an ICB gone from it goes from the store), and reads that give an ICB only its own
//! figures.

use lantern_core::audit::Actor;
use lantern_core::uptake::nhs_app::{NhsAppMonth, ENGLAND, UNMAPPED};
use lantern_store::{AuditFilter, ReferenceBatch, Store, UptakeFlag, UptakeName, UptakeWriteSummary};

use lantern_store::contract;

contract!(
    months_round_trip_and_reimporting_changes_nothing,
    a_republished_month_is_replaced_whole,
    an_icbs_months_are_only_its_own,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn summary(created: u64, updated: u64, unchanged: u64) -> UptakeWriteSummary {
    UptakeWriteSummary { created, updated, unchanged }
}

fn batch<'a>(
    rows: &'a [NhsAppMonth],
    flags: &'a [UptakeFlag],
    names: &'a [UptakeName],
) -> ReferenceBatch<'a, NhsAppMonth> {
    static FILE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    ReferenceBatch { rows, flags, names, file: FILE.get_or_init(|| serde_json::json!({ "rows_read": 1 })) }
}

fn month(period: &str, level: &str, code: &str, logins: Option<i64>, users: Option<i64>) -> NhsAppMonth {
    let icb = level == "icb";
    NhsAppMonth {
        period: period.into(),
        level: level.into(),
        code: code.into(),
        name: icb.then(|| format!("NHS {code} Integrated Care Board")),
        region: icb.then(|| "Y62".into()),
        region_name: icb.then(|| "North West".into()),
        logins,
        unique_user_logins: users,
    }
}

/// One month: England, two ICBs and unmapped usage adding up to England.
fn published(period: &str) -> Vec<NhsAppMonth> {
    vec![
        month(period, "england", ENGLAND, Some(1_100), Some(260)),
        month(period, "icb", "QOP", Some(700), Some(150)),
        month(period, "icb", "QE1", Some(390), Some(100)),
        month(period, "unmapped", UNMAPPED, Some(10), Some(10)),
    ]
}

async fn months_round_trip_and_reimporting_changes_nothing(store: Store) {
    let mut rows = published("2025-06");
    rows[2].unique_user_logins = None;
    let flags = [UptakeFlag {
        source: "nhs_app".into(),
        practice: "QE1".into(),
        period: "2025-06".into(),
        kind: "blank_value".into(),
        field: "NHS App unique user logins".into(),
        detail: "line 9: blank".into(),
    }];
    let names =
        [UptakeName { kind: "icb".into(), code: "QOP".into(), name: "NHS Greater Manchester ICB".into() }];
    assert_eq!(
        store.import_nhs_app(batch(&rows, &flags, &names), &actor()).await.expect("stores"),
        summary(4, 0, 0)
    );
    assert_eq!(
        store.nhs_app_month("2025-06").await.expect("read"),
        [&rows[0], &rows[2], &rows[1], &rows[3]].map(Clone::clone)
    );
    assert_eq!(store.nhs_app_england_months("2025-06", "2025-06").await.expect("read"), [rows[0].clone()]);
    assert_eq!(store.uptake_flags("nhs_app", None).await.expect("flags").len(), 1);

    assert_eq!(
        store.import_nhs_app(batch(&rows, &flags, &names), &actor()).await.expect("stores"),
        summary(0, 0, 4)
    );
    assert_eq!(store.nhs_app_row_count().await.expect("count"), 4);
    assert_eq!(store.uptake_flags("nhs_app", None).await.expect("flags").len(), 1);
    let filter = AuditFilter { action: Some("import.nhs_app".into()), ..Default::default() };
    assert_eq!(store.audit_records(&filter, 5).await.expect("audit").len(), 2);
}

async fn a_republished_month_is_replaced_whole(store: Store) {
    let mut both = published("2025-06");
    both.extend(published("2025-07"));
    store.import_nhs_app(batch(&both, &[], &[]), &actor()).await.expect("stores");
    // A later workbook revises June: QE1's figure changes and the unmapped row is gone; July as before.
    let mut revised = published("2025-06");
    revised[2].logins = Some(400);
    revised.pop();
    revised.extend(published("2025-07"));
    assert_eq!(
        store.import_nhs_app(batch(&revised, &[], &[]), &actor()).await.expect("stores"),
        summary(0, 1, 6)
    );
    let june = store.nhs_app_month("2025-06").await.expect("read");
    assert_eq!(june.len(), 3, "the unmapped row the new workbook does not hold is gone");
    assert!(june.iter().any(|m| m.code == "QE1" && m.logins == Some(400)));
    assert_eq!(store.nhs_app_month("2025-07").await.expect("read").len(), 4);
}

async fn an_icbs_months_are_only_its_own(store: Store) {
    let mut rows = Vec::new();
    for period in ["2025-03", "2025-04", "2025-05", "2025-06"] {
        rows.extend(published(period));
    }
    store.import_nhs_app(batch(&rows, &[], &[]), &actor()).await.expect("stores");
    let qop = store.nhs_app_icb_months("QOP", "2025-04", "2025-05").await.expect("read");
    let seen: Vec<(&str, &str, Option<i64>)> =
        qop.iter().map(|m| (m.period.as_str(), m.code.as_str(), m.logins)).collect();
    assert_eq!(seen, [("2025-04", "QOP", Some(700)), ("2025-05", "QOP", Some(700))]);
    for not_an_icb in [ENGLAND, UNMAPPED, "A81001"] {
        assert!(store.nhs_app_icb_months(not_an_icb, "2025-01", "2025-12").await.expect("read").is_empty());
    }
    let england = store.nhs_app_england_months("2025-01", "2025-12").await.expect("read");
    assert_eq!(
        england.iter().map(|m| m.period.as_str()).collect::<Vec<_>>(),
        ["2025-03", "2025-04", "2025-05", "2025-06"]
    );
    assert!(england.iter().all(|m| m.code == ENGLAND && m.logins == Some(1_100)));
}
