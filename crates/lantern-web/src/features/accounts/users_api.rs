//! Accounts: who am I, and (for administrators) everyone's accounts and password resets.

use crate::auth::{create_account, hash_password, CurrentUser, NewUser};
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lantern_core::access::{check_password, Role, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    id: Uuid,
    username: String,
    display_name: String,
    role: Role,
    staff_id: Option<Uuid>,
    organisation: Option<String>,
    /// Practices the account is linked to (staff and leads).
    practices: Vec<String>,
    active: bool,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            staff_id: u.staff_id,
            organisation: u.organisation.map(|o| o.to_string()),
            practices: u.practices.iter().map(ToString::to_string).collect(),
            active: u.active,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The new password (at least 12 characters); every session of the account ends.
    password: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn me(user: CurrentUser) -> Json<UserView> {
    Json(UserView::from(user.user))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(state.store.users().await?.into_iter().map(UserView::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let created = create_account(&state.store, input, &user.actor()).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(created))))
}

#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "accounts", request_body = PasswordReset,
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound(format!("user {id} not found")))?;
    let target = state.store.user(id).await?;
    check_password(&target.username, &input.password).map_err(ApiError::Invalid)?;
    let hash = hash_password(input.password).await;
    state.store.set_password(id, &hash, &user.actor(), "user.password_reset").await?;
    Ok(StatusCode::NO_CONTENT)
}
