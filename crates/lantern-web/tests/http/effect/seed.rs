//! Data for the effect tests: the test practice's online consultation months with a step planted where
//! its offer starts, matched peers without one, a digital champion and help logged for the offer; and
//! the demo's own synthetic months and offer.

use crate::common::{actor, TestApp, PRACTICE};
use jiff::Timestamp;
use lantern_core::episode::{EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::offer::{Offer, OfferDraft};
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_core::uptake::{OcMonth, PracticePlace};
use lantern_store::ReferenceBatch;

pub const STEP: f64 = 10.0;
/// (practice, ICB, registered patients); the last is in another ICB, so never a peer.
pub const PRACTICES: [(&str, &str, i64); 10] = [
    (PRACTICE, "QHM", 8_000),
    ("A81002", "QHM", 6_000),
    ("A81003", "QHM", 7_000),
    ("A81004", "QHM", 8_000),
    ("A81005", "QHM", 9_000),
    ("A81006", "QHM", 10_000),
    ("A81007", "QHM", 12_000),
    ("A81008", "QHM", 5_000),
    ("A81009", "QHM", 11_000),
    ("B82001", "QWE", 8_000),
];
/// The minutes of help logged for the drop-in before the data ends (a fourth hour comes after).
pub const MINUTES: i64 = 100;

/// April 2024 (the publisher's method change) to November 2026.
pub fn months() -> Vec<String> {
    (0..32).map(|i| format!("{}-{:02}", 2024 + (3 + i) / 12, (3 + i) % 12 + 1)).collect()
}

/// Submissions for a practice-month: a rising, seasonal rate per 1,000 with a little fixed "noise", the
/// planted step at the test practice from April 2026.
pub fn submissions(k: usize, i: usize, period: &str, registered: i64) -> i64 {
    let month: f64 = period[5..].parse().expect("month");
    let season = 6.0 * (2.0 * std::f64::consts::PI * month / 12.0).cos();
    let noise = ((i * 37 + k * 11) % 7) as f64 * 0.6 - 1.8;
    let step = if k == 0 && period >= "2026-04" { STEP } else { 0.0 };
    let other_icb = if k == 9 && period >= "2026-04" { 50.0 } else { 0.0 };
    let rate = 40.0 + 2.0 * k as f64 + 0.2 * i as f64 + season + noise + step + other_icb;
    (rate * registered as f64 / 1_000.0).round() as i64
}

/// The rate per 1,000 the store will read back for a practice-month.
pub fn rate(k: usize, i: usize, period: &str) -> f64 {
    let registered = PRACTICES[k].2;
    submissions(k, i, period, registered) as f64 * 1_000.0 / registered as f64
}

/// The naive difference in differences: (practice after − before) − (peers after − before), each the
/// plain mean of its months, the peers being the eight others of the ICB.
pub fn naive_difference_in_differences() -> f64 {
    let (mut practice, mut others) = ([0.0, 0.0], [0.0, 0.0]);
    let (mut n_practice, mut n_others) = ([0.0, 0.0], [0.0, 0.0]);
    for (i, period) in months().iter().enumerate() {
        let after = usize::from(period.as_str() >= "2026-04");
        practice[after] += rate(0, i, period);
        n_practice[after] += 1.0;
        for k in 1..=8 {
            others[after] += rate(k, i, period);
            n_others[after] += 1.0;
        }
    }
    (practice[1] / n_practice[1] - practice[0] / n_practice[0])
        - (others[1] / n_others[1] - others[0] / n_others[0])
}

/// The drop-in from April 2026 with its help logged, and a poster from June 2024 (two months into the
/// data, so nothing can be said of it).
pub async fn planted(app: &TestApp) -> (Offer, Offer) {
    let store = &app.store;
    let code = OdsCode::parse(PRACTICE).expect("valid");
    let champion = StaffMember::new(code.clone(), "Chloe", "digital_champion").expect("valid");
    store.add_staff(&champion, &actor()).await.expect("staff");
    let file = serde_json::json!({ "source": "test" });
    let places: Vec<PracticePlace> = PRACTICES
        .iter()
        .map(|(p, icb, _)| PracticePlace {
            practice: (*p).into(),
            extract: "2026-11".into(),
            pcn: None,
            sub_icb: None,
            icb: Some((*icb).into()),
            region: None,
            supplier: None,
        })
        .collect();
    store
        .import_places(ReferenceBatch { rows: &places, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("places");
    let mut oc = Vec::new();
    for (k, (p, _, registered)) in PRACTICES.iter().enumerate() {
        for (i, period) in months().iter().enumerate() {
            oc.push(OcMonth {
                period: period.clone(),
                practice: (*p).into(),
                supplier: "Accurx".into(),
                capability: Some(1),
                participation: Some(1),
                system_usage: Some(1),
                total_submissions: Some(submissions(k, i, period, *registered)),
                patients_registered: Some(*registered),
                ..OcMonth::default()
            });
        }
    }
    store
        .import_oc(ReferenceBatch { rows: &oc, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("oc");
    let draft = |kind: &str, title: &str, started_on: &str| OfferDraft {
        kind: kind.into(),
        title: title.into(),
        started_on: started_on.into(),
        run_by_staff: Some(champion.id.to_string()),
        ..OfferDraft::default()
    };
    let offer = store
        .create_offer(&code, &draft("drop_in_session", "NHS App drop-in", "2026-04-01"), &actor())
        .await
        .expect("offer");
    let early = store
        .create_offer(&code, &draft("poster", "Waiting-room posters", "2024-06-01"), &actor())
        .await
        .expect("offer");
    let settings = store.settings(&code).await.expect("settings");
    let ctx = PracticeContext {
        practice: &code,
        services: &settings.services,
        staff: &settings.staff,
        offers: &settings.offers,
        now: Timestamp::now(),
    };
    for (minutes, when) in [
        (30, "2026-04-14T10:00"),
        (45, "2026-06-09T10:00"),
        (25, "2026-07-14T10:00"),
        (60, "2026-12-01T10:00"),
    ] {
        let input = EpisodeInput {
            occurred_at: Some(when.into()),
            practice: PRACTICE.into(),
            helpers: vec![champion.id.to_string()],
            duration_minutes: Some(minutes),
            channel: "group".into(),
            services: vec!["nhs_app".into()],
            tasks: vec!["install_app".into()],
            approach: "with".into(),
            outcome: "resolved".into(),
            offer_id: Some(offer.id.to_string()),
            ..EpisodeInput::default()
        };
        store.create_episode(&input.validate(&ctx).expect("valid"), &actor()).await.expect("episode");
    }
    (offer, early)
}

/// The demo's synthetic online consultation months, its practice map and its drop-in, at a synthetic
/// practice of the demo's own. Returns the offer.
pub async fn demo(app: &TestApp) -> Offer {
    use lantern_core::simulator::{demo_online_consultations, demo_pcn, demo_uptake, SimulationParameters};
    let params = SimulationParameters::default();
    let pcn = demo_pcn(&params);
    let uptake = demo_uptake(&params, &pcn);
    let oc = demo_online_consultations(&params, &pcn);
    let file = serde_json::json!({ "source": lantern_core::simulator::SYNTHETIC_LABEL });
    let store = &app.store;
    store
        .import_places(ReferenceBatch { rows: &uptake.places, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("places");
    store
        .import_oc(ReferenceBatch { rows: &oc.months, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("oc");
    let code = OdsCode::parse(&oc.offer_practice).expect("valid");
    let practice = Practice {
        ods_code: code.clone(),
        name: "Demo Surgery (synthetic)".into(),
        pcn: None,
        icb: None,
        list_size: 8_000,
    };
    store.upsert_practice(&practice, true, &actor()).await.expect("practice");
    let draft = OfferDraft {
        kind: "drop_in_session".into(),
        title: "NHS App drop-in (synthetic)".into(),
        started_on: oc.offer_start.to_string(),
        run_by_name: Some("Practice digital champion (synthetic)".into()),
        ..OfferDraft::default()
    };
    store.create_offer(&code, &draft, &actor()).await.expect("offer")
}

/// The planted rise in the share of video and online appointments at the test practice from April
/// 2026, in percentage points.
pub const APPOINTMENT_STEP: f64 = 3.0;

/// All appointments and those booked as video or online for a practice-month: a seasonal share with
/// fixed "noise", the planted step at the test practice.
pub fn appointments(k: usize, i: usize, period: &str) -> (i64, i64) {
    let month: f64 = period[5..].parse().expect("month");
    let total = 4_000 + 300 * k as i64 + 40 * ((i * 13 + k * 7) % 5) as i64;
    let season = 1.5 * (2.0 * std::f64::consts::PI * month / 12.0).sin();
    let noise = ((i * 29 + k * 17) % 5) as f64 * 0.3 - 0.6;
    let step = if k == 0 && period >= "2026-04" { APPOINTMENT_STEP } else { 0.0 };
    let share = 6.0 + 0.4 * k as f64 + 0.05 * i as f64 + season + noise + step;
    (total, (share / 100.0 * total as f64).round() as i64)
}

/// The share (percentage points) the store will give back for a practice-month.
pub fn appointment_share(k: usize, i: usize, period: &str) -> f64 {
    let (total, video_online) = appointments(k, i, period);
    video_online as f64 * 100.0 / total as f64
}

/// The naive difference in differences of the share, the peers being the eight others of the ICB.
pub fn naive_appointment_difference_in_differences() -> f64 {
    let mean = |k: usize, after: bool| {
        let values: Vec<f64> = months()
            .iter()
            .enumerate()
            .filter(|(_, p)| (p.as_str() >= "2026-04") == after)
            .map(|(i, p)| appointment_share(k, i, p))
            .collect();
        values.iter().sum::<f64>() / values.len() as f64
    };
    let peers = |after: bool| (1..=8).map(|k| mean(k, after)).sum::<f64>() / 8.0;
    (mean(0, true) - mean(0, false)) - (peers(true) - peers(false))
}

/// Every practice's appointment months, as the appointments importer stores them.
pub async fn appointment_months(app: &TestApp) {
    let mut rows = Vec::new();
    for (k, (p, _, _)) in PRACTICES.iter().enumerate() {
        for (i, period) in months().iter().enumerate() {
            let (total, video_online) = appointments(k, i, period);
            rows.push(lantern_core::uptake::access::AppointmentMonth {
                period: period.clone(),
                practice: (*p).into(),
                total,
                video_online,
                face_to_face: total - video_online,
                ..Default::default()
            });
        }
    }
    let file = serde_json::json!({ "source": "test" });
    app.store
        .import_appointments(ReferenceBatch { rows: &rows, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("appointments");
}

/// NHS App logins and users of an ICB in month `i` of 2025-10 on: distinct for each ICB, so a page
/// showing another ICB's (or England's) figures would be seen.
pub fn nhs_app_figures(icb: &str, i: i64) -> (i64, i64) {
    match icb {
        "QHM" => (3_000_000 + 1_000 * i, 600_000 + 100 * i),
        _ => (7_777_000 + i, 1_555_000 + i),
    }
}

/// NHS App months from October 2025 to November 2026 for the test practice's ICB (QHM), another ICB
/// (QWE) and England: published for ICBs and England, never for a practice.
pub async fn nhs_app_months(app: &TestApp) {
    use lantern_core::uptake::nhs_app::{NhsAppMonth, ENGLAND};
    let mut rows = Vec::new();
    for i in 0..14 {
        let period = format!("{}-{:02}", 2025 + (9 + i) / 12, (9 + i) % 12 + 1);
        for icb in ["QHM", "QWE"] {
            let (logins, users) = nhs_app_figures(icb, i);
            rows.push(NhsAppMonth {
                period: period.clone(),
                level: "icb".into(),
                code: icb.into(),
                name: Some(format!("NHS {icb} Integrated Care Board")),
                region: Some("Y63".into()),
                region_name: Some("North East and Yorkshire".into()),
                logins: Some(logins),
                unique_user_logins: Some(users),
            });
        }
        rows.push(NhsAppMonth {
            period,
            level: "england".into(),
            code: ENGLAND.into(),
            logins: Some(99_999_999),
            unique_user_logins: Some(11_111_111),
            ..Default::default()
        });
    }
    let file = serde_json::json!({ "source": "test" });
    app.store
        .import_nhs_app(ReferenceBatch { rows: &rows, flags: &[], names: &[], file: &file }, &actor())
        .await
        .expect("nhs app");
}
