//! Synthetic uptake for the demo: POMI-shaped months, a practice map, IMD scores and age bands for the
//! three demo practices and seventeen synthetic peers in the same synthetic ICB, over the same months
//! as the demo's episodes, so the uptake pages have a trend, peers and a deprivation gradient to show.
//!
//! The shape is plausible, not real: uptake rises a little each month and is lower where deprivation is
//! higher, and one peer (Y99917) lags well below what its deprivation predicts. Every code is Y999xx /
//! U9999x / QZZ (see `pcn.rs` for why they cannot collide with real ones) and every name ends
//! "(synthetic)".

use super::{DemoPcn, SimulationParameters, DEMO_ICB, DEMO_PCN};
use crate::uptake::access::AppointmentMonth;
use crate::uptake::{
    AgeBandCount, Deprivation, OcMonth, OrgKind, PomiField, PomiValues, PracticeMonth, PracticePlace, Sex,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const UPTAKE_STREAM: u64 = 3;
/// The demo's region: "Y" and two digits like real NHS England regions, none of which is Y99.
pub const DEMO_REGION: &str = "Y99";
/// The demo's sub-ICB location, in the shape of a real one ("99Z" is not issued).
pub const DEMO_SUB_ICB: &str = "99Z";
/// The peer that lags: its uptake is well below what its deprivation predicts.
pub const LAGGING_PEER: &str = "Y99917";

/// Everything the demo loads about uptake. `names` are (kind, code, name) as `uptake_names` holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoUptake {
    pub months: Vec<PracticeMonth>,
    pub places: Vec<PracticePlace>,
    pub deprivation: Vec<Deprivation>,
    pub age_bands: Vec<AgeBandCount>,
    pub names: Vec<(String, String, String)>,
}

struct Peer {
    code: String,
    name: String,
    pcn: &'static str,
    list: i64,
    imd: f64,
    /// Share of patients 65 and over, which tilts the age bands.
    older: f64,
}

const PEER_NAMES: [&str; 17] = [
    "Abbey",
    "Brookside",
    "Castlegate",
    "Dale View",
    "Elm Tree",
    "Fairfield",
    "Granary",
    "Harbour",
    "Ivy Lane",
    "Juniper",
    "Kingsway",
    "Larchwood",
    "Meadowbank",
    "Northgate",
    "Orchard",
    "Parkside",
    "Quayside",
];

fn peers(pcn: &DemoPcn, rng: &mut ChaCha8Rng) -> Vec<Peer> {
    // The demo practices: a market town, a mixed suburb and a deprived inner area.
    let fixed = [(17.0, 0.27), (26.0, 0.19), (38.0, 0.13)];
    let mut out: Vec<Peer> = pcn
        .practices
        .iter()
        .zip(fixed)
        .map(|(p, (imd, older))| Peer {
            code: p.practice.ods_code.to_string(),
            name: p.practice.name.clone(),
            pcn: DEMO_PCN,
            list: i64::from(p.practice.list_size),
            imd,
            older,
        })
        .collect();
    for (i, name) in PEER_NAMES.iter().enumerate() {
        let imd = 6.0 + 44.0 * rng.gen::<f64>();
        out.push(Peer {
            code: format!("Y999{:02}", i + 4),
            name: format!("{name} Surgery (synthetic)"),
            pcn: if i % 2 == 0 { "U99998" } else { "U99997" },
            list: rng.gen_range(3_000..20_000),
            imd,
            older: (0.30 - imd / 250.0 + 0.04 * rng.gen::<f64>()).clamp(0.08, 0.32),
        });
    }
    out
}

/// The months of the demo, `YYYY-MM`, oldest first.
fn months(params: &SimulationParameters) -> Vec<String> {
    let mut day = params.first_day();
    let mut out = Vec::new();
    while day <= params.end {
        out.push(format!("{:04}-{:02}", day.year(), day.month()));
        day = day.last_of_month().tomorrow().unwrap_or(params.end);
        if out.len() > super::MAX_MONTHS as usize {
            break;
        }
    }
    out
}

