//! Who owns each online service, who is trained in it, and the gap report ("Who owns this?"), as JSON
//! or CSV. Staff may read who owns what (so they know where to escalate); leads change it. Every CSV
//! download is recorded in the audit trail as an export.

use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::csv::csv_response;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::{ApiJson, ApiQuery};
use crate::services::ownership::{
    self as report, fix_href, gap_findings, kind_code, reviewed_on_error, Arrangements,
};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::civil::Date;
use lantern_core::audit::AuditEntry;
use lantern_core::ods::OdsCode;
use lantern_core::ownership::{Confidence, Ownership, Training};
use lantern_core::validation::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// json (default) or csv.
    format: Option<String>,
}

impl FormatQuery {
    fn csv(&self) -> Result<bool, ApiError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(ApiError::BadRequest(format!("format: {other:?} is not json or csv"))),
        }
    }
}

/// The arrangements for one service. `service` may be left out; if given it must be the one in the path.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipInput {
    service: Option<String>,
    /// A staff member id of the practice, or null for no owner.
    owner: Option<Uuid>,
    #[serde(default)]
    supporting: Vec<Uuid>,
    escalation_route: Option<String>,
    helpdesk: Option<String>,
    offline_alternative: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    reviewed_on: Option<Date>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingInput {
    staff_id: Uuid,
    service: String,
    #[schema(value_type = String, format = Date)]
    trained_on: Date,
    /// Who trained them, or which course.
    trainer: String,
    confidence: Confidence,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapReport {
    practice: String,
    #[schema(value_type = String, format = Date)]
    today: Date,
    findings: Vec<GapView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapView {
    /// no_owner, owner_inactive, owner_not_doing_it, few_trained, mostly_untrained, no_guide,
    /// guide_past_review, escalations_without_route, no_strategy or strategy_past_review.
    kind: String,
    /// The service concerned; absent for practice-wide findings.
    service: Option<String>,
    finding: String,
    why_it_matters: String,
    what_to_do: String,
    /// The Lantern page where it is fixed.
    fix_at: String,
}

/// Blank text means "not recorded", the same as leaving the field out.
fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

async fn audit_export(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    what: &str,
    rows: usize,
) -> Result<(), ApiError> {
    let entry = AuditEntry::new(&user.actor(), &format!("export.{what}")).practice(code);
    state.store.audit(entry.after(&serde_json::json!({ "practice": code, "rows": rows }))).await?;
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/ownership", tag = "ownership", params(("ods" = String, Path), FormatQuery),
    responses((status = 200, body = Vec<Ownership>, description = "One entry per switched-on service, blank (no owner) where nothing is recorded; CSV with format=csv"), (status = 404, body = ErrorBody)))]
pub async fn list_ownership(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let csv = query.csv()?;
    let arrangements = Arrangements::load(&state.store, &code).await?;
    let rows = arrangements.per_service();
    if !csv {
        return Ok(Json(rows).into_response());
    }
    audit_export(&state, &user, &code, "ownership", rows.len()).await?;
    Ok(csv_response(&format!("lantern-{code}-ownership.csv"), report::ownership_csv(&code, &arrangements)))
}

#[utoipa::path(put, path = "/api/v1/practices/{ods}/ownership/{service}", tag = "ownership", request_body = OwnershipInput,
    params(("ods" = String, Path), ("service" = String, Path, description = "A service code of the practice")),
    responses((status = 200, body = Ownership), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_ownership(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((ods, service)): Path<(String, String)>,
    ApiJson(input): ApiJson<OwnershipInput>,
) -> Result<Json<Ownership>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let mut errors = Vec::new();
    if input.service.as_ref().is_some_and(|s| *s != service) {
        errors
            .push(FieldError::new("service", format!("Leave this out or give {service:?}, as in the path")));
    }
    errors.extend(reviewed_on_error(input.reviewed_on));
    ValidationErrors::check(errors).map_err(ApiError::Invalid)?;
    let ownership = Ownership {
        service,
        owner: input.owner,
        supporting: input.supporting,
        escalation_route: text(input.escalation_route),
        helpdesk: text(input.helpdesk),
        offline_alternative: text(input.offline_alternative),
        reviewed_on: input.reviewed_on,
    };
    state.store.set_ownership(&code, &ownership, &user.actor()).await?;
    Ok(Json(ownership))
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/training", tag = "ownership", params(("ods" = String, Path), FormatQuery),
    responses((status = 200, body = Vec<Training>, description = "Who is trained in which service; CSV with format=csv"), (status = 404, body = ErrorBody)))]
pub async fn list_training(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let csv = query.csv()?;
    let arrangements = Arrangements::load(&state.store, &code).await?;
    if !csv {
        return Ok(Json(arrangements.training).into_response());
    }
    audit_export(&state, &user, &code, "training", arrangements.training.len()).await?;
    Ok(csv_response(&format!("lantern-{code}-training.csv"), report::training_csv(&code, &arrangements)))
}

#[utoipa::path(post, path = "/api/v1/practices/{ods}/training", tag = "ownership", request_body = TrainingInput,
    params(("ods" = String, Path)),
    responses((status = 201, body = Training, description = "Recorded (or updated: one record per person and service)"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_training(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiJson(input): ApiJson<TrainingInput>,
) -> Result<(StatusCode, Json<Training>), ApiError> {
    let code = scope::practice(&user, &ods)?;
    let arrangements = Arrangements::load(&state.store, &code).await?;
    // Checked here so a wrong id in the body is a field error, not "not found" for the whole request.
    let errors = arrangements.training_errors(Some(input.staff_id), &input.service, Some(input.trained_on));
    ValidationErrors::check(errors).map_err(ApiError::Invalid)?;
    let training = Training {
        staff_id: input.staff_id,
        service: input.service,
        trained_on: input.trained_on,
        trainer: input.trainer.trim().to_owned(),
        confidence: input.confidence,
    };
    state.store.record_training(&code, &training, &user.actor()).await?;
    Ok((StatusCode::CREATED, Json(training)))
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/gaps", tag = "ownership", params(("ods" = String, Path), FormatQuery),
    responses((status = 200, body = GapReport, description = "Where the practice's arrangements do not match what the episode log shows; CSV with format=csv"), (status = 404, body = ErrorBody)))]
pub async fn gap_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> Result<Response, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let csv = query.csv()?;
    let arrangements = Arrangements::load(&state.store, &code).await?;
    let findings = gap_findings(&state.store, &code, &arrangements).await?;
    if csv {
        audit_export(&state, &user, &code, "gaps", findings.len()).await?;
        return Ok(csv_response(&format!("lantern-{code}-gaps.csv"), report::gaps_csv(&code, &findings)));
    }
    let findings = findings
        .iter()
        .map(|f| GapView {
            kind: kind_code(f),
            service: f.service.clone(),
            finding: f.finding.clone(),
            why_it_matters: f.why_it_matters.clone(),
            what_to_do: f.what_to_do.clone(),
            fix_at: fix_href(&f.fix_at, &code),
        })
        .collect();
    Ok(Json(GapReport { practice: code.to_string(), today: crate::clock::today(), findings }).into_response())
}
