//! Episodes over JSON: create, read, list, edit (a new version), delete (softly, with a reason), history.

use super::submit;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use jiff::Timestamp;
use lantern_core::episode::{parse_occurred_at, EpisodeInput};
use lantern_core::record::{EpisodeRecord, EpisodeVersion};
use lantern_store::EpisodeFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// ODS code of the practice.
    practice: Option<String>,
    /// Occurred at or after (RFC 3339, or UK local date `2026-03-01` meaning its start).
    from: Option<String>,
    /// Occurred before (exclusive; a date means its start).
    to: Option<String>,
    service: Option<String>,
    /// Staff member id.
    helper: Option<Uuid>,
    outcome: Option<String>,
    #[serde(default)]
    include_deleted: bool,
    /// Page size, 1 to 500 (default 50).
    limit: Option<i64>,
    #[serde(default)]
    offset: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EpisodeList {
    episodes: Vec<EpisodeRecord>,
    /// Matching episodes across all pages.
    total: i64,
    limit: i64,
    offset: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    /// Why the episode is being deleted (kept with it).
    reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdateQuery {
    /// The version being edited (required: missing answers 428); a different current version answers 409.
    expected_version: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/episodes", tag = "episodes", request_body = EpisodeInput,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "A key of up to 255 visible ASCII characters (a UUID, say), new for each episode: \
        sending the same key again returns the episode it stored (header Idempotent-Replayed: true) \
        instead of storing another; the same key with a different body answers 422.")),
    responses((status = 201, body = EpisodeRecord), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(input): ApiJson<EpisodeInput>,
) -> Result<impl IntoResponse, ApiError> {
    scope::practice(&user, &input.practice).map_err(|_| unknown_practice(&input.practice))?;
    let key = match headers.get(IDEMPOTENCY_KEY) {
        Some(value) => Some(value.to_str().map_err(|_| {
            ApiError::BadRequest("Idempotency-Key: use visible ASCII characters only".into())
        })?),
        None => None,
    };
    let episode = submit::validate(&state.store, &input, submit::Mode::New).await?;
    let submitted = submit::create(&state.store, &user, &input, &episode, key).await?;
    let location = format!("/api/v1/episodes/{}", submitted.record.id);
    // A retry gets the first answer again, marked so a client can tell (as Stripe and the IETF draft do).
    let replayed = if submitted.replayed { "true" } else { "false" };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location), (HeaderName::from_static("idempotent-replayed"), replayed.to_owned())],
        Json(submitted.record),
    ))
}

/// The header a client sends so that retrying a create cannot store the episode twice.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

#[utoipa::path(get, path = "/api/v1/episodes", tag = "episodes", params(ListQuery),
    responses((status = 200, body = EpisodeList), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<EpisodeList>, ApiError> {
    let practices = match query.practice.as_deref() {
        Some(raw) => vec![scope::practice(&user, raw)?],
        None => user.practices.clone(),
    };
    if practices.is_empty() {
        return Ok(Json(EpisodeList { episodes: Vec::new(), total: 0, limit: 0, offset: 0 }));
    }
    let filter = EpisodeFilter {
        practices,
        from: query.from.as_deref().map(|raw| bound("from", raw)).transpose()?,
        until: query.to.as_deref().map(|raw| bound("to", raw)).transpose()?,
        service: query.service,
        helper: query.helper,
        outcome: query.outcome,
        include_deleted: query.include_deleted,
    };
    let limit = query.limit.unwrap_or(50).clamp(1, lantern_store::MAX_PAGE);
    let offset = query.offset.max(0);
    let page = state.store.list_episodes(&filter, limit, offset).await?;
    Ok(Json(EpisodeList { episodes: page.episodes, total: page.total, limit, offset }))
}

/// A date alone means the start of that day in the UK.
fn bound(name: &str, raw: &str) -> Result<Timestamp, ApiError> {
    let raw = raw.trim();
    let with_time = if raw.len() == 10 { format!("{raw}T00:00") } else { raw.to_owned() };
    parse_occurred_at(&with_time).map_err(|message| ApiError::BadRequest(format!("{name}: {message}")))
}

#[utoipa::path(get, path = "/api/v1/episodes/{id}", tag = "episodes", params(("id" = Uuid, Path)),
    responses((status = 200, body = EpisodeRecord), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<EpisodeRecord>, ApiError> {
    Ok(Json(reachable(&state, &user, &id).await?))
}

/// The episode, if it exists and the caller may reach its practice; otherwise "not found".
async fn reachable(state: &AppState, user: &CurrentUser, id: &str) -> Result<EpisodeRecord, ApiError> {
    scope::episode(user, state.store.episode(episode_id(id)?).await?)
}

fn unknown_practice(raw: &str) -> ApiError {
    ApiError::Invalid(lantern_core::validation::ValidationErrors::single(
        "practice",
        format!("No practice {raw} is set up in Lantern for you"),
    ))
}

#[utoipa::path(put, path = "/api/v1/episodes/{id}", tag = "episodes", request_body = EpisodeInput,
    params(("id" = Uuid, Path), UpdateQuery),
    responses((status = 200, body = EpisodeRecord), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<UpdateQuery>,
    ApiJson(input): ApiJson<EpisodeInput>,
) -> Result<Json<EpisodeRecord>, ApiError> {
    let current = reachable(&state, &user, &id).await?;
    scope::may_change(&user, &current)?;
    let episode = submit::validate(&state.store, &input, submit::Mode::Edit).await?;
    // Without the version it was read at, an edit would silently overwrite one made in between.
    let expected = query.expected_version.ok_or_else(|| {
        ApiError::PreconditionRequired(
            "expected_version is required: send the version you read (GET the episode for its current version)"
                .into(),
        )
    })?;
    Ok(Json(state.store.update_episode(current.id, Some(expected), &episode, &user.actor()).await?))
}

#[utoipa::path(delete, path = "/api/v1/episodes/{id}", tag = "episodes", request_body = DeleteRequest,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EpisodeRecord), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DeleteRequest>,
) -> Result<Json<EpisodeRecord>, ApiError> {
    let current = reachable(&state, &user, &id).await?;
    scope::may_change(&user, &current)?;
    Ok(Json(state.store.delete_episode(current.id, &request.reason, &user.actor()).await?))
}

#[utoipa::path(get, path = "/api/v1/episodes/{id}/history", tag = "episodes", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EpisodeVersion>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<EpisodeVersion>>, ApiError> {
    let record = reachable(&state, &user, &id).await?;
    Ok(Json(state.store.episode_history(record.id).await?))
}

/// A malformed id cannot name any episode, so it is "not found" rather than a client error.
fn episode_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound(format!("episode {raw} not found")))
}
