use super::*;
use crate::observation::template::ValuesError;
use crate::observation::test_support::*;
use proptest::prelude::*;

#[test]
fn events_add_up_to_tasks_interruptions_notes_and_pauses() {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").event(30, interruption("phone")).start_task(40, "b", "phone_triage");
    s.end_task(100, "b").event(110, paused()).event(200, resumed()).event(210, note("  Queue at the desk  "));
    s.end_task(300, "a").event(400, ended());
    let t = s.timeline().expect("valid");
    assert_eq!(t.tasks().len(), 2);
    assert_eq!((t.tasks()[0].id, t.tasks()[0].ended_at), (s.task("a"), Some(at(300))));
    assert_eq!(t.interruptions()[0].source, "phone");
    assert_eq!(t.notes()[0].text, "Queue at the desk");
    assert_eq!(t.pauses(), [Span { start: at(110), end: at(200) }]);
    assert_eq!(t.ended_at(), Some(at(400)));
    assert!(t.tasks().iter().all(|task| !task.closed_at_session_end));
}

#[test]
fn applying_the_same_events_again_changes_nothing() {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").end_task(60, "a").event(90, ended());
    let mut t = s.timeline().expect("valid");
    let before = t.clone();
    assert_eq!(t.apply_all(s.events.clone()), Ok(Applied { new: 0, duplicates: 3 }));
    assert_eq!(t.apply(s.events[1].clone()), Ok(Applied { new: 0, duplicates: 1 }));
    assert_eq!(t, before);
}

#[test]
fn an_id_reused_for_a_different_event_is_refused() {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot");
    let mut t = s.timeline().expect("valid");
    let mut clash = s.events[0].clone();
    clash.at = at(5);
    assert_eq!(t.apply(clash.clone()), Err(SessionError::ConflictingEvent { event: clash.id }));
}

#[test]
fn impossible_sequences_are_refused_with_the_reason() {
    let mut s = Session::new();
    s.start_task(100, "a", "troubleshoot");
    let mut t = s.timeline().expect("valid");
    let before = t.clone();
    let id = Uuid::from_u128(0xe1);
    let ev = |at_s: i64, kind: EventKind| Event { id, at: at(at_s), kind };
    let task = s.task("a");
    assert_eq!(t.apply(ev(50, EventKind::TaskEnded { task })), Err(SessionError::EndBeforeStart { task }));
    let ghost = Uuid::from_u128(0xdead);
    assert_eq!(
        t.apply(ev(150, EventKind::TaskEnded { task: ghost })),
        Err(SessionError::UnknownTask { event: id, task: ghost })
    );
    assert_eq!(t.apply(ev(-1, note("early"))), Err(SessionError::BeforeSessionStart { event: id }));
    assert_eq!(t.apply(ev(150, resumed())), Err(SessionError::NotPaused { event: id }));
    // A refused batch leaves nothing behind, even the events in it that were fine.
    let fine = Event { id: Uuid::from_u128(0xe2), at: at(120), kind: note("fine") };
    assert_eq!(
        t.apply_all([fine, ev(130, EventKind::TaskEnded { task: ghost })]),
        Err(SessionError::UnknownTask { event: id, task: ghost })
    );
    assert_eq!(t, before);
}

#[test]
fn a_task_ends_once_and_nothing_follows_the_end_of_the_session() {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").end_task(10, "a").end_task(20, "a");
    assert_eq!(s.timeline(), Err(SessionError::TaskAlreadyEnded { task: s.task("a") }));
    let mut s = Session::new();
    s.event(10, ended()).event(20, note("late"));
    let late = s.events[1].id;
    assert_eq!(s.timeline(), Err(SessionError::AfterSessionEnd { event: late }));
}

#[test]
fn pausing_stops_new_work_being_recorded() {
    let mut s = Session::new();
    s.event(10, paused()).start_task(20, "a", "troubleshoot");
    assert_eq!(s.timeline(), Err(SessionError::WhilePaused { event: s.task("a") }));
    let mut s = Session::new();
    s.event(10, paused()).event(20, interruption("patient"));
    assert_eq!(s.timeline(), Err(SessionError::WhilePaused { event: s.events[1].id }));
    let mut s = Session::new();
    s.event(10, paused()).event(20, paused());
    assert_eq!(s.timeline(), Err(SessionError::AlreadyPaused { event: s.events[1].id }));
    // Ending a task and writing a note while paused are fine: the observer catches up.
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").event(10, paused()).end_task(20, "a").event(25, note("ok"));
    assert!(s.timeline().is_ok());
}

#[test]
fn tasks_open_at_the_end_are_closed_there_and_flagged() {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").start_task(5, "b", "phone_triage").end_task(9, "b");
    s.event(30, paused());
    let running = s.timeline().expect("valid").observed(at(50));
    assert_eq!(running.window().end, at(50));
    assert!(running.tasks()[0].closed_at_end && !running.tasks()[1].closed_at_end);
    assert_eq!(running.observed_seconds(), 30.0, "the pause still running counts as paused");
    s.event(60, ended());
    let t = s.timeline().expect("valid");
    assert_eq!(t.pauses(), [Span { start: at(30), end: at(60) }]);
    let a = &t.tasks()[0];
    assert_eq!((a.ended_at, a.closed_at_session_end), (Some(at(60)), true));
}

