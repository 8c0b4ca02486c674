//! Did the help work? The change in a practice's online measure after a support offer starts, beyond
//! what seasonality, the practice's own trend and similar practices without the offer show.
//!
//! The input is a [`Panel`]: one value a month for the practice (e.g. online consultation submissions
//! per 1,000 registered patients, or the online/video share of appointments) and for matched peer
//! practices, the month the offer started, the practice's list size and the months in which the
//! publisher changed its method. [`estimate`] gives two estimates of the *level change*, each an
//! [`Outcome`]: an estimate with a 95% interval, or "cannot say" with every reason.
//!
//! **Interrupted time series** (the practice alone). Ordinary least squares of the monthly value on an
//! intercept, a linear trend in months, eleven month-of-year indicators (February … December) and a step
//! that is 1 from the offer's start month on; the step's coefficient is the estimate. Month-of-year
//! terms rather than a seasonal difference: a seasonal difference turns a step into a twelve-month pulse,
//! so it needs a year after the start before the step can be read, and it discards the first year of
//! data; the month terms use every month. The trend is there because online uptake has grown steadily for
//! years; without it the step would be credited with that growth. Trend, season and step together need
//! [`MIN_MONTHS_BEFORE_TIME_SERIES`] months before the start: with one year before, the trend can only be
//! read from the year-on-year change of the months after, which is exactly the step, so the two cannot be
//! told apart; with two, each calendar month is seen twice untouched by the offer and the trend is learnt
//! there. A change of slope after the start is not modelled: the question asked is a level change.
//!
//! **Difference in differences** (against peers). Peers are used only when they have a value in every
//! month the practice has in the window (a balanced panel, so membership cannot change the mean). The
//! practice's value less the mean of the peers' values, month by month, is regressed on an intercept and
//! the same step: the estimate is (practice after − peers after) − (practice before − peers before), the
//! mean of four cells. Seasonality and any trend the practice shares with its peers cancel in the
//! difference; the assumption is that the practice would have kept moving in parallel with its peers.
//!
//! **Intervals**: estimate ± t₀.₉₇₅ × standard error, with degrees of freedom = months − columns. The
//! standard error is OLS's, inflated for serially correlated months: monthly residuals are rarely
//! independent, so the variance is multiplied by (1 + ρ)/(1 − ρ), where ρ is the residuals' lag-1
//! autocorrelation over consecutive months, floored at 0 (never narrower than OLS) and capped at
//! [`MAX_AUTOCORRELATION`]. That is the variance inflation of a persistent regressor (a step) under AR(1)
//! errors; it is approximate, and ρ from two or three years of months is itself uncertain, so the
//! interval is a guide, stated as such: on synthetic panels with independent noise the intervals cover
//! the planted change about 95% of the time, with AR(1) noise of 0.5 about 85% (the tests measure both). The interval is the uncertainty of the model's fit, not of the
//! choice of peers or of the parallel-trends assumption.
//!
//! **Cannot say** ([`CannotSay`]): fewer than [`MIN_MONTHS_BEFORE`] months before the start (a year, so
//! the comparison with peers spans every season; [`MIN_MONTHS_BEFORE_TIME_SERIES`] for the time series,
//! as above), fewer than [`MIN_MONTHS_AFTER`] after (an offer takes
//! months to show, and the model needs degrees of freedom left over), a list below [`MIN_LIST_SIZE`] or
//! unknown, a publisher's method change after the start (a method change at or before the start moves
//! the window's beginning to it instead, so before and after are measured alike), a calendar month never
//! seen before the start (time series only), and no peer with every month (difference in differences).
//!
//! [`cost`] turns an estimate into the staff cost of each extra online user.

pub mod appointments;
pub mod cost;
pub mod month;
pub mod oc;
mod ols;