pub fn demo_uptake(params: &SimulationParameters, pcn: &DemoPcn) -> DemoUptake {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(UPTAKE_STREAM);
    let peers = peers(pcn, &mut rng);
    let periods = months(params);
    let last_extract = periods.last().cloned().unwrap_or_default();
    let mut demo = DemoUptake {
        months: Vec::new(),
        places: Vec::new(),
        deprivation: Vec::new(),
        age_bands: Vec::new(),
        names: vec![
            ("region".into(), DEMO_REGION.into(), "Demo region (synthetic)".into()),
            ("icb".into(), DEMO_ICB.into(), "Demo integrated care board (synthetic)".into()),
            ("sub_icb".into(), DEMO_SUB_ICB.into(), "Demo sub-ICB location (synthetic)".into()),
            ("pcn".into(), DEMO_PCN.into(), "Demo primary care network (synthetic)".into()),
            ("pcn".into(), "U99998".into(), "Second demo network (synthetic)".into()),
            ("pcn".into(), "U99997".into(), "Third demo network (synthetic)".into()),
        ],
    };
    for peer in &peers {
        demo.names.push(("practice".into(), peer.code.clone(), peer.name.clone()));
        demo.places.push(PracticePlace {
            practice: peer.code.clone(),
            extract: last_extract.clone(),
            pcn: Some(peer.pcn.to_owned()),
            sub_icb: Some(DEMO_SUB_ICB.to_owned()),
            icb: Some(DEMO_ICB.to_owned()),
            region: Some(DEMO_REGION.to_owned()),
            supplier: Some("SYNTHETIC".to_owned()),
        });
        demo.deprivation.push(Deprivation { practice: peer.code.clone(), year: 2019, score: peer.imd });
        let lag = if peer.code == LAGGING_PEER { 0.22 } else { 0.0 };
        let base = 0.62 - 0.006 * (peer.imd - 20.0) - lag + 0.06 * (rng.gen::<f64>() - 0.5);
        for (m, period) in periods.iter().enumerate() {
            let list = peer.list + m as i64 * rng.gen_range(-12..30);
            let share = (base + 0.006 * m as f64).clamp(0.05, 0.95);
            demo.months.push(month(&mut rng, peer, period, list, share));
        }
        demo.age_bands.extend(age_bands(peer, &last_extract));
    }
    demo
}

const OC_STREAM: u64 = 4;
/// Months of synthetic online consultation data, ending with the demo's last month.
pub const DEMO_OC_MONTHS: i32 = 36;
/// The demo's support offer starts this many months before the demo's last month.
pub const DEMO_OFFER_MONTHS_BEFORE_END: i32 = 6;
/// The effect built into the demo: extra online consultation submissions per 1,000 patients a month at
/// the first demo practice from the month its offer starts.
pub const DEMO_OFFER_STEP: f64 = 9.0;
const APPOINTMENT_STREAM: u64 = 5;
/// The same offer's effect on the share of appointments booked as video or online, in percentage
/// points.
pub const DEMO_APPOINTMENT_STEP: f64 = 2.5;

/// The demo's synthetic online consultation months and the support offer whose effect they carry.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOnlineConsultations {
    pub months: Vec<OcMonth>,
    /// The first demo practice: the one running the offer.
    pub offer_practice: String,
    /// The first day of the month the offer starts.
    pub offer_start: jiff::civil::Date,
    /// The same practices' appointments over the same months, the offer's effect built in as well.
    pub appointments: Vec<AppointmentMonth>,
}

