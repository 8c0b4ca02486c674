//! A synthetic observation study for the demo: a researcher shadows the receptionist at Riverside who
//! carries most of the help, for a few hours on three working days near the end of the demo period,
//! and a second observer shadows one of those sessions too, so results, the logging gap and
//! reliability all have something to show.
//!
//! The point it makes is the study's: self-logging under-counts. Every episode the receptionist logged
//! in the observed hours is seen as a help task of the same length, and the observer also sees quick
//! help nobody logged (half as much again to as much again), among phone triage, prescriptions and
//! appointments work, some of it at the same time. The second observer codes the same session a little
//! differently (seconds out here and there, the odd category read another way), as real observers do.
//!
//! Labelled synthetic like the rest of the demo, and drawn from its own ChaCha stream of the seed, ids
//! included, so the same seed gives the same study.

use super::draw::{chance, pick, pick_code};
use super::{calendar, simulate_episodes, DemoPcn, SimulationParameters, DEMO_PRACTICES};
use crate::episode::EpisodeInput;
use crate::observation::{Event, EventKind, SessionInfo, Study, Template};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use uuid::Uuid;

/// After the staff (1), episode (2) and uptake (3) streams, so adding the study changes none of them.
const OBSERVATION_STREAM: u64 = 4;
const SESSIONS: usize = 3;
/// The session (in date order) that a second observer shadows as well.
const PAIRED: usize = 1;
/// Sessions fall in the last six weeks of the demo period.
const STUDY_DAYS: i64 = 42;
/// The second observer arrives two minutes later, so which session of the pair is the earlier (the one
/// results count) never rests on a tie.
const SHADOW_LATE: i64 = 120;

pub const DEMO_STUDY_NAME: &str = "Front desk observation, Riverside (synthetic)";
const CONSENT_NOTE: &str = "Synthetic demonstration data: no real staff or patients were observed. In a \
real study, note here how the staff observed gave consent and how patients were told (waiting-room notices).";

/// Quick help that rarely gets logged: a reset here, a pointer to the right screen there.
const QUICK_HELP: [(&str, u32); 7] = [
    ("show_feature", 5),
    ("reset_password", 4),
    ("troubleshoot", 3),
    ("link_account", 2),
    ("signpost", 2),
    ("explain_offline", 2),
    ("install_app", 2),
];

