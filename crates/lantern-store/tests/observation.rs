//! Observation storage, on SQLite and on PostgreSQL: batches re-sent after a dropped connection count
//! once, a bad batch stores nothing, timelines read back as they were built, templates keep their
//! versions, and every write is in the audit trail without the words of any note.

#[path = "observation/studies.rs"]
mod studies;
#[path = "observation/support.rs"]
mod support;

use jiff::Timestamp;
use lantern_core::observation::{Event, EventKind, SessionError};
use lantern_store::{AuditFilter, ObservationError, Store, StoreError};
use studies::*;
use support::*;
use uuid::Uuid;

use lantern_store::contract;

contract!(
    a_resent_batch_counts_once_and_answers_the_same,
    a_bad_batch_stores_nothing,
    timelines_read_back_as_they_were_built,
    template_edits_make_versions_and_sessions_keep_theirs,
    every_write_is_audited_without_note_text,
    sessions_pair_for_reliability,
    sessions_must_fit_their_study,
    episodes_are_read_for_the_logging_gap,
);

async fn a_resent_batch_counts_once_and_answers_the_same(store: Store) {
    let seed = seed(&store).await;
    let session = open(&store, &seed, 0, 0).await;
    let who = actor(&seed.observers[0]);
    let task = started(10, "troubleshoot");
    let batch = vec![
        task.clone(),
        event(at(20), EventKind::Interruption { source: "phone".into() }),
        note(30, "Patient had two NHS App accounts"),
        ended(300, &task),
    ];
    let first = store.append_events(session.id, batch.clone(), &who).await.expect("first");
    assert_eq!((first.applied.new, first.applied.duplicates), (4, 0));
    let again = store.append_events(session.id, batch.clone(), &who).await.expect("again");
    assert_eq!((again.applied.new, again.applied.duplicates), (0, 4));
    assert_eq!(again.session.timeline, first.session.timeline, "the same answer");
    assert_eq!(stored_events(&store, session.id).await, 4, "nothing inserted twice");
    // Half the batch again with one new event: only the new one is stored.
    let mut mixed = batch[..2].to_vec();
    mixed.push(note(400, "Second note"));
    let mixed = store.append_events(session.id, mixed, &who).await.expect("mixed");
    assert_eq!((mixed.applied.new, mixed.applied.duplicates), (1, 2));
    assert_eq!(stored_events(&store, session.id).await, 5);
}

async fn a_bad_batch_stores_nothing(store: Store) {
    let seed = seed(&store).await;
    let session = open(&store, &seed, 0, 0).await;
    let who = actor(&seed.observers[0]);
    let task = started(10, "troubleshoot");
    store.append_events(session.id, vec![task.clone()], &who).await.expect("first");
    let bad_note = note(40, "Mrs Jones, NHS number 943 476 5919, needed help");
    let batch = vec![ended(30, &task), note(35, "Fine"), bad_note.clone()];
    match store.append_events(session.id, batch, &who).await {
        Err(ObservationError::Session(SessionError::NoteIdentifiesPatient { event, findings })) => {
            assert_eq!(event, bad_note.id);
            assert!(!findings.is_empty());
        }
        other => panic!("expected the note refused, got {other:?}"),
    }
    assert_eq!(stored_events(&store, session.id).await, 1, "none of the batch stored");
    // The same id for a different event is refused, and so is an id another session holds.
    let changed = Event { at: at(11), ..task.clone() };
    let refused = store.append_events(session.id, vec![changed], &who).await;
    assert!(
        matches!(refused, Err(ObservationError::Session(SessionError::ConflictingEvent { event })) if event == task.id)
    );
    let other = open(&store, &seed, 1, 0).await;
    let stolen = store.append_events(other.id, vec![task.clone()], &actor(&seed.observers[1])).await;
    assert!(
        matches!(stolen, Err(ObservationError::Session(SessionError::ConflictingEvent { .. }))),
        "{stolen:?}"
    );
    assert_eq!(stored_events(&store, other.id).await, 0);
    let unknown = store.append_events(Uuid::now_v7(), vec![note(1, "x")], &who).await;
    assert!(matches!(unknown, Err(ObservationError::Store(StoreError::NotFound(_)))), "{unknown:?}");
}