#[test]
fn a_task_may_start_and_end_in_the_same_instant() {
    // The end has the smaller id, so only the rule "start before end at the same instant" orders them.
    let s = Session::new();
    let task = Uuid::from_u128(0x2000);
    let events = [
        Event { id: Uuid::from_u128(0x1000), at: at(0), kind: EventKind::TaskEnded { task } },
        Event { id: task, at: at(0), kind: EventKind::TaskStarted { values: values("troubleshoot") } },
    ];
    let t = Timeline::from_events(s.info.clone(), s.template.clone(), events).expect("valid");
    assert_eq!(t.tasks()[0].ended_at, Some(at(0)));
}

#[test]
fn content_is_checked_values_sources_and_notes() {
    let mut s = Session::new();
    s.start_task(0, "a", "knitting");
    let error = ValuesError::UnknownCategory { dimension: "what".into(), category: "knitting".into() };
    assert_eq!(s.timeline(), Err(SessionError::Values { event: s.task("a"), error }));
    let mut s = Session::new();
    s.event(0, interruption("fire_alarm"));
    assert!(matches!(s.timeline(), Err(SessionError::UnknownInterruptionSource { .. })));
    let mut s = Session::new();
    s.event(0, note("   "));
    assert!(matches!(s.timeline(), Err(SessionError::EmptyNote { .. })));
    let mut s = Session::new();
    s.event(0, note(&"x".repeat(1_001)));
    assert!(matches!(s.timeline(), Err(SessionError::NoteTooLong { chars: 1_001, .. })));
    let mut s = Session::new();
    s.event(0, note("Patient 943 476 5919 could not log in"));
    match s.timeline() {
        Err(SessionError::NoteIdentifiesPatient { findings, .. }) => {
            assert_eq!(findings[0].kind, crate::identity::IdentifierKind::NhsNumber)
        }
        other => panic!("expected the note to be refused, got {other:?}"),
    }
}

#[test]
fn observation_notes_refuse_disguised_identifiers_and_control_characters() {
    for text in [
        "Patient 943\u{200B}476\u{00AD}5919 could not log in",
        "Patient \u{669}\u{664}\u{663}\u{2013}\u{664}\u{667}\u{666}\u{2013}\u{665}\u{669}\u{661}\u{669}",
        "Ring 0044 7700 900123",
        "Born 01021960",
    ] {
        let mut s = Session::new();
        s.event(0, note(text));
        assert!(matches!(s.timeline(), Err(SessionError::NoteIdentifiesPatient { .. })), "{text:?}");
    }
    for text in ["Bad\u{0}byte", "Asha\u{202E}K"] {
        let mut s = Session::new();
        s.event(0, note(text));
        assert!(matches!(s.timeline(), Err(SessionError::NoteRefused { .. })), "{text:?}");
    }
}

#[test]
fn events_travel_as_flat_json() {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").end_task(5, "a").event(6, paused());
    let json = serde_json::to_value(&s.events[1]).expect("serialise");
    assert_eq!(json["type"], "task_ended");
    assert_eq!(json["task"], s.task("a").to_string());
    for event in &s.events {
        let back: Event =
            serde_json::from_value(serde_json::to_value(event).expect("serialise")).expect("parse");
        assert_eq!(&back, event);
    }
}

proptest! {
    #[test]
    fn timeline_depends_only_on_the_set_of_events(
        (events, shuffled, repeats) in session_events().prop_flat_map(|events| {
            let shuffled = Just(events.clone()).prop_shuffle();
            (Just(events), shuffled, proptest::collection::vec(any::<prop::sample::Index>(), 0..10))
        })
    ) {
        let s = Session::new();
        let expected = Timeline::from_events(s.info.clone(), s.template.clone(), events.clone())
            .expect("generated sessions are valid");
        let mut noisy = shuffled.clone();
        noisy.extend(repeats.iter().filter(|_| !events.is_empty()).map(|i| i.get(&events).clone()));
        let rebuilt = Timeline::from_events(s.info.clone(), s.template.clone(), noisy).expect("same events");
        prop_assert_eq!(&rebuilt, &expected);
    }

    #[test]
    fn syncing_in_batches_with_retries_counts_each_event_once(
        events in session_events(),
        batch in 1usize..6,
    ) {
        let s = Session::new();
        let expected = Timeline::from_events(s.info.clone(), s.template.clone(), events.clone())
            .expect("generated sessions are valid");
        let mut synced = Timeline::new(s.info.clone(), s.template.clone());
        for chunk in events.chunks(batch) {
            synced.apply_all(chunk.to_vec()).expect("in order");
            // The device did not hear back, so it sends the batch again.
            let again = synced.apply_all(chunk.to_vec()).expect("repeat");
            prop_assert_eq!(again, Applied { new: 0, duplicates: chunk.len() });
        }
        prop_assert_eq!(&synced, &expected);
    }
}
