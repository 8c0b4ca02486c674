//! Uptake of online services from the published NHS data, over JSON or CSV: the uptake table at any
//! level, one practice's figures, an organisation's view for analysts, and England's deprivation
//! quintiles. The data is public and practice-level, so any signed-in person may read it; the help
//! logged in Lantern beside it is only included for people who work with that practice.

use crate::auth::CurrentUser;
use crate::http::csv::csv_response;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiQuery;
use crate::services::uptake::csv::{equity_csv, oc_csv, table_csv};
use crate::services::uptake::{
    equity_of, held_month, name_units, network_uptake, oc_table, parse_month, practice_uptake, ATTRIBUTION,
    IMD_YEAR,
};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lantern_core::audit::AuditEntry;
use lantern_core::uptake::measures::ENGLAND;
use lantern_core::uptake::{tabulate_placed, Level};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UptakeQuery {
    /// england (default), region, icb, pcn, ccg (the file's CCG or sub-ICB location) or practice.
    level: Option<String>,
    /// The unit's code (not for england).
    code: Option<String>,
    /// A month, `YYYY-MM` (default: every month for the table, the latest for the other views).
    period: Option<String>,
    /// json (default) or csv.
    format: Option<String>,
}

/// One practice's view takes no level or code: the practice is in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PracticeUptakeQuery {
    /// The month to centre on, `YYYY-MM` (default: the latest held).
    period: Option<String>,
    /// json (default) or csv.
    format: Option<String>,
}

impl From<PracticeUptakeQuery> for UptakeQuery {
    fn from(q: PracticeUptakeQuery) -> Self {
        Self { level: None, code: None, period: q.period, format: q.format }
    }
}

impl UptakeQuery {
    fn csv(&self) -> Result<bool, ApiError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(ApiError::BadRequest(format!("format: {other:?} is not json or csv"))),
        }
    }

    fn level(&self) -> Result<Level, ApiError> {
        match &self.level {
            None => Ok(Level::England),
            Some(raw) => Level::parse(raw).ok_or_else(|| {
                let levels: Vec<&str> = Level::ALL.iter().map(|l| l.code()).collect();
                ApiError::BadRequest(format!("level: {raw:?} is not one of {}", levels.join(", ")))
            }),
        }
    }

    /// The unit's code as stored (upper case), None when not given.
    fn code(&self) -> Option<String> {
        self.code.as_deref().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty())
    }

    fn period(&self) -> Result<Option<String>, ApiError> {
        self.period.as_deref().map(parse_month).transpose()
    }
}

async fn audit_export(
    state: &AppState,
    user: &CurrentUser,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    state.store.audit(AuditEntry::new(&user.actor(), "export.uptake").after(&detail)).await?;
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/uptake", tag = "uptake", params(UptakeQuery),
    responses((status = 200, description = "The uptake table: counts summed over each unit's practices and rates from the sums, per unit and month (JSON, or CSV with format=csv)"), (status = 400, body = ErrorBody)))]
pub async fn table(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<UptakeQuery>,
) -> Result<Response, ApiError> {
    let level = query.level()?;
    let period = query.period()?;
    let code = query.code();
    let unit = code.as_deref().filter(|_| matches!(level, Level::Practice | Level::Region | Level::Ccg));
    // One month at a level the rows name is summed in the database; anything else reads the rows.
    let summed = match (&period, &code) {
        (Some(period), None) => state.store.uptake_totals(level, period).await?,
        _ => None,
    };
    let (mut units, unplaced) = match summed {
        Some(units) => (units, 0),
        None => {
            let months = state.store.uptake_months(period.as_deref(), unit.map(|c| (level, c))).await?;
            let places = state.store.uptake_places_latest().await?;
            let placed = tabulate_placed(level, &months, &places, code.as_deref());
            let unplaced = placed.unplaced_practice_months();
            (placed.units, unplaced)
        }
    };
    name_units(&state.store, level, &mut units).await?;
    if !query.csv()? {
        return Ok(Json(serde_json::json!({
            "attribution": ATTRIBUTION,
            "level": level,
            "unplaced_practice_months": unplaced,
            "units": units,
        }))
        .into_response());
    }
    audit_export(&state, &user, serde_json::json!({ "level": level, "code": code, "period": period }))
        .await?;
    Ok(csv_response(&format!("uptake-{}.csv", level.code()), table_csv(&units)))
}