async fn timelines_read_back_as_they_were_built(store: Store) {
    let seed = seed(&store).await;
    let session = open(&store, &seed, 0, 0).await;
    let who = actor(&seed.observers[0]);
    // Sub-second instants, overlapping tasks, sent late and out of order in two batches.
    let precise = |seconds: i64, millis: i64| {
        Timestamp::from_millisecond((T0 + seconds) * 1000 + millis).expect("in range")
    };
    let a = event(precise(5, 250), EventKind::TaskStarted { values: values("troubleshoot") });
    let b = event(precise(60, 999), EventKind::TaskStarted { values: values("phone_triage") });
    let later = vec![
        event(precise(200, 1), EventKind::TaskEnded { task: b.id }),
        event(precise(90, 500), EventKind::Paused),
        event(precise(120, 0), EventKind::Resumed),
    ];
    store.append_events(session.id, later, &who).await.expect_err("ends a task not yet sent");
    store.append_events(session.id, vec![b.clone(), a.clone()], &who).await.expect("starts");
    let later = vec![
        event(precise(200, 1), EventKind::TaskEnded { task: b.id }),
        event(precise(90, 500), EventKind::Paused),
        event(precise(120, 0), EventKind::Resumed),
        note(150, "Colleague asked for help with a printer"),
    ];
    let built = store.append_events(session.id, later, &who).await.expect("rest").session.timeline;
    let read = store.session_timeline(session.id).await.expect("read");
    assert_eq!(read.timeline, built);
    assert_eq!(read.timeline.tasks().len(), 2);
    assert_eq!(read.timeline.tasks()[0].started_at, precise(5, 250), "fractions of a second kept");
    assert_eq!(read.session.ended_at, None);
    let ended = store.end_observation(session.id, None, Some(precise(600, 500)), &who).await.expect("end");
    assert_eq!((ended.applied.new, ended.session.session.ended_at), (1, Some(at(600))));
    let again = store.end_observation(session.id, None, None, &who).await.expect("end again");
    assert_eq!((again.applied.new, again.session.timeline.ended_at()), (0, Some(precise(600, 500))));
    let read = store.session_timeline(session.id).await.expect("read");
    assert_eq!(read.timeline, again.session.timeline);
    assert!(read.timeline.tasks()[0].closed_at_session_end, "task a was still running");
    let all = store.study_timelines(seed.study.id).await.expect("study");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].timeline, read.timeline);
    assert_eq!(all[0].session, read.session);
}

async fn every_write_is_audited_without_note_text(store: Store) {
    let seed = seed(&store).await;
    let who = actor(&seed.observers[0]);
    let session = open(&store, &seed, 0, 0).await;
    let batch = vec![note(5, "Receptionist sighed at the printer"), started(10, "troubleshoot")];
    store.append_events(session.id, batch.clone(), &who).await.expect("events");
    store.append_events(session.id, batch, &who).await.expect("re-sent");
    store.end_observation(session.id, None, Some(at(100)), &who).await.expect("end");
    let records = store.audit_records(&AuditFilter::default(), 100).await.expect("audit");
    let actions: Vec<&str> =
        records.iter().map(|r| r.action.as_str()).filter(|a| a.starts_with("observation")).collect();
    // Newest first; the re-sent batch wrote nothing, so it has no record.
    assert_eq!(
        actions,
        [
            "observation.session.end",
            "observation.events",
            "observation.session.start",
            "observation.study.create"
        ]
    );
    let events = records.iter().find(|r| r.action == "observation.events").expect("events record");
    assert_eq!(events.practice.as_deref(), Some("A81001"));
    assert_eq!(events.record_id.as_deref(), Some(session.id.to_string().as_str()));
    assert_eq!(events.actor.username, "rita");
    let detail = events.after.as_deref().unwrap_or_default();
    assert!(detail.contains("\"new\":2") && detail.contains("\"note\":1"), "{detail}");
    for record in &records {
        for text in [&record.before, &record.after].into_iter().flatten() {
            assert!(!text.contains("printer") && !text.contains("waiting room"), "{}: {text}", record.action);
        }
    }
    assert_eq!(store.verify_audit().await.expect("verify"), Ok(records[0].seq));
}
