use super::*;
use crate::uptake::fixtures::{close, month, place};
use proptest::prelude::*;

/// Five practices of 1,000 patients with 100, 200, 200, 400 and 500 enabled: 10%, 20%, 20%, 40%, 50%.
/// England: A has none below and is tied only with itself, so 100 × (0 + ½) / 5 = 10; B and C have one
/// below and tie with each other, 100 × (1 + 1) / 5 = 40; D 100 × 3.5 / 5 = 70; E 90.
/// ICB QK1 holds A, B and D (10, 20, 40): A 100 × ½ / 3 = 16.67, B 50, D 83.33. QJM holds C and E:
/// 25 and 75. F has no `Total_Pat_Enbld`, so no rank anywhere.
#[test]
fn hand_worked_ranks_in_england_and_within_the_icb() {
    let mut a = month("A", "2018-04", Some(1_000), Some(100), Some(10));
    a.icb = Some("QK1".into()); // from the file; the map is not asked
    let rows = [
        a,
        month("B", "2018-04", Some(1_000), Some(200), Some(10)),
        month("C", "2018-04", Some(1_000), Some(200), Some(10)),
        month("D", "2018-04", Some(1_000), Some(400), Some(10)),
        month("E", "2018-04", Some(1_000), Some(500), Some(10)),
        month("F", "2018-04", Some(1_000), None, Some(10)),
        month("A", "2018-05", Some(1_000), Some(900), Some(10)),
    ];
    let places: HashMap<String, PracticePlace> = [("B", "QK1"), ("C", "QJM"), ("D", "QK1"), ("E", "QJM")]
        .into_iter()
        .map(|(p, icb)| (p.to_owned(), place(p, None, Some(icb))))
        .collect();
    let ranks = peer_ranks(&rows, "2018-04", Measure::Enabled, &places);
    let england: Vec<_> = ranks.ranks.iter().map(|r| (r.practice.as_str(), r.england.percentile)).collect();
    let expected = [("A", 10.0), ("B", 40.0), ("C", 40.0), ("D", 70.0), ("E", 90.0)];
    assert_eq!(england.len(), expected.len());
    for ((p, got), (q, want)) in england.iter().zip(expected) {
        assert!(*p == q && close(Some(*got), want), "{p}: {got} not {want}");
    }
    let within = |p: &str| ranks.get(p).and_then(|r| r.within_icb).map(|w| w.percentile);
    assert!(close(within("A"), 100.0 / 6.0));
    assert!(close(within("B"), 50.0));
    assert!(close(within("D"), 250.0 / 3.0));
    assert!(close(within("C"), 25.0));
    assert!(close(within("E"), 75.0));
    assert_eq!(ranks.get("B").map(|r| (r.england.below, r.england.tied, r.england.peers)), Some((1, 2, 5)));
    assert_eq!(ranks.without_rate, ["F"]);
    assert!(ranks.get("F").is_none());
}

#[test]
fn a_practice_with_no_icb_is_ranked_in_england_only() {
    let rows = [month("A", "2018-04", Some(1_000), Some(100), Some(10))];
    let ranks = peer_ranks(&rows, "2018-04", Measure::UsePer1000, &HashMap::new());
    let a = ranks.get("A").expect("ranked");
    assert_eq!((a.icb.as_deref(), a.within_icb), (None, None));
    assert!(close(Some(a.value), 10.0));
    assert!(close(Some(a.england.percentile), 50.0), "a practice alone sits at the middle");
}

#[test]
fn service_measures_read_their_own_rates() {
    // Record enabled is a tenth of the total in the fixture: 30 of 1,000 = 3%.
    let rows = [month("A", "2018-04", Some(1_000), Some(300), Some(400))];
    let ranks = peer_ranks(&rows, "2018-04", Measure::ServiceEnabled(Service::Record), &HashMap::new());
    assert!(close(ranks.get("A").map(|r| r.value), 3.0));
    // Prescription uses are half of 400 = 200 per 1,000.
    let uses = Measure::ServiceUsesPer1000(Service::Prescriptions);
    assert!(close(peer_ranks(&rows, "2018-04", uses, &HashMap::new()).get("A").map(|r| r.value), 200.0));
}

#[test]
fn measures_round_trip_their_codes() {
    for measure in Measure::ALL {
        assert_eq!(Measure::parse(&measure.code()), Some(measure));
    }
    assert_eq!(Measure::ServiceEnabled(Service::Record).code(), "record_enabled");
    assert!(Measure::Enabled.is_share() && !Measure::UsePer1000.is_share());
    assert_eq!(percentile_rank(1.0, &[]), None);
}

proptest! {
    #[test]
    fn percentiles_lie_in_0_to_100_average_50_and_mirror_when_reversed(
        values in prop::collection::vec(0u32..20, 1..60)
    ) {
        let mut sorted: Vec<f64> = values.iter().map(|v| f64::from(*v)).collect();
        sorted.sort_by(f64::total_cmp);
        let mut reversed: Vec<f64> = sorted.iter().map(|v| -v).collect();
        reversed.sort_by(f64::total_cmp);
        let mut total = 0.0;
        for value in &sorted {
            let p = percentile_rank(*value, &sorted).expect("peers").percentile;
            prop_assert!((0.0..=100.0).contains(&p));
            let q = percentile_rank(-value, &reversed).expect("peers").percentile;
            prop_assert!((p + q - 100.0).abs() < 1e-9);
            total += p;
        }
        // Mid-ranks always sum to n² / 2, so the percentiles of a whole group average exactly 50.
        prop_assert!((total / sorted.len() as f64 - 50.0).abs() < 1e-9);
    }
}