pub use cost::{cost_per_extra_user, CostCannotSay, CostOutcome, CostPerExtra, Exposure};
pub use month::Month;

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Months with a value before the start for the difference in differences.
pub const MIN_MONTHS_BEFORE: usize = 12;
/// Months with a value before the start for the interrupted time series (trend and season both).
pub const MIN_MONTHS_BEFORE_TIME_SERIES: usize = 24;
/// Months with a value from the start on (the start month counts as after).
pub const MIN_MONTHS_AFTER: usize = 6;
/// Registered patients below which one patient moves a rate per 1,000 by more than one: too noisy.
pub const MIN_LIST_SIZE: i64 = 1_000;
/// The cap on the residual autocorrelation used to widen intervals (a variance factor of 19).
pub const MAX_AUTOCORRELATION: f64 = 0.9;

/// One unit's measure, one value a month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub code: String,
    pub values: BTreeMap<Month, f64>,
}

impl Series {
    pub fn new(code: impl Into<String>, values: impl IntoIterator<Item = (Month, f64)>) -> Self {
        Series { code: code.into(), values: values.into_iter().filter(|(_, v)| v.is_finite()).collect() }
    }
}

/// What the estimator is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub practice: Series,
    /// Matched practices that did not start an offer.
    pub peers: Vec<Series>,
    /// The first month the offer ran in.
    pub start: Month,
    /// Registered patients (the latest known); None when unknown.
    pub list_size: Option<i64>,
    /// First months published under a changed method (e.g. April 2024 for online consultations).
    pub method_changes: Vec<Month>,
}

/// A 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    pub fn contains(&self, value: f64) -> bool {
        (self.low..=self.high).contains(&value)
    }
}

/// An estimated level change, in the measure's units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub change: f64,
    pub interval: Interval,
    pub standard_error: f64,
    pub degrees_of_freedom: usize,
    /// The residuals' lag-1 autocorrelation used to widen the interval (after the floor and cap).
    pub autocorrelation: f64,
    pub months_before: usize,
    pub months_after: usize,
}

/// Why an estimate cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CannotSay {
    TooFewMonthsBefore {
        months: usize,
        needed: usize,
        since: Option<Month>,
    },
    TooFewMonthsAfter {
        months: usize,
        needed: usize,
    },
    ListTooSmall {
        patients: i64,
        needed: i64,
    },
    ListSizeUnknown,
    MethodChangeAfterStart {
        month: Month,
    },
    SeasonNotSeenBefore {
        calendar_months: Vec<u8>,
    },
    NoPeers {
        given: usize,
    },
    /// The months given cannot separate the step from trend and season (collinear columns).
    Inseparable,
}

impl CannotSay {
    /// The reason in plain words.
    pub fn explain(&self) -> String {
        match self {
            CannotSay::TooFewMonthsBefore { months, needed, since: None } => {
                format!("only {months} months of data before the offer started; {needed} are needed")
            }
            CannotSay::TooFewMonthsBefore { months, needed, since: Some(change) } => format!(
                "only {months} months of data before the offer started since the publisher's method change \
                 in {change}; {needed} are needed"
            ),
            CannotSay::TooFewMonthsAfter { months, needed } => {
                format!("only {months} months of data since the offer started; {needed} are needed")
            }
            CannotSay::ListTooSmall { patients, needed } => {
                format!(
                    "the practice has {patients} registered patients; below {needed} the rates are too noisy"
                )
            }
            CannotSay::ListSizeUnknown => "the practice's list size is not known".to_owned(),
            CannotSay::MethodChangeAfterStart { month } => {
                format!("the publisher changed its method in {month}, after the offer started")
            }
            CannotSay::SeasonNotSeenBefore { calendar_months } => {
                let names: Vec<&str> = calendar_months.iter().map(|&m| month::name(m)).collect();
                format!(
                    "no data before the offer for {}, so its season cannot be told apart",
                    names.join(", ")
                )
            }
            CannotSay::NoPeers { given: 0 } => "no peer practices to compare with".to_owned(),
            CannotSay::NoPeers { given } => {
                format!("none of the {given} peer practices has a value in every month of the window")
            }
            CannotSay::Inseparable => {
                "the months available cannot separate a change from the trend and the season".to_owned()
            }
        }
    }
}

