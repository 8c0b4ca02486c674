//! The synthetic ICB the dashboard benchmark measures: 40 practices of 3,000 to 25,000 patients in
//! PCNs of five, about ten staff each, and five years of help episodes drawn from a seeded ChaCha8
//! stream. The shapes follow the demo simulator (`lantern_core::simulator`) in a simpler, faster form:
//! weekday help between 08:00 and 19:00 UK time, most of it at the desk, one or two tech-savvy people
//! per practice doing most of it, NHS App and NHS login the commonest services.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use lantern_core::episode::{Episode, PRACTICE_TIME_ZONE};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// The synthetic ICB's code (the demo's: in none of the ODS extracts).
pub const ICB: &str = lantern_core::simulator::DEMO_ICB;
pub const PRACTICES: usize = 40;
const PCN_SIZE: usize = 5;

/// Five years of help: November 2021 to October 2026.
pub fn first_day() -> Date {
    jiff::civil::date(2021, 11, 1)
}

pub fn last_day() -> Date {
    jiff::civil::date(2026, 10, 31)
}

type Weighted = &'static [(&'static str, u32)];

const SERVICES: Weighted = &[
    ("nhs_app", 30),
    ("nhs_login", 24),
    ("repeat_prescriptions", 14),
    ("appointments", 10),
    ("online_consultation", 8),
    ("record_access", 6),
    ("proxy_access", 4),
    ("nominated_pharmacy", 2),
    ("secure_messaging", 1),
    ("video_consultation", 1),
    ("practice_website", 1),
    ("sms_links", 1),
];
const TASKS: Weighted = &[
    ("reset_password", 18),
    ("verify_identity", 16),
    ("complete_form", 12),
    ("show_feature", 12),
    ("troubleshoot", 9),
    ("create_account", 7),
    ("install_app", 6),
    ("explain_offline", 6),
    ("link_account", 4),
    ("enable_record_access", 3),
    ("issue_registration_details", 3),
    ("setup_proxy", 2),
    ("signpost", 2),
];
const BARRIERS: Weighted = &[
    ("low_confidence", 30),
    ("no_photo_id", 10),
    ("no_device", 8),
    ("no_contact", 7),
    ("no_data", 5),
    ("language", 6),
    ("sight", 5),
    ("hearing", 4),
    ("dexterity", 4),
    ("cognitive", 4),
    ("distrust", 5),
    ("bad_experience", 4),
    ("prefers_offline", 4),
    ("mental_health", 3),
    ("learning_disability", 2),
];
const AGE_BANDS: Weighted =
    &[("75+", 31), ("65-74", 26), ("45-64", 18), ("25-44", 12), ("16-24", 4), ("0-15", 2), ("", 7)];
const APPROACHES: Weighted = &[("for", 50), ("with", 35), ("coached", 15)];
const OUTCOMES: Weighted = &[
    ("resolved", 70),
    ("partly_resolved", 12),
    ("escalated", 4),
    ("referred_out", 4),
    ("chose_offline", 6),
    ("not_resolved", 4),
];
/// Hours of the day from 08:00 to 18:00 (the last hour only to 18:59).
const HOURS: [(i64, u32); 11] =
    [(8, 6), (9, 14), (10, 14), (11, 12), (12, 8), (13, 7), (14, 10), (15, 10), (16, 8), (17, 6), (18, 3)];
/// A log-normal multiplier with σ = 0.5 at the quantiles 1%, 1/16 … 15/16, 99% (as the simulator).
const LOG_NORMAL: [f64; 17] = [
    0.312, 0.464, 0.563, 0.642, 0.714, 0.783, 0.853, 0.924, 1.000, 1.082, 1.173, 1.277, 1.401, 1.558, 1.777,
    2.153, 3.200,
];
const NOTES: [&str; 5] = [
    "Printed step-by-step guide given to patient",
    "Patient confident to try again at home",
    "Busy morning; helped between calls",
    "Second visit this month for the same problem",
    "Showed where the guide is on the practice website",
];
/// Roles in the order a practice's staff list is filled, with their usual share of ad hoc help.
const ROLES: [(&str, u32); 12] = [
    ("receptionist", 10),
    ("receptionist", 10),
    ("receptionist", 10),
    ("administrator", 6),
    ("practice_manager", 4),
    ("gp", 1),
    ("receptionist", 10),
    ("nurse", 2),
    ("gp", 1),
    ("administrator", 6),
    ("digital_champion", 25),
    ("pharmacist", 1),
];

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[0].0
}

