use super::*;
use crate::uptake::fixtures::{close, month};
use crate::uptake::tabulate;
use proptest::prelude::*;

/// A: April 300 of 1,000 enabled (30%), 100 transactions (100 per 1,000); May 330 (33%), 150; June not
/// held; July 400 (40%), `Total_Use` blank. May: +3 points and +50 per 1,000 on both comparisons.
/// July: no previous month; against April +10 points, and no use change (a blank is not zero).
#[test]
fn changes_are_points_and_differences_against_last_month_and_the_first() {
    let rows = [
        month("A", "2018-04", Some(1_000), Some(300), Some(100)),
        month("A", "2018-05", Some(1_000), Some(330), Some(150)),
        month("A", "2018-07", Some(1_000), Some(400), None),
        month("B", "2018-05", Some(2_000), Some(100), Some(10)),
    ];
    let table = tabulate(Level::Practice, &rows, None);
    let trends = trends(&table);
    let codes: Vec<_> = trends.iter().map(|t| (t.code.as_str(), t.first_period.as_str())).collect();
    assert_eq!(codes, [("A", "2018-04"), ("B", "2018-05")]);
    let a = &trends[0].months;
    assert_eq!(a.iter().map(|m| m.period.as_str()).collect::<Vec<_>>(), ["2018-04", "2018-05", "2018-07"]);

    assert_eq!(a[0].vs_previous, None);
    assert!(close(a[0].vs_first.enabled_pp, 0.0));

    let may = a[1].vs_previous.expect("April is held");
    assert!(close(may.enabled_pp, 3.0));
    assert!(close(may.use_per_1000, 50.0));
    assert_eq!(Some(may), Some(a[1].vs_first));
    // Appointments enabled are half the total in the fixture: 150 → 165 of 1,000 is +1.5 points.
    assert!(close(may.service(Service::Appointments).enabled_pp, 1.5));

    assert_eq!(a[2].vs_previous, None, "June is not held, and April to July is not a month");
    assert!(close(a[2].vs_first.enabled_pp, 10.0));
    assert_eq!(a[2].vs_first.use_per_1000, None);
}

#[test]
fn months_step_back_across_the_year() {
    assert_eq!(previous_month("2019-01").as_deref(), Some("2018-12"));
    assert_eq!(previous_month("2018-11").as_deref(), Some("2018-10"));
    for bad in ["2018-13", "2018-00", "201804", "2018-4", "abcd-01"] {
        assert_eq!(previous_month(bad), None, "{bad}");
    }
}

proptest! {
    /// Over consecutive months with rates throughout, the month-on-month changes add up to the change
    /// since the first month.
    #[test]
    fn monthly_changes_telescope_to_the_change_since_the_first(
        enabled in prop::collection::vec(0i64..=1_000, 1..30)
    ) {
        let rows: Vec<_> = enabled
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let period = format!("{:04}-{:02}", 2018 + i / 12, i % 12 + 1);
                month("A", &period, Some(1_000), Some(*e), Some(*e))
            })
            .collect();
        let trend = &trends(&tabulate(Level::Practice, &rows, None))[0];
        let steps: f64 = trend.months.iter().filter_map(|m| m.vs_previous?.enabled_pp).sum();
        let since = trend.months.last().and_then(|m| m.vs_first.enabled_pp).expect("rates");
        prop_assert!((steps - since).abs() < 1e-6);
        prop_assert_eq!(trend.months.iter().filter(|m| m.vs_previous.is_some()).count(), enabled.len() - 1);
    }
}