/// Online consultation submissions for the demo's twenty practices over [`DEMO_OC_MONTHS`] months:
/// per 1,000 patients, a practice's own level, a rise of 0.3 a month, a winter peak and noise (sd 1.5),
/// plus [`DEMO_OFFER_STEP`] at the first demo practice from its offer's start. Registered counts are the
/// practices' list sizes. Drawn on a stream of its own, so the POMI months are unchanged.
pub fn demo_online_consultations(params: &SimulationParameters, pcn: &DemoPcn) -> DemoOnlineConsultations {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(UPTAKE_STREAM);
    let peers = peers(pcn, &mut rng);
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(OC_STREAM);
    let end = crate::effect::Month::of(params.end);
    let first = end.plus(1 - DEMO_OC_MONTHS);
    let start = end.plus(-DEMO_OFFER_MONTHS_BEFORE_END);
    let offer_practice = peers.first().map(|p| p.code.clone()).unwrap_or_default();
    let mut months = Vec::new();
    for peer in &peers {
        let level = 30.0 + 20.0 * rng.gen::<f64>();
        for i in 0..DEMO_OC_MONTHS {
            let month = first.plus(i);
            let season = 5.0 * (2.0 * std::f64::consts::PI * f64::from(month.month()) / 12.0).cos();
            let (u, v): (f64, f64) = (1.0 - rng.gen::<f64>(), rng.gen());
            let noise = 1.5 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
            let step = if peer.code == offer_practice && month >= start { DEMO_OFFER_STEP } else { 0.0 };
            let rate = (level + 0.3 * f64::from(i) + season + noise + step).max(0.0);
            months.push(OcMonth {
                period: month.to_string(),
                practice: peer.code.clone(),
                supplier: "SYNTHETIC".to_owned(),
                capability: Some(1),
                participation: Some(1),
                system_usage: Some(1),
                total_submissions: Some((rate * peer.list as f64 / 1_000.0).round() as i64),
                clinical: None,
                admin: None,
                other: None,
                patients_registered: Some(peer.list),
            });
        }
    }
    let offer_start =
        jiff::civil::Date::new(start.year() as i16, start.month() as i8, 1).unwrap_or(params.end);
    let appointments = demo_appointments(params, &peers, first, start, &offer_practice);
    DemoOnlineConsultations { months, offer_practice, offer_start, appointments }
}

/// Appointments for the same practices and months: about four a patient a year, a practice's own
/// video/online share (4% to 8%) with a rise of 0.05 points a month, a summer dip and noise (sd 0.5
/// points), plus [`DEMO_APPOINTMENT_STEP`] at the offer's practice from its start. Drawn on a stream of
/// its own, so the online consultation months are unchanged.
fn demo_appointments(
    params: &SimulationParameters,
    peers: &[Peer],
    first: crate::effect::Month,
    start: crate::effect::Month,
    offer_practice: &str,
) -> Vec<AppointmentMonth> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(APPOINTMENT_STREAM);
    let mut out = Vec::new();
    for peer in peers {
        let level = 4.0 + 4.0 * rng.gen::<f64>();
        for i in 0..DEMO_OC_MONTHS {
            let month = first.plus(i);
            let season = 0.8 * (2.0 * std::f64::consts::PI * f64::from(month.month()) / 12.0).cos();
            let (u, v): (f64, f64) = (1.0 - rng.gen::<f64>(), rng.gen());
            let noise = 0.5 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
            let step =
                if peer.code == offer_practice && month >= start { DEMO_APPOINTMENT_STEP } else { 0.0 };
            let share = (level + 0.05 * f64::from(i) + season + noise + step).clamp(0.0, 100.0);
            let total = (peer.list as f64 * 4.0 / 12.0).round() as i64;
            let video_online = (total as f64 * share / 100.0).round() as i64;
            out.push(AppointmentMonth {
                period: month.to_string(),
                practice: peer.code.clone(),
                supplier: "SYNTHETIC".to_owned(),
                total,
                video_online,
                face_to_face: total - video_online,
                attended: total,
                gp: total,
                lead_time_unknown: total,
                ..AppointmentMonth::default()
            });
        }
    }
    out
}

