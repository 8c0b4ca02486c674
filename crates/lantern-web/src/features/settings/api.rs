//! Setting a practice up: its details, the services it offers and its staff. (Who may do this is
//! decided by the sign-in work; until then the server only listens on loopback.)

use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lantern_core::access::Role;
use lantern_core::ods::OdsCode;
use lantern_core::practice::{Practice, PracticeService};
use lantern_core::staff::StaffMember;
use lantern_core::validation::{FieldError, ValidationErrors};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeInput {
    name: String,
    pcn: Option<String>,
    icb: Option<String>,
    list_size: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSwitch {
    enabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    /// The service's name as staff know it, e.g. "Accurx Patient Triage".
    label: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffMember {
    display_name: String,
    /// A staff-role code (see `/api/v1/vocabularies/staff-roles`).
    role: String,
}

#[utoipa::path(put, path = "/api/v1/practices/{ods}", tag = "settings", request_body = PracticeInput,
    params(("ods" = String, Path)),
    responses((status = 200, body = Practice), (status = 422, body = ErrorBody)))]
pub async fn put_practice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiJson(input): ApiJson<PracticeInput>,
) -> Result<Json<Practice>, ApiError> {
    let practice = parse_practice(&ods, input)?;
    // Leads edit their own practices; only an administrator sets up a new one.
    if user.role() != Role::Admin {
        scope::practice(&user, &ods)?;
    }
    state.store.upsert_practice(&practice, false, &user.actor()).await?;
    Ok(Json(state.store.practice(&practice.ods_code).await?))
}

fn parse_practice(ods: &str, input: PracticeInput) -> Result<Practice, ApiError> {
    let mut errors = Vec::new();
    let mut code = |field: &str, raw: &str| match OdsCode::parse(raw) {
        Ok(code) => Some(code),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    };
    let ods_code = code("ods_code", ods);
    let pcn = input.pcn.as_deref().filter(|s| !s.trim().is_empty()).and_then(|raw| code("pcn", raw));
    let icb = input.icb.as_deref().filter(|s| !s.trim().is_empty()).and_then(|raw| code("icb", raw));
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("name", "Enter the practice name, 1 to 120 characters"));
    }
    let list_size = u32::try_from(input.list_size).ok().filter(|n| *n <= 2_000_000);
    if list_size.is_none() {
        errors.push(FieldError::new("list_size", "Enter the registered list size, 0 to 2,000,000"));
    }
    ValidationErrors::check(errors).map_err(ApiError::Invalid)?;
    match (ods_code, list_size) {
        (Some(ods_code), Some(list_size)) => Ok(Practice { ods_code, name, pcn, icb, list_size }),
        _ => Err(ApiError::BadRequest("invalid practice".into())),
    }
}

#[utoipa::path(post, path = "/api/v1/practices/{ods}/services", tag = "settings", request_body = NewService,
    params(("ods" = String, Path)),
    responses((status = 201, body = PracticeService), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiJson(input): ApiJson<NewService>,
) -> Result<(StatusCode, Json<PracticeService>), ApiError> {
    let code = scope::practice(&user, &ods)?;
    Ok((StatusCode::CREATED, Json(state.store.add_service(&code, &input.label, &user.actor()).await?)))
}

#[utoipa::path(put, path = "/api/v1/practices/{ods}/services/{code}", tag = "settings", request_body = ServiceSwitch,
    params(("ods" = String, Path), ("code" = String, Path)),
    responses((status = 200, body = Vec<PracticeService>), (status = 404, body = ErrorBody)))]
pub async fn switch_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((ods, service)): Path<(String, String)>,
    ApiJson(input): ApiJson<ServiceSwitch>,
) -> Result<Json<Vec<PracticeService>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    state.store.set_service_enabled(&code, &service, input.enabled, &user.actor()).await?;
    Ok(Json(state.store.services(&code).await?))
}

#[utoipa::path(post, path = "/api/v1/practices/{ods}/staff", tag = "settings", request_body = NewStaffMember,
    params(("ods" = String, Path)),
    responses((status = 201, body = StaffMember), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiJson(input): ApiJson<NewStaffMember>,
) -> Result<(StatusCode, Json<StaffMember>), ApiError> {
    let code = scope::practice(&user, &ods)?;
    let member = StaffMember::new(code, &input.display_name, &input.role).map_err(ApiError::Invalid)?;
    state.store.add_staff(&member, &user.actor()).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffSwitch {
    /// False when the person has left: they stay on their episodes but can no longer be chosen.
    active: bool,
}

#[utoipa::path(put, path = "/api/v1/practices/{ods}/staff/{id}", tag = "settings", request_body = StaffSwitch,
    params(("ods" = String, Path), ("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<StaffMember>), (status = 404, body = ErrorBody)))]
pub async fn switch_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((ods, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<StaffSwitch>,
) -> Result<Json<Vec<StaffMember>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let id =
        uuid::Uuid::parse_str(&id).map_err(|_| ApiError::NotFound(format!("staff member {id} not found")))?;
    state.store.set_staff_active(&code, id, input.active, &user.actor()).await?;
    Ok(Json(state.store.staff(&code).await?))
}
