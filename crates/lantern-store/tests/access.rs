//! Appointments and telephony storage, on SQLite and on PostgreSQL: whole files in one audited
//! transaction, re-imports that change nothing, blanks kept as NULL, the per-practice series the
//! effect estimator reads, and a practice on a shared phone account never given the account's figures.

use lantern_core::audit::Actor;
use lantern_core::uptake::access::{
    AppointmentMonth, ApptMode, ApptStatus, CbtMonth, CbtStatus, HcpType, LeadTime,
};
use lantern_core::uptake::PracticePlace;
use lantern_store::{AuditFilter, ReferenceBatch, Store, UptakeFlag, UptakeName, UptakeWriteSummary};

use lantern_store::contract;

contract!(
    appointments_round_trip_and_reimporting_changes_nothing,
    appointment_shares_are_per_practice_per_month,
    a_practice_on_a_shared_phone_account_is_never_given_its_figures,
);

fn actor() -> Actor {
    Actor::system("test")
}

fn summary(created: u64, updated: u64, unchanged: u64) -> UptakeWriteSummary {
    UptakeWriteSummary { created, updated, unchanged }
}

fn batch<'a, T>(rows: &'a [T], flags: &'a [UptakeFlag], names: &'a [UptakeName]) -> ReferenceBatch<'a, T> {
    static FILE: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    ReferenceBatch { rows, flags, names, file: FILE.get_or_init(|| serde_json::json!({ "rows_read": 1 })) }
}

fn appointments(practice: &str, period: &str, video: i64, other: i64) -> AppointmentMonth {
    let mut month = AppointmentMonth {
        period: period.into(),
        practice: practice.into(),
        supplier: "EMIS".into(),
        ..Default::default()
    };
    month.add(video, ApptMode::VideoOnline, ApptStatus::Attended, LeadTime::SameDay, HcpType::Gp);
    month.add(
        other,
        ApptMode::FaceToFace,
        ApptStatus::Dna,
        LeadTime::MoreThanTwentyEightDays,
        HcpType::OtherStaff,
    );
    month
}

async fn appointments_round_trip_and_reimporting_changes_nothing(store: Store) {
    let months = [appointments("A81001", "2025-10", 30, 70), appointments("A81002", "2025-10", 0, 12)];
    let flags = [UptakeFlag {
        source: "appointments".into(),
        practice: "A81002".into(),
        period: "2025-10".into(),
        kind: "blank_value".into(),
        field: "COUNT_OF_APPOINTMENTS".into(),
        detail: "line 9: blank".into(),
    }];
    assert_eq!(
        store.import_appointments(batch(&months, &flags, &[]), &actor()).await.expect("stores"),
        summary(2, 0, 0)
    );
    assert_eq!(store.access_appointment_months(None).await.expect("read"), months);
    assert_eq!(store.access_appointment_months(Some("A81002")).await.expect("read"), [months[1].clone()]);
    let counts = store.access_row_counts().await.expect("counts");
    assert_eq!((counts.appointments, counts.cbt), (2, 0));
    assert_eq!(store.uptake_flags("appointments", None).await.expect("flags").len(), 1);

    assert_eq!(
        store.import_appointments(batch(&months, &flags, &[]), &actor()).await.expect("stores"),
        summary(0, 0, 2)
    );
    assert_eq!(store.access_row_counts().await.expect("counts").appointments, 2);
    assert_eq!(store.uptake_flags("appointments", None).await.expect("flags").len(), 1);
    let filter = AuditFilter { action: Some("import.appointments".into()), ..Default::default() };
    assert_eq!(store.audit_records(&filter, 5).await.expect("audit").len(), 2);

    let changed = [appointments("A81001", "2025-10", 31, 70)];
    assert_eq!(
        store.import_appointments(batch(&changed, &[], &[]), &actor()).await.expect("stores"),
        summary(0, 1, 0)
    );
    assert_eq!(store.access_appointment_months(Some("A81001")).await.expect("read"), changed);
}

async fn appointment_shares_are_per_practice_per_month(store: Store) {
    let months = [
        appointments("A81001", "2025-11", 25, 75),
        appointments("A81001", "2025-10", 10, 90),
        appointments("A81002", "2025-10", 0, 0),
    ];
    store.import_appointments(batch(&months, &[], &[]), &actor()).await.expect("stores");
    let shares = store.appointment_shares(None).await.expect("read");
    let seen: Vec<(&str, &str, i64, Option<f64>)> = shares
        .iter()
        .map(|s| (s.practice.as_str(), s.period.as_str(), s.total, s.video_online_share))
        .collect();
    assert_eq!(
        seen,
        [
            ("A81001", "2025-10", 100, Some(0.1)),
            ("A81001", "2025-11", 100, Some(0.25)),
            ("A81002", "2025-10", 0, None)
        ]
    );
    assert_eq!(store.appointment_shares(Some("A81002")).await.expect("read").len(), 1);
}

fn cbt(practice: &str, account: &str, pcn: &str, inbound: Option<i64>) -> CbtMonth {
    CbtMonth {
        period: "2025-10".into(),
        practice: practice.into(),
        account: account.into(),
        pcn: Some(pcn.into()),
        sub_icb: Some("M1J4Y".into()),
        icb: Some("QHG".into()),
        region: Some("Y61".into()),
        inbound,
        answered: inbound.map(|n| n / 2),
        ivr_ended: Some(1),
        callback_requested: None,
        missed: Some(0),
        callback_made: Some(0),
    }
}

async fn a_practice_on_a_shared_phone_account_is_never_given_its_figures(store: Store) {
    let accounts = [
        cbt("E81615", "practice", "U74819", Some(2497)),
        cbt("shared-1", "shared", "U74819", Some(6416)),
        cbt("E81069", "practice", "U09531", None),
    ];
    assert_eq!(
        store.import_cbt(batch(&accounts, &[], &[]), &actor()).await.expect("stores"),
        summary(3, 0, 0)
    );
    assert_eq!(
        store.import_cbt(batch(&accounts, &[], &[]), &actor()).await.expect("stores"),
        summary(0, 0, 3)
    );
    assert_eq!(store.cbt_months("2025-10").await.expect("read").len(), 3);
    let place = |practice: &str, pcn: &str| PracticePlace {
        extract: "2025-10".into(),
        practice: practice.into(),
        pcn: Some(pcn.into()),
        sub_icb: None,
        icb: None,
        region: None,
        supplier: None,
    };
    let places = [place("E81615", "U74819"), place("E81021", "U74819"), place("K82013", "U35004")];
    store.import_places(batch(&places, &[], &[]), &actor()).await.expect("stores");

    assert_eq!(
        store.cbt_status("E81615", "2025-10").await.expect("status"),
        CbtStatus::Reported(Box::new(accounts[0].clone()))
    );
    assert_eq!(
        store.cbt_status("E81021", "2025-10").await.expect("status"),
        CbtStatus::SharedAccount { pcn: "U74819".into() },
        "absent, in a PCN with a shared account: shown as shared, not given its 6,416 calls"
    );
    assert_eq!(store.cbt_status("K82013", "2025-10").await.expect("status"), CbtStatus::NotReported);
    assert_eq!(
        store.cbt_status("E81615", "2025-11").await.expect("status"),
        CbtStatus::NotReported,
        "missing, not zero"
    );
    let CbtStatus::Reported(blank) = store.cbt_status("E81069", "2025-10").await.expect("status") else {
        panic!("reported")
    };
    assert_eq!(blank.inbound, None, "a blank stays unknown");
}
