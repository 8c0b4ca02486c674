//! Observation studies: studies with their versioned templates, sessions, and the events the capture
//! page syncs. Events are stored exactly as accepted and every timeline is rebuilt from them with the
//! core's [`Timeline`], so the checks a batch passes are the domain's own, and a batch re-sent after a
//! dropped connection finds its events already there and writes nothing.

mod episodes;
mod events;
mod rows;
mod sessions;
mod studies;

use crate::StoreError;
use jiff::Timestamp;
use lantern_core::observation::{
    ReliabilityError, SessionError, SessionInfo, Study, StudyError, TemplateError, Timeline,
};
use lantern_core::validation::ValidationErrors;
use uuid::Uuid;

/// The most events one batch may carry: a bound keeps one request from holding the write lock for
/// long (over HTTP the 64 KiB body limit holds about 300 anyway).
pub const MAX_BATCH_EVENTS: usize = 500;

/// A study as stored: the study with its current template, who created it and every template version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyRecord {
    pub study: Study,
    pub created_by: Option<Uuid>,
    pub created_at: Timestamp,
    /// Oldest first; the last is the study's current template.
    pub template_versions: Vec<u32>,
}

/// A session as stored, without its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationSession {
    pub info: SessionInfo,
    pub template_version: u32,
    pub ended_at: Option<Timestamp>,
    pub reliability_pair: Option<Uuid>,
    pub created_at: Timestamp,
}

/// A session with the timeline its stored events add up to.
#[derive(Debug, Clone)]
pub struct SessionTimeline {
    pub session: ObservationSession,
    pub timeline: Timeline,
}

/// Why an observation write was refused, or the store failed. The domain's reasons are kept whole so
/// the API can say which event, session or field was at fault.
#[derive(Debug, thiserror::Error)]
pub enum ObservationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Study(#[from] StudyError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Pair(#[from] ReliabilityError),
    #[error("a batch may hold at most {MAX_BATCH_EVENTS} events, not {0}")]
    BatchTooLarge(usize),
}

impl From<sqlx::Error> for ObservationError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(error))
    }
}

impl From<ValidationErrors> for ObservationError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Store(StoreError::Invalid(errors))
    }
}

/// What a batch of events did, and the session as the server now sees it.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    pub applied: lantern_core::observation::Applied,
    pub session: SessionTimeline,
}

pub(crate) fn not_found(what: &str, id: Uuid) -> StoreError {
    StoreError::NotFound(format!("{what} {id}"))
}

/// Row locking for read-then-write transactions: PostgreSQL queues a second writer of the same study
/// or session behind the first; SQLite's single writer already does.
pub(crate) fn for_update(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    }
}

/// The user id an actor carries, if it is one (system commands act as no user).
pub(crate) fn actor_user(actor: &lantern_core::audit::Actor) -> Option<Uuid> {
    actor.user_id.as_deref().and_then(|id| Uuid::parse_str(id).ok())
}
