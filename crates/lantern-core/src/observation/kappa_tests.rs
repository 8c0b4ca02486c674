use super::*;
use crate::observation::test_support::*;
use proptest::prelude::*;

fn table(cells: &[(&'static str, &'static str, usize)]) -> Vec<(&'static str, &'static str)> {
    cells.iter().flat_map(|&(a, b, n)| std::iter::repeat_n((a, b), n)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 5e-5
}

#[test]
fn two_by_two_worked_by_hand() {
    //              second: yes  no   | row
    // first: yes           20    5   | 25
    //        no            10   15   | 25
    //        column        30   20   | 50
    // p_o = (20 + 15) / 50 = 0.7000
    // p_e = (25·30 + 25·20) / 50² = 1250 / 2500 = 0.5000
    // κ  = (0.7 − 0.5) / (1 − 0.5) = 0.4000
    let a = cohen_kappa(table(&[("yes", "yes", 20), ("yes", "no", 5), ("no", "yes", 10), ("no", "no", 15)]))
        .expect("pairs");
    assert_eq!(a.items, 50);
    assert!(close(a.observed, 0.7) && close(a.expected, 0.5));
    assert!(close(a.kappa.expect("defined"), 0.4));
}

#[test]
fn three_by_three_worked_by_hand() {
    //              second: A    B    C   | row
    // first: A            15    3    2   | 20
    //        B             2   12    1   | 15
    //        C             1    2   12   | 15
    //        column       18   17   15   | 50
    // p_o = (15 + 12 + 12) / 50 = 39 / 50 = 0.7800
    // p_e = (20·18 + 15·17 + 15·15) / 2500 = (360 + 255 + 225) / 2500 = 840 / 2500 = 0.3360
    // κ  = (0.78 − 0.336) / (1 − 0.336) = 0.444 / 0.664 = 0.6687
    let a = cohen_kappa(table(&[
        ("A", "A", 15),
        ("A", "B", 3),
        ("A", "C", 2),
        ("B", "A", 2),
        ("B", "B", 12),
        ("B", "C", 1),
        ("C", "A", 1),
        ("C", "B", 2),
        ("C", "C", 12),
    ]))
    .expect("pairs");
    assert!(close(a.observed, 0.78) && close(a.expected, 0.336));
    assert!(close(a.kappa.expect("defined"), 0.6687));
}

#[test]
fn identical_raters_have_kappa_one_and_a_single_shared_category_has_none() {
    let same = cohen_kappa([("a", "a"), ("b", "b"), ("a", "a")]).expect("pairs");
    assert_eq!((same.observed, same.kappa), (1.0, Some(1.0)));
    // Both said "a" every time: p_o = p_e = 1, kappa is 0/0.
    let one = cohen_kappa([("a", "a"), ("a", "a")]).expect("pairs");
    assert_eq!((one.observed, one.expected, one.kappa), (1.0, 1.0, None));
    assert_eq!(cohen_kappa(Vec::<(u8, u8)>::new()), None);
}

#[test]
fn disagreeing_completely_on_a_balanced_table_gives_minus_one() {
    let a = cohen_kappa([("a", "b"), ("b", "a")]).expect("pairs");
    assert_eq!((a.observed, a.expected, a.kappa), (0.0, 0.5, Some(-1.0)));
}

#[test]
fn a_reliability_pair_is_compared_per_dimension_over_common_time() {
    // First observer: troubleshoot 0–40 s, then phone triage 40–60 s.
    let mut a = Session::new();
    a.start_task(0, "t", "troubleshoot").end_task(40, "t").start_task(40, "p", "phone_triage");
    a.event(60, ended());
    // Second observer saw the switch 10 s later and coded the desk as back office throughout.
    let mut b = Session::new().second_observer();
    let back_office = |what: &str| {
        let mut v = values(what);
        v.insert("where".into(), "back_office".into());
        v
    };
    b.start_with(0, "t", back_office("troubleshoot")).end_task(50, "t");
    b.start_with(50, "p", back_office("phone_triage")).event(60, ended());
    let r = reliability(&a.observed(), &b.observed(), &a.template, SliceLength::default()).expect("pair");
    assert_eq!((r.slices, r.observers), (6, [a.info.observer, b.info.observer]));
    // What, slices at 5..55 s: first T T T T P P, second T T T T T P. Agree 5 of 6.
    // Rows T: 4 (T,T) and 0; P: 1 (P,T), 1 (P,P). First shares T 4/6, P 2/6; second T 5/6, P 1/6.
    // p_e = (4·5 + 2·1) / 36 = 22/36 = 0.6111; κ = (0.8333 − 0.6111) / 0.3889 = 0.5714.
    let what = &r.dimensions[0];
    assert_eq!(what.dimension, "what");
    assert!(close(what.agreement.observed, 5.0 / 6.0) && close(what.agreement.expected, 22.0 / 36.0));
    assert!(close(what.agreement.kappa.expect("defined"), 0.5714));
    // With whom: both "patient" throughout, so no kappa, and full agreement.
    assert_eq!(r.dimensions[1].agreement.kappa, None);
    assert_eq!(r.dimensions[1].agreement.observed, 1.0);
    // Where: never agree; each used one category, so p_e = 0 and κ = 0.
    assert_eq!(r.dimensions[3].agreement.kappa, Some(0.0));
    assert_eq!(r.all_dimensions, 0.0);
}

#[test]
fn pairs_that_are_not_pairs_are_refused() {
    let mut a = Session::new();
    a.event(60, ended());
    let template = a.template.clone();
    let length = SliceLength::default();
    assert_eq!(
        reliability(&a.observed(), &a.observed(), &template, length),
        Err(ReliabilityError::SameObserver)
    );
    let mut other = Session::new().second_observer();
    other.info.staff = OTHER_STAFF;
    other.event(60, ended());
    assert_eq!(
        reliability(&a.observed(), &other.observed(), &template, length),
        Err(ReliabilityError::DifferentStaff)
    );
    let mut later = Session::starting_at(100).second_observer();
    later.event(160, ended());
    assert_eq!(
        reliability(&a.observed(), &later.observed(), &template, length),
        Err(ReliabilityError::NoOverlap)
    );
}

proptest! {
    #[test]
    fn kappa_is_at_most_one_and_shares_are_probabilities(
        pairs in proptest::collection::vec((0u8..4, 0u8..4), 1..200)
    ) {
        let a = cohen_kappa(pairs).expect("pairs");
        prop_assert!((0.0..=1.0).contains(&a.observed) && (0.0..=1.0 + 1e-12).contains(&a.expected));
        if let Some(kappa) = a.kappa {
            prop_assert!((-1.0 - 1e-9..=1.0).contains(&kappa));
        }
    }

    #[test]
    fn identical_raters_agree_fully(ratings in proptest::collection::vec(0u8..4, 1..200)) {
        let a = cohen_kappa(ratings.iter().map(|&r| (r, r))).expect("pairs");
        prop_assert_eq!(a.observed, 1.0);
        let varied = ratings.iter().any(|&r| r != ratings[0]);
        prop_assert_eq!(a.kappa, varied.then_some(1.0));
    }
}
