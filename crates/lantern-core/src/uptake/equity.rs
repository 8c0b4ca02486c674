//! Uptake against deprivation. The study found the most deprived fifth had 0.57 times the odds of
//! ordering repeat prescriptions online; these measures show whether a practice's area follows suit.
//!
//! Convention: **quintile 1 is the least deprived fifth of practices, quintile 5 the most deprived**
//! (IMD scores: higher is more deprived). Quintiles are equal-count: practices are ranked by score and cut
//! into five groups whose sizes differ by at most one. Practices with the same score on a boundary are
//! split by practice code, so the cut is deterministic and the groups stay equal in size.

use super::measures::{tabulate, Level, UptakeCounts, UptakeRates};
use super::peers::Measure;
use super::{Deprivation, PracticeMonth};
use serde::Serialize;
use std::collections::BTreeMap;

pub const QUINTILES: usize = 5;

/// Practices in one IMD quintile and the range of their scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuintileBand {
    pub quintile: u8,
    pub practices: usize,
    pub min_score: f64,
    pub max_score: f64,
}

/// Each practice's IMD quintile for one IMD edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quintiles {
    pub year: i32,
    /// Practice code → 1 (least deprived) … 5 (most deprived).
    pub of: BTreeMap<String, u8>,
    /// Quintiles 1 to 5 that hold any practice.
    pub bands: Vec<QuintileBand>,
    /// Practices of that edition whose score is not a number (left out of the ranking).
    pub unscored: Vec<String>,
}

/// Equal-count IMD quintiles of the practices scored (0 or more) in `year`: sorted by score, then code, the practice
/// at 0-based rank i of n falls in quintile 1 + ⌊5i / n⌋. Should a practice appear twice for one year,
/// its first score is used.
pub fn deprivation_quintiles(scores: &[Deprivation], year: i32) -> Quintiles {
    let mut first: BTreeMap<&str, f64> = BTreeMap::new();
    for d in scores.iter().filter(|d| d.year == year) {
        first.entry(d.practice.as_str()).or_insert(d.score);
    }
    // A score below zero (stored as published, flagged `negative_value`) is no IMD score: unscored.
    let scored = |s: &f64| s.is_finite() && *s >= 0.0;
    let unscored = first.iter().filter(|(_, s)| !scored(s)).map(|(p, _)| (*p).to_owned()).collect();
    let mut ranked: Vec<(&str, f64)> = first.into_iter().filter(|(_, s)| scored(s)).collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let n = ranked.len();
    let mut of = BTreeMap::new();
    let mut bands: Vec<QuintileBand> = Vec::new();
    for (i, (practice, score)) in ranked.into_iter().enumerate() {
        // i < n, so 5i / n < 5 and the quintile fits 1..=5.
        let quintile = 1 + (QUINTILES * i / n) as u8;
        of.insert(practice.to_owned(), quintile);
        match bands.last_mut() {
            Some(band) if band.quintile == quintile => {
                band.practices += 1;
                band.max_score = score;
            }
            _ => bands.push(QuintileBand { quintile, practices: 1, min_score: score, max_score: score }),
        }
    }
    Quintiles { year, of, bands, unscored }
}

/// One quintile's uptake: counts summed over its practices, rates from the sums.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuintileUptake {
    pub quintile: u8,
    pub counts: UptakeCounts,
    pub rates: UptakeRates,
}

/// Most deprived against least deprived on one measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    pub measure: Measure,
    pub least_deprived: f64,
    pub most_deprived: f64,
    /// Quintile 5 − quintile 1: percentage points for a share, per 1,000 for a rate. Negative when the
    /// most deprived are behind.
    pub difference: f64,
    /// Quintile 5 ÷ quintile 1; None when quintile 1's value is 0.
    pub ratio: Option<f64>,
}

/// Uptake by IMD quintile in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquityTable {
    pub period: String,
    /// Always five entries, quintile 1 first (empty counts where no practice fell in one).
    pub quintiles: Vec<QuintileUptake>,
    /// The headline gap ([`Measure::Enabled`]).
    pub gap: Option<Gap>,
    /// Practices in the month with no quintile, and their counts summed.
    pub unscored_practices: Vec<String>,
    pub unscored: UptakeCounts,
}

impl EquityTable {
    /// Quintile 5 against quintile 1 on `measure`; None when either has no value.
    pub fn gap(&self, measure: Measure) -> Option<Gap> {
        let value = |q: usize| self.quintiles.get(q).and_then(|u| measure.of(&u.rates));
        let (least, most) = (value(0)?, value(QUINTILES - 1)?);
        Some(Gap {
            measure,
            least_deprived: least,
            most_deprived: most,
            difference: most - least,
            ratio: (least != 0.0).then(|| most / least),
        })
    }
}

