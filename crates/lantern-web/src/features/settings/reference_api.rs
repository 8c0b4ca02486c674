//! Reference data a client needs to fill in an episode: practices, their services and staff, and the
//! fixed vocabularies.

use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use lantern_core::practice::{Practice, PracticeService};
use lantern_core::staff::StaffMember;
use lantern_core::taxonomy::{self, Term, Vocabulary};

#[utoipa::path(get, path = "/api/v1/practices", tag = "reference", responses((status = 200, body = Vec<Practice>)))]
pub async fn practices(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Practice>>, ApiError> {
    let all = state.store.list_practices().await?;
    Ok(Json(all.into_iter().map(|(p, _)| p).filter(|p| user.can_reach(&p.ods_code)).collect()))
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/services", tag = "reference", params(("ods" = String, Path)),
    responses((status = 200, body = Vec<PracticeService>), (status = 404, body = ErrorBody)))]
pub async fn practice_services(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
) -> Result<Json<Vec<PracticeService>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    Ok(Json(state.store.services(&code).await?))
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/staff", tag = "reference", params(("ods" = String, Path)),
    responses((status = 200, body = Vec<StaffMember>), (status = 404, body = ErrorBody)))]
pub async fn practice_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
) -> Result<Json<Vec<StaffMember>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    Ok(Json(state.store.staff(&code).await?))
}

const VOCABULARIES: &[(&str, Vocabulary)] = &[
    ("tasks", taxonomy::TASKS),
    ("barriers", taxonomy::BARRIERS),
    ("channels", taxonomy::CHANNELS),
    ("outcomes", taxonomy::OUTCOMES),
    ("age-bands", taxonomy::AGE_BANDS),
    ("approaches", taxonomy::APPROACHES),
    ("staff-roles", taxonomy::STAFF_ROLES),
    ("services", taxonomy::SERVICES),
];

#[utoipa::path(get, path = "/api/v1/vocabularies/{name}", tag = "reference",
    params(("name" = String, Path, description = "tasks, barriers, channels, outcomes, age-bands, approaches, staff-roles or services (the national catalogue)")),
    responses((status = 200, body = Vec<Term>), (status = 404, body = ErrorBody)))]
pub async fn vocabulary(Path(name): Path<String>) -> Result<Json<&'static [Term]>, ApiError> {
    VOCABULARIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| Json(v.terms))
        .ok_or_else(|| ApiError::NotFound(format!("vocabulary {name} not found")))
}

#[utoipa::path(get, path = "/api/v1/health", tag = "reference", responses((status = 200, description = "The server and its database answer")))]
pub async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(serde_json::json!({ "status": "ok" })))
}