/// An estimate, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Estimate(Estimate),
    CannotSay { reasons: Vec<CannotSay> },
}

impl Outcome {
    pub fn estimate(&self) -> Option<&Estimate> {
        match self {
            Outcome::Estimate(e) => Some(e),
            Outcome::CannotSay { .. } => None,
        }
    }

    pub fn reasons(&self) -> &[CannotSay] {
        match self {
            Outcome::Estimate(_) => &[],
            Outcome::CannotSay { reasons } => reasons,
        }
    }
}

/// Both estimates for one offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effect {
    pub start: Month,
    /// The practice's months used: from the latest method change at or before the start (or its first
    /// month) to its last month. None when the practice has no values.
    pub window: Option<(Month, Month)>,
    pub months_before: usize,
    pub months_after: usize,
    pub peers_given: usize,
    /// Peers with a value in every month of the window.
    pub peers_used: usize,
    pub interrupted_time_series: Outcome,
    pub difference_in_differences: Outcome,
}

impl Effect {
    /// The estimate a cost is worked from: the difference in differences when there is one (it allows
    /// for what happened to similar practices), else the time series.
    pub fn preferred(&self) -> Option<(&'static str, &Estimate)> {
        self.difference_in_differences
            .estimate()
            .map(|e| ("difference_in_differences", e))
            .or_else(|| self.interrupted_time_series.estimate().map(|e| ("interrupted_time_series", e)))
    }
}

/// Both estimates for `panel` (see the module's documentation for the models and rules).
pub fn estimate(panel: &Panel) -> Effect {
    let start = panel.start;
    let first = panel.practice.values.keys().next().copied();
    let last = panel.practice.values.keys().next_back().copied();
    let since = panel.method_changes.iter().copied().filter(|&m| m <= start).max();
    let from = match (first, since) {
        (Some(first), Some(change)) => Some(first.max(change)),
        (first, _) => first,
    };
    let months: Vec<(Month, f64)> = match from {
        Some(from) => panel.practice.values.range(from..).map(|(&m, &v)| (m, v)).collect(),
        None => Vec::new(),
    };
    let months_before = months.iter().filter(|(m, _)| *m < start).count();
    let months_after = months.len() - months_before;

    let shown_since = since.filter(|change| first.is_some_and(|first| *change > first));
    let too_few_before = |needed: usize| {
        (months_before < needed).then_some(CannotSay::TooFewMonthsBefore {
            months: months_before,
            needed,
            since: shown_since,
        })
    };
    let mut common = Vec::new();
    if months_after < MIN_MONTHS_AFTER {
        common.push(CannotSay::TooFewMonthsAfter { months: months_after, needed: MIN_MONTHS_AFTER });
    }
    match panel.list_size {
        None => common.push(CannotSay::ListSizeUnknown),
        Some(patients) if patients < MIN_LIST_SIZE => {
            common.push(CannotSay::ListTooSmall { patients, needed: MIN_LIST_SIZE })
        }
        Some(_) => {}
    }
    let changes_after: BTreeSet<Month> = panel
        .method_changes
        .iter()
        .copied()
        .filter(|&m| m > start && last.is_some_and(|last| m <= last))
        .collect();
    common.extend(changes_after.into_iter().map(|month| CannotSay::MethodChangeAfterStart { month }));

    let peers: Vec<&Series> =
        panel.peers.iter().filter(|peer| months.iter().all(|(m, _)| peer.values.contains_key(m))).collect();

    let its = {
        let mut reasons: Vec<CannotSay> =
            too_few_before(MIN_MONTHS_BEFORE_TIME_SERIES).into_iter().chain(common.iter().cloned()).collect();
        if months_before >= MIN_MONTHS_BEFORE_TIME_SERIES {
            let seen: BTreeSet<u8> =
                months.iter().filter(|(m, _)| *m < start).map(|(m, _)| m.month()).collect();
            let missing: Vec<u8> = (1..=12).filter(|c| !seen.contains(c)).collect();
            if !missing.is_empty() {
                reasons.push(CannotSay::SeasonNotSeenBefore { calendar_months: missing });
            }
        }
        if reasons.is_empty() {
            interrupted_time_series(&months, start, months_before)
        } else {
            Outcome::CannotSay { reasons }
        }
    };
    let did = {
        let mut reasons: Vec<CannotSay> =
            too_few_before(MIN_MONTHS_BEFORE).into_iter().chain(common).collect();
        if peers.is_empty() {
            reasons.push(CannotSay::NoPeers { given: panel.peers.len() });
        }
        if reasons.is_empty() {
            difference_in_differences(&months, &peers, start, months_before)
        } else {
            Outcome::CannotSay { reasons }
        }
    };
    Effect {
        start,
        window: from.zip(last),
        months_before,
        months_after,
        peers_given: panel.peers.len(),
        peers_used: peers.len(),
        interrupted_time_series: its,
        difference_in_differences: did,
    }
}

