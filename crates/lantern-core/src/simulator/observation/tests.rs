use super::*;
use crate::identity;
use crate::observation::{logging_gap, reliability, LoggedEpisode, Observed, SliceLength, Timeline};
use crate::simulator::demo_pcn;

const OBSERVERS: [Uuid; 2] = [Uuid::from_u128(1), Uuid::from_u128(2)];

fn demo() -> (SimulationParameters, DemoPcn, DemoObservation) {
    let params = SimulationParameters::default();
    let pcn = demo_pcn(&params);
    let demo = demo_observation(&params, &pcn, OBSERVERS).expect("the demo PCN has Riverside");
    (params, pcn, demo)
}

fn observed(demo: &DemoObservation) -> Vec<(Uuid, Observed)> {
    demo.sessions
        .iter()
        .map(|s| {
            let timeline =
                Timeline::from_events(s.info.clone(), demo.study.template.clone(), s.events.clone())
                    .unwrap_or_else(|e| panic!("session {}: {e}", s.info.id));
            assert!(timeline.ended_at().is_some(), "every session ends");
            (s.info.id, timeline.observed(s.info.started_at))
        })
        .collect()
}

#[test]
fn the_study_is_deterministic_labelled_synthetic_and_fits_its_own_rules() {
    let (params, pcn, demo) = demo();
    assert_eq!(demo, demo_observation(&params, &pcn, OBSERVERS).expect("again"), "same seed, same study");
    let study = demo.study.clone().validate().expect("a valid study");
    assert!(study.name.ends_with("(synthetic)"), "{}", study.name);
    assert!(study.consent_note.starts_with("Synthetic demonstration data"));
    assert_eq!(study.practices.iter().map(|p| p.as_str()).collect::<Vec<_>>(), ["Y99901"]);
    assert_eq!(study.template, Template::default_template());
    assert!(study.starts_on >= params.first_day() && study.ends_on == params.end);
    assert_eq!(demo.sessions.len(), SESSIONS + 1, "three sessions, one of them shadowed");
    let riverside = &pcn.practices[0];
    for session in &demo.sessions {
        assert_eq!(study.check_session(&session.info, 1), Ok(()));
        let staff = riverside.staff.iter().find(|m| m.id == session.info.staff).expect("Riverside staff");
        // The receptionist the help has defaulted to (see pcn.rs).
        assert!(staff.display_name.starts_with("Chloe"), "{}", staff.display_name);
        let day = crate::episode::local_time(session.info.started_at).date();
        assert!(calendar::is_working_day(day), "{day}");
    }
    let (first, second) = demo.pair.expect("a reliability pair");
    let info = |id| demo.sessions.iter().find(|s| s.info.id == id).map(|s| s.info.clone()).expect("session");
    let (first, second) = (info(first), info(second));
    assert_eq!((first.staff, first.observer, second.observer), (second.staff, OBSERVERS[0], OBSERVERS[1]));
    assert!(first.started_at < second.started_at, "the counted session is the earlier one");
}

#[test]
fn sessions_are_valid_timelines_with_pauses_interruptions_multitasking_and_clean_notes() {
    let (_, _, demo) = demo();
    let observed = observed(&demo);
    let notes: Vec<&str> = demo
        .sessions
        .iter()
        .flat_map(|s| &s.events)
        .filter_map(|e| match &e.kind {
            EventKind::Note { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(notes.len() >= SESSIONS * 2, "{notes:?}");
    for note in notes {
        assert_eq!(identity::screen(note), [], "{note}");
    }
    assert!(observed.iter().any(|(_, o)| !o.pauses().is_empty()), "a pause");
    assert!(observed.iter().all(|(_, o)| !o.interruptions().is_empty()), "interruptions");
    assert!(observed.iter().all(|(_, o)| o.multitasking_seconds() > 0.0), "multitasking");
    for (_, o) in &observed {
        let hours = o.observed_seconds() / 3_600.0;
        assert!((2.5..=4.0).contains(&hours), "a few hours: {hours}");
    }
}

#[test]
fn observed_help_outnumbers_logged_help_and_the_pair_mostly_agrees() {
    let (params, pcn, demo) = demo();
    let logged: Vec<LoggedEpisode> = simulate_episodes(&params, &pcn)
        .iter()
        .filter(|e| e.practice == "Y99901")
        .map(|e| LoggedEpisode {
            occurred_at: e.occurred_at.as_deref().expect("time").parse().expect("RFC 3339"),
            helpers: e.helpers.iter().map(|h| h.parse().expect("uuid")).collect(),
            duration_minutes: u16::try_from(e.duration_minutes.expect("minutes")).expect("fits"),
        })
        .collect();
    let (first, second) = demo.pair.expect("pair");
    let observed = observed(&demo);
    let counted: Vec<Observed> =
        observed.iter().filter(|(id, _)| *id != second).map(|(_, o)| o.clone()).collect();
    // Both of the gap's rules about pauses have something to act on: help the observer saw only part
    // of, and an episode logged while they were away.
    let staff = counted[0].info().staff;
    let paused = |o: &Observed, at| o.pauses().iter().any(|p| p.start <= at && at < p.end);
    let away = logged
        .iter()
        .filter(|e| e.helpers.contains(&staff) && counted.iter().any(|o| paused(o, e.occurred_at)));
    assert!(away.count() >= 1, "an episode logged during a pause");
    let template = &demo.study.template;
    let part_watched = counted.iter().flat_map(|o| o.tasks().iter().map(move |t| (o, t))).filter(|(o, t)| {
        template.is_digital_help(&t.values)
            && o.pauses().iter().any(|p| t.span.start < p.start && p.start < t.span.end)
    });
    assert!(part_watched.count() >= 1, "help running when the observer paused");
    let gaps = logging_gap(&counted, &demo.study.template, &logged).expect("gap");
    let gap = &gaps[0];
    assert!(gap.logged_episodes >= 2 * SESSIONS, "{gap:?}");
    let ratio = gap.episode_ratio.expect("help observed");
    assert!((0.45..0.75).contains(&ratio), "observed help is 1.5 to 2 times what was logged: {gap:?}");
    assert!(gap.minutes_ratio.expect("minutes") < 1.0, "{gap:?}");

    let pair = |id| observed.iter().find(|(s, _)| *s == id).map(|(_, o)| o).expect("session");
    let agreement =
        reliability(pair(first), pair(second), &demo.study.template, SliceLength::default()).expect("pair");
    for d in &agreement.dimensions {
        let kappa = d.agreement.kappa.expect("kappa");
        assert!(kappa > 0.0 && kappa < 1.0, "{}: {kappa}", d.dimension);
    }
}
