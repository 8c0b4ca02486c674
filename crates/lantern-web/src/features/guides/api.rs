//! Staff guides over JSON (and a CSV list): the same practice boundary, versions, approval and
//! read-and-sign as the pages. A guide of a practice out of reach is "not found".

use crate::access::reach::guide_in_reach as reachable;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::csv::csv_response;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::{ApiJson, ApiQuery};
use crate::kit::markdown;
use crate::services::measures::csv::escape;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::civil::Date;
use lantern_core::audit::AuditEntry;
use lantern_core::guides::{Guide, GuideDraft};
use lantern_core::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GuidesQuery {
    /// Only guides whose title or text contains every one of these words (any case).
    q: Option<String>,
    /// Only guides covering this service code.
    service: Option<String>,
    /// json (default) or csv (one row per guide; services and tasks as codes joined by `;`).
    format: Option<String>,
}

/// A guide with its text rendered as it appears on the page (raw HTML in the Markdown shown as text).
#[derive(Debug, Serialize, ToSchema)]
pub struct GuideView {
    #[serde(flatten)]
    guide: Guide,
    rendered_html: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideApproval {
    /// The version being approved; another current version answers 409.
    version: i64,
    /// `YYYY-MM-DD`, in the future.
    review_by: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideAcknowledgement {
    /// The version read; when given and no longer current, the answer is 409.
    version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Acknowledged {
    version: i64,
    #[schema(value_type = String, format = DateTime)]
    signed_at: jiff::Timestamp,
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/guides", tag = "guides", params(("ods" = String, Path), GuidesQuery),
    responses((status = 200, body = [Guide], description = "Current versions (JSON, or CSV with format=csv)"), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiQuery(query): ApiQuery<GuidesQuery>,
) -> Result<Response, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => return Err(ApiError::BadRequest(format!("format: {other:?} is not json or csv"))),
    };
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let service = query.service.as_deref().filter(|s| !s.is_empty());
    let guides: Vec<Guide> = state
        .store
        .guides(&code, search)
        .await?
        .into_iter()
        .filter(|g| service.is_none_or(|s| g.services.iter().any(|c| c == s)))
        .collect();
    if !csv {
        return Ok(Json(guides).into_response());
    }
    let what =
        serde_json::json!({ "practice": code, "guides": guides.len(), "q": search, "service": service });
    state.store.audit(AuditEntry::new(&user.actor(), "export.guides").practice(&code).after(&what)).await?;
    let mut out = String::from("id,title,services,tasks,version,review_by,approved_by\n");
    for g in &guides {
        let cells = [
            g.id.to_string(),
            g.title.clone(),
            g.services.join(";"),
            g.tasks.join(";"),
            g.version.to_string(),
            g.review_by.to_string(),
            g.approved_by.clone().unwrap_or_default(),
        ];
        let _ = writeln!(out, "{}", cells.iter().map(|c| escape(c)).collect::<Vec<_>>().join(","));
    }
    Ok(csv_response(&format!("lantern-{code}-guides.csv"), out))
}

#[utoipa::path(get, path = "/api/v1/guides/{id}", tag = "guides", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = GuideView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<GuideView>, ApiError> {
    let (_, guide) = reachable(&state.store, &user, &id).await?;
    Ok(Json(GuideView { rendered_html: markdown::render(&guide.body), guide }))
}

#[utoipa::path(post, path = "/api/v1/practices/{ods}/guides", tag = "guides", request_body = GuideDraft, params(("ods" = String, Path)),
    responses((status = 201, body = Guide), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiJson(draft): ApiJson<GuideDraft>,
) -> Result<impl IntoResponse, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let guide = state.store.save_guide(&code, None, &draft, &user.actor()).await?;
    let location = format!("/api/v1/guides/{}", guide.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(guide)))
}

#[utoipa::path(put, path = "/api/v1/guides/{id}", tag = "guides", request_body = GuideDraft, params(("id" = uuid::Uuid, Path)),
    description = "Saves a new version, which needs approving again.",
    responses((status = 200, body = Guide), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<GuideDraft>,
) -> Result<Json<Guide>, ApiError> {
    let (code, guide) = reachable(&state.store, &user, &id).await?;
    Ok(Json(state.store.save_guide(&code, Some(guide.id), &draft, &user.actor()).await?))
}

#[utoipa::path(post, path = "/api/v1/guides/{id}/approve", tag = "guides", request_body = GuideApproval, params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Guide), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GuideApproval>,
) -> Result<Json<Guide>, ApiError> {
    let (_, guide) = reachable(&state.store, &user, &id).await?;
    let review_by = match input.review_by.trim().parse::<Date>() {
        Ok(date) if date > crate::clock::today() => date,
        Ok(_) => return Err(invalid("review_by", "The review date must be in the future")),
        Err(_) => return Err(invalid("review_by", "Enter a review date like 2027-03-31")),
    };
    Ok(Json(state.store.approve_guide(guide.id, input.version, review_by, &user.actor()).await?))
}

#[utoipa::path(post, path = "/api/v1/guides/{id}/acknowledge", tag = "guides", request_body = GuideAcknowledgement, params(("id" = uuid::Uuid, Path)),
    description = "Records, once, that the caller has read the current version (signing again changes nothing).",
    responses((status = 200, body = Acknowledged), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GuideAcknowledgement>,
) -> Result<Json<Acknowledged>, ApiError> {
    let (code, guide) = reachable(&state.store, &user, &id).await?;
    if input.version.is_some_and(|v| v != guide.version) {
        return Err(ApiError::Conflict(format!("guide {id} is at version {}", guide.version)));
    }
    let document = guide.id.to_string();
    let actor = user.actor();
    state.store.acknowledge(user.user.id, "guide", &document, guide.version, Some(&code), &actor).await?;
    let signed = state.store.acknowledgements("guide", &document, guide.version).await?;
    let at = signed.iter().find(|a| a.user_id == user.user.id).map(|a| a.at);
    let signed_at = at.ok_or_else(|| ApiError::Internal("acknowledgement not recorded".into()))?;
    Ok(Json(Acknowledged { version: guide.version, signed_at }))
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(ValidationErrors::single(field, message))
}
