//! Sessions: opening one, reading its timeline, syncing events from the capture page, ending it.
//! Every write here is safe to repeat: the capture page resends whatever it has not seen answered.

use super::{invalid, own_session, SessionView};
use crate::access::reach::{session_in_reach, study_in_reach};
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::Timestamp;
use lantern_core::observation::{Event, EventKind, SessionError, SessionInfo, Timeline};
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::{BatchOutcome, ObservationError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// An id made on the device, so that a start sent twice opens one session. Made here if absent.
    id: Option<Uuid>,
    /// ODS code of the practice, one of the study's.
    practice: String,
    /// The member of staff shadowed (a staff id at that practice).
    staff: Uuid,
    /// When observation began (kept to the whole second); now if absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    started_at: Option<Timestamp>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// Events as the capture page recorded them, each `{id, at, type, …}` with `type` one of
    /// `task_started` (with `values`: dimension code → category code), `task_ended` (with `task`: the
    /// id of the event that started it), `interruption` (with `source`: patient, phone, colleague,
    /// clinician, system or other), `note` (with `text`), `paused`, `resumed`, `session_ended`. Ids
    /// are made on the device; an event already stored is counted as a duplicate, not again. At most
    /// 500 events, within the 64 KiB body limit.
    #[schema(value_type = Vec<Object>)]
    events: Vec<Event>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndSession {
    /// The id of the device's session-ended event, if it made one.
    event_id: Option<Uuid>,
    /// When the session ended; now (or the last event, if later) if absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    at: Option<Timestamp>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDetail {
    session: SessionView,
    /// The timeline the stored events add up to: `info`, `template`, `tasks` (`id`, `started_at`,
    /// `ended_at`, `values`, `closed_at_session_end`), `interruptions`, `notes`, `pauses`,
    /// `paused_since`, `ended_at`.
    #[schema(value_type = Object)]
    timeline: Timeline,
    /// Every stored event in time order, for a device catching up.
    #[schema(value_type = Vec<Object>)]
    events: Vec<Event>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    /// Events stored by this request.
    new: usize,
    /// Events the server already had (a batch re-sent after a dropped connection).
    duplicates: usize,
    timeline: TimelineSummary,
}

/// The server's view of the session after the batch, for the capture page to check against its own.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineSummary {
    events: usize,
    tasks: usize,
    /// Tasks started and not yet ended, by the id of the event that started each.
    running_tasks: Vec<Uuid>,
    interruptions: usize,
    notes: usize,
    #[schema(value_type = Option<String>, format = DateTime)]
    paused_since: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    ended_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    last_event_at: Timestamp,
}

impl From<&Timeline> for TimelineSummary {
    fn from(t: &Timeline) -> Self {
        Self {
            events: t.events().len(),
            tasks: t.tasks().len(),
            running_tasks: t
                .tasks()
                .iter()
                .filter(|task| task.ended_at.is_none())
                .map(|task| task.id)
                .collect(),
            interruptions: t.interruptions().len(),
            notes: t.notes().len(),
            paused_since: t.paused_since(),
            ended_at: t.ended_at(),
            last_event_at: t.last_event_at(),
        }
    }
}

