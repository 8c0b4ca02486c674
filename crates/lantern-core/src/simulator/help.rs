//! One practice's help episodes: who helps, through which channel, with what, for whom, and how it
//! ended.

use super::calendar::{self, HOUR_WEIGHTS};
use super::draw::{self, chance, pick, pick_code};
use super::{pcn, tables, DemoPractice, SimulationParameters};
use crate::episode::EpisodeInput;
use crate::taxonomy::ESCALATED;
use jiff::civil::{Date, Weekday};
use jiff::Timestamp;
use rand::Rng;

/// What the simulator needs to know about one practice, worked out once.
pub(super) struct PracticeModel {
    code: String,
    /// Registered patients in thousands, times the practice's relative demand.
    thousands: f64,
    group_day: Option<Weekday>,
    enabled: Vec<String>,
    /// Active staff ids with their share of ad hoc help.
    helpers: Vec<(String, u32)>,
    /// Runs pre-booked support appointments.
    champion: Option<String>,
    /// Runs the weekly group session.
    group_lead: Option<String>,
    /// Does the occasional home visit (a social prescriber, or the champion).
    home_visitor: Option<String>,
    /// Active staff a problem can be escalated to, with their role.
    escalation: Vec<(String, String)>,
    channels: Vec<(&'static str, u32)>,
}

/// Content shared by the ad hoc and group episode builders.
struct Help {
    at: Timestamp,
    channel: &'static str,
    services: Vec<&'static str>,
    tasks: Vec<&'static str>,
    age_band: Option<&'static str>,
}

impl PracticeModel {
    pub(super) fn new(demo: &DemoPractice) -> Self {
        let practice = &demo.practice;
        let spec = pcn::spec(&practice.ods_code);
        let enabled: Vec<String> =
            demo.services().into_iter().filter(|s| s.enabled).map(|s| s.code).collect();
        let active = || demo.staff.iter().filter(|m| m.active && m.practice == practice.ods_code);
        let first_with = |role: &str| active().find(|m| m.role == role).map(|m| m.id.to_string());
        let champion = first_with("digital_champion");
        let home_visitor = first_with("social_prescriber").or_else(|| champion.clone());
        // Ad hoc help is unplanned (91% of practices), so it happens where patients already are: at the
        // desk (about 70%) or on the telephone (about 20%), now and then on a practice tablet or by screen
        // share. Booked appointments only where a digital champion runs them (an active mode few
        // practices have); home visits only where someone does them.
        let mut channels = vec![("desk", 70), ("telephone", 21), ("kiosk", 2), ("screen_share", 2)];
        if champion.is_some() {
            channels.push(("appointment", 8));
        }
        if home_visitor.is_some() {
            channels.push(("home_visit", 2));
        }
        Self {
            code: practice.ods_code.to_string(),
            thousands: f64::from(practice.list_size) / 1_000.0 * spec.map_or(1.0, |s| s.demand),
            group_day: spec.and_then(|s| s.group_day),
            helpers: active()
                .map(|m| (m.id.to_string(), pcn::help_weight(spec, m)))
                .filter(|(_, w)| *w > 0)
                .collect(),
            group_lead: first_with("digital_lead").or_else(|| champion.clone()),
            escalation: active()
                .filter(|m| {
                    matches!(m.role.as_str(), "practice_manager" | "gp" | "digital_champion" | "digital_lead")
                })
                .map(|m| (m.id.to_string(), m.role.clone()))
                .collect(),
            enabled,
            champion,
            home_visitor,
            channels,
        }
    }

    pub(super) fn thousands_of_patients(&self) -> f64 {
        self.thousands
    }

    pub(super) fn group_day(&self) -> Option<Weekday> {
        self.group_day
    }

    fn is_enabled(&self, service: &str) -> bool {
        self.enabled.iter().any(|e| e == service)
    }

    /// One unplanned (or, with the champion, pre-booked) episode on `day`; `None` if the practice has
    /// no one to help or offers no services.
    pub(super) fn ad_hoc_episode(
        &self,
        rng: &mut impl Rng,
        params: &SimulationParameters,
        day: Date,
    ) -> Option<(Timestamp, EpisodeInput)> {
        let channel = pick_code(rng, &self.channels, "desk");
        let booked = match channel {
            "appointment" => self.champion.clone(),
            "home_visit" => self.home_visitor.clone(),
            _ => None,
        };
        let mut helpers = vec![booked.or_else(|| pick(rng, &self.helpers).cloned())?];
        if chance(rng, params.second_helper_share) {
            let others: Vec<(String, u32)> =
                self.helpers.iter().filter(|(id, _)| !helpers.contains(id)).cloned().collect();
            helpers.extend(pick(rng, &others).cloned());
        }
        let at = if channel == "appointment" {
            // Pre-booked slots on the hour or half hour, mid-morning and mid-afternoon.
            day.at(pick(rng, &[(10, 1), (11, 1), (14, 1), (15, 1)]).copied()?, rng.gen_range(0..2) * 30, 0, 0)
        } else {
            let hour = pick(rng, &HOUR_WEIGHTS).copied()?;
            day.at(hour, rng.gen_range(0..if hour == 18 { 30 } else { 60 }), 0, 0)
        };
        let services = self.services(rng, tables::SERVICES)?;
        let primary = services.first().copied()?;
        let mut tasks = vec![pick_code(rng, tables::tasks_for(primary), "show_feature")];
        if chance(rng, 0.3) {
            let second = tables::tasks_for(services.get(1).copied().unwrap_or(primary));
            let fresh: Vec<_> = second.iter().copied().filter(|(t, _)| !tasks.contains(t)).collect();
            tasks.extend(pick(rng, &fresh).copied());
        }
        let ages = if primary == "proxy_access" { tables::PROXY_AGE_BANDS } else { tables::AGE_BANDS };
        let age_band = pick(rng, ages).copied().flatten();
        let at = calendar::uk_instant(at)?;
        let help = Help { at, channel, services, tasks, age_band };
        Some((at, self.finish(rng, params, help, helpers)))
    }

