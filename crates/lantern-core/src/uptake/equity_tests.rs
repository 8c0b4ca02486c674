use super::*;
use crate::uptake::fixtures::{close, month};
use proptest::prelude::*;

fn score(practice: &str, score: f64) -> Deprivation {
    Deprivation { practice: practice.into(), year: 2019, score }
}

/// Ten practices of 1,000 patients, P0…P9, with IMD scores 5, 10, …, 50 and enabled 780, 760, 740, 730,
/// 710, 690, 600, 650, 630, 610 (so shares 78, 76, 74, 73, 71, 69, 60, 65, 63, 61%). These are the line
/// 80 − 0.4 × score plus residuals e = 0, 0, 0, 1, 1, 1, −6, 1, 1, 1, chosen so Σe = 0 and
/// Σ(x − x̄)e = 0 (x̄ = 27.5; deviations −22.5 … 22.5: −7.5 − 2.5 + 2.5 − 45 + 12.5 + 17.5 + 22.5 = 0),
/// which makes them the OLS residuals: slope −0.4, intercept 80.
/// Σ(x − x̄)² = 2 × (22.5² + 17.5² + 12.5² + 7.5² + 2.5²) = 2,062.5; explained SS = 0.16 × 2,062.5 = 330;
/// residual SS = Σe² = 42; R² = 330 / 372 = 55 / 62 = 0.8871. Residual SD = √(42 / 8) = 2.2913, so the
/// threshold is −3.4369 and only P6 (−6) lags.
fn ten() -> (Vec<PracticeMonth>, Vec<Deprivation>) {
    let enabled = [780, 760, 740, 730, 710, 690, 600, 650, 630, 610];
    let rows = enabled
        .iter()
        .enumerate()
        .map(|(i, e)| month(&format!("P{i}"), "2019-03", Some(1_000), Some(*e), Some(0)))
        .collect();
    let scores = (0..10).map(|i| score(&format!("P{i}"), 5.0 * (i + 1) as f64)).collect();
    (rows, scores)
}

#[test]
fn hand_worked_ols_fit_and_lagging_practice() {
    let (rows, scores) = ten();
    let list = residuals(&rows, "2019-03", &scores, 2019).expect("a fit");
    assert!(close(Some(list.fit.slope), -0.4));
    assert!(close(Some(list.fit.intercept), 80.0));
    assert!(close(list.fit.r_squared, 55.0 / 62.0));
    assert!(close(Some(list.fit.residual_sd), 5.25f64.sqrt()));
    assert!(close(Some(list.threshold), -1.5 * 5.25f64.sqrt()));
    assert_eq!(list.fit.n, 10);
    let first = &list.residuals[0];
    assert_eq!(first.practice, "P6");
    assert!(close(Some(first.fitted), 66.0) && close(Some(first.residual), -6.0) && first.lagging);
    assert_eq!(list.residuals.iter().filter(|r| r.lagging).count(), 1);
    assert!(list.left_out.is_empty());
}

#[test]
fn practices_without_a_score_or_a_share_are_left_out_and_listed() {
    let (mut rows, scores) = ten();
    rows.push(month("X", "2019-03", Some(1_000), Some(500), None)); // no score
    rows.push(month("P0", "2018-03", Some(1_000), Some(10), None)); // another month
    let mut blank = rows[1].clone();
    blank.values.set(crate::uptake::PomiField::TotalPatEnbld, None);
    rows[1] = blank;
    let list = residuals(&rows, "2019-03", &scores, 2019).expect("a fit");
    assert_eq!(list.left_out, ["P1", "X"]);
    assert_eq!(list.fit.n, 9);
    assert!(residuals(&rows, "2019-03", &scores, 2015).is_none(), "no 2015 scores, no fit");
    assert!(ols(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]).is_none(), "x never varies");
}

/// Quintiles of ten practices hold two each: P0, P1 (scores 5, 10) in quintile 1 … P8, P9 in 5.
/// Quintile 1 enabled: 780 + 760 of 2,000 = 77%; quintile 5: 630 + 610 of 2,000 = 62%.
/// Gap −15 points, ratio 62 / 77 = 0.8052.
#[test]
fn hand_worked_quintiles_and_gap() {
    let (rows, scores) = ten();
    let q = deprivation_quintiles(&scores, 2019);
    assert_eq!(q.of.get("P0"), Some(&1));
    assert_eq!(q.of.get("P9"), Some(&5));
    assert_eq!(q.bands.iter().map(|b| b.practices).collect::<Vec<_>>(), [2; 5]);
    assert_eq!((q.bands[4].min_score, q.bands[4].max_score), (45.0, 50.0));
    let table = uptake_by_quintile(&rows, "2019-03", &q);
    let gap = table.gap.expect("both ends have rates");
    assert!(close(Some(gap.least_deprived), 77.0) && close(Some(gap.most_deprived), 62.0));
    assert!(close(Some(gap.difference), -15.0));
    assert!(close(gap.ratio, 62.0 / 77.0));
    assert!(table.unscored_practices.is_empty());
}

