//! What an observer's capture page records. Every event carries an id the device generates, so an
//! upload repeated after a dropped connection, or the same event synced from a backup, counts once.

use super::template::ValuesError;
use crate::identity::Finding;
use crate::ods::OdsCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const MAX_NOTE_CHARS: usize = 1_000;

/// Who observed whom, where and from when. Fixed when the session is opened, before any event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: Uuid,
    pub study: Uuid,
    pub practice: OdsCode,
    pub observer: Uuid,
    /// The member of staff being shadowed.
    pub staff: Uuid,
    pub started_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Generated on the device; the same id always means the same event.
    pub id: Uuid,
    pub at: Timestamp,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// Starts a task, identified from then on by this event's id. `values` maps each dimension code of
    /// the session's template to one category code.
    TaskStarted {
        values: BTreeMap<String, String>,
    },
    /// Ends the task started by the event with id `task`.
    TaskEnded {
        task: Uuid,
    },
    /// `source` is a code from [`super::template::INTERRUPTION_SOURCES`].
    Interruption {
        source: String,
    },
    /// A field note. Screened for patient identity like an episode's note.
    Note {
        text: String,
    },
    Paused,
    Resumed,
    SessionEnded,
}

impl EventKind {
    /// Orders events that share an instant, so the timeline depends only on the set of events and not
    /// on the order they arrived in: resume before anything else can happen, start before end (a task
    /// begun and finished within one clock tick), pause and the session's end last.
    pub(super) fn rank(&self) -> u8 {
        match self {
            Self::Resumed => 0,
            Self::TaskStarted { .. } => 1,
            Self::Interruption { .. } => 2,
            Self::Note { .. } => 3,
            Self::TaskEnded { .. } => 4,
            Self::Paused => 5,
            Self::SessionEnded => 6,
        }
    }
}

/// Why events were refused. A refused batch changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("event {event} has the id of a different event already recorded")]
    ConflictingEvent { event: Uuid },
    #[error("event {event} is before the session started")]
    BeforeSessionStart { event: Uuid },
    #[error("event {event} is after the session ended")]
    AfterSessionEnd { event: Uuid },
    #[error("event {event} ends task {task}, which was never started")]
    UnknownTask { event: Uuid, task: Uuid },
    #[error("task {task} ends before it starts")]
    EndBeforeStart { task: Uuid },
    #[error("task {task} has already ended")]
    TaskAlreadyEnded { task: Uuid },
    #[error("event {event} happens while the session is paused")]
    WhilePaused { event: Uuid },
    #[error("event {event} pauses a session that is already paused")]
    AlreadyPaused { event: Uuid },
    #[error("event {event} resumes a session that is not paused")]
    NotPaused { event: Uuid },
    #[error("task {event}: {error}")]
    Values { event: Uuid, error: ValuesError },
    #[error("event {event}: {given:?} is not an interruption source")]
    UnknownInterruptionSource { event: Uuid, given: String },
    #[error("note {event} is empty")]
    EmptyNote { event: Uuid },
    #[error("note {event} must be {MAX_NOTE_CHARS} characters or fewer; it has {chars}")]
    NoteTooLong { event: Uuid, chars: usize },
    /// The note carries what looks like a patient identifier; each finding says where.
    #[error("note {event} looks like it identifies a patient: remove identifiers before saving")]
    NoteIdentifiesPatient { event: Uuid, findings: Vec<Finding> },
    /// The note holds a character that cannot be stored (a control or text-direction character).
    #[error("note {event}: {reason}")]
    NoteRefused { event: Uuid, reason: String },
}
