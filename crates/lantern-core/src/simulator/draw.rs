//! Random draws built from uniform numbers with basic arithmetic only, so a seed gives the same data on
//! every platform (`exp` and `ln` come from the platform's maths library and may differ in the last bit).

use rand::Rng;

/// Picks one item with probability proportional to its weight; `None` when every weight is zero.
pub(super) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [(T, u32)]) -> Option<&'a T> {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return None;
    }
    let mut roll = rng.gen_range(0..total);
    for (item, weight) in items {
        if roll < *weight {
            return Some(item);
        }
        roll -= weight;
    }
    None
}

/// Picks a code from a fixed table, falling back to `fallback` if the table is empty.
pub(super) fn pick_code(
    rng: &mut impl Rng,
    items: &[(&'static str, u32)],
    fallback: &'static str,
) -> &'static str {
    pick(rng, items).copied().unwrap_or(fallback)
}

/// True with probability `p` (clamped to 0..=1; NaN counts as 0).
pub(super) fn chance(rng: &mut impl Rng, p: f64) -> bool {
    rng.gen::<f64>() < p
}

/// A count of events with mean `expected`: a binomial with eight times as many trials as the mean, so
/// its spread is close to a Poisson's. Capped at 500 a day so a mistyped rate cannot run away.
pub(super) fn count(rng: &mut impl Rng, expected: f64) -> u32 {
    if expected.is_nan() || expected <= 0.0 {
        return 0;
    }
    let expected = expected.min(500.0);
    let trials = (expected * 8.0).ceil().max(1.0) as u32;
    let p = expected / f64::from(trials);
    (0..trials).filter(|_| chance(rng, p)).count() as u32
}

/// exp(0.5 z) at the normal quantiles 1%, 1/16, 2/16 … 15/16, 99%: the multiplier of a log-normal with
/// σ = 0.5, tabulated so that drawing it needs no `exp`. Help takes "a few minutes" usually and
/// occasionally much longer, which is the skew a log-normal has.
const LOG_NORMAL: [f64; 17] = [
    0.312, 0.464, 0.563, 0.642, 0.714, 0.783, 0.853, 0.924, 1.000, 1.082, 1.173, 1.277, 1.401, 1.558, 1.777,
    2.153, 3.200,
];

/// A log-normal multiplier with median 1 (interpolating the table above).
pub(super) fn log_normal(rng: &mut impl Rng) -> f64 {
    let position = rng.gen::<f64>() * 16.0;
    let index = (position as usize).min(15);
    let fraction = position - index as f64;
    let low = LOG_NORMAL.get(index).copied().unwrap_or(1.0);
    let high = LOG_NORMAL.get(index + 1).copied().unwrap_or(low);
    low + (high - low) * fraction
}

/// Minutes the way people estimate them: short help to the minute, otherwise usually a round figure
/// (2, 5, 10, 15, 30 …), sometimes the minute. Clamped to the 1–240 an episode allows.
pub(super) fn estimated_minutes(rng: &mut impl Rng, minutes: f64) -> i64 {
    const ROUND: [i64; 12] = [2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240];
    let exact = minutes.round().clamp(1.0, 240.0) as i64;
    if exact < 5 || !chance(rng, 0.6) {
        return exact;
    }
    ROUND.iter().copied().min_by_key(|round| (round - exact).abs()).unwrap_or(exact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn counts_average_to_the_expected_value() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let total: u32 = (0..2_000).map(|_| count(&mut rng, 7.5)).sum();
        let mean = f64::from(total) / 2_000.0;
        assert!((7.2..7.8).contains(&mean), "{mean}");
        assert_eq!(count(&mut rng, f64::NAN), 0);
        assert_eq!(count(&mut rng, -1.0), 0);
    }

    #[test]
    fn log_normal_has_median_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut draws: Vec<f64> = (0..4_001).map(|_| log_normal(&mut rng)).collect();
        draws.sort_by(f64::total_cmp);
        let median = draws.get(2_000).copied().unwrap_or_default();
        assert!((0.95..1.05).contains(&median), "{median}");
        assert!(draws.iter().all(|d| (0.3..=3.2).contains(d)));
    }

    #[test]
    fn estimates_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for raw in [0.0, 0.4, 3.0, 7.4, 13.0, 500.0] {
            let m = estimated_minutes(&mut rng, raw);
            assert!((1..=240).contains(&m), "{raw} → {m}");
        }
    }
}