/// Quintile rates come from summed counts: A (1,000 patients, 100 enabled) and B (3,000, 2,700) are both
/// least deprived: 2,800 of 4,000 = 70%, where averaging their rates would say (10% + 90%) / 2 = 50%.
/// Z has no quintile and is set aside.
#[test]
fn quintile_rates_sum_counts_rather_than_average_rates() {
    let rows = [
        month("A", "2019-03", Some(1_000), Some(100), None),
        month("B", "2019-03", Some(3_000), Some(2_700), None),
        month("Z", "2019-03", Some(500), Some(50), None),
    ];
    let of = [("A".to_owned(), 1), ("B".to_owned(), 1)].into();
    let q = Quintiles { year: 2019, of, bands: Vec::new(), unscored: Vec::new() };
    let table = uptake_by_quintile(&rows, "2019-03", &q);
    assert!(close(table.quintiles[0].rates.enabled.map(|s| s.percent), 70.0));
    assert_eq!(table.gap, None, "quintile 5 is empty");
    assert_eq!(
        (table.unscored_practices.as_slice(), table.unscored.patient_list_size),
        (&["Z".to_owned()][..], 500)
    );
}

#[test]
fn two_practices_fall_in_quintiles_one_and_three() {
    // Ranks 0 and 1 of 2: 1 + ⌊0 / 2⌋ = 1 and 1 + ⌊5 / 2⌋ = 3; the 2015 score is another edition.
    let scores = [score("A", 1.0), score("B", 1.0), Deprivation { year: 2015, ..score("Z", 9.0) }];
    let q = deprivation_quintiles(&scores, 2019);
    assert_eq!((q.of.get("A"), q.of.get("B"), q.of.get("Z")), (Some(&1), Some(&3), None));
}

#[test]
fn scores_that_are_not_numbers_are_left_out_of_the_ranking() {
    let q = deprivation_quintiles(&[score("A", f64::NAN), score("B", 3.0), score("B", 99.0)], 2019);
    assert_eq!(q.unscored, ["A"]);
    assert_eq!(q.bands, [QuintileBand { quintile: 1, practices: 1, min_score: 3.0, max_score: 3.0 }]);
}

proptest! {
    /// Sizes differ by at most one, scores never go down from one quintile to the next, and the
    /// quintiles' counts with the unscored practices' add up to England.
    #[test]
    fn quintiles_are_equal_ordered_and_add_up_to_england(
        practices in prop::collection::vec((0u8..30, prop::option::of(0i64..5_000), 0i64..5_000), 1..80)
    ) {
        let mut rows = Vec::new();
        let mut scores = Vec::new();
        for (i, (s, list, enabled)) in practices.iter().enumerate() {
            let code = format!("P{i:03}");
            rows.push(month(&code, "2019-03", *list, Some(*enabled), Some(*enabled / 3)));
            // Every seventh practice has no score; the rest have few distinct scores, so ties abound.
            if i % 7 != 3 {
                scores.push(score(&code, f64::from(*s)));
            }
        }
        let q = deprivation_quintiles(&scores, 2019);
        let sizes: Vec<usize> = q.bands.iter().map(|b| b.practices).collect();
        let (min, max) = (sizes.iter().min().copied().unwrap_or(0), sizes.iter().max().copied().unwrap_or(0));
        prop_assert!(max - min <= 1);
        prop_assert_eq!(sizes.iter().sum::<usize>(), scores.len());
        prop_assert!(q.bands.windows(2).all(|w| w[0].max_score <= w[1].min_score));
        let table = uptake_by_quintile(&rows, "2019-03", &q);
        let england = tabulate(Level::England, &rows, None)[0].counts;
        let sum = |f: &dyn Fn(&UptakeCounts) -> i64| -> i64 {
            table.quintiles.iter().map(|u| f(&u.counts)).sum::<i64>() + f(&table.unscored)
        };
        prop_assert_eq!(sum(&|c| c.practices as i64), england.practices as i64);
        prop_assert_eq!(sum(&|c| c.patient_list_size), england.patient_list_size);
        prop_assert_eq!(sum(&|c| c.total_pat_enbld), england.total_pat_enbld);
        prop_assert_eq!(sum(&|c| c.total_use), england.total_use);
    }

    /// OLS residuals always sum to zero and are orthogonal to x.
    #[test]
    fn ols_residuals_sum_to_zero(points in prop::collection::vec((0u8..60, 0u8..100), 3..50)) {
        let points: Vec<(f64, f64)> = points.iter().map(|(x, y)| (f64::from(*x), f64::from(*y))).collect();
        if let Some(fit) = ols(&points) {
            let r: Vec<f64> = points.iter().map(|(x, y)| y - fit.intercept - fit.slope * x).collect();
            prop_assert!(r.iter().sum::<f64>().abs() < 1e-6);
            prop_assert!(r.iter().zip(&points).map(|(r, p)| r * p.0).sum::<f64>().abs() < 1e-5);
            prop_assert!(fit.r_squared.is_none_or(|r2| (-1e-9..=1.0 + 1e-9).contains(&r2)));
        }
    }
}
