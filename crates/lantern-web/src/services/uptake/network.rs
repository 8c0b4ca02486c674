//! Uptake across an organisation for analysts: its units one level down (England's regions, a region's
//! ICBs, an ICB's or PCN's practices) with their series, England's deprivation quintiles and the
//! practices whose uptake is low for their deprivation.

use super::{held_month, is_synthetic, unit_names, whole_name, ATTRIBUTION, IMD_YEAR};
use crate::http::error::ApiError;
use lantern_core::uptake::age::{age_profiles, AgeProfile};
use lantern_core::uptake::equity::{deprivation_quintiles, residuals, uptake_by_quintile, EquityTable, Fit};
use lantern_core::uptake::equity::{QuintileBand, Residual, ResidualList};
use lantern_core::uptake::measures::ENGLAND;
use lantern_core::uptake::oc::{tabulate_oc, OcUnit};
use lantern_core::uptake::peers::{peer_ranks, Measure};
use lantern_core::uptake::placed::{mapped_unit, placed_unit, PlacedTable};
use lantern_core::uptake::{tabulate, tabulate_placed, Level, PracticeMonth, PracticePlace, UnitUptake};
use lantern_store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct NetworkUptake {
    pub level: Level,
    pub code: String,
    pub name: Option<String>,
    /// Some figures are demonstration data.
    pub synthetic: bool,
    pub attribution: &'static str,
    pub period: String,
    pub periods: Vec<String>,
    /// The whole organisation in the month.
    pub total: Option<UnitUptake>,
    pub child_level: Level,
    pub units: Vec<UnitRow>,
    /// Practices in the month the practice map could not place at the child level.
    pub unplaced_practices: u64,
    /// Uptake by deprivation quintile across England in the month (None without IMD scores).
    pub equity: Option<EquityTable>,
    /// What the quintiles and percentiles are drawn across: England, unless demonstration data is held.
    pub england_name: &'static str,
    pub quintile_bands: Vec<QuintileBand>,
    pub imd_year: i32,
    pub fit: Option<Fit>,
    /// The organisation's practices whose uptake is well below what their deprivation predicts.
    pub lagging: Vec<Lagging>,
    /// Online consultation submissions of the same units, in the latest month held for them (the
    /// submissions file is published on its own timetable, so its month is usually not POMI's).
    pub online_consultations: Vec<OcUnit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    pub unit: UnitUptake,
    /// Share enabled (percent) in each month of `periods`, None where not held.
    pub series: Vec<Option<f64>>,
    /// Percentage points on the month before.
    pub change: Option<f64>,
    /// Practices only: percentile among all England's practices on the headline share.
    pub percentile: Option<f64>,
    /// Practices only: the shares of registered patients aged 65 and over and 75 and over, at the
    /// latest age-band extract held (its own month, usually not the uptake month).
    pub aged_65_plus: Option<f64>,
    pub aged_75_plus: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lagging {
    pub name: Option<String>,
    #[serde(flatten)]
    pub residual: Residual,
}

/// The level one down from `level`, whose units the organisation's table lists.
pub fn child_level(level: Level) -> Level {
    match level {
        Level::England => Level::Region,
        Level::Region => Level::Icb,
        Level::Icb | Level::Pcn | Level::Ccg | Level::Practice => Level::Practice,
    }
}

/// The practice-months that can fall in the organisation: read by the column the rows carry, or, for a
/// unit the map places, by the practices the map puts there (plus, for an ICB, rows naming it).
async fn scope_months(
    store: &Store,
    level: Level,
    code: &str,
    places: &HashMap<String, PracticePlace>,
) -> Result<Vec<PracticeMonth>, ApiError> {
    Ok(match level {
        Level::England => store.uptake_months(None, None).await?,
        Level::Region | Level::Ccg | Level::Practice => {
            store.uptake_months(None, Some((level, code))).await?
        }
        Level::Pcn | Level::Icb => {
            let mut practices: Vec<String> = places
                .values()
                .filter(|p| mapped_unit(level, &p.practice, Some(p)) == Some(code))
                .map(|p| p.practice.clone())
                .collect();
            if level == Level::Icb {
                let named = store.uptake_months(None, Some((Level::Icb, code))).await?;
                practices.extend(named.into_iter().map(|m| m.practice));
            }
            practices.sort();
            practices.dedup();
            store.uptake_months_of(&practices).await?
        }
    })
}

/// Uptake by deprivation across the practices reporting in a month, and the fit of uptake on
/// deprivation; None when no IMD scores are held for them.
pub struct Equity {
    pub table: EquityTable,
    pub bands: Vec<QuintileBand>,
    pub residuals: Option<ResidualList>,
}

pub async fn equity_of(
    store: &Store,
    month: &[PracticeMonth],
    period: &str,
) -> Result<Option<Equity>, ApiError> {
    let scores = super::month_scores(store, month).await?;
    if scores.is_empty() {
        return Ok(None);
    }
    let quintiles = deprivation_quintiles(&scores, IMD_YEAR);
    Ok(Some(Equity {
        table: uptake_by_quintile(month, period, &quintiles),
        bands: quintiles.bands,
        residuals: residuals(month, period, &scores, IMD_YEAR),
    }))
}

pub async fn network_uptake(
    store: &Store,
    level: Level,
    code: Option<&str>,
    period: Option<&str>,
) -> Result<NetworkUptake, ApiError> {
    let code = match level {
        Level::England => ENGLAND.to_owned(),
        _ => code
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| ApiError::BadRequest(format!("code: give the {} code", level.code())))?,
    };
    let places = store.uptake_places_latest().await?;
    let child = child_level(level);
    // England's regions, every month, are kept summed (rows always name their region, so none is
    // unplaced): read those rather than every practice-month of every month. Anywhere else the
    // organisation's practice-months are read and summed here.
    let kept = match level {
        Level::England => store.uptake_totals_all(child).await?,
        _ => None,
    };
    let (in_scope, periods, mut table) = match kept {
        Some(units) => {
            let periods = store.uptake_periods().await?;
            (Vec::new(), periods, PlacedTable { units, unplaced: Vec::new() })
        }
        None => {
            let in_scope: Vec<PracticeMonth> = scope_months(store, level, &code, &places)
                .await?
                .into_iter()
                .filter(|row| {
                    level == Level::England || placed_unit(level, row, &places) == Some(code.as_str())
                })
                .collect();
            let mut periods: Vec<String> = in_scope.iter().map(|m| m.period.clone()).collect();
            periods.sort();
            periods.dedup();
            let table = tabulate_placed(child, &in_scope, &places, None);
            (in_scope, periods, table)
        }
    };
    let missing = format!("no published uptake figures are held for {} {code}", level.code());
    let period = held_month(&periods, period, &code, &missing)?;
    let names = unit_names(store, child).await?;
    for unit in &mut table.units {
        unit.name = names.get(&unit.code).cloned();
    }
    let mut series: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
    for unit in &table.units {
        let at = periods.iter().position(|p| *p == unit.period).unwrap_or(0);
        series.entry(unit.code.as_str()).or_insert_with(|| vec![None; periods.len()])[at] =
            unit.rates.enabled.map(|s| s.percent);
    }
    let month: Vec<PracticeMonth> = store.uptake_months(Some(&period), None).await?;
    // The organisation's practice-months of the month shown (England's are the whole month).
    let in_period: Vec<PracticeMonth> = match level {
        Level::England => month.clone(),
        _ => in_scope.iter().filter(|m| m.period == period).cloned().collect(),
    };
    let ranks = (child == Level::Practice).then(|| peer_ranks(&month, &period, Measure::Enabled, &places));
    let at = periods.iter().position(|p| *p == period).unwrap_or(0);
    let ages: HashMap<String, AgeProfile> = if child == Level::Practice {
        let practices: Vec<String> =
            table.units.iter().filter(|u| u.period == period).map(|u| u.code.clone()).collect();
        let bands = store.uptake_age_bands_of_many(&practices).await?;
        age_profiles(&bands).practices.into_iter().map(|a| (a.practice.clone(), a)).collect()
    } else {
        HashMap::new()
    };
    let units = table
        .units
        .iter()
        .filter(|u| u.period == period)
        .map(|unit| {
            let line = series.get(unit.code.as_str()).cloned().unwrap_or_default();
            let change = match (at.checked_sub(1).and_then(|i| line.get(i)), line.get(at)) {
                (Some(Some(before)), Some(Some(now))) => Some(now - before),
                _ => None,
            };
            UnitRow {
                unit: unit.clone(),
                series: line,
                change,
                percentile: ranks.as_ref().and_then(|r| r.get(&unit.code)).map(|r| r.england.percentile),
                aged_65_plus: ages.get(&unit.code).and_then(|a| a.share_65_plus),
                aged_75_plus: ages.get(&unit.code).and_then(|a| a.share_75_plus),
            }
        })
        .collect();
    let unplaced_practices =
        table.unplaced.iter().filter(|u| u.period == period).map(|u| u.counts.practices).sum();

    let equity = equity_of(store, &month, &period).await?;
    let in_org: HashSet<&str> = in_period.iter().map(|m| m.practice.as_str()).collect();
    let (equity, quintile_bands, fit, lagging) = match equity {
        Some(e) => {
            let practice_names = unit_names(store, Level::Practice).await?;
            let lagging = e
                .residuals
                .iter()
                .flat_map(|f| &f.residuals)
                .filter(|r| r.lagging && in_org.contains(r.practice.as_str()))
                .map(|r| Lagging { name: practice_names.get(&r.practice).cloned(), residual: r.clone() })
                .collect();
            (Some(e.table), e.bands, e.residuals.map(|f| f.fit), lagging)
        }
        None => (None, Vec::new(), None, Vec::new()),
    };
    let total = tabulate(Level::England, &in_period, None).into_iter().next().map(|mut t| {
        t.level = level;
        t.code = code.clone();
        t
    });
    let online_consultations = match store.uptake_oc_periods().await?.last() {
        Some(latest) => {
            let months: Vec<_> = store
                .uptake_oc_months(Some(latest))
                .await?
                .into_iter()
                .filter(|m| {
                    level == Level::England
                        || mapped_unit(level, &m.practice, places.get(&m.practice)) == Some(code.as_str())
                })
                .collect();
            let mut units = tabulate_oc(child, &months, &places, None).units;
            for unit in &mut units {
                unit.name = names.get(&unit.code).cloned();
            }
            units
        }
        None => Vec::new(),
    };
    let synthetic = in_period.iter().any(|m| is_synthetic(&m.practice));
    Ok(NetworkUptake {
        name: unit_names(store, level).await?.remove(&code),
        level,
        code,
        synthetic,
        attribution: ATTRIBUTION,
        period,
        periods,
        total,
        child_level: child,
        units,
        unplaced_practices,
        equity,
        england_name: whole_name(&month),
        quintile_bands,
        imd_year: IMD_YEAR,
        fit,
        lagging,
        online_consultations,
    })
}
