//! Change over time in a unit's uptake: each rate against the month before and against the first month
//! of the series. Shares change in percentage points (45% to 48% is +3, not +6.7%): a relative change
//! of a share reads as growth where little happened. Rates per 1,000 change by their plain difference.

use super::measures::{Level, ServiceRates, UnitUptake, UptakeRates};
use super::Service;
use serde::Serialize;
use std::collections::BTreeMap;

/// Differences of one service's rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ServiceChanges {
    pub enabled_pp: Option<f64>,
    pub uses_per_1000: Option<f64>,
}

/// Differences of every rate of [`UptakeRates`], each None where either side has no rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RateChanges {
    /// Percentage points of registered patients enabled for any service.
    pub enabled_pp: Option<f64>,
    pub use_per_1000: Option<f64>,
    pub appointments: ServiceChanges,
    pub prescriptions: ServiceChanges,
    pub record: ServiceChanges,
}

impl RateChanges {
    /// One service's changes.
    pub fn service(&self, service: Service) -> &ServiceChanges {
        match service {
            Service::Appointments => &self.appointments,
            Service::Prescriptions => &self.prescriptions,
            Service::Record => &self.record,
        }
    }
}

/// `now − then` for every rate: shares in percentage points (of the shares as shown, so capped at 100),
/// rates per 1,000 as a plain difference; None where either side is None.
pub fn rate_changes(now: &UptakeRates, then: &UptakeRates) -> RateChanges {
    let diff = |a: Option<f64>, b: Option<f64>| Some(a? - b?);
    let service = |a: &ServiceRates, b: &ServiceRates| ServiceChanges {
        enabled_pp: diff(a.enabled.map(|s| s.percent), b.enabled.map(|s| s.percent)),
        uses_per_1000: diff(a.uses_per_1000, b.uses_per_1000),
    };
    RateChanges {
        enabled_pp: diff(now.enabled.map(|s| s.percent), then.enabled.map(|s| s.percent)),
        use_per_1000: diff(now.use_per_1000, then.use_per_1000),
        appointments: service(&now.appointments, &then.appointments),
        prescriptions: service(&now.prescriptions, &then.prescriptions),
        record: service(&now.record, &then.record),
    }
}

/// The calendar month before a `YYYY-MM` month, None when `period` is not one.
pub fn previous_month(period: &str) -> Option<String> {
    let (year, month) = period.split_once('-')?;
    let (year, month): (i32, u32) = (year.parse().ok()?, month.parse().ok()?);
    if period.len() != 7 || !(1..=12).contains(&month) {
        return None;
    }
    Some(if month == 1 { format!("{:04}-12", year - 1) } else { format!("{year:04}-{:02}", month - 1) })
}

/// One month of a unit's series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthChange {
    pub period: String,
    pub rates: UptakeRates,
    /// Against the calendar month before; None when the series does not hold that month (a gap is
    /// not bridged: April to June is not a month's change).
    pub vs_previous: Option<RateChanges>,
    /// Against the series' first month (all zero, where there are rates, for the first month itself).
    pub vs_first: RateChanges,
}

/// One unit's series, oldest month first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitTrend {
    pub level: Level,
    pub code: String,
    pub first_period: String,
    pub months: Vec<MonthChange>,
}

/// Splits an uptake table into each unit's series (by level and code, in that order) and works out
/// every month's [`rate_changes`] against the calendar month before and against the unit's first month.
/// The rates compared are the table's, so each is already a rate of summed counts.
pub fn trends(table: &[UnitUptake]) -> Vec<UnitTrend> {
    let mut series: BTreeMap<(Level, &str), BTreeMap<&str, &UptakeRates>> = BTreeMap::new();
    for unit in table {
        series.entry((unit.level, unit.code.as_str())).or_default().insert(unit.period.as_str(), &unit.rates);
    }
    series
        .into_iter()
        .filter_map(|((level, code), months)| {
            let (first_period, first) = months.first_key_value().map(|(p, r)| (*p, *r))?;
            let changes = months
                .iter()
                .map(|(period, rates)| MonthChange {
                    period: (*period).to_owned(),
                    rates: **rates,
                    vs_previous: previous_month(period)
                        .and_then(|p| months.get(p.as_str()))
                        .map(|before| rate_changes(rates, before)),
                    vs_first: rate_changes(rates, first),
                })
                .collect();
            Some(UnitTrend {
                level,
                code: code.to_owned(),
                first_period: first_period.to_owned(),
                months: changes,
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "trend_tests.rs"]
mod tests;
