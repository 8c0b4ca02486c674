//! API tokens: a user makes one for a program, sees it once, and can revoke it. A token acts with
//! exactly its owner's role and reach.

use crate::auth::{hash_secret, new_secret, CurrentUser};
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lantern_core::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    id: Uuid,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "Monthly report script".
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    id: Uuid,
    name: String,
    /// Shown this once: Lantern keeps only its hash. Send it as `Authorization: Bearer <token>`.
    token: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = Vec<TokenView>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let tokens = state.store.api_tokens(user.user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: t.created_at.to_string(),
                last_used_at: t.last_used_at.map(|t| t.to_string()),
                revoked_at: t.revoked_at.map(|t| t.to_string()),
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = ErrorBody, description = "sent with a bearer token: only a signed-in session makes tokens"), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    // Only a person signed in makes tokens: a leaked token must not be able to mint fresh ones
    // that outlive its own revocation.
    if user.session_hash.is_none() {
        return Err(ApiError::Forbidden);
    }
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ApiError::Invalid(ValidationErrors::single(
            "name",
            "Name the token in 1 to 80 characters",
        )));
    }
    let token = format!("lantern_{}", new_secret());
    let id = state.store.create_api_token(&user.user, &name, &hash_secret(&token), &user.actor()).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { id, name, token })))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound(format!("API token {id} not found")))?;
    state.store.revoke_api_token(user.user.id, id, &user.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
