//! The audit trail for practice leads (their practices' records) and administrators (everything).

use super::filter::{filter_for, AuditQuery};
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use lantern_core::audit::AuditRecord;

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditRecord>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    let filter = filter_for(&user, &query);
    Ok(Json(state.store.audit_records(&filter, query.limit()).await?))
}