impl From<BatchOutcome> for BatchView {
    fn from(outcome: BatchOutcome) -> Self {
        Self {
            new: outcome.applied.new,
            duplicates: outcome.applied.duplicates,
            timeline: TimelineSummary::from(&outcome.session.timeline),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/studies/{id}/sessions", tag = "observation", request_body = NewSession,
    params(("id" = Uuid, Path)),
    description = "Opens a session observed by the caller, who must be one of the study's observers, coded with the study's current template. Sending the same start again answers the stored session with 200.",
    responses((status = 201, body = SessionView), (status = 200, body = SessionView, description = "Already opened"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewSession>,
) -> Result<Response, ApiError> {
    let study = study_in_reach(&state.store, &user, &id).await?;
    let practice = scope::practice(&user, &input.practice)
        .map_err(|_| invalid("practice", format!("No practice {} is set up for you", input.practice)))?;
    let info = SessionInfo {
        id: input.id.unwrap_or_else(Uuid::now_v7),
        study: study.study.id,
        practice,
        observer: user.user.id,
        staff: input.staff,
        started_at: input.started_at.unwrap_or_else(Timestamp::now),
    };
    let (session, created) = state.store.start_session(info, &user.actor()).await?;
    let view = Json(SessionView::from(&session));
    if created {
        let location = format!("/api/v1/sessions/{}", session.info.id);
        Ok((StatusCode::CREATED, [(header::LOCATION, location)], view).into_response())
    } else {
        Ok(view.into_response())
    }
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "observation", params(("id" = Uuid, Path)),
    responses((status = 200, body = SessionDetail), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SessionDetail>, ApiError> {
    let (_, session) = session_in_reach(&state.store, &user, &id).await?;
    let stored = state.store.session_timeline(session.info.id).await?;
    let events = stored.timeline.events().into_iter().cloned().collect();
    Ok(Json(SessionDetail { session: SessionView::from(&stored.session), timeline: stored.timeline, events }))
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/events", tag = "observation", request_body = EventBatch,
    params(("id" = Uuid, Path)),
    description = "Adds a batch of events to the caller's own session. The batch is all or nothing: if any event is refused (a note that identifies a patient, a task ended before it started, an id reused for a different event), none is stored and the answer names the event (`events[i]`) and why. Re-sending a batch stores nothing new and answers the same.",
    responses((status = 200, body = BatchView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(batch): ApiJson<EventBatch>,
) -> Result<Json<BatchView>, ApiError> {
    let (_, session) = session_in_reach(&state.store, &user, &id).await?;
    own_session(&user, &session)?;
    let events = batch.events.clone();
    match state.store.append_events(session.info.id, batch.events, &user.actor()).await {
        Ok(outcome) => Ok(Json(outcome.into())),
        Err(ObservationError::Session(error)) => Err(refused(&events, &error)),
        Err(other) => Err(other.into()),
    }
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/end", tag = "observation", request_body = EndSession,
    params(("id" = Uuid, Path)),
    description = "Ends the caller's own session; tasks still running are closed there. Ending an ended session changes nothing.",
    responses((status = 200, body = BatchView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EndSession>,
) -> Result<Json<BatchView>, ApiError> {
    let (_, session) = session_in_reach(&state.store, &user, &id).await?;
    own_session(&user, &session)?;
    match state.store.end_observation(session.info.id, input.event_id, input.at, &user.actor()).await {
        Ok(outcome) => Ok(Json(outcome.into())),
        Err(ObservationError::Session(error)) => Err(invalid("at", error.to_string())),
        Err(other) => Err(other.into()),
    }
}

/// The core's reason, placed on the event it is about (`events[i]`), with each identifier a note
/// seems to hold placed on its text.
fn refused(batch: &[Event], error: &SessionError) -> ApiError {
    let culprit = match error {
        SessionError::EndBeforeStart { task } | SessionError::TaskAlreadyEnded { task } => batch
            .iter()
            .find(|e| matches!(e.kind, EventKind::TaskEnded { task: t } if t == *task))
            .map_or(*task, |e| e.id),
        SessionError::ConflictingEvent { event }
        | SessionError::BeforeSessionStart { event }
        | SessionError::AfterSessionEnd { event }
        | SessionError::UnknownTask { event, .. }
        | SessionError::WhilePaused { event }
        | SessionError::AlreadyPaused { event }
        | SessionError::NotPaused { event }
        | SessionError::Values { event, .. }
        | SessionError::UnknownInterruptionSource { event, .. }
        | SessionError::EmptyNote { event }
        | SessionError::NoteTooLong { event, .. }
        | SessionError::NoteIdentifiesPatient { event, .. }
        | SessionError::NoteRefused { event, .. } => *event,
    };
    let field =
        batch.iter().position(|e| e.id == culprit).map_or("events".to_owned(), |i| format!("events[{i}]"));
    let mut errors = vec![FieldError::new(field.clone(), error.to_string())];
    if let SessionError::NoteIdentifiesPatient { findings, .. } = error {
        errors.extend(findings.iter().map(|f| FieldError::new(format!("{field}.text"), f.message())));
    }
    ApiError::Invalid(ValidationErrors(errors))
}
