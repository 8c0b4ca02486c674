//! Online consultation submissions (NHS England's "Submissions via Online Consultation Systems in
//! General Practice") summed over a unit, with rates from the sums. The published file carries no
//! hierarchy Lantern keeps, so every level above the practice comes from the practice map.
//!
//! A rate's numerator and denominator come from the same practices: those that gave both. A practice
//! with submissions but a blank registered count adds to the total shown, never to a rate, so it
//! cannot inflate submissions per 1,000.

use super::measures::{per_1000, Level, Share};
use super::placed::{group, mapped_unit};
use super::{OcMonth, PracticePlace};
use serde::Serialize;
use std::collections::HashMap;

/// The first month (`YYYY-MM`) NHS England counted online consultation submissions under the method
/// it introduced in April 2024; months before it are not comparable with months from it on.
pub const METHOD_CHANGE: &str = "2024-04";

/// Whether a series running from `first` to `last` (`YYYY-MM`, inclusive) has months on both sides of
/// the April 2024 method change: a trend or effect across it cannot be read as a change in use alone.
pub fn spans_method_change(first: &str, last: &str) -> bool {
    first < METHOD_CHANGE && last >= METHOD_CHANGE
}

/// A numerator and denominator summed over the practices that gave both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
}

impl Ratio {
    fn add(&mut self, numerator: Option<i64>, denominator: Option<i64>) {
        if let (Some(n), Some(d)) = (numerator, denominator) {
            self.numerator += n;
            self.denominator += d;
        }
    }
}

/// Submissions counts summed over a unit's practices for one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OcCounts {
    pub practices: u64,
    /// Practices with `OC_CAPABILITY` 1 (they have a system).
    pub capable: u64,
    /// Practices with `OC_PARTICIPATION` 1.
    pub participating: u64,
    /// Practices with `OC_SYSTEM_USAGE` 1 (submissions were recorded).
    pub with_usage: u64,
    /// Sums of the values given; blanks add nothing.
    pub total_submissions: i64,
    pub clinical: i64,
    pub admin: i64,
    pub other: i64,
    pub patients_registered: i64,
    /// Submissions over registered patients, from practices that gave both.
    pub per_patient: Ratio,
    /// Each type over total submissions, from practices that gave both.
    pub clinical_of_total: Ratio,
    pub admin_of_total: Ratio,
    pub other_of_total: Ratio,
}

impl OcCounts {
    /// Adds one practice-month: blanks add nothing to a sum, and each ratio only takes a practice that
    /// gave both its sides. A count below zero (stored as published, flagged `negative_value`) cannot
    /// be meant, so it counts as blank.
    pub fn add(&mut self, month: &OcMonth) {
        let known = |value: Option<i64>| value.filter(|n| *n >= 0);
        let (total, registered) = (known(month.total_submissions), known(month.patients_registered));
        let (clinical, admin, other) = (known(month.clinical), known(month.admin), known(month.other));
        let sum = |total: &mut i64, value: Option<i64>| *total += value.unwrap_or(0);
        let yes = |flag: Option<i64>| u64::from(flag == Some(1));
        self.practices += 1;
        self.capable += yes(month.capability);
        self.participating += yes(month.participation);
        self.with_usage += yes(month.system_usage);
        sum(&mut self.total_submissions, total);
        sum(&mut self.clinical, clinical);
        sum(&mut self.admin, admin);
        sum(&mut self.other, other);
        sum(&mut self.patients_registered, registered);
        self.per_patient.add(total, registered);
        self.clinical_of_total.add(clinical, total);
        self.admin_of_total.add(admin, total);
        self.other_of_total.add(other, total);
    }

    /// Rates from the summed ratios: submissions × 1,000 / registered, and each type × 100 / total.
    pub fn rates(&self) -> OcRates {
        let share = |r: Ratio| Share::of(r.numerator, r.denominator);
        OcRates {
            submissions_per_1000: per_1000(self.per_patient.numerator, self.per_patient.denominator),
            clinical: share(self.clinical_of_total),
            admin: share(self.admin_of_total),
            other: share(self.other_of_total),
        }
    }
}

/// Rates worked out from [`OcCounts`]; None where no practice gave both sides.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OcRates {
    /// Submissions per 1,000 registered patients.
    pub submissions_per_1000: Option<f64>,
    /// Shares of submissions by type, in percent (capped at 100, should a type exceed the total).
    pub clinical: Option<Share>,
    pub admin: Option<Share>,
    pub other: Option<Share>,
}

/// One unit's online consultations in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcUnit {
    pub level: Level,
    pub code: String,
    pub name: Option<String>,
    pub period: String,
    pub counts: OcCounts,
    pub rates: OcRates,
}

/// Practice-months of one month the map could not place at the table's level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcUnplaced {
    pub period: String,
    pub practices: Vec<String>,
    pub counts: OcCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcTable {
    pub units: Vec<OcUnit>,
    pub unplaced: Vec<OcUnplaced>,
}

/// The online consultation table at `level`: [`OcCounts`] summed over each unit's practices per month
/// and [`OcRates`] from the sums (submissions per 1,000 = Σ submissions / Σ registered × 1,000 over the
/// practices that gave both; each type's share = Σ type / Σ total over the practices that gave both).
/// Practices are placed by the map ([`mapped_unit`]; `Ccg` is the sub-ICB location); those it cannot
/// place are kept in `unplaced`. Ordered by month then code; with `code`, only that unit.
pub fn tabulate_oc(
    level: Level,
    months: &[OcMonth],
    places: &HashMap<String, PracticePlace>,
    code: Option<&str>,
) -> OcTable {
    let grouped = group(
        months,
        |m| {
            (m.period.as_str(), m.practice.as_str(), mapped_unit(level, &m.practice, places.get(&m.practice)))
        },
        code,
        |counts: &mut OcCounts, m| counts.add(m),
    );
    let units = grouped
        .units
        .into_iter()
        .map(|((period, unit), counts)| OcUnit {
            level,
            code: unit.to_owned(),
            name: None,
            period: period.to_owned(),
            counts,
            rates: counts.rates(),
        })
        .collect();
    let unplaced = grouped
        .unplaced
        .into_iter()
        .map(|(period, (practices, counts))| OcUnplaced { period: period.to_owned(), practices, counts })
        .collect();
    OcTable { units, unplaced }
}

#[cfg(test)]
#[path = "oc_tests.rs"]
mod tests;
