//! Observation studies over JSON: studies and their templates, sessions the capture page syncs events
//! into (safely re-sent after a dropped connection), reliability pairs, results with the logging gap,
//! and de-identified exports for analysis tools.
//!
//! A study is in reach when every one of its practices is; anything else answers 404, as the rest of
//! the API does for other practices' records.

pub mod analysis;
mod exports;
mod sessions;
mod studies;

use crate::access::roles::RESEARCH_ROLES;
use crate::access::routes::{Access, Table};
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use axum::http::Method;
use axum::routing::{get, post, put};
use jiff::Timestamp;
use lantern_core::access::Role;
use lantern_core::observation::{Study, StudyError};
use lantern_core::validation::ValidationErrors;
use lantern_store::{ObservationError, ObservationSession, StudyRecord};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// Exports leave Lantern for analysis tools, so only researchers take them.
const EXPORT_ROLES: &[Role] = &[Role::Researcher];

pub fn table() -> Table {
    use Method as M;
    let research = Access::Roles(RESEARCH_ROLES);
    let export = Access::Roles(EXPORT_ROLES);
    Table::api()
        .route(M::GET, "/api/v1/studies", research, get(studies::list))
        .route(M::POST, "/api/v1/studies", research, post(studies::create))
        .route(M::GET, "/api/v1/studies/{id}", research, get(studies::read))
        .route(M::PUT, "/api/v1/studies/{id}/template", research, put(studies::revise_template))
        .route(M::POST, "/api/v1/studies/{id}/sessions", research, post(sessions::start))
        .route(M::GET, "/api/v1/sessions/{id}", research, get(sessions::read))
        .route(M::POST, "/api/v1/sessions/{id}/events", research, post(sessions::events))
        .route(M::POST, "/api/v1/sessions/{id}/end", research, post(sessions::end))
        .route(M::POST, "/api/v1/studies/{id}/reliability-pairs", research, post(analysis::pair))
        .route(M::GET, "/api/v1/reliability-pairs/{id}", research, get(analysis::reliability_pair))
        .route(M::GET, "/api/v1/studies/{id}/results", research, get(analysis::results))
        .route(M::GET, "/api/v1/studies/{id}/tasks.csv", export, get(exports::tasks))
        .route(M::GET, "/api/v1/studies/{id}/notes/{session}", export, get(exports::notes))
        .route(M::GET, "/api/v1/studies/{id}/codebook.csv", export, get(exports::codebook))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        studies::list,
        studies::create,
        studies::read,
        studies::revise_template,
        sessions::start,
        sessions::read,
        sessions::events,
        sessions::end,
        analysis::pair,
        analysis::reliability_pair,
        analysis::results,
        exports::tasks,
        exports::notes,
        exports::codebook,
    ),
    components(schemas(
        StudyView,
        SessionView,
        studies::NewStudy,
        studies::TemplateRevision,
        sessions::NewSession,
        sessions::EventBatch,
        sessions::EndSession,
        sessions::SessionDetail,
        sessions::BatchView,
        sessions::TimelineSummary,
        analysis::NewPair,
        analysis::PairView,
        analysis::ReliabilityView,
        analysis::ResultsView,
        super::counting::Excluded,
    ))
)]
pub struct ObservationDoc;

#[derive(Debug, Serialize, ToSchema)]
pub struct StudyView {
    id: Uuid,
    name: String,
    #[schema(value_type = Vec<String>, example = json!(["A81001"]))]
    practices: Vec<lantern_core::ods::OdsCode>,
    /// User ids of the people who may record sessions.
    observers: Vec<Uuid>,
    #[schema(value_type = String, format = Date)]
    starts_on: jiff::civil::Date,
    #[schema(value_type = String, format = Date)]
    ends_on: jiff::civil::Date,
    consent_note: String,
    /// The current template: `version` and `dimensions`, each with `code`, `label` and `categories`
    /// (`code`, `label`, `digital_help`).
    #[schema(value_type = Object)]
    template: lantern_core::observation::Template,
    /// Every version the template has had, oldest first.
    template_versions: Vec<u32>,
    created_by: Option<Uuid>,
    #[schema(value_type = String, format = DateTime)]
    created_at: Timestamp,
    /// The study's sessions (only when reading one study).
    #[serde(skip_serializing_if = "Option::is_none")]
    sessions: Option<Vec<SessionView>>,
}

impl StudyView {
    fn new(record: StudyRecord, sessions: Option<Vec<SessionView>>) -> Self {
        let Study { id, name, practices, observers, starts_on, ends_on, consent_note, template } =
            record.study;
        Self {
            id,
            name,
            practices,
            observers,
            starts_on,
            ends_on,
            consent_note,
            template,
            template_versions: record.template_versions,
            created_by: record.created_by,
            created_at: record.created_at,
            sessions,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    id: Uuid,
    study: Uuid,
    #[schema(value_type = String, example = "A81001")]
    practice: lantern_core::ods::OdsCode,
    /// The observer's user id.
    observer: Uuid,
    /// The id of the member of staff shadowed.
    staff: Uuid,
    template_version: u32,
    #[schema(value_type = String, format = DateTime)]
    started_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    ended_at: Option<Timestamp>,
    reliability_pair: Option<Uuid>,
}

impl From<&ObservationSession> for SessionView {
    fn from(s: &ObservationSession) -> Self {
        Self {
            id: s.info.id,
            study: s.info.study,
            practice: s.info.practice.clone(),
            observer: s.info.observer,
            staff: s.info.staff,
            template_version: s.template_version,
            started_at: s.info.started_at,
            ended_at: s.ended_at,
            reliability_pair: s.reliability_pair,
        }
    }
}

/// Only the session's own observer adds to it: a timeline is one person's account of what they saw.
fn own_session(user: &CurrentUser, session: &ObservationSession) -> Result<(), ApiError> {
    if session.info.observer == user.user.id {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(ValidationErrors::single(field, message))
}

impl From<ObservationError> for ApiError {
    fn from(error: ObservationError) -> Self {
        match error {
            ObservationError::Store(e) => e.into(),
            ObservationError::Session(e) => invalid("events", e.to_string()),
            ObservationError::Study(e) => {
                let field = match e {
                    StudyError::NotAnObserver => "observer",
                    StudyError::OtherPractice(_) => "practice",
                    StudyError::OutsideDates(_) => "started_at",
                    StudyError::OtherStudy | StudyError::TemplateVersion { .. } => "study",
                };
                invalid(field, e.to_string())
            }
            ObservationError::Template(e) => invalid("dimensions", e.to_string()),
            ObservationError::Pair(e) => invalid("sessions", e.to_string()),
            ObservationError::BatchTooLarge(_) => invalid("events", error.to_string()),
        }
    }
}
