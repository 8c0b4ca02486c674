//! Templates, sessions fitting their study, reliability pairs, and episodes for the logging gap.

use super::support::*;
use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::Episode;
use lantern_core::observation::{
    Category, Dimension, ReliabilityError, SessionError, SessionInfo, Study, StudyError, Template,
};
use lantern_store::{ObservationError, Store, StoreError};
use uuid::Uuid;

pub async fn template_edits_make_versions_and_sessions_keep_theirs(store: Store) {
    let seed = seed(&store).await;
    let who = actor(&seed.observers[0]);
    let first = open(&store, &seed, 0, 0).await;
    let mut dimensions = seed.study.template.dimensions().to_vec();
    let same = store.revise_template(seed.study.id, dimensions.clone(), &who).await.expect("same");
    assert_eq!(same.template_versions, [1], "an unchanged template keeps its version");
    dimensions.push(Dimension::new(
        "interruptible",
        "Interruptible",
        vec![Category::new("yes", "Yes"), Category::new("no", "No")],
    ));
    let revised = store.revise_template(seed.study.id, dimensions, &who).await.expect("revise");
    assert_eq!((revised.study.template.version(), revised.template_versions.clone()), (2, vec![1, 2]));
    let old = store.session_timeline(first.id).await.expect("old session");
    assert_eq!((old.session.template_version, old.timeline.template().version()), (1, 1));
    let second = open(&store, &seed, 0, 3_600).await;
    let new = store.session_timeline(second.id).await.expect("new session");
    assert_eq!(new.session.template_version, 2);
    // A task coded with the old dimensions no longer fits new sessions.
    let refused = store.append_events(second.id, vec![started(3_700, "troubleshoot")], &who).await;
    assert!(matches!(refused, Err(ObservationError::Session(SessionError::Values { .. }))), "{refused:?}");
    assert_eq!(store.templates(seed.study.id).await.expect("all").len(), 2);
    assert_eq!(store.template(seed.study.id, 1).await.expect("v1"), Template::default_template());
    let bad = store.revise_template(seed.study.id, Vec::new(), &who).await;
    assert!(matches!(bad, Err(ObservationError::Template(_))), "{bad:?}");
    assert_eq!(store.study(seed.study.id).await.expect("study").template_versions, [1, 2]);
}

pub async fn sessions_pair_for_reliability(store: Store) {
    let seed = seed(&store).await;
    let who = actor(&seed.observers[0]);
    let a = open(&store, &seed, 0, 0).await;
    let b = open(&store, &seed, 1, 30).await;
    let same_observer = open(&store, &seed, 0, 60).await;
    let other_staff = info(&seed, 1, 1, 0);
    store.start_session(other_staff.clone(), &who).await.expect("start");
    let refused = store.pair_sessions(seed.study.id, a.id, other_staff.id, &who).await;
    assert!(matches!(refused, Err(ObservationError::Pair(ReliabilityError::DifferentStaff))), "{refused:?}");
    let refused = store.pair_sessions(seed.study.id, a.id, same_observer.id, &who).await;
    assert!(matches!(refused, Err(ObservationError::Pair(ReliabilityError::SameObserver))), "{refused:?}");
    let pair = store.pair_sessions(seed.study.id, a.id, b.id, &who).await.expect("pair");
    let sessions = store.reliability_pair(pair).await.expect("read pair");
    assert_eq!(sessions.iter().map(|s| s.info.id).collect::<Vec<_>>(), [a.id, b.id]);
    assert!(sessions.iter().all(|s| s.reliability_pair == Some(pair)));
    let again = store.pair_sessions(seed.study.id, b.id, a.id, &who).await;
    assert!(matches!(again, Err(ObservationError::Store(StoreError::Conflict(_)))), "{again:?}");
    let elsewhere = store.pair_sessions(Uuid::now_v7(), a.id, b.id, &who).await;
    assert!(matches!(elsewhere, Err(ObservationError::Store(StoreError::NotFound(_)))), "{elsewhere:?}");
    assert!(matches!(store.reliability_pair(Uuid::now_v7()).await, Err(StoreError::NotFound(_))));
    assert_eq!(store.observation_sessions(seed.study.id).await.expect("list").len(), 4);
}

