//! CIS2 sign-in requests over the API: the same list and decisions as the Sign-in requests page, for
//! an administrator's script or a lead's tool. Who may decide on what is the page's rule.

use super::sign_in_requests::{decidable, visible};
use crate::auth::CurrentUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use lantern_core::access::Role;
use lantern_store::{IdentityStatus, OidcIdentity};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInRequestView {
    id: Uuid,
    /// The name CIS2 gave.
    display_name: String,
    /// The organisation (ODS code) whose role the person chose at sign-in.
    organisation: String,
    /// The Lantern role their CIS2 role maps to (asked for, while pending).
    role: Role,
    /// The national RBAC role code, e.g. `S8000:G8000:R8008`.
    rbac_role: String,
    /// `pending`, `approved` or `refused`.
    #[schema(value_type = String)]
    status: IdentityStatus,
    /// Their Lantern account, once approved. Pending with an account: a request for a higher role
    /// than the one they have.
    account: Option<Uuid>,
    created_at: String,
}

impl From<OidcIdentity> for SignInRequestView {
    fn from(i: OidcIdentity) -> Self {
        Self {
            id: i.id,
            display_name: i.display_name,
            organisation: i.organisation.to_string(),
            role: i.role,
            rbac_role: i.rbac_role,
            status: i.status,
            account: i.user_id,
            created_at: i.created_at.to_string(),
        }
    }
}

fn parse(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound(format!("sign-in request {id}")))
}

#[utoipa::path(get, path = "/api/v1/sign-in-requests", tag = "accounts",
    responses((status = 200, body = Vec<SignInRequestView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<SignInRequestView>>, ApiError> {
    Ok(Json(visible(&state, &user).await?.into_iter().map(SignInRequestView::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/sign-in-requests/{id}/approve", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SignInRequestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SignInRequestView>, ApiError> {
    let id = decidable(&state, &user, parse(&id)?).await?;
    state.store.approve_oidc_identity(id, &user.actor()).await?;
    Ok(Json(state.store.oidc_identity(id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/sign-in-requests/{id}/refuse", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SignInRequestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn refuse(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SignInRequestView>, ApiError> {
    let id = decidable(&state, &user, parse(&id)?).await?;
    state.store.refuse_oidc_identity(id, &user.actor()).await?;
    Ok(Json(state.store.oidc_identity(id).await?.into()))
}