/// The step's coefficient when the month's value is regressed on intercept, trend, February … December
/// and the step.
fn interrupted_time_series(months: &[(Month, f64)], start: Month, months_before: usize) -> Outcome {
    let origin = months[0].0;
    let rows: Vec<Vec<f64>> = months
        .iter()
        .map(|(m, _)| {
            let mut row = Vec::with_capacity(14);
            row.push(1.0);
            row.push(f64::from(m.since(origin)));
            row.extend((2..=12).map(|c| if m.month() == c { 1.0 } else { 0.0 }));
            row.push(if *m >= start { 1.0 } else { 0.0 });
            row
        })
        .collect();
    let y: Vec<f64> = months.iter().map(|(_, v)| *v).collect();
    step_estimate(months, &rows, &y, months_before)
}

/// The step's coefficient when the practice less the peers' mean is regressed on intercept and step:
/// the mean of the difference after less its mean before.
fn difference_in_differences(
    months: &[(Month, f64)],
    peers: &[&Series],
    start: Month,
    months_before: usize,
) -> Outcome {
    let rows: Vec<Vec<f64>> =
        months.iter().map(|(m, _)| vec![1.0, if *m >= start { 1.0 } else { 0.0 }]).collect();
    let y: Vec<f64> = months
        .iter()
        .map(|(m, v)| {
            let peer_sum: f64 = peers.iter().filter_map(|p| p.values.get(m)).sum();
            v - peer_sum / peers.len() as f64
        })
        .collect();
    step_estimate(months, &rows, &y, months_before)
}

/// Fits the model whose last column is the step, and gives its coefficient with the widened interval.
fn step_estimate(months: &[(Month, f64)], rows: &[Vec<f64>], y: &[f64], months_before: usize) -> Outcome {
    let Some(fit) = ols::fit(rows, y) else {
        return Outcome::CannotSay { reasons: vec![CannotSay::Inseparable] };
    };
    let Some(t) = ols::t_975(fit.degrees_of_freedom) else {
        return Outcome::CannotSay { reasons: vec![CannotSay::Inseparable] };
    };
    let step = fit.coefficients.len() - 1;
    let ordinals: Vec<i32> = months.iter().map(|(m, _)| m.ordinal()).collect();
    let rho = ols::lag1_autocorrelation(&ordinals, &fit.residuals).clamp(0.0, MAX_AUTOCORRELATION);
    let variance = fit.residual_variance() * fit.unscaled_covariance[step][step] * (1.0 + rho) / (1.0 - rho);
    let standard_error = variance.max(0.0).sqrt();
    let change = fit.coefficients[step];
    Outcome::Estimate(Estimate {
        change,
        interval: Interval { low: change - t * standard_error, high: change + t * standard_error },
        standard_error,
        degrees_of_freedom: fit.degrees_of_freedom,
        autocorrelation: rho,
        months_before,
        months_after: months.len() - months_before,
    })
}

#[cfg(test)]
mod tests;
