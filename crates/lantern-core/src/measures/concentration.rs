//! Who carries the work. The study found help "defaults to" one or two people seen as tech-savvy;
//! these figures make that visible.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Concentration {
    /// How many staff gave any help.
    pub helpers: usize,
    /// The share of all staff-minutes given by the person who gave most (0 to 1).
    pub top_share: f64,
    /// Gini coefficient of minutes across the staff who helped: 0 when everyone gave the same, towards 1
    /// when one person gave nearly all. Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄).
    pub gini: f64,
    /// 1 / Σ shareᵢ²: how many people the work is effectively spread across (N for N equal helpers).
    pub effective_helpers: f64,
    /// True when one person carries more than half the minutes.
    pub defaulted_to_one_person: bool,
}

/// Concentration of `minutes` (one entry per staff member who helped; zeros are ignored).
pub fn concentration(minutes: &[i64]) -> Option<Concentration> {
    let mut whole: Vec<i128> = minutes.iter().filter(|m| **m > 0).map(|m| i128::from(*m)).collect();
    whole.sort_unstable();
    let total_whole: i128 = whole.iter().sum();
    if whole.is_empty() {
        return None;
    }
    let n = whole.len() as i128;
    // Sorted form of the mean-difference Gini: Σ (2i − n − 1) xᵢ / (n Σ x), i from 1. Σ (2i − n − 1) xᵢ
    // is half of Σᵢ Σⱼ |xᵢ − xⱼ|, so summed exactly in integers it is never negative and needs no clamp.
    let weighted: i128 = whole.iter().zip(1..).map(|(x, i): (&i128, i128)| (2 * i - n - 1) * x).sum();
    let gini = weighted as f64 / (n as f64 * total_whole as f64);
    let values: Vec<f64> = whole.iter().map(|x| *x as f64).collect();
    let total = total_whole as f64;
    let top_share = values.last().copied().unwrap_or(0.0) / total;
    let effective_helpers = 1.0 / values.iter().map(|x| (x / total).powi(2)).sum::<f64>();
    Some(Concentration {
        helpers: values.len(),
        top_share,
        gini,
        effective_helpers,
        defaulted_to_one_person: top_share > 0.5,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_worked_example() {
        // Minutes 10, 20, 30, 40: total 100. Pairwise |differences| sum (over ordered pairs) = 200,
        // so Gini = 200 / (2 × 16 × 25) = 0.25. Shares .1 .2 .3 .4 → Σ² = .30 → effective 3.33.
        let c = concentration(&[10, 20, 30, 40]).expect("some help");
        assert!((c.gini - 0.25).abs() < 1e-12, "{}", c.gini);
        assert!((c.top_share - 0.4).abs() < 1e-12);
        assert!((c.effective_helpers - 1.0 / 0.3).abs() < 1e-9);
        assert!(!c.defaulted_to_one_person);
    }

    #[test]
    fn one_person_carrying_most_is_flagged() {
        let c = concentration(&[62, 20, 18, 0]).expect("some help");
        assert_eq!(c.helpers, 3, "staff who gave no help are not counted");
        assert!(c.defaulted_to_one_person && (c.top_share - 0.62).abs() < 1e-12);
        assert_eq!(concentration(&[]), None);
        assert_eq!(concentration(&[0, 0]), None);
    }

    /// The definitions written out the slow way, sharing nothing with the code above: Gini as the sum
    /// of |xᵢ − xⱼ| over all ordered pairs / (2 n² x̄), top share as max / sum, effective helpers as
    /// 1 / Σ shareᵢ².
    fn naive(minutes: &[i64]) -> Option<(f64, f64, f64, usize)> {
        let helped: Vec<i64> = minutes.iter().copied().filter(|m| *m > 0).collect();
        if helped.is_empty() {
            return None;
        }
        let n = helped.len() as f64;
        let sum: i64 = helped.iter().sum();
        let mean = sum as f64 / n;
        let mut pairs = 0i128;
        for a in &helped {
            for b in &helped {
                pairs += i128::from((a - b).abs());
            }
        }
        let gini = pairs as f64 / (2.0 * n * n * mean);
        let top = helped.iter().copied().max().unwrap_or(0) as f64 / sum as f64;
        let squares: f64 = helped.iter().map(|m| (*m as f64 / sum as f64) * (*m as f64 / sum as f64)).sum();
        Some((gini, top, 1.0 / squares, helped.len()))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    proptest! {
        #[test]
        fn every_figure_equals_its_pairwise_definition(
            minutes in proptest::collection::vec(
                prop_oneof![Just(0i64), 1i64..60, 1i64..10_000, 1_000_000_000i64..1_000_000_000_000],
                0..80,
            ),
        ) {
            let found = concentration(&minutes);
            match (found, naive(&minutes)) {
                (None, None) => {}
                (Some(c), Some((gini, top, effective, helpers))) => {
                    prop_assert!(c.gini >= 0.0, "negative Gini {} for {:?}", c.gini, minutes);
                    prop_assert!(close(c.gini, gini), "Gini {} but pairwise {} for {:?}", c.gini, gini, minutes);
                    prop_assert!(close(c.top_share, top), "top {} vs {}", c.top_share, top);
                    prop_assert!(close(c.effective_helpers, effective), "{} vs {}", c.effective_helpers, effective);
                    prop_assert_eq!(c.helpers, helpers);
                    prop_assert_eq!(c.defaulted_to_one_person, top > 0.5);
                }
                (found, expected) => prop_assert!(false, "{:?} but naively {:?}", found, expected),
            }
        }

        #[test]
        fn equal_shares_have_zero_gini_and_n_effective_helpers(n in 1usize..60, minutes in 1i64..500) {
            let c = concentration(&vec![minutes; n]).expect("some help");
            prop_assert!(c.gini.abs() < 1e-9);
            prop_assert!((c.effective_helpers - n as f64).abs() < 1e-6);
        }

        #[test]
        fn one_helper_among_many_approaches_one(n in 2usize..200) {
            // One person gives everything but a minute each from the others.
            let mut minutes = vec![1i64; n - 1];
            minutes.push(1_000_000);
            let c = concentration(&minutes).expect("some help");
            prop_assert!(c.gini > (n as f64 - 1.0) / n as f64 - 0.01);
            prop_assert!(c.gini < 1.0);
            prop_assert!(c.effective_helpers < 1.01);
        }

        #[test]
        fn figures_stay_in_range(minutes in proptest::collection::vec(0i64..10_000, 0..50)) {
            if let Some(c) = concentration(&minutes) {
                prop_assert!((0.0..1.0).contains(&c.gini));
                prop_assert!(c.top_share > 0.0 && c.top_share <= 1.0);
                prop_assert!(c.effective_helpers >= 1.0 - 1e-9 && c.effective_helpers <= c.helpers as f64 + 1e-9);
                prop_assert_eq!(c.defaulted_to_one_person, c.top_share > 0.5);
            }
        }
    }
}
