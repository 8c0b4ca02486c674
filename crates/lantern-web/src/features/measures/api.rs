//! Hidden-work figures over JSON or CSV: a practice's (for its leads) and an organisation's (for its
//! analysts, suppressed). Every CSV download is recorded in the audit trail as an export.

use crate::access::reach::organisation_members;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::csv::csv_response;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::{ApiJson, ApiQuery};
use crate::services::measures::{network_csv, network_figures, practice_csv, practice_figures, PeriodQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lantern_core::audit::AuditEntry;
use lantern_core::ods::OdsCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeasuresQuery {
    /// week, month, quarter, year or custom (default quarter; quarters and years are financial).
    period: Option<String>,
    /// A day inside the period (default today).
    date: Option<String>,
    /// First day of a custom period.
    from: Option<String>,
    /// Last day of a custom period.
    to: Option<String>,
    /// json (default) or csv.
    format: Option<String>,
}

impl MeasuresQuery {
    fn period(&self) -> PeriodQuery {
        PeriodQuery {
            period: self.period.clone(),
            date: self.date.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }

    fn csv(&self) -> Result<bool, ApiError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(ApiError::BadRequest(format!("format: {other:?} is not json or csv"))),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/measures/practices/{ods}", tag = "measures", params(("ods" = String, Path), MeasuresQuery),
    responses((status = 200, description = "The practice's hidden-work figures (JSON, or CSV with format=csv)"), (status = 404, body = ErrorBody)))]
pub async fn practice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiQuery(query): ApiQuery<MeasuresQuery>,
) -> Result<Response, ApiError> {
    let code = scope::practice(&user, &ods)?;
    let figures = practice_figures(&state.store, &code, query.period().resolve()?).await?;
    if !query.csv()? {
        return Ok(Json(figures).into_response());
    }
    let entry = AuditEntry::new(&user.actor(), "export.measures").practice(&code);
    state.store.audit(entry.after(&serde_json::json!({ "practice": code, "from": figures.summary.period.from, "to": figures.summary.period.to }))).await?;
    Ok(csv_response(&format!("lantern-{code}-{}.csv", figures.summary.period.from), practice_csv(&figures)))
}

#[utoipa::path(get, path = "/api/v1/measures/organisations/{code}", tag = "measures", params(("code" = String, Path, description = "PCN or ICB ODS code"), MeasuresQuery),
    responses((status = 200, description = "Figures per practice and for the organisation, small numbers suppressed (JSON, or CSV with format=csv)"), (status = 404, body = ErrorBody)))]
pub async fn organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<MeasuresQuery>,
) -> Result<Response, ApiError> {
    let org =
        OdsCode::parse(&code).map_err(|_| ApiError::NotFound(format!("organisation {code} not found")))?;
    let (practices, synthetic) = organisation_members(&state.store, &user, &org).await?;
    let figures =
        network_figures(&state.store, &org, &practices, synthetic, query.period().resolve()?).await?;
    if !query.csv()? {
        return Ok(Json(figures).into_response());
    }
    let entry = AuditEntry::new(&user.actor(), "export.measures");
    state
        .store
        .audit(entry.after(
            &serde_json::json!({ "organisation": org, "from": figures.period.from, "to": figures.period.to }),
        ))
        .await?;
    Ok(csv_response(&format!("lantern-{org}-{}.csv", figures.period.from), network_csv(&figures)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleCostInput {
    /// The employer's cost of one paid hour for the role, in pence, with on-costs.
    hourly_pence: i64,
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/role-costs", tag = "measures", params(("ods" = String, Path)),
    responses((status = 200, description = "Hourly cost in pence per staff-role code (the practice's own or the default)"), (status = 404, body = ErrorBody)))]
pub async fn role_costs(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
) -> Result<Json<BTreeMap<String, i64>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    Ok(Json(state.store.role_costs(&code).await?.into_iter().collect()))
}

#[utoipa::path(put, path = "/api/v1/practices/{ods}/role-costs/{role}", tag = "measures", request_body = RoleCostInput,
    params(("ods" = String, Path), ("role" = String, Path)),
    responses((status = 200, description = "The practice's costs after the change"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_role_cost(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((ods, role)): Path<(String, String)>,
    ApiJson(input): ApiJson<RoleCostInput>,
) -> Result<Json<BTreeMap<String, i64>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    state.store.set_role_cost(&code, &role, input.hourly_pence, &user.actor()).await?;
    Ok(Json(state.store.role_costs(&code).await?.into_iter().collect()))
}