/// Uptake by quintile for `period`: each quintile's counts are the sums of its practices' counts, and
/// its rates come from those sums (a practice of 20,000 weighs ten times one of 2,000), never from an
/// average of practice rates. Quintiles and unscored together sum to England.
pub fn uptake_by_quintile(rows: &[PracticeMonth], period: &str, quintiles: &Quintiles) -> EquityTable {
    let mut sums = [UptakeCounts::default(); QUINTILES];
    let mut unscored = UptakeCounts::default();
    let mut unscored_practices = Vec::new();
    for row in rows.iter().filter(|r| r.period == period) {
        let slot = quintiles
            .of
            .get(&row.practice)
            .and_then(|q| usize::from(*q).checked_sub(1))
            .and_then(|q| sums.get_mut(q));
        match slot {
            Some(counts) => counts.add(&row.values),
            None => {
                unscored.add(&row.values);
                unscored_practices.push(row.practice.clone());
            }
        }
    }
    unscored_practices.sort();
    let quintiles =
        (1..).zip(sums).map(|(quintile, counts)| QuintileUptake { quintile, counts, rates: counts.rates() });
    let mut table = EquityTable {
        period: period.to_owned(),
        quintiles: quintiles.collect(),
        gap: None,
        unscored_practices,
        unscored,
    };
    table.gap = table.gap(Measure::Enabled);
    table
}

/// A practice lags when its residual is below −`LAGGING_SD` × the residual standard deviation.
pub const LAGGING_SD: f64 = 1.5;

/// An ordinary-least-squares line `y = intercept + slope × x`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    pub intercept: f64,
    pub slope: f64,
    /// 1 − Σ residual² / Σ (y − ȳ)²; None when every y is the same.
    pub r_squared: Option<f64>,
    /// √(Σ residual² / (n − 2)), the residual standard error.
    pub residual_sd: f64,
    pub n: usize,
}

/// The OLS fit of `points` (x, y): slope = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², intercept = ȳ − slope × x̄.
/// None with fewer than three points or when every x is the same.
pub fn ols(points: &[(f64, f64)]) -> Option<Fit> {
    let n = points.len();
    if n < 3 {
        return None;
    }
    let mean = |f: fn(&(f64, f64)) -> f64| points.iter().map(f).sum::<f64>() / n as f64;
    let (mx, my) = (mean(|p| p.0), mean(|p| p.1));
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in points {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
        syy += (y - my) * (y - my);
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ss_res: f64 = points.iter().map(|(x, y)| (y - intercept - slope * x).powi(2)).sum();
    Some(Fit {
        intercept,
        slope,
        r_squared: (syy > 0.0).then(|| 1.0 - ss_res / syy),
        residual_sd: (ss_res / (n - 2) as f64).sqrt(),
        n,
    })
}

/// One practice against the fitted line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Residual {
    pub practice: String,
    pub score: f64,
    /// Enabled share in percent (capped at 100, as shown).
    pub share: f64,
    pub fitted: f64,
    /// share − fitted, in percentage points.
    pub residual: f64,
    pub lagging: bool,
}

/// Practices' enabled share against what their deprivation predicts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResidualList {
    pub period: String,
    pub year: i32,
    pub fit: Fit,
    /// −`LAGGING_SD` × residual SD: residuals below it lag.
    pub threshold: f64,
    /// Lowest residual first (ties by practice code).
    pub residuals: Vec<Residual>,
    /// Practices in the month with a share but no score, or a score but no share.
    pub left_out: Vec<String>,
}

/// Fits practice enabled share (y, percent) on IMD score (x, edition `year`) by [`ols`] across every
/// practice in `period` with both, and lists each practice's residual (actual − fitted). A practice
/// *lags* when its residual is below −1.5 × the residual standard deviation: uptake well under what
/// its deprivation predicts, so a gap deprivation alone does not explain. A fixed-SD threshold (not
/// "the bottom decile") means a practice lags only if it is truly far off the line, and a tight fit
/// flags nobody. None when the fit cannot be made.
pub fn residuals(
    rows: &[PracticeMonth],
    period: &str,
    scores: &[Deprivation],
    year: i32,
) -> Option<ResidualList> {
    let mut by_practice: BTreeMap<&str, f64> = BTreeMap::new();
    for d in scores.iter().filter(|d| d.year == year && d.score.is_finite()) {
        by_practice.entry(d.practice.as_str()).or_insert(d.score);
    }
    let month: Vec<PracticeMonth> = rows.iter().filter(|r| r.period == period).cloned().collect();
    let mut points: Vec<(String, f64, f64)> = Vec::new();
    let mut left_out = Vec::new();
    for unit in tabulate(Level::Practice, &month, None) {
        match (by_practice.get(unit.code.as_str()), unit.rates.enabled) {
            (Some(score), Some(share)) => points.push((unit.code, *score, share.percent)),
            _ => left_out.push(unit.code),
        }
    }
    let fit = ols(&points.iter().map(|(_, x, y)| (*x, *y)).collect::<Vec<_>>())?;
    let threshold = -LAGGING_SD * fit.residual_sd;
    let mut residuals: Vec<Residual> = points
        .into_iter()
        .map(|(practice, score, share)| {
            let fitted = fit.intercept + fit.slope * score;
            let residual = share - fitted;
            // With a perfect fit the threshold is 0 and rounding noise must not flag anyone.
            let lagging = fit.residual_sd > 0.0 && residual < threshold;
            Residual { practice, score, share, fitted, residual, lagging }
        })
        .collect();
    residuals.sort_by(|a, b| a.residual.total_cmp(&b.residual).then_with(|| a.practice.cmp(&b.practice)));
    Some(ResidualList { period: period.to_owned(), year, fit, threshold, residuals, left_out })
}

#[cfg(test)]
#[path = "equity_tests.rs"]
mod tests;
