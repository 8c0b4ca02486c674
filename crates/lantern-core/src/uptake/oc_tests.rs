use super::*;
use crate::uptake::fixtures::{close, place};
use proptest::prelude::*;

fn oc(practice: &str, registered: Option<i64>, total: Option<i64>, types: [Option<i64>; 3]) -> OcMonth {
    OcMonth {
        period: "2024-10".into(),
        practice: practice.into(),
        supplier: "Accurx".into(),
        capability: Some(1),
        participation: Some(i64::from(total.is_some())),
        system_usage: Some(i64::from(total.is_some_and(|t| t > 0))),
        total_submissions: total,
        clinical: types[0],
        admin: types[1],
        other: types[2],
        patients_registered: registered,
    }
}

fn map() -> HashMap<String, PracticePlace> {
    [("A", "U1"), ("B", "U1"), ("C", "U1"), ("D", "U2")]
        .into_iter()
        .map(|(p, pcn)| (p.to_owned(), place(p, Some(pcn), Some("QK1"))))
        .collect()
}

/// PCN U1: A (10,000 registered, 300 submissions: 200 clinical, 80 admin, 20 other), B (5,000, 200:
/// 150, 50, 0) and C (registered blank, 100: all clinical, admin and other blank). Totals shown: 600
/// submissions, 15,000 registered. Per 1,000 only from A and B: 500 / 15,000 × 1,000 = 33.33, since C's
/// 100 have no patients behind them. Clinical 450 of 600 = 75%; admin 130 of 500 (C gave none) = 26%;
/// other 20 of 500 = 4%. U2: D took no part, so no rates. E is not in the map.
#[test]
fn hand_worked_pcn_rates_come_from_practices_that_gave_both() {
    let months = [
        oc("A", Some(10_000), Some(300), [Some(200), Some(80), Some(20)]),
        oc("B", Some(5_000), Some(200), [Some(150), Some(50), Some(0)]),
        oc("C", None, Some(100), [Some(100), None, None]),
        oc("D", Some(4_000), None, [None, None, None]),
        oc("E", Some(1_000), Some(50), [Some(50), Some(0), Some(0)]),
    ];
    let table = tabulate_oc(Level::Pcn, &months, &map(), None);
    assert_eq!(table.units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["U1", "U2"]);
    let u1 = &table.units[0];
    assert_eq!(
        (u1.counts.practices, u1.counts.total_submissions, u1.counts.patients_registered),
        (3, 600, 15_000)
    );
    assert_eq!((u1.counts.participating, u1.counts.with_usage), (3, 3));
    assert!(close(u1.rates.submissions_per_1000, 100.0 / 3.0));
    assert!(close(u1.rates.clinical.map(|s| s.percent), 75.0));
    assert!(close(u1.rates.admin.map(|s| s.percent), 26.0));
    assert!(close(u1.rates.other.map(|s| s.percent), 4.0));
    let u2 = &table.units[1];
    assert_eq!((u2.rates.submissions_per_1000, u2.rates.clinical), (None, None));
    assert_eq!((u2.counts.capable, u2.counts.participating), (1, 0));
    assert_eq!(table.unplaced.len(), 1);
    assert_eq!(table.unplaced[0].practices, ["E"]);

    // England: A, B and E gave both: 550 / 16,000 × 1,000 = 34.375.
    let england = tabulate_oc(Level::England, &months, &HashMap::new(), None);
    assert!(close(england.units[0].rates.submissions_per_1000, 34.375));
    assert!(england.unplaced.is_empty());
    assert_eq!(tabulate_oc(Level::Pcn, &months, &map(), Some("u2")).units.len(), 1);
}

#[test]
fn every_level_above_the_practice_comes_from_the_map() {
    let months = [oc("A", Some(1_000), Some(10), [Some(10), Some(0), Some(0)])];
    let codes = |level| {
        tabulate_oc(level, &months, &map(), None).units.into_iter().map(|u| u.code).collect::<Vec<_>>()
    };
    assert_eq!(codes(Level::Icb), ["QK1"]);
    assert_eq!(codes(Level::Ccg), ["04C"]);
    assert_eq!(codes(Level::Region), ["Y60"]);
    assert_eq!(codes(Level::Practice), ["A"]);
}

proptest! {
    /// Each practice lands in one PCN or in the unplaced pile: together they add up to England.
    #[test]
    fn pcns_and_unplaced_add_up_to_england(
        practices in prop::collection::vec(
            (0u8..4, prop::option::of(0i64..20_000), prop::option::of(0i64..900)), 1..40)
    ) {
        let mut places = HashMap::new();
        let months: Vec<OcMonth> = practices
            .iter()
            .enumerate()
            .map(|(i, (pcn, registered, total))| {
                let code = format!("P{i}");
                if *pcn > 0 {
                    places.insert(code.clone(), place(&code, Some(&format!("U{pcn}")), None));
                }
                oc(&code, *registered, *total, [total.map(|t| t / 2), total.map(|t| t / 3), None])
            })
            .collect();
        let pcn = tabulate_oc(Level::Pcn, &months, &places, None);
        let england = tabulate_oc(Level::England, &months, &places, None).units[0].counts;
        let sum = |f: &dyn Fn(&OcCounts) -> i64| -> i64 {
            pcn.units.iter().map(|u| f(&u.counts)).sum::<i64>()
                + pcn.unplaced.iter().map(|u| f(&u.counts)).sum::<i64>()
        };
        prop_assert_eq!(sum(&|c| c.practices as i64), england.practices as i64);
        prop_assert_eq!(sum(&|c| c.total_submissions), england.total_submissions);
        prop_assert_eq!(sum(&|c| c.patients_registered), england.patients_registered);
        prop_assert_eq!(sum(&|c| c.per_patient.denominator), england.per_patient.denominator);
        prop_assert_eq!(sum(&|c| c.clinical_of_total.numerator), england.clinical_of_total.numerator);
    }
}

#[test]
fn a_series_spans_the_april_2024_method_change_only_with_months_on_both_sides() {
    use super::spans_method_change;
    assert!(spans_method_change("2023-04", "2024-04"));
    assert!(spans_method_change("2024-03", "2025-02"));
    assert!(!spans_method_change("2024-04", "2025-03"));
    assert!(!spans_method_change("2023-04", "2024-03"));
}
