//! Seeding a study and writing events tersely: times are seconds after 09:00 on 2 March 2026.

use jiff::civil::date;
use jiff::Timestamp;
use lantern_core::access::{Role, User};
use lantern_core::audit::Actor;
use lantern_core::observation::{Event, EventKind, SessionInfo, Study, Template};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::Store;
use std::collections::BTreeMap;
use uuid::Uuid;

/// 2026-03-02T09:00:00Z.
pub const T0: i64 = 1_772_442_000;

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(T0 + seconds).expect("in range")
}

pub fn actor(user: &User) -> Actor {
    Actor {
        user_id: Some(user.id.to_string()),
        username: user.username.clone(),
        role: user.role.code().into(),
        organisation: user.organisation.as_ref().map(ToString::to_string),
        client: None,
    }
}

pub struct Seed {
    pub practice: OdsCode,
    pub staff: Vec<StaffMember>,
    pub observers: Vec<User>,
    pub study: Study,
}

pub async fn seed(store: &Store) -> Seed {
    let system = Actor::system("test");
    let practice = OdsCode::parse("A81001").expect("valid");
    let record = Practice {
        ods_code: practice.clone(),
        name: "Test Surgery".into(),
        pcn: OdsCode::parse("U89141").ok(),
        icb: None,
        list_size: 9_000,
    };
    store.upsert_practice(&record, false, &system).await.expect("practice");
    let mut staff = Vec::new();
    for name in ["Asha", "Ben"] {
        let member = StaffMember::new(practice.clone(), name, "receptionist").expect("valid");
        store.add_staff(&member, &system).await.expect("staff");
        staff.push(member);
    }
    let mut observers = Vec::new();
    for name in ["rita", "sam"] {
        let user = User {
            id: Uuid::now_v7(),
            username: name.into(),
            display_name: name.into(),
            role: Role::Researcher,
            staff_id: None,
            organisation: OdsCode::parse("U89141").ok(),
            practices: Vec::new(),
            active: true,
        };
        store.create_user(&user, "not-a-real-hash", &system).await.expect("user");
        observers.push(user);
    }
    let study = Study {
        id: Uuid::now_v7(),
        name: "Front desk, March".into(),
        practices: vec![practice.clone()],
        observers: observers.iter().map(|u| u.id).collect(),
        starts_on: date(2026, 3, 1),
        ends_on: date(2026, 3, 31),
        consent_note: "Staff consented in writing; notices in the waiting room.".into(),
        template: Template::default_template(),
    };
    let created = store.create_study(study, &actor(&observers[0])).await.expect("study");
    Seed { practice, staff, observers, study: created.study }
}

pub fn info(seed: &Seed, observer: usize, staff: usize, start: i64) -> SessionInfo {
    SessionInfo {
        id: Uuid::now_v7(),
        study: seed.study.id,
        practice: seed.practice.clone(),
        observer: seed.observers[observer].id,
        staff: seed.staff[staff].id,
        started_at: at(start),
    }
}

pub async fn open(store: &Store, seed: &Seed, observer: usize, start: i64) -> SessionInfo {
    let info = info(seed, observer, 0, start);
    let (session, created) =
        store.start_session(info.clone(), &actor(&seed.observers[observer])).await.expect("start");
    assert!(created);
    assert_eq!(session.info, info);
    info
}

pub fn values(what: &str) -> BTreeMap<String, String> {
    [("what", what), ("with_whom", "patient"), ("how", "face_to_face"), ("where", "front_desk")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub fn event(at: Timestamp, kind: EventKind) -> Event {
    Event { id: Uuid::now_v7(), at, kind }
}

pub fn started(seconds: i64, what: &str) -> Event {
    event(at(seconds), EventKind::TaskStarted { values: values(what) })
}

pub fn ended(seconds: i64, task: &Event) -> Event {
    event(at(seconds), EventKind::TaskEnded { task: task.id })
}

pub fn note(seconds: i64, text: &str) -> Event {
    event(at(seconds), EventKind::Note { text: text.into() })
}

pub async fn stored_events(store: &Store, session: Uuid) -> usize {
    store.session_timeline(session).await.expect("timeline").timeline.events().len()
}