/// The rest of a receptionist's work: (weight, [what, with whom, how, where], shortest and longest
/// seconds).
type Work = (u32, [&'static str; 4], i64, i64);
const OTHER_WORK: [Work; 5] = [
    (4, ["phone_triage", "patient", "phone", "front_desk"], 90, 360),
    (3, ["prescriptions_admin", "none", "clinical_system", "back_office"], 180, 600),
    (3, ["appointments_admin", "patient", "clinical_system", "front_desk"], 60, 240),
    (1, ["registration", "patient", "paper", "front_desk"], 240, 600),
    (1, ["other", "colleague", "face_to_face", "back_office"], 120, 480),
];

const INTERRUPTIONS: [(&str, u32); 5] =
    [("phone", 3), ("colleague", 3), ("patient", 2), ("clinician", 1), ("system", 1)];

/// Field notes in an observer's words, free of anything that could identify a patient.
const NOTES: [&str; 8] = [
    "Queue of four at the desk while a patient was shown how to order repeat prescriptions in the NHS App.",
    "Phones busy at opening: help at the desk stopped while calls were answered, then picked up again.",
    "Said it is quicker to do the NHS login check for the patient than to explain it.",
    "None of the quick password resets seen this morning were logged; staff called them too small to count.",
    "A colleague came over to ask how to issue registration details: everyone asks the same person.",
    "Carer set up proxy access for an older parent; the practice manager had to sign it off.",
    "Logged the morning's help at the end of the session, from memory.",
    "The tablet in the waiting room was not working, so patients came to the desk instead.",
];

/// Categories two observers can reasonably read differently: (dimension, one, the other).
const CONFUSABLE: [(&str, &str, &str); 9] = [
    ("what", "reset_password", "troubleshoot"),
    ("what", "show_feature", "install_app"),
    ("what", "link_account", "create_account"),
    ("what", "signpost", "explain_offline"),
    ("what", "verify_identity", "issue_registration_details"),
    ("what", "phone_triage", "appointments_admin"),
    ("what", "prescriptions_admin", "other"),
    ("with_whom", "patient", "carer"),
    ("how", "face_to_face", "patient_device"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct DemoObservation {
    pub study: Study,
    /// In the order they start.
    pub sessions: Vec<DemoSession>,
    /// The reliability pair: the earlier session, then the one shadowing it.
    pub pair: Option<(Uuid, Uuid)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoSession {
    pub info: SessionInfo,
    /// In time order, the session's end last.
    pub events: Vec<Event>,
}

/// A session's contents in whole seconds since the epoch, before ids are given.
struct Plan {
    start: i64,
    end: i64,
    tasks: Vec<(i64, i64, BTreeMap<String, String>)>,
    interruptions: Vec<(i64, &'static str)>,
    notes: Vec<(i64, &'static str)>,
    pause: Option<(i64, i64)>,
}

impl Plan {
    fn in_pause(&self, at: i64) -> bool {
        self.pause.is_some_and(|(from, to)| (from..to).contains(&at))
    }

    /// A start for something `length` seconds long inside the window, not while the observer is away.
    fn free_start(&self, rng: &mut ChaCha8Rng, length: i64) -> i64 {
        let latest = (self.end - length).max(self.start + 1);
        (0..50)
            .map(|_| rng.gen_range(self.start..latest))
            .find(|&at| !self.in_pause(at))
            .unwrap_or(self.start)
    }
}

/// The study, observed by `observers` (the first records every session, the second shadows one).
/// `None` if the PCN has no Riverside or Riverside no receptionist who helps.
pub fn demo_observation(
    params: &SimulationParameters,
    pcn: &DemoPcn,
    observers: [Uuid; 2],
) -> Option<DemoObservation> {
    let practice = pcn.practices.iter().find(|p| p.practice.ods_code.as_str() == DEMO_PRACTICES[0])?;
    let code = practice.practice.ods_code.as_str();
    let episodes: Vec<EpisodeInput> =
        simulate_episodes(params, pcn).into_iter().filter(|e| e.practice == code).collect();
    let receptionist =
        |id: &str| practice.staff.iter().any(|m| m.id.to_string() == id && m.role == "receptionist");
    let mut minutes: BTreeMap<&str, i64> = BTreeMap::new();
    for episode in &episodes {
        for helper in episode.helpers.iter().filter(|h| receptionist(h)) {
            *minutes.entry(helper).or_default() += episode.duration_minutes.unwrap_or(0);
        }
    }
    let staff = minutes.into_iter().max_by_key(|(_, m)| *m).map(|(id, _)| id.to_owned())?;
    let helped: Vec<(i64, &EpisodeInput)> = episodes
        .iter()
        .filter(|e| e.helpers.contains(&staff))
        .filter_map(|e| Some((e.occurred_at.as_deref()?.parse::<Timestamp>().ok()?.as_second(), e)))
        .collect();

    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(OBSERVATION_STREAM);
    let study_id = uuid(&mut rng);
    let first = params.end.checked_sub(STUDY_DAYS.days()).ok()?.max(params.first_day());
    let mut demo = DemoObservation {
        study: Study {
            id: study_id,
            name: DEMO_STUDY_NAME.into(),
            practices: vec![practice.practice.ods_code.clone()],
            observers: observers.to_vec(),
            starts_on: first,
            ends_on: params.end,
            consent_note: CONSENT_NOTE.into(),
            template: Template::default_template(),
        },
        sessions: Vec::new(),
        pair: None,
    };
    for (index, window) in windows(&mut rng, first, params.end, &helped).into_iter().enumerate() {
        let plan = plan(&mut rng, window, &helped);
        let mut info = SessionInfo {
            id: uuid(&mut rng),
            study: study_id,
            practice: practice.practice.ods_code.clone(),
            observer: observers[0],
            staff: staff.parse().ok()?,
            started_at: Timestamp::from_second(plan.start).ok()?,
        };
        demo.sessions.push(DemoSession { info: info.clone(), events: events(&mut rng, &plan)? });
        if index == PAIRED {
            let shadow = shadow(&mut rng, &plan);
            let earlier = info.id;
            info.id = uuid(&mut rng);
            info.observer = observers[1];
            info.started_at = Timestamp::from_second(shadow.start).ok()?;
            demo.pair = Some((earlier, info.id));
            demo.sessions.push(DemoSession { info, events: events(&mut rng, &shadow)? });
        }
    }
    Some(demo)
}

/// Session windows on different working days from `first` to `last`, each with at least two episodes
/// the staff member logged: a study observes the busy mornings, where there is help to see.
fn windows(
    rng: &mut ChaCha8Rng,
    first: Date,
    last: Date,
    helped: &[(i64, &EpisodeInput)],
) -> Vec<(i64, i64)> {
    let mut days: Vec<Date> = Vec::new();
    let mut day = first;
    while day <= last {
        if calendar::is_working_day(day) {
            days.push(day);
        }
        day = match day.tomorrow() {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    let mut chosen = Vec::new();
    while chosen.len() < SESSIONS && !days.is_empty() {
        let day = days.swap_remove(rng.gen_range(0..days.len()));
        let (hour, minute) = [(8, 0), (8, 30), (9, 0)][rng.gen_range(0..3)];
        let length = [180, 210, 240][rng.gen_range(0..3)] * 60;
        let Some(start) = calendar::uk_instant(day.at(hour, minute, 0, 0)).map(|t| t.as_second()) else {
            continue;
        };
        if helped.iter().filter(|(at, _)| (start..start + length).contains(at)).count() >= 2 {
            chosen.push((start, start + length));
        }
    }
    chosen.sort_unstable();
    chosen
}

fn plan(rng: &mut ChaCha8Rng, (start, end): (i64, i64), helped: &[(i64, &EpisodeInput)]) -> Plan {
    let mut tasks: Vec<(i64, i64, BTreeMap<String, String>)> = helped
        .iter()
        .filter(|(at, _)| (start..end).contains(at))
        .map(|&(at, e)| {
            let what =
                e.tasks.get(rng.gen_range(0..e.tasks.len().max(1))).map_or("show_feature", String::as_str);
            let with_whom = if e.carer_proxy { "carer" } else { "patient" };
            let (how, place) = match e.channel.as_str() {
                "desk" | "kiosk" => ("face_to_face", "front_desk"),
                "telephone" => ("phone", "front_desk"),
                "screen_share" => ("clinical_system", "back_office"),
                _ => ("face_to_face", "other"),
            };
            let length = e.duration_minutes.unwrap_or(1) * 60;
            (at, (at + length).min(end), values([what, with_whom, how, place]))
        })
        .collect();
    // The observer's break falls where no logged help is running, so every episode stays in observed time.
    let length = rng.gen_range(480..=900);
    let pause = (start + (end - start) / 2..end - 1_800)
        .step_by(60)
        .find(|&p| tasks.iter().all(|(s, e, _)| *e + 60 <= p || *s >= p + length + 60))
        .map(|p| (p, p + length));
    let mut plan =
        Plan { start, end, tasks: Vec::new(), interruptions: Vec::new(), notes: Vec::new(), pause };
    let unlogged = ((tasks.len() * rng.gen_range(5..=10) + 5) / 10).max(2);
    for _ in 0..unlogged {
        let length = rng.gen_range(90..=480);
        let at = plan.free_start(rng, length);
        let what = pick_code(rng, &QUICK_HELP, "show_feature");
        let with_whom = if chance(rng, 0.15) { "carer" } else { "patient" };
        let how = if chance(rng, 0.4) { "patient_device" } else { "face_to_face" };
        tasks.push((at, at + length, values([what, with_whom, how, "front_desk"])));
    }
    let help = tasks.len();
    let weights: Vec<(usize, u32)> = OTHER_WORK.iter().enumerate().map(|(i, w)| (i, w.0)).collect();
    for _ in 0..rng.gen_range(6..=10) {
        let (_, coded, shortest, longest) = OTHER_WORK[pick(rng, &weights).copied().unwrap_or(0)];
        let length = rng.gen_range(shortest..=longest);
        // Half the phone calls are answered in the middle of helping someone: the multitasking.
        let during = if coded[0] == "phone_triage" && chance(rng, 0.5) {
            tasks
                .get(rng.gen_range(0..help))
                .map(|(s, e, _)| s + (e - s) / 3)
                .filter(|&at| !plan.in_pause(at))
        } else {
            None
        };
        let at = during.unwrap_or_else(|| plan.free_start(rng, length));
        tasks.push((at, (at + length).min(end), values(coded)));
    }
    for _ in 0..rng.gen_range(2..=4) {
        let at = plan.free_start(rng, 1);
        plan.interruptions.push((at, pick_code(rng, &INTERRUPTIONS, "other")));
    }
    let mut notes: Vec<&'static str> = NOTES.to_vec();
    for _ in 0..rng.gen_range(2..=3) {
        let note = notes.swap_remove(rng.gen_range(0..notes.len()));
        plan.notes.push((plan.free_start(rng, 1), note));
    }
    plan.tasks = tasks;
    plan
}

/// The same session as a second observer codes it, from two minutes in and without a break.
fn shadow(rng: &mut ChaCha8Rng, seen: &Plan) -> Plan {
    let start = seen.start + SHADOW_LATE;
    let mut tasks = Vec::new();
    for (s, e, values) in &seen.tasks {
        let (from, to) =
            ((s + rng.gen_range(-20..=20)).max(start), (e + rng.gen_range(-20..=20)).min(seen.end));
        if chance(rng, 0.08) || to <= from + 5 {
            continue;
        }
        let mut values = values.clone();
        for (dimension, one, other) in CONFUSABLE {
            let Some(value) = values.get_mut(dimension) else { continue };
            let read_as = match value.as_str() {
                v if v == one => other,
                v if v == other => one,
                _ => continue,
            };
            if chance(rng, 0.15) {
                read_as.clone_into(value);
            }
        }
        tasks.push((from, to, values));
    }
    let mut interruptions = Vec::new();
    for &(at, source) in &seen.interruptions {
        let at = at + rng.gen_range(0..=15);
        if (start..seen.end).contains(&at) && !chance(rng, 0.2) {
            interruptions.push((at, source));
        }
    }
    let note = NOTES[rng.gen_range(0..NOTES.len())];
    let notes = vec![(start + (seen.end - start) / 3, note)];
    Plan { start, end: seen.end, tasks, interruptions, notes, pause: None }
}

fn events(rng: &mut ChaCha8Rng, plan: &Plan) -> Option<Vec<Event>> {
    let at = |second: i64| Timestamp::from_second(second).ok();
    let mut events = Vec::new();
    for (start, end, values) in &plan.tasks {
        let task = uuid(rng);
        events.push(Event {
            id: task,
            at: at(*start)?,
            kind: EventKind::TaskStarted { values: values.clone() },
        });
        events.push(Event { id: uuid(rng), at: at(*end)?, kind: EventKind::TaskEnded { task } });
    }
    for &(second, source) in &plan.interruptions {
        events.push(Event {
            id: uuid(rng),
            at: at(second)?,
            kind: EventKind::Interruption { source: source.into() },
        });
    }
    for &(second, text) in &plan.notes {
        events.push(Event { id: uuid(rng), at: at(second)?, kind: EventKind::Note { text: text.into() } });
    }
    if let Some((from, to)) = plan.pause {
        events.push(Event { id: uuid(rng), at: at(from)?, kind: EventKind::Paused });
        events.push(Event { id: uuid(rng), at: at(to)?, kind: EventKind::Resumed });
    }
    events.sort_by_key(|e| e.at);
    events.push(Event { id: uuid(rng), at: at(plan.end)?, kind: EventKind::SessionEnded });
    Some(events)
}

fn values(coded: [&str; 4]) -> BTreeMap<String, String> {
    ["what", "with_whom", "how", "where"]
        .iter()
        .zip(coded)
        .map(|(d, v)| ((*d).to_owned(), v.to_owned()))
        .collect()
}

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

#[cfg(test)]
#[path = "observation_tests.rs"]
mod tests;