fn month(rng: &mut ChaCha8Rng, peer: &Peer, period: &str, list: i64, share: f64) -> PracticeMonth {
    let of = |f: f64| (list as f64 * f).round() as i64;
    let total = of(share);
    let mut wobble = |centre: f64| centre * (0.9 + 0.2 * rng.gen::<f64>());
    let (appts, presc, record) = (wobble(0.82), wobble(0.9), wobble(0.55));
    let (appts_use, presc_use, record_use) = (wobble(0.03), wobble(0.09), wobble(0.04));
    let new = wobble(0.008);
    let values = PomiValues::from_fn(|field| {
        Some(match field {
            PomiField::PatientListSize => list,
            PomiField::TotalPatEnbld => total,
            PomiField::NewPatEnbld => of(new),
            PomiField::SysApptsEnbld | PomiField::SysPrescEnbld | PomiField::SysDetCodeRecEnbld => 2,
            PomiField::PatApptsEnbld => (total as f64 * appts).round() as i64,
            PomiField::PatPrescEnbld => (total as f64 * presc).round() as i64,
            PomiField::PatDetCodeRecEnbld => (total as f64 * record).round() as i64,
            PomiField::PatApptsUse => of(appts_use),
            PomiField::PatPrescUse => of(presc_use),
            PomiField::PatDetCodeRecUse => of(record_use),
            PomiField::TotalUse => of(appts_use + presc_use + record_use),
        })
    });
    PracticeMonth {
        practice: peer.code.clone(),
        period: period.to_owned(),
        supplier: "SYNTHETIC".to_owned(),
        region: DEMO_REGION.to_owned(),
        org_kind: OrgKind::SubIcb,
        org: DEMO_SUB_ICB.to_owned(),
        icb: Some(DEMO_ICB.to_owned()),
        values,
    }
}

