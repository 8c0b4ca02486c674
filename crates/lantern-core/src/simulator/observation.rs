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

mod plan;
#[cfg(test)]
mod tests;

use super::{calendar, simulate_episodes, DemoPcn, SimulationParameters, DEMO_PRACTICES};
use crate::episode::EpisodeInput;
use crate::observation::{Event, EventKind, SessionInfo, Study, Template};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use plan::{plan, shadow, Plan};
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
        let plan = plan(&mut rng, window, &helped, index == 0);
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

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}