#[utoipa::path(get, path = "/api/v1/uptake/practices/{code}", tag = "uptake", params(("code" = String, Path, description = "Practice ODS code"), PracticeUptakeQuery),
    responses((status = 200, description = "One practice's uptake: trend, percentiles, PCN peers, deprivation, age, online consultations and, for people working with the practice, the help logged beside it (JSON; CSV with format=csv is its months as the uptake table)"), (status = 404, body = ErrorBody)))]
pub async fn practice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<PracticeUptakeQuery>,
) -> Result<Response, ApiError> {
    let query = UptakeQuery::from(query);
    let figures = practice_uptake(&state.store, &user, &code, query.period()?.as_deref()).await?;
    if !query.csv()? {
        return Ok(Json(figures).into_response());
    }
    let mut months =
        state.store.uptake_months(None, Some((Level::Practice, figures.practice.as_str()))).await?;
    months.retain(|m| figures.periods.contains(&m.period));
    let mut table = lantern_core::uptake::tabulate(Level::Practice, &months, None);
    name_units(&state.store, Level::Practice, &mut table).await?;
    audit_export(&state, &user, serde_json::json!({ "level": "practice", "code": figures.practice })).await?;
    Ok(csv_response(&format!("uptake-{}.csv", figures.practice), table_csv(&table)))
}

#[utoipa::path(get, path = "/api/v1/uptake/network", tag = "uptake", params(UptakeQuery),
    responses((status = 200, description = "An organisation's uptake for analysts: its units one level down with their series, England's deprivation quintiles and the practices lagging for their deprivation (JSON; CSV with format=csv is the units table)"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn network(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<UptakeQuery>,
) -> Result<Response, ApiError> {
    let level = query.level()?;
    let figures =
        network_uptake(&state.store, level, query.code.as_deref(), query.period()?.as_deref()).await?;
    if !query.csv()? {
        return Ok(Json(figures).into_response());
    }
    let units: Vec<_> = figures.units.iter().map(|u| u.unit.clone()).collect();
    audit_export(
        &state,
        &user,
        serde_json::json!({ "level": level, "code": figures.code, "period": figures.period, "units": figures.child_level }),
    )
    .await?;
    Ok(csv_response(&format!("uptake-{}-{}.csv", figures.code, figures.period), table_csv(&units)))
}

#[utoipa::path(get, path = "/api/v1/uptake/equity", tag = "uptake", params(UptakeQuery),
    responses((status = 200, description = "England's uptake by IMD 2019 deprivation quintile in a month, with the gap between most and least deprived (JSON, or CSV with format=csv)"), (status = 404, body = ErrorBody)))]
pub async fn equity(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<UptakeQuery>,
) -> Result<Response, ApiError> {
    // The latest month held unless one is asked for.
    let periods = state.store.uptake_periods().await?;
    let missing = format!("no published uptake figures are held for england {ENGLAND}");
    let period = held_month(&periods, query.period()?.as_deref(), ENGLAND, &missing)?;
    let month = state.store.uptake_months(Some(&period), None).await?;
    let figures = equity_of(&state.store, &month, &period).await?.ok_or_else(|| {
        ApiError::NotFound("no IMD scores are held: import them with `lantern import imd`".into())
    })?;
    let equity = figures.table;
    if !query.csv()? {
        return Ok(Json(serde_json::json!({
            "attribution": ATTRIBUTION,
            "imd_year": IMD_YEAR,
            "bands": figures.bands,
            "fit": figures.residuals.map(|r| r.fit),
            "equity": equity,
        }))
        .into_response());
    }
    audit_export(&state, &user, serde_json::json!({ "equity": equity.period })).await?;
    Ok(csv_response(&format!("uptake-equity-{}.csv", equity.period), equity_csv(&equity)))
}

#[utoipa::path(get, path = "/api/v1/uptake/online-consultations", tag = "uptake", params(UptakeQuery),
    responses((status = 200, description = "Submissions via online consultation systems per unit and month: counts summed over the unit's practices, per 1,000 registered patients and each type's share from the sums (JSON, or CSV with format=csv)"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn online_consultations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<UptakeQuery>,
) -> Result<Response, ApiError> {
    let level = query.level()?;
    let period = query.period()?;
    let code = query.code();
    let table = oc_table(&state.store, level, code.as_deref(), period.as_deref()).await?;
    if !query.csv()? {
        return Ok(Json(serde_json::json!({ "attribution": ATTRIBUTION, "level": level, "table": table }))
            .into_response());
    }
    audit_export(&state, &user, serde_json::json!({ "oc": level, "code": code, "period": period })).await?;
    Ok(csv_response(&format!("online-consultations-{}.csv", level.code()), oc_csv(&table.units)))
}