/// Twenty 5-year bands per sex; bands from 65 hold `older` of the list between them.
fn age_bands(peer: &Peer, period: &str) -> Vec<AgeBandCount> {
    let young_weight = 13.0; // bands 0..=60
    let old_weights = [5.0, 4.5, 3.6, 2.5, 1.5, 0.7, 0.2]; // 65, 70, … 95+
    let old_total: f64 = old_weights.iter().sum();
    let mut out = Vec::new();
    for sex in [Sex::Female, Sex::Male] {
        let half = peer.list as f64 / 2.0;
        for band in 0..20_u8 {
            let share = if band < 13 {
                (1.0 - peer.older) / young_weight
            } else {
                peer.older * old_weights[usize::from(band - 13)] / old_total
            };
            out.push(AgeBandCount {
                period: period.to_owned(),
                practice: peer.code.clone(),
                sex,
                band_from: band * 5,
                patients: Some((half * share).round() as i64),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::demo_pcn;
    use crate::uptake::quirks;

    #[test]
    fn demo_uptake_is_deterministic_covers_every_month_and_has_no_quirks() {
        let params = SimulationParameters::default();
        let pcn = demo_pcn(&params);
        let a = demo_uptake(&params, &pcn);
        assert_eq!(a, demo_uptake(&params, &pcn));
        assert_eq!(a.places.len(), 20);
        assert_eq!(a.months.len(), 20 * 12);
        assert_eq!(a.months[0].period, "2025-11");
        assert_eq!(a.months.last().map(|m| m.period.as_str()), Some("2026-10"));
        assert!(a.months.iter().all(|m| m.practice.starts_with("Y999")));
        assert!(
            a.months.iter().all(|m| quirks(&m.values, &m.supplier, &[]).is_empty()),
            "synthetic data is clean"
        );
        assert_eq!(a.age_bands.len(), 20 * 40);
        assert!(a.names.iter().all(|(_, _, name)| name.ends_with("(synthetic)")));
    }

    #[test]
    fn the_demo_offer_shows_its_built_in_effect_against_matched_peers() {
        use crate::effect::oc::{latest_list_size, match_peers, oc_method_changes, oc_series, PeerCandidate};
        use crate::effect::{estimate, Month, Panel};
        let params = SimulationParameters::default();
        let pcn = demo_pcn(&params);
        let oc = demo_online_consultations(&params, &pcn);
        assert_eq!(oc, demo_online_consultations(&params, &pcn), "deterministic");
        assert_eq!(oc.months.len(), 20 * 36);
        assert_eq!(
            (oc.months[0].period.as_str(), oc.offer_start.to_string().as_str()),
            ("2023-11", "2026-04-01")
        );
        // Matched as `lantern report effect` matches: same ICB, similar list, same IMD quintile.
        let uptake = demo_uptake(&params, &pcn);
        let quintiles = crate::uptake::equity::deprivation_quintiles(&uptake.deprivation, 2019).of;
        let candidate = |practice: &str| PeerCandidate {
            practice: practice.to_owned(),
            icb: Some(crate::simulator::DEMO_ICB.to_owned()),
            list_size: latest_list_size(practice, &oc.months),
            quintile: quintiles.get(practice).copied(),
            supplier: Some("SYNTHETIC".to_owned()),
        };
        let candidates: Vec<PeerCandidate> = uptake.places.iter().map(|p| candidate(&p.practice)).collect();
        let peers = match_peers(&candidate(&oc.offer_practice), &candidates, &Default::default());
        assert!(!peers.is_empty());
        let effect = estimate(&Panel {
            practice: oc_series(&oc.offer_practice, &oc.months),
            peers: peers.iter().map(|p| oc_series(p, &oc.months)).collect(),
            start: Month::of(oc.offer_start),
            list_size: latest_list_size(&oc.offer_practice, &oc.months),
            method_changes: oc_method_changes(),
        });
        for outcome in [&effect.interrupted_time_series, &effect.difference_in_differences] {
            let e = outcome.estimate().unwrap_or_else(|| panic!("an estimate: {outcome:?}"));
            assert!(e.interval.contains(DEMO_OFFER_STEP) && e.interval.low > 0.0, "{e:?}");
        }
        // The appointment share carries its own step, found against the same peers.
        let share = |code: &str| {
            crate::effect::Series::new(
                code,
                oc.appointments.iter().filter(|m| m.practice == code).filter_map(|m| {
                    let month = Month::parse(&m.period)?;
                    Some((month, m.video_online as f64 * 100.0 / m.total as f64))
                }),
            )
        };
        let effect = estimate(&Panel {
            practice: share(&oc.offer_practice),
            peers: peers.iter().map(|p| share(p)).collect(),
            start: Month::of(oc.offer_start),
            list_size: latest_list_size(&oc.offer_practice, &oc.months),
            method_changes: Vec::new(),
        });
        let did = effect.difference_in_differences.estimate().expect("an estimate against peers");
        assert!(did.interval.contains(DEMO_APPOINTMENT_STEP) && did.interval.low > 0.0, "{did:?}");
    }

    #[test]
    fn the_lagging_peer_has_the_lowest_uptake_for_its_deprivation() {
        let params = SimulationParameters::default();
        let demo = demo_uptake(&params, &demo_pcn(&params));
        let share = |code: &str| {
            let m = demo.months.iter().rfind(|m| m.practice == code).expect("month");
            m.values.get(PomiField::TotalPatEnbld).unwrap_or(0) as f64
                / m.values.get(PomiField::PatientListSize).unwrap_or(1) as f64
        };
        let imd = |code: &str| demo.deprivation.iter().find(|d| d.practice == code).map_or(0.0, |d| d.score);
        // The residual against the line the others were drawn from is lowest for the lagging peer.
        let residual = |code: &str| share(code) - (0.62 - 0.006 * (imd(code) - 20.0) + 0.066);
        let lowest = demo
            .places
            .iter()
            .map(|p| p.practice.as_str())
            .min_by(|a, b| residual(a).total_cmp(&residual(b)));
        assert_eq!(lowest, Some(LAGGING_PEER));
    }
}
