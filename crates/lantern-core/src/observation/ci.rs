//! Confidence intervals for shares of time estimated from slices.
//!
//! Slices 10 seconds apart are not independent: a task seen in one slice is very likely still running
//! in the next. Treating every slice as a fresh draw would give intervals far too narrow, so the Wilson
//! interval is computed on an effective number of slices (see [`CI_METHOD`]).

use serde::Serialize;

pub const CI_METHOD: &str = "95% Wilson score interval on an effective number of slices. Consecutive slices \
are autocorrelated, so for each category the 0/1 series \"this slice is in the category\" is treated as a \
two-state Markov chain: from adjacent pairs of slices, p01 = P(in | previous out) and p10 = P(out | previous \
in), the lag-1 autocorrelation is r = 1 - p01 - p10 (floored at 0), and the effective number of slices is \
n(1 - r)/(1 + r), the variance inflation of a mean of such a series. When that cannot be estimated (the \
category was seen in every slice or in none, or never changed between adjacent slices), the effective \
number is the number of runs of the dimension's categories (each stretch of unchanged category counts as \
one observation). The effective number is kept between 1 and n. Intervals treat the pooled sessions as one \
series and do not model differences between staff or days.";

/// 1.96, the 97.5th percentile of the standard normal distribution.
const Z: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The Wilson score interval for a proportion `p` observed over `n` (possibly fractional, effective)
/// trials. None when there are no trials.
pub fn wilson(p: f64, n: f64) -> Option<Interval> {
    if n <= 0.0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let z2 = Z * Z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval { low: (centre - half).max(0.0), high: (centre + half).min(1.0) })
}

/// Counts of adjacent slice pairs by whether each slice of the pair is in the category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transitions {
    pub out_out: usize,
    pub out_in: usize,
    pub in_out: usize,
    pub in_in: usize,
}

impl Transitions {
    pub fn add(&mut self, previous: bool, next: bool) {
        match (previous, next) {
            (false, false) => self.out_out += 1,
            (false, true) => self.out_in += 1,
            (true, false) => self.in_out += 1,
            (true, true) => self.in_in += 1,
        }
    }

    /// Lag-1 autocorrelation of the two-state chain, floored at 0 (a negative value would make slices
    /// worth more than independent draws, which 10-second sampling of tasks never justifies). None when
    /// either state was never left or never entered.
    pub fn autocorrelation(&self) -> Option<f64> {
        let from_out = self.out_out + self.out_in;
        let from_in = self.in_out + self.in_in;
        if from_out == 0 || from_in == 0 || self.out_in + self.in_out == 0 {
            return None;
        }
        let p01 = self.out_in as f64 / from_out as f64;
        let p10 = self.in_out as f64 / from_in as f64;
        Some((1.0 - p01 - p10).max(0.0))
    }
}

/// The effective number of slices for a category: `n` deflated by the autocorrelation, or the
/// dimension's number of runs when the autocorrelation cannot be estimated; between 1 and `n`.
pub fn effective_slices(n: usize, transitions: &Transitions, runs: usize) -> f64 {
    let n_f = n as f64;
    let effective = match transitions.autocorrelation() {
        Some(r) => n_f * (1.0 - r) / (1.0 + r),
        None => runs as f64,
    };
    effective.clamp(1.0_f64.min(n_f), n_f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn wilson_matches_hand_worked_values() {
        // p = 0.2, n = 100, z² = 3.8415: denominator 1.038415, centre (0.2 + 0.019207) / 1.038415 = 0.211100,
        // half = 1.96 / 1.038415 · √(0.0016 + 0.00009604) = 1.887456 · 0.041183 = 0.077731.
        let i = wilson(0.2, 100.0).expect("trials");
        assert!(close(i.low, 0.1334) && close(i.high, 0.2888), "{i:?}");
        // Nothing seen in 10 trials still leaves up to 3.8415 / 13.8415 = 0.2775.
        let none = wilson(0.0, 10.0).expect("trials");
        assert!(close(none.low, 0.0) && close(none.high, 0.2775), "{none:?}");
        assert_eq!(wilson(0.5, 0.0), None);
    }

    #[test]
    fn autocorrelation_deflates_the_number_of_slices() {
        // 100 slices in runs of 10, in then out, five of each. Of the 50 "in" slices, all have a successor
        // and 5 leave: p10 = 5/50. Of the 49 "out" slices with a successor, 4 enter: p01 = 4/49.
        // r = 1 − 0.081633 − 0.1 = 0.818367; n_eff = 100 · 0.181633 / 1.818367 = 9.9888, about one per run.
        let mut t = Transitions::default();
        let series: Vec<bool> = (0..100).map(|i| (i / 10) % 2 == 0).collect();
        for w in series.windows(2) {
            t.add(w[0], w[1]);
        }
        assert!(close(t.autocorrelation().expect("both states"), 0.818367));
        assert!(close(effective_slices(100, &t, 10), 9.9888));
        // Alternating slices would be negatively correlated; they count as independent, never more.
        let mut alternating = Transitions::default();
        alternating.add(true, false);
        alternating.add(false, true);
        assert_eq!(effective_slices(3, &alternating, 3), 3.0);
    }

    #[test]
    fn a_category_never_seen_falls_back_to_runs() {
        let mut t = Transitions::default();
        (0..99).for_each(|_| t.add(false, false));
        assert_eq!(t.autocorrelation(), None);
        assert_eq!(effective_slices(100, &t, 7), 7.0);
        assert_eq!(effective_slices(100, &t, 0), 1.0);
        assert_eq!(effective_slices(0, &t, 0), 0.0);
    }
}
