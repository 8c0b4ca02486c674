//! The written strategy over JSON: every version with its sign-off, and who has signed the one in force.

use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use lantern_core::strategy::StrategyVersion;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct StrategyView {
    /// Newest first; the strategy in force is the newest signed-off one.
    versions: Vec<StrategyVersion>,
    in_force: Option<i64>,
    /// User ids of the staff who have read and signed the version in force.
    signed_by: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/strategy", tag = "ownership", params(("ods" = String, Path)),
    responses((status = 200, body = StrategyView), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
) -> Result<Json<StrategyView>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let versions = state.store.strategy_versions(&code).await?;
    let in_force = versions.iter().find(|v| v.signed_off_at.is_some()).map(|v| v.version);
    let signed_by = match in_force {
        Some(version) => state
            .store
            .acknowledgements("strategy", code.as_str(), version)
            .await?
            .into_iter()
            .map(|a| a.user_id.to_string())
            .collect(),
        None => Vec::new(),
    };
    Ok(Json(StrategyView { versions, in_force, signed_by }))
}
