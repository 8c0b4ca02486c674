//! A terse way to write sessions in tests: times are seconds after 09:00 on a fixed day, tasks are named.

use super::event::{Event, EventKind, SessionError, SessionInfo};
use super::observed::Observed;
use super::session::Timeline;
use super::template::Template;
use crate::ods::OdsCode;
use jiff::Timestamp;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// 2026-03-02T09:00:00Z.
pub const T0: i64 = 1_772_442_000;
pub const STAFF: Uuid = Uuid::from_u128(0x5);
pub const OTHER_STAFF: Uuid = Uuid::from_u128(0x6);

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(T0 + seconds).expect("in range")
}

pub fn values(what: &str) -> BTreeMap<String, String> {
    [("what", what), ("with_whom", "patient"), ("how", "face_to_face"), ("where", "front_desk")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub fn paused() -> EventKind {
    EventKind::Paused
}
pub fn resumed() -> EventKind {
    EventKind::Resumed
}
pub fn ended() -> EventKind {
    EventKind::SessionEnded
}
pub fn interruption(source: &str) -> EventKind {
    EventKind::Interruption { source: source.to_owned() }
}
pub fn note(text: &str) -> EventKind {
    EventKind::Note { text: text.to_owned() }
}

pub struct Session {
    pub info: SessionInfo,
    pub template: Template,
    pub events: Vec<Event>,
    tasks: HashMap<String, Uuid>,
    next: u128,
}

impl Session {
    pub fn new() -> Self {
        Self::starting_at(0)
    }

    pub fn starting_at(seconds: i64) -> Self {
        let info = SessionInfo {
            id: Uuid::from_u128(0x1),
            study: Uuid::from_u128(0x2),
            practice: OdsCode::parse("A81001").expect("valid"),
            observer: Uuid::from_u128(0x3),
            staff: STAFF,
            started_at: at(seconds),
        };
        Self {
            info,
            template: Template::default_template(),
            events: Vec::new(),
            tasks: HashMap::new(),
            next: 0,
        }
    }

    /// Another observer's session of the same person; its ids never collide with the first's.
    pub fn second_observer(mut self) -> Self {
        self.info.id = Uuid::from_u128(0x11);
        self.info.observer = Uuid::from_u128(0x4);
        self.next = 1 << 64;
        self
    }

    pub fn id(&mut self) -> Uuid {
        self.next += 1;
        Uuid::from_u128(0x1000 + self.next)
    }

    pub fn event(&mut self, seconds: i64, kind: EventKind) -> &mut Self {
        let id = self.id();
        self.events.push(Event { id, at: at(seconds), kind });
        self
    }

    pub fn start_task(&mut self, seconds: i64, name: &str, what: &str) -> &mut Self {
        self.start_with(seconds, name, values(what))
    }

    pub fn start_with(&mut self, seconds: i64, name: &str, values: BTreeMap<String, String>) -> &mut Self {
        let id = self.id();
        self.tasks.insert(name.to_owned(), id);
        self.events.push(Event { id, at: at(seconds), kind: EventKind::TaskStarted { values } });
        self
    }

    pub fn end_task(&mut self, seconds: i64, name: &str) -> &mut Self {
        let task = self.task(name);
        self.event(seconds, EventKind::TaskEnded { task })
    }

    pub fn task(&self, name: &str) -> Uuid {
        self.tasks.get(name).copied().unwrap_or(Uuid::from_u128(0xdead))
    }

    pub fn timeline(&self) -> Result<Timeline, SessionError> {
        Timeline::from_events(self.info.clone(), self.template.clone(), self.events.clone())
    }

    pub fn observed(&self) -> Observed {
        self.timeline().expect("valid session").observed(at(0))
    }
}

const WHATS: [&str; 4] = ["troubleshoot", "create_account", "phone_triage", "other"];

/// Turns arbitrary steps into a valid session: each step is read as the nearest thing that is allowed
/// at that point, so every generated list of events is one an observer could have recorded.
pub fn valid_events(steps: &[(i64, u8, usize)], end: bool) -> Vec<Event> {
    let (mut t, mut paused, mut open, mut out) = (0i64, false, Vec::<Uuid>::new(), Vec::new());
    for (i, &(gap, op, pick)) in steps.iter().enumerate() {
        t += gap;
        let id = Uuid::from_u128(0x100 + i as u128);
        let kind = match op % 5 {
            _ if paused && op % 5 != 4 => {
                paused = false;
                EventKind::Resumed
            }
            0 => {
                open.push(id);
                EventKind::TaskStarted { values: values(WHATS[pick % WHATS.len()]) }
            }
            1 if !open.is_empty() => EventKind::TaskEnded { task: open.remove(pick % open.len()) },
            2 => {
                paused = true;
                EventKind::Paused
            }
            3 => interruption("colleague"),
            _ => note("busy"),
        };
        out.push(Event { id, at: at(t), kind });
    }
    if end {
        out.push(Event { id: Uuid::from_u128(0xff), at: at(t + 1), kind: EventKind::SessionEnded });
    }
    out
}

pub fn session_events() -> impl Strategy<Value = Vec<Event>> {
    (proptest::collection::vec((1i64..40, 0u8..5, 0usize..8), 0..40), any::<bool>())
        .prop_map(|(steps, end)| valid_events(&steps, end))
}
