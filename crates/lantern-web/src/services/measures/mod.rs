//! Hidden-work figures as people see them: for one practice (its manager's dashboard) and across an
//! organisation's practices (the commissioner's view, with small numbers suppressed). The API, the pages
//! and `lantern report` all take their figures from here.

pub(crate) mod csv;
mod network;
mod practice;

pub use csv::{network_csv, practice_csv};
pub use network::{network_figures, NetworkFigures, NetworkRow};
pub use practice::{practice_figures, PracticeFigures};

use crate::http::error::ApiError;
use jiff::civil::Date;
use lantern_core::measures::{Period, PeriodKind};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which period to report: a kind and a day inside it, or a custom range.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// week, month, quarter (financial), year (financial, April to March) or custom. Default quarter.
    pub period: Option<String>,
    /// A day inside the period (`2026-03-04`); default today.
    pub date: Option<String>,
    /// For custom periods: the first day.
    pub from: Option<String>,
    /// For custom periods: the last day (included).
    pub to: Option<String>,
}

impl PeriodQuery {
    pub fn resolve(&self) -> Result<Period, ApiError> {
        let day = |field: &str, raw: &str| -> Result<Date, ApiError> {
            raw.trim()
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("{field}: {raw:?} is not a date like 2026-03-04")))
        };
        let kind = match self.period.as_deref() {
            None | Some("") => PeriodKind::Quarter,
            Some(raw) => PeriodKind::parse(raw).ok_or_else(|| {
                ApiError::BadRequest(format!("period: {raw:?} is not week, month, quarter, year or custom"))
            })?,
        };
        if kind == PeriodKind::Custom {
            let (Some(from), Some(to)) = (self.from.as_deref(), self.to.as_deref()) else {
                return Err(ApiError::BadRequest("a custom period needs from and to".into()));
            };
            return Period::custom(day("from", from)?, day("to", to)?)
                .ok_or_else(|| ApiError::BadRequest("to must be on or after from, within ten years".into()));
        }
        let date = match self.date.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(raw) => day("date", raw)?,
            None => crate::clock::today(),
        };
        Ok(Period::containing(kind, date))
    }
}