pub async fn sessions_must_fit_their_study(store: Store) {
    let seed = seed(&store).await;
    let who = actor(&seed.observers[0]);
    let outside = SessionInfo { started_at: at(-86_400 * 30), ..info(&seed, 0, 0, 0) };
    let refused = store.start_session(outside, &who).await;
    assert!(matches!(refused, Err(ObservationError::Study(StudyError::OutsideDates(_)))), "{refused:?}");
    let stranger = SessionInfo { observer: Uuid::now_v7(), ..info(&seed, 0, 0, 0) };
    let refused = store.start_session(stranger, &who).await;
    assert!(matches!(refused, Err(ObservationError::Study(StudyError::NotAnObserver))), "{refused:?}");
    let nobody = SessionInfo { staff: Uuid::now_v7(), ..info(&seed, 0, 0, 0) };
    let refused = store.start_session(nobody, &who).await;
    assert!(matches!(refused, Err(ObservationError::Store(StoreError::Invalid(_)))), "{refused:?}");
    // A device retrying its start gets the stored session back; the id for another session conflicts.
    let precise = SessionInfo {
        started_at: at(0).checked_add(jiff::SignedDuration::from_millis(700)).expect("time"),
        ..info(&seed, 0, 0, 0)
    };
    let (first, created) = store.start_session(precise.clone(), &who).await.expect("start");
    assert!(created);
    assert_eq!(first.info.started_at, at(0), "kept to the whole second");
    let (again, created) = store.start_session(precise.clone(), &who).await.expect("retry");
    assert_eq!((again, created), (first, false));
    let clash = store.start_session(SessionInfo { staff: seed.staff[1].id, ..precise }, &who).await;
    assert!(matches!(clash, Err(ObservationError::Store(StoreError::Conflict(_)))), "{clash:?}");
    let invalid = Study { name: " ".into(), ..seed.study.clone() };
    let refused = store.create_study(Study { id: Uuid::now_v7(), ..invalid }, &who).await;
    assert!(matches!(refused, Err(ObservationError::Store(StoreError::Invalid(_)))), "{refused:?}");
    assert_eq!(store.studies().await.expect("list").len(), 1);
}

pub async fn episodes_are_read_for_the_logging_gap(store: Store) {
    let seed = seed(&store).await;
    let system = Actor::system("test");
    for (seconds, minutes, deleted) in [(-60, 3, false), (100, 12, false), (200, 5, true), (4_000, 7, false)]
    {
        let episode = Episode {
            occurred_at: at(seconds),
            practice: seed.practice.clone(),
            helpers: vec![seed.staff[0].id, seed.staff[1].id],
            duration_minutes: minutes,
            channel: "desk".into(),
            services: vec!["nhs_app".into()],
            tasks: vec!["troubleshoot".into()],
            approach: "with".into(),
            barriers: Vec::new(),
            age_band: None,
            carer_proxy: false,
            outcome: "resolved".into(),
            escalated_to: None,
            follow_up: false,
            note: None,
            offer_id: None,
        };
        let record = store.create_episode(&episode, &system).await.expect("episode");
        if deleted {
            store.delete_episode(record.id, "logged twice", &system).await.expect("delete");
        }
    }
    let logged = store.logged_episodes(&seed.practice, at(0), at(4_000)).await.expect("logged");
    let found: Vec<(Timestamp, u16)> = logged.iter().map(|e| (e.occurred_at, e.duration_minutes)).collect();
    assert_eq!(found, [(at(100), 12), (at(4_000), 7)], "in range, deleted left out, end inclusive");
    assert_eq!(logged[0].helpers, [seed.staff[0].id, seed.staff[1].id]);
}
