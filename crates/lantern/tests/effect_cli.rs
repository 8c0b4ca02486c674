//! `lantern report effect` on a database holding a practice's online consultation months with a step
//! planted where its offer starts, and peers without one: the figures it prints are recomputed here a
//! second, naive way.

mod support;

use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::{EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::offer::OfferDraft;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_core::uptake::{OcMonth, PracticePlace};
use lantern_store::{DatabaseLocation, ReferenceBatch, Store};
use support::ok;

const STEP: f64 = 10.0;
const TARGET: &str = "A81001";
/// (practice, ICB, registered patients); the last is in another ICB, so never a peer.
const PRACTICES: [(&str, &str, i64); 10] = [
    (TARGET, "QHM", 8_000),
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

fn months() -> Vec<String> {
    (0..32).map(|i| format!("{}-{:02}", 2024 + (3 + i) / 12, (3 + i) % 12 + 1)).collect()
}

/// Submissions for a practice-month: a rising, seasonal rate per 1,000 with a little fixed "noise", the
/// planted step at the target from April 2026.
fn submissions(k: usize, i: usize, period: &str, registered: i64) -> i64 {
    let month: f64 = period[5..].parse().expect("month");
    let season = 6.0 * (2.0 * std::f64::consts::PI * month / 12.0).cos();
    let noise = ((i * 37 + k * 11) % 7) as f64 * 0.6 - 1.8;
    let step = if k == 0 && period >= "2026-04" { STEP } else { 0.0 };
    let other_icb = if k == 9 && period >= "2026-04" { 50.0 } else { 0.0 };
    let rate = 40.0 + 2.0 * k as f64 + 0.2 * i as f64 + season + noise + step + other_icb;
    (rate * registered as f64 / 1_000.0).round() as i64
}

async fn seed(db: &str) -> (String, String, String) {
    let location = DatabaseLocation::parse(db).expect("location");
    let store = Store::connect(&location).await.expect("open");
    store.migrate().await.expect("migrate");
    let actor = Actor::system("test");
    let code = OdsCode::parse(TARGET).expect("valid");
    let practice =
        Practice { ods_code: code.clone(), name: "Test".into(), pcn: None, icb: None, list_size: 8_000 };
    store.upsert_practice(&practice, false, &actor).await.expect("practice");
    let champion = StaffMember::new(code.clone(), "Asha", "digital_champion").expect("valid");
    store.add_staff(&champion, &actor).await.expect("staff");

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
        .import_places(ReferenceBatch { rows: &places, flags: &[], names: &[], file: &file }, &actor)
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
        .import_oc(ReferenceBatch { rows: &oc, flags: &[], names: &[], file: &file }, &actor)
        .await
        .expect("oc");

    let draft = |kind: &str, started_on: &str| OfferDraft {
        kind: kind.into(),
        title: "NHS App drop-in".into(),
        started_on: started_on.into(),
        run_by_staff: Some(champion.id.to_string()),
        ..OfferDraft::default()
    };
    let offer =
        store.create_offer(&code, &draft("drop_in_session", "2026-04-01"), &actor).await.expect("offer");
    let early = store.create_offer(&code, &draft("poster", "2024-06-01"), &actor).await.expect("offer");
    // Started within the months the NHS App fixtures cover (March to August 2025).
    let leaflets = store.create_offer(&code, &draft("leaflet", "2025-06-01"), &actor).await.expect("offer");
    let settings = store.settings(&code).await.expect("settings");
    let ctx = PracticeContext {
        practice: &code,
        services: &settings.services,
        staff: &settings.staff,
        offers: &settings.offers,
        now: Timestamp::now(),
    };
    // 30 + 45 + 25 = 100 minutes of the champion's time for the drop-in; the last is after the data ends.
    for (minutes, when) in [
        (30, "2026-04-14T10:00"),
        (45, "2026-06-09T10:00"),
        (25, "2026-07-14T10:00"),
        (60, "2026-12-01T10:00"),
    ] {
        let input = EpisodeInput {
            occurred_at: Some(when.into()),
            practice: TARGET.into(),
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
        store.create_episode(&input.validate(&ctx).expect("valid"), &actor).await.expect("episode");
    }
    store.close().await;
    (offer.id.to_string(), early.id.to_string(), leaflets.id.to_string())
}

#[tokio::test]
async fn the_effect_report_recovers_the_planted_step_and_costs_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("effect.db").to_string_lossy().into_owned();
    let (offer, early, _) = seed(&db).await;
    let out = ok(&["report", "effect", "--database", &db, "--practice", TARGET, "--offer", &offer]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["synthetic"], serde_json::Value::Null);
    let peers: Vec<&str> =
        report["peers"].as_array().expect("peers").iter().filter_map(|p| p.as_str()).collect();
    assert_eq!(peers.len(), 8, "every practice of the ICB with a list within half and twice: {peers:?}");
    assert!(!peers.contains(&"B82001") && !peers.contains(&TARGET));

    // The naive difference in differences: the four cells' means of submissions × 1,000 / registered.
    let rate = |k: usize, i: usize, period: &str| {
        let registered = PRACTICES[k].2;
        submissions(k, i, period, registered) as f64 * 1_000.0 / registered as f64
    };
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
    let naive = (practice[1] / n_practice[1] - practice[0] / n_practice[0])
        - (others[1] / n_others[1] - others[0] / n_others[0]);
    let did = &report["effect"]["difference_in_differences"];
    assert_eq!(did["outcome"], "estimate", "{did}");
    let change = did["change"].as_f64().expect("change");
    assert!((change - naive).abs() < 1e-9, "{change} vs {naive}");
    let (low, high) =
        (did["interval"]["low"].as_f64().expect("low"), did["interval"]["high"].as_f64().expect("high"));
    assert!(low < STEP && STEP < high && low > 0.0, "{low}..{high}");
    let its = &report["effect"]["interrupted_time_series"];
    assert_eq!(its["outcome"], "estimate", "{its}");
    assert!(its["interval"]["low"].as_f64().expect("low") > 0.0, "{its}");

    // Cost: 100 minutes (not the December hour, after the data) at the champion's default hourly cost,
    // over change × 8,000 / 1,000 × 8 months of extra submissions.
    let hourly = lantern_core::measures::default_hourly_costs()
        .into_iter()
        .find(|c| c.role == "digital_champion")
        .expect("role")
        .hourly_pence as f64;
    let cost = 100.0 * hourly / 60.0;
    let per_user = cost / (change * 8.0 * 8.0);
    assert_eq!(report["cost"]["outcome"], "per_extra_user", "{}", report["cost"]);
    assert_eq!(report["cost"]["minutes"], 100);
    assert_eq!(report["reach"]["episodes"], 3, "the three episodes up to the end of the data");
    assert!((report["cost"]["pence_per_extra_user"].as_f64().expect("cost") - per_user).abs() < 1e-6);
    let says = report["says"].as_array().expect("says");
    assert!(
        says.iter().any(|l| l.as_str().is_some_and(|l| l.starts_with("Cost per extra online user: £"))),
        "{says:?}"
    );

    // An offer two months into the data cannot be judged, and the CSV says why.
    let csv = ok(&[
        "report",
        "effect",
        "--database",
        &db,
        "--practice",
        TARGET,
        "--offer",
        &early,
        "--format",
        "csv",
    ]);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert_eq!((&rows[0][4], &rows[0][5]), ("interrupted_time_series", "cannot_say"));
    assert_eq!(&rows[1][12], "only 2 months of data before the offer started; 12 are needed");
    assert_eq!((&rows[2][4], &rows[2][5]), ("cost_per_extra_user_pence", "cannot_say"));

    let refused =
        support::refused(&["report", "effect", "--database", &db, "--practice", "B82001", "--offer", &offer]);
    assert!(refused.contains("is not one of B82001's offers"), "{refused}");
}

#[tokio::test]
async fn the_effect_report_gives_the_icbs_nhs_app_figures_as_context_never_the_practices() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("effect.db").to_string_lossy().into_owned();
    let (_, _, leaflets) = seed(&db).await;
    let workbook = support::fixture("nhs-app/NHS App Management Information Statistics - August 2025.xlsx");
    ok(&["import", "nhs-app", &workbook, "--database", &db]);
    let csv = ok(&[
        "report",
        "effect",
        "--database",
        &db,
        "--practice",
        TARGET,
        "--offer",
        &leaflets,
        "--format",
        "csv",
    ]);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    let context: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[5] == "icb_context").collect();
    // March to August 2025 (six months before the June start to six after, as held), two figures each.
    assert_eq!(context.len(), 12, "{csv}");
    // QHM's (North East and North Cumbria) figures in the August workbook's Table 2, rows 167 and
    // 39, read with Python's zipfile when the fixture was added.
    let june = context
        .iter()
        .find(|r| &r[3] == "nhs_app_logins_icb_context" && r[4].contains("2025-06"))
        .expect("June");
    assert_eq!((&june[4], &june[6]), ("ICB QHM 2025-06 (from the start)", "3187498"));
    let march = context
        .iter()
        .find(|r| &r[3] == "nhs_app_unique_user_logins_icb_context" && r[4].contains("2025-03"))
        .expect("March");
    assert_eq!((&march[4], &march[6]), ("ICB QHM 2025-03 (before)", "627326"));
    assert!(context
        .iter()
        .all(|r| &r[12] == "ICB-level context (NHS App figures are published for ICBs, not practices)"));
    assert!(context.iter().all(|r| r[4].starts_with("ICB QHM ")), "only the practice's own ICB");

    let json = ok(&["report", "effect", "--database", &db, "--practice", TARGET, "--offer", &leaflets]);
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    let nhs_app = &report["nhs_app"];
    assert_eq!(nhs_app["icb"], "QHM");
    assert_eq!(nhs_app["icb_name"], "NHS North East and North Cumbria Integrated Care Board");
    assert_eq!(nhs_app["months"].as_array().expect("months").len(), 6);
    assert_eq!(nhs_app["months"][5]["logins"], 3_198_432, "August 2025, row 242");
    assert!(!json.contains("1345233"), "QWE's figures (another ICB) are not shown");
}
