//! What an observer sees in one session, in whole seconds since the epoch: the logged help as tasks,
//! the unlogged help and other work around it, interruptions, field notes and a break; and the same
//! session as a second observer codes it.

use super::SHADOW_LATE;
use crate::episode::EpisodeInput;
use crate::simulator::draw::{chance, pick, pick_code};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

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

/// A session's contents in whole seconds since the epoch, before ids are given.
pub(super) struct Plan {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) tasks: Vec<(i64, i64, BTreeMap<String, String>)>,
    pub(super) interruptions: Vec<(i64, &'static str)>,
    pub(super) notes: Vec<(i64, &'static str)>,
    pub(super) pause: Option<(i64, i64)>,
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

pub(super) fn plan(
    rng: &mut ChaCha8Rng,
    (start, end): (i64, i64),
    helped: &[(i64, &EpisodeInput)],
    miss_help: bool,
) -> Plan {
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
    // The observer is called away for a while: in the middle of some help, so that task is only partly
    // watched, or (when `miss_help`) just before some help starts, so it goes unseen and its episode
    // falls outside observed time. The demo then shows both of the gap's rules about pauses.
    let length = rng.gen_range(480..=900);
    let middle = start + (end - start) / 4..end - (end - start) / 4;
    let anchors: Vec<i64> = tasks
        .iter()
        .filter(|(s, e, _)| middle.contains(s) && e - s >= 240)
        .map(|(s, e, _)| if miss_help { s - 120 } else { s + (e - s) / 2 })
        .collect();
    let from = anchors.get(rng.gen_range(0..anchors.len().max(1))).copied();
    let from = from.unwrap_or_else(|| rng.gen_range(middle));
    let pause = Some((from, from + length));
    tasks.retain(|(s, _, _)| !(from..from + length).contains(s));
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
pub(super) fn shadow(rng: &mut ChaCha8Rng, seen: &Plan) -> Plan {
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

fn values(coded: [&str; 4]) -> BTreeMap<String, String> {
    ["what", "with_whom", "how", "where"]
        .iter()
        .zip(coded)
        .map(|(d, v)| ((*d).to_owned(), v.to_owned()))
        .collect()
}
