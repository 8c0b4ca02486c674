//! What sessions add up to: reliability between paired observers, and a study's results with the
//! logging gap. Running sessions are measured so far (closed at the time of the request).

use super::super::counting::{counted, logged_around, Excluded, GAP_RULE};
use super::{invalid, SessionView};
use crate::access::reach::study_in_reach;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use jiff::Timestamp;
use lantern_core::observation::slices::SliceLength;
use lantern_core::observation::{
    logging_gap, reliability, summarise, LoggingGap, Observed, Reliability, Summary, CI_METHOD,
    MULTITASK_RULE, SLICE_RULE,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SliceQuery {
    /// Slice length in seconds, 1 to 600 (default 10).
    slice: Option<u32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    /// Slice length in seconds, 1 to 600 (default 10).
    slice: Option<u32>,
    /// Template version whose sessions to summarise (default the current one): sessions coded with
    /// different versions are never pooled.
    version: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPair {
    /// The two sessions: the same member of staff, two different observers.
    sessions: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PairView {
    id: Uuid,
    sessions: Vec<SessionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReliabilityView {
    pair: Uuid,
    sessions: Vec<SessionView>,
    slice_seconds: u32,
    slice_rule: &'static str,
    /// Cohen's kappa and observed agreement per dimension (`dimensions[].agreement`: `items`,
    /// `observed`, `expected`, `kappa`), and the share of slices agreeing in every dimension.
    #[schema(value_type = Option<Object>)]
    reliability: Option<Reliability>,
    /// Why there is no comparison, when there is none.
    unavailable: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsView {
    study: Uuid,
    template_version: u32,
    slice_seconds: u32,
    /// Sessions summarised.
    sessions: Vec<Uuid>,
    /// Sessions left out, each with the reason.
    excluded: Vec<Excluded>,
    /// Summarised sessions still running, measured up to now.
    running: usize,
    /// Shares of observed time by category with 95% intervals, tasks per hour, mean task seconds,
    /// interruptions per hour, time multitasking.
    #[schema(value_type = Object)]
    summary: Summary,
    /// One entry per member of staff observed, then (`staff` null) everyone together.
    #[schema(value_type = Vec<Object>)]
    logging_gap: Vec<LoggingGap>,
    slice_rule: &'static str,
    ci_method: &'static str,
    multitask_rule: &'static str,
    gap_rule: &'static str,
}

fn slice_length(seconds: Option<u32>) -> Result<SliceLength, ApiError> {
    seconds.map_or(Ok(SliceLength::default()), |s| {
        SliceLength::seconds(s).map_err(|e| ApiError::BadRequest(format!("slice: {e}")))
    })
}

#[utoipa::path(post, path = "/api/v1/studies/{id}/reliability-pairs", tag = "observation", request_body = NewPair,
    params(("id" = Uuid, Path)),
    description = "Marks two sessions of the study as observing the same member of staff at the same time.",
    responses((status = 201, body = PairView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewPair>,
) -> Result<impl IntoResponse, ApiError> {
    let study = study_in_reach(&state.store, &user, &id).await?;
    let [first, second] = input.sessions[..] else {
        return Err(invalid("sessions", "Give exactly two session ids"));
    };
    let pair = state.store.pair_sessions(study.study.id, first, second, &user.actor()).await?;
    let sessions = state.store.reliability_pair(pair).await?;
    let location = format!("/api/v1/reliability-pairs/{pair}");
    let view = PairView { id: pair, sessions: sessions.iter().map(SessionView::from).collect() };
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(view)))
}

#[utoipa::path(get, path = "/api/v1/reliability-pairs/{id}", tag = "observation", params(("id" = Uuid, Path), SliceQuery),
    description = "Cohen's kappa per dimension between the two observers, on time slices of the stated length.",
    responses((status = 200, body = ReliabilityView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reliability_pair(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<SliceQuery>,
) -> Result<Json<ReliabilityView>, ApiError> {
    let length = slice_length(query.slice)?;
    let missing = || ApiError::NotFound(format!("reliability pair {id} not found"));
    let pair = Uuid::parse_str(&id).map_err(|_| missing())?;
    let sessions = state.store.reliability_pair(pair).await.map_err(|_| missing())?;
    let [first, second] = &sessions[..] else { return Err(missing()) };
    study_in_reach(&state.store, &user, &first.info.study.to_string()).await.map_err(|_| missing())?;
    let a = state.store.session_timeline(first.info.id).await?;
    let b = state.store.session_timeline(second.info.id).await?;
    let template = a.timeline.template();
    let now = Timestamp::now();
    let (reliability, unavailable) =
        match reliability(&a.timeline.observed(now), &b.timeline.observed(now), template, length) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e.to_string())),
        };
    Ok(Json(ReliabilityView {
        pair,
        sessions: sessions.iter().map(SessionView::from).collect(),
        slice_seconds: length.as_seconds(),
        slice_rule: SLICE_RULE,
        reliability,
        unavailable,
    }))
}

#[utoipa::path(get, path = "/api/v1/studies/{id}/results", tag = "observation", params(("id" = Uuid, Path), ResultsQuery),
    description = "Shares of observed time per category with 95% confidence intervals, task and interruption rates, multitasking, and the logging gap: observed help against episodes logged by the same staff in the hours observed.",
    responses((status = 200, body = ResultsView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn results(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ResultsQuery>,
) -> Result<Json<ResultsView>, ApiError> {
    let length = slice_length(query.slice)?;
    let study = study_in_reach(&state.store, &user, &id).await?;
    let version = query.version.unwrap_or_else(|| study.study.template.version());
    if !study.template_versions.contains(&version) {
        return Err(ApiError::BadRequest(format!("version: the study has no template version {version}")));
    }
    let template = state.store.template(study.study.id, version).await?;
    let timelines = state.store.study_timelines(study.study.id).await?;
    let (counted, excluded) = counted(&timelines, version);
    let now = Timestamp::now();
    let observed: Vec<Observed> = counted.iter().map(|s| s.timeline.observed(now)).collect();
    let summary = summarise(&observed, &template, length).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let episodes = logged_around(&state, &observed).await?;
    let logging_gap =
        logging_gap(&observed, &template, &episodes).map_err(|e| invalid("sessions", e.to_string()))?;
    Ok(Json(ResultsView {
        study: study.study.id,
        template_version: version,
        slice_seconds: length.as_seconds(),
        sessions: counted.iter().map(|s| s.session.info.id).collect(),
        excluded,
        running: counted.iter().filter(|s| s.timeline.ended_at().is_none()).count(),
        summary,
        logging_gap,
        slice_rule: SLICE_RULE,
        ci_method: CI_METHOD,
        multitask_rule: MULTITASK_RULE,
        gap_rule: GAP_RULE,
    }))
}