/// Up to `extra` more codes from `table`, none already in `chosen`.
fn pick_more(rng: &mut ChaCha8Rng, table: Weighted, chosen: &mut Vec<String>, extra: usize) {
    for _ in 0..extra {
        let rest: Vec<(&str, u32)> =
            table.iter().copied().filter(|(c, _)| !chosen.iter().any(|s| s == c)).collect();
        if !rest.is_empty() {
            chosen.push(pick(rng, &rest).to_owned());
        }
    }
}

/// How busy a working day is: Monday busiest, Friday quietest, August quiet, winter busy.
pub fn day_weight(day: Date) -> f64 {
    let weekday = match day.weekday() {
        Weekday::Saturday | Weekday::Sunday => return 0.0,
        Weekday::Monday => 1.25,
        Weekday::Tuesday => 1.05,
        Weekday::Wednesday => 1.0,
        Weekday::Thursday => 0.95,
        Weekday::Friday => 0.85,
    };
    let month = [1.15, 1.05, 1.0, 0.95, 0.95, 0.95, 0.9, 0.6, 1.05, 1.1, 1.05, 0.9];
    weekday * month[usize::from(day.month().unsigned_abs()) - 1]
}

/// 08:00 UK time on `day` (practice hours never meet the clock change).
pub fn opening(day: Date) -> Timestamp {
    let tz = TimeZone::get(PRACTICE_TIME_ZONE).expect("the UK time zone is bundled");
    day.at(8, 0, 0, 0).to_zoned(tz).expect("a UK time").timestamp()
}

pub struct SynthPractice {
    pub practice: Practice,
    pub staff: Vec<StaffMember>,
    /// Relative demand per patient.
    pub demand: f64,
    helpers: Vec<(usize, u32)>,
    escalation: Vec<usize>,
    champion: Option<usize>,
}

pub struct Icb {
    pub code: OdsCode,
    pub practices: Vec<SynthPractice>,
}

pub fn build_icb(rng: &mut ChaCha8Rng) -> Icb {
    let icb = OdsCode::parse(ICB).expect("ICB code");
    let practices = (0..PRACTICES)
        .map(|i| {
            let code = OdsCode::parse(&format!("Y98{:03}", i + 1)).expect("practice code");
            let pcn = OdsCode::parse(&format!("U98{:03}", i / PCN_SIZE + 1)).expect("PCN code");
            // Skewed towards smaller practices: median about 8,500 patients.
            let u: f64 = rng.gen();
            let list_size = 3_000 + (22_000.0 * u * u) as u32;
            let practice = Practice {
                ods_code: code.clone(),
                name: format!("Benchmark practice {} (synthetic)", i + 1),
                pcn: Some(pcn),
                icb: Some(icb.clone()),
                list_size,
            };
            let size = rng.gen_range(8..=12);
            let staff: Vec<StaffMember> = ROLES[..size]
                .iter()
                .enumerate()
                .map(|(n, (role, _))| StaffMember {
                    id: uuid::Builder::from_random_bytes(rng.gen()).into_uuid(),
                    practice: code.clone(),
                    display_name: format!("{} {} (synthetic)", role.replace('_', " "), n + 1),
                    role: (*role).to_owned(),
                    active: true,
                })
                .collect();
            // Help defaults to whoever is seen as tech-savvy: one of the first four carries several
            // times an ordinary share.
            let savvy = rng.gen_range(0..4);
            let helpers = (0..size)
                .map(|n| (n, if n == savvy { ROLES[n].1 * rng.gen_range(3..=8) } else { ROLES[n].1 }))
                .collect();
            let escalation = (0..size)
                .filter(|n| matches!(ROLES[*n].0, "practice_manager" | "gp" | "digital_champion"))
                .collect();
            let champion = (0..size).find(|n| ROLES[*n].0 == "digital_champion");
            let demand = 0.8 + 0.4 * rng.gen::<f64>() + if champion.is_some() { 0.3 } else { 0.0 };
            SynthPractice { practice, staff, demand, helpers, escalation, champion }
        })
        .collect();
    Icb { code: icb, practices }
}

