//! Uptake figures for the pages and the API: the published POMI data, placed by the practice map and
//! set beside deprivation, age, online consultations and the help logged in Lantern. Pages and API read
//! the same structs, so a download always holds what the page shows.

pub mod csv;
mod network;
mod online_consultations;
mod practice;
pub mod upload;

pub use network::{equity_of, network_uptake, NetworkUptake, UnitRow};
pub use online_consultations::oc_table;
pub use practice::{practice_uptake, PracticeUptake};

use crate::http::error::ApiError;
use lantern_core::uptake::{Level, UnitUptake};
use lantern_store::Store;
use std::collections::HashMap;

/// Shown wherever the published data is: the Open Government Licence asks for it.
pub const ATTRIBUTION: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0.";

/// The IMD edition deprivation quintiles are drawn from (the issue's: IMD 2019 by practice).
pub const IMD_YEAR: i32 = 2019;

/// Demo codes (see `lantern_core::simulator`): a practice, PCN or ICB whose figures are synthetic.
pub fn is_synthetic(code: &str) -> bool {
    let code = code.to_ascii_uppercase();
    code.starts_with("Y999")
        || code.starts_with("U9999")
        || code == lantern_core::simulator::DEMO_ICB
        || code == lantern_core::simulator::DEMO_REGION
        || code == lantern_core::simulator::DEMO_SUB_ICB
}

/// What the sum over every practice held is called: England, unless demonstration data is among them.
pub fn whole_name(months: &[lantern_core::uptake::PracticeMonth]) -> &'static str {
    if months.iter().any(|m| is_synthetic(&m.practice)) {
        "All practices held"
    } else {
        "England"
    }
}

/// IMD scores of the practices reporting in `month`: quintiles are fifths of the practices being
/// compared, so a practice that has closed (or demonstration practices, beside real months) cannot
/// shift the cut points.
pub async fn month_scores(
    store: &Store,
    month: &[lantern_core::uptake::PracticeMonth],
) -> Result<Vec<lantern_core::uptake::Deprivation>, ApiError> {
    let held: std::collections::HashSet<&str> = month.iter().map(|m| m.practice.as_str()).collect();
    let mut scores: Vec<_> = store
        .uptake_imd(IMD_YEAR)
        .await?
        .into_iter()
        .filter(|(practice, _)| held.contains(practice.as_str()))
        .map(|(practice, score)| lantern_core::uptake::Deprivation { practice, year: IMD_YEAR, score })
        .collect();
    // A HashMap's order differs run to run; quintile cut points must not.
    scores.sort_by(|a, b| a.practice.cmp(&b.practice));
    Ok(scores)
}

/// A month as `YYYY-MM`, checked.
pub fn parse_month(raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    let ok = raw.len() == 7
        && raw.as_bytes()[4] == b'-'
        && raw.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit())
        && matches!(raw[5..].parse::<u8>(), Ok(1..=12));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::BadRequest(format!("period: {raw:?} is not a month like 2018-09")))
    }
}

/// The month asked for when `code` has figures for it, else the latest held; a month not held is a
/// mistake naming the months there are, and nothing held at all is `missing`.
pub fn held_month(
    periods: &[String],
    asked: Option<&str>,
    code: &str,
    missing: &str,
) -> Result<String, ApiError> {
    match asked {
        Some(p) if periods.iter().any(|held| held == p) => Ok(p.to_owned()),
        Some(p) => Err(ApiError::BadRequest(format!(
            "period: no figures for {code} in {p}; months held: {}",
            periods.join(", ")
        ))),
        None => periods.last().cloned().ok_or_else(|| ApiError::NotFound(missing.to_owned())),
    }
}

/// The first and last day of a `YYYY-MM` month.
pub fn month_days(period: &str) -> Option<(String, String)> {
    let year: i32 = period.get(..4)?.parse().ok()?;
    let month: u32 = period.get(5..7)?.parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let last = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    Some((format!("{period}-01"), format!("{period}-{last}")))
}

/// Published names of the units at `level`, by code.
pub async fn unit_names(store: &Store, level: Level) -> Result<HashMap<String, String>, ApiError> {
    Ok(match level {
        Level::England => {
            HashMap::from([(lantern_core::uptake::measures::ENGLAND.to_owned(), "England".to_owned())])
        }
        Level::Region => store.uptake_names("region").await?,
        Level::Icb => store.uptake_names("icb").await?,
        Level::Pcn => store.uptake_names("pcn").await?,
        Level::Ccg => {
            let mut names = store.uptake_names("ccg").await?;
            names.extend(store.uptake_names("sub_icb").await?);
            names
        }
        Level::Practice => store.uptake_names("practice").await?,
    })
}

pub async fn name_units(store: &Store, level: Level, table: &mut [UnitUptake]) -> Result<(), ApiError> {
    let names = unit_names(store, level).await?;
    for unit in table {
        unit.name = names.get(&unit.code).cloned();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_checked_and_know_their_last_day() {
        assert_eq!(parse_month(" 2018-09 ").ok().as_deref(), Some("2018-09"));
        assert!(parse_month("2018-13").is_err() && parse_month("2018-9").is_err());
        assert_eq!(month_days("2024-02"), Some(("2024-02-01".into(), "2024-02-29".into())));
        assert_eq!(month_days("2023-02").map(|d| d.1), Some("2023-02-28".into()));
        assert_eq!(month_days("2018-09").map(|d| d.1), Some("2018-09-30".into()));
    }

    #[test]
    fn only_demo_codes_are_synthetic() {
        assert!(is_synthetic("Y99901") && is_synthetic("QZZ") && is_synthetic("u99998"));
        assert!(!is_synthetic("A81001") && !is_synthetic("QHM") && !is_synthetic("Y08001"));
    }
}