    /// The weekly group session, run by the digital lead (14:00, 30–90 minutes, three to six people).
    /// Each attendee is an episode (an episode is one patient), and the session's staff time is split
    /// between them, so that adding up episodes still gives the staff time the work took: a 60-minute
    /// session for four is four 15-minute episodes.
    pub(super) fn group_session(
        &self,
        rng: &mut impl Rng,
        params: &SimulationParameters,
        day: Date,
    ) -> Vec<(Timestamp, EpisodeInput)> {
        let (Some(lead), Some(at)) = (&self.group_lead, calendar::uk_instant(day.at(14, 0, 0, 0))) else {
            return Vec::new();
        };
        let session = pick(rng, &[(30_i64, 1), (45, 3), (60, 4), (90, 2)]).copied().unwrap_or(60);
        let attendees = rng.gen_range(3_i64..=6);
        let each = ((session + attendees / 2) / attendees).max(1);
        let quiet = SimulationParameters { second_helper_share: 0.0, note_share: 0.0, ..params.clone() };
        (0..attendees)
            .filter_map(|_| {
                let services = self.services(rng, tables::GROUP_SERVICES)?;
                let tasks = vec![pick_code(rng, tables::GROUP_TASKS, "show_feature")];
                let age_band = pick(rng, tables::GROUP_AGE_BANDS).copied().flatten();
                let help = Help { at, channel: "group", services, tasks, age_band };
                let mut episode = self.finish(rng, &quiet, help, vec![lead.clone()]);
                episode.duration_minutes = Some(each);
                Some((at, episode))
            })
            .collect()
    }

    /// One to three services the practice offers: a main one, and sometimes one that goes with it.
    fn services(&self, rng: &mut impl Rng, table: tables::Weighted) -> Option<Vec<&'static str>> {
        let offered: Vec<_> = table.iter().copied().filter(|(c, _)| self.is_enabled(c)).collect();
        let primary = pick(rng, &offered).copied()?;
        let mut services = vec![primary];
        if chance(rng, 0.22) {
            let with: Vec<_> = tables::companions(primary)
                .iter()
                .copied()
                .filter(|(c, _)| self.is_enabled(c) && *c != primary)
                .collect();
            services.extend(pick(rng, &with).copied());
        }
        if chance(rng, 0.04) {
            let rest: Vec<_> = offered.iter().copied().filter(|(c, _)| !services.contains(c)).collect();
            services.extend(pick(rng, &rest).copied());
        }
        Some(services)
    }

    /// Everything after the what and the who: carer, barriers, approach, outcome, escalation, minutes,
    /// follow-up and note.
    fn finish(
        &self,
        rng: &mut impl Rng,
        params: &SimulationParameters,
        help: Help,
        helpers: Vec<String>,
    ) -> EpisodeInput {
        let Help { at, channel, services, mut tasks, age_band } = help;
        let mut carer = params.carer_proxy_share * tables::carer_proxy_factor(age_band);
        if services.contains(&"proxy_access") {
            carer = carer.max(0.7);
        }
        let carer_proxy = chance(rng, carer.min(0.95));
        let barriers = barriers(rng, age_band, &tasks);
        let approach = pick_code(rng, tables::approaches(channel), "with");
        let mut outcome = if channel == "group" {
            pick_code(rng, &[("resolved", 80), ("partly_resolved", 15), ("not_resolved", 5)], "resolved")
        } else {
            outcome(rng, &barriers)
        };
        let mut escalated_to = None;
        if outcome == ESCALATED {
            escalated_to = self.escalation_target(rng, &helpers, &services);
            if escalated_to.is_none() {
                outcome = "not_resolved";
            }
        }
        match outcome {
            "referred_out" if !tasks.contains(&"signpost") => tasks.push("signpost"),
            "chose_offline" if !tasks.contains(&"explain_offline") => tasks.push("explain_offline"),
            _ => {}
        }
        let minutes = minutes(rng, params, channel, &tasks, barriers.len(), approach);
        let follow_up = chance(rng, follow_up_chance(outcome));
        let note = chance(rng, params.note_share).then(|| note(rng, &services, &tasks, &barriers, outcome));
        EpisodeInput {
            occurred_at: Some(calendar::rfc3339(at)),
            practice: self.code.clone(),
            helpers,
            duration_minutes: Some(minutes),
            channel: channel.to_owned(),
            services: services.iter().map(|s| (*s).to_owned()).collect(),
            tasks: tasks.iter().map(|s| (*s).to_owned()).collect(),
            approach: approach.to_owned(),
            barriers: barriers.iter().map(|s| (*s).to_owned()).collect(),
            age_band: age_band.map(str::to_owned),
            carer_proxy,
            outcome: outcome.to_owned(),
            escalated_to,
            follow_up,
            note: note.map(str::to_owned),
            // The simulator logs ad hoc help; the demo names its drop-in's help itself.
            offer_id: None,
        }
    }