impl SynthPractice {
    /// How much help the practice gives relative to the others.
    pub fn weight(&self) -> f64 {
        f64::from(self.practice.list_size) * self.demand
    }

    /// One episode on the day that opens at `opening`, with its id (a UUIDv7 of its time).
    pub fn episode(&self, rng: &mut ChaCha8Rng, opening: Timestamp) -> (Uuid, Episode) {
        let hour = pick(rng, &HOURS);
        let seconds = (hour - 8) * 3_600 + rng.gen_range(0..3_600);
        let occurred_at = Timestamp::from_second(opening.as_second() + seconds).expect("a valid time");
        let mut channels: Vec<(&str, u32)> =
            vec![("desk", 70), ("telephone", 21), ("kiosk", 2), ("screen_share", 2)];
        if self.champion.is_some() {
            channels.extend([("appointment", 6), ("home_visit", 1)]);
        }
        let channel = pick(rng, &channels);
        let first = match (channel, self.champion) {
            ("appointment" | "home_visit", Some(champion)) => champion,
            _ => pick(rng, &self.helpers),
        };
        let mut helpers = vec![first];
        if rng.gen_bool(0.05) {
            let others: Vec<(usize, u32)> =
                self.helpers.iter().copied().filter(|(n, _)| *n != first).collect();
            helpers.push(pick(rng, &others));
        }
        let mut services = vec![pick(rng, SERVICES).to_owned()];
        let more = usize::from(rng.gen_bool(0.22));
        pick_more(rng, SERVICES, &mut services, more);
        let mut tasks = vec![pick(rng, TASKS).to_owned()];
        let more = usize::from(rng.gen_bool(0.3));
        pick_more(rng, TASKS, &mut tasks, more);
        let mut barriers = Vec::new();
        let how_many = pick(rng, &[(0, 55), (1, 33), (2, 12)]);
        pick_more(rng, BARRIERS, &mut barriers, how_many);
        let age_band = Some(pick(rng, AGE_BANDS)).filter(|a| !a.is_empty()).map(str::to_owned);
        let mut outcome = pick(rng, OUTCOMES);
        let targets: Vec<(usize, u32)> =
            self.escalation.iter().filter(|n| !helpers.contains(n)).map(|n| (*n, 1)).collect();
        let escalated_to = if outcome == "escalated" && !targets.is_empty() {
            Some(self.staff[pick(rng, &targets)].id)
        } else {
            if outcome == "escalated" {
                outcome = "not_resolved";
            }
            None
        };
        let mut median: f64 = match channel {
            "appointment" => 20.0,
            "home_visit" => 30.0,
            _ => 5.0,
        };
        if tasks.iter().any(|t| t == "verify_identity") {
            median = median.max(10.0);
        }
        let scale = 1.0 + 0.2 * (tasks.len() - 1) as f64 + 0.1 * barriers.len() as f64;
        let position = rng.gen::<f64>() * 16.0;
        let index = (position as usize).min(15);
        let spread =
            LOG_NORMAL[index] + (LOG_NORMAL[index + 1] - LOG_NORMAL[index]) * (position - index as f64);
        let duration_minutes = (median * scale * spread).round().clamp(1.0, 240.0) as u16;
        let note = rng.gen_bool(0.1).then(|| NOTES[rng.gen_range(0..NOTES.len())].to_owned());
        let millis = u64::try_from(occurred_at.as_millisecond()).expect("after 1970");
        let id = uuid::Builder::from_unix_timestamp_millis(millis, &rng.gen()).into_uuid();
        let episode = Episode {
            occurred_at,
            practice: self.practice.ods_code.clone(),
            helpers: helpers.iter().map(|n| self.staff[*n].id).collect(),
            duration_minutes,
            channel: channel.to_owned(),
            services,
            tasks,
            approach: pick(rng, APPROACHES).to_owned(),
            barriers,
            age_band,
            carer_proxy: rng.gen_bool(0.1),
            outcome: outcome.to_owned(),
            escalated_to,
            follow_up: rng.gen_bool(0.1),
            note,
            offer_id: None,
        };
        (id, episode)
    }
}