    /// Escalation goes to the practice manager, a GP (especially about record access, which needs a
    /// clinician's review) or the digital champion or lead: an active colleague other than the helpers.
    fn escalation_target(&self, rng: &mut impl Rng, helpers: &[String], services: &[&str]) -> Option<String> {
        let record = services.contains(&"record_access");
        let targets: Vec<(&String, u32)> = self
            .escalation
            .iter()
            .filter(|(id, _)| !helpers.contains(id))
            .map(|(id, role)| {
                let weight = match role.as_str() {
                    "gp" if record => 6,
                    "gp" => 2,
                    "digital_champion" => 4,
                    _ => 3,
                };
                (id, weight)
            })
            .collect();
        pick(rng, &targets).map(|id| (*id).clone())
    }
}

/// Zero to two distinct barriers, more for older patients.
fn barriers(rng: &mut impl Rng, age_band: Option<&str>, tasks: &[&str]) -> Vec<&'static str> {
    let how_many = pick(rng, tables::barrier_counts(age_band)).copied().unwrap_or(0);
    let mut weights = tables::barrier_weights(age_band, tasks);
    let mut chosen = Vec::new();
    for _ in 0..how_many {
        if let Some(barrier) = pick(rng, &weights).copied() {
            chosen.push(barrier);
            weights.retain(|(b, _)| *b != barrier);
        }
    }
    chosen
}

/// Most help resolves the problem (about 70%); each barrier makes that less likely. Without a device
/// or data the patient is more often referred out (to a library or community digital-inclusion
/// service), and those who distrust or prefer not to go online more often choose the offline route;
/// about 4% are escalated.
fn outcome(rng: &mut impl Rng, barriers: &[&str]) -> &'static str {
    let has = |code: &str| barriers.contains(&code);
    let resolved = [76, 66, 57].get(barriers.len()).copied().unwrap_or(57);
    let weights = [
        ("resolved", resolved),
        ("partly_resolved", 12),
        (ESCALATED, 4),
        ("referred_out", if has("no_device") || has("no_data") { 9 } else { 3 }),
        ("chose_offline", if has("prefers_offline") || has("distrust") { 15 } else { 5 }),
        ("not_resolved", if has("no_photo_id") { 7 } else { 4 }),
    ];
    pick_code(rng, &weights, "resolved")
}

/// Help that did not finish is the help that gets a follow-up (about 10% overall).
fn follow_up_chance(outcome: &str) -> f64 {
    match outcome {
        "resolved" => 0.04,
        "partly_resolved" => 0.3,
        "escalated" => 0.5,
        "referred_out" => 0.2,
        "not_resolved" => 0.35,
        _ => 0.05,
    }
}

/// Minutes taken: a log-normal around the channel's median (identity checks 10–20 minutes), longer for
/// each extra task and barrier and when coaching, then estimated the way people do.
fn minutes(
    rng: &mut impl Rng,
    params: &SimulationParameters,
    channel: &str,
    tasks: &[&str],
    barriers: usize,
    approach: &str,
) -> i64 {
    let mut median = tables::channel_minutes(channel).unwrap_or(params.typical_minutes);
    if tasks.contains(&"verify_identity") {
        median = median.max(params.identity_check_minutes);
    } else if tasks.iter().any(|t| matches!(*t, "setup_proxy" | "enable_record_access")) {
        median = median.max(10.0);
    }
    let extra_tasks = tasks.len().saturating_sub(1) as f64;
    let approach = match approach {
        "coached" => 1.15,
        "for" => 0.9,
        _ => 1.0,
    };
    let scale = (1.0 + 0.2 * extra_tasks + 0.1 * barriers as f64) * approach;
    let spread = draw::log_normal(rng);
    draw::estimated_minutes(rng, median * scale * spread)
}

/// A note in the words staff use, about what happened when one fits, otherwise a general one.
fn note(
    rng: &mut impl Rng,
    services: &[&str],
    tasks: &[&str],
    barriers: &[&str],
    outcome: &str,
) -> &'static str {
    let fitting = tables::contextual_notes(services, tasks, barriers, outcome);
    let from = if !fitting.is_empty() && chance(rng, 0.75) { &fitting[..] } else { tables::GENERAL_NOTES };
    from.get(rng.gen_range(0..from.len().max(1))).copied().unwrap_or("")
}
