use super::*;
use crate::uptake::OrgKind;

/// A practice-month with the given list size, total enabled and total use; services as noted.
fn month(practice: &str, org: &str, list: i64, enabled: Option<i64>, used: Option<i64>) -> PracticeMonth {
    let values = PomiValues::from_fn(|f| match f {
        PomiField::PatientListSize => Some(list),
        PomiField::TotalPatEnbld => enabled,
        PomiField::TotalUse => used,
        PomiField::NewPatEnbld => Some(1),
        PomiField::SysApptsEnbld | PomiField::SysPrescEnbld => Some(2),
        PomiField::SysDetCodeRecEnbld => Some(1),
        PomiField::PatApptsEnbld => enabled.map(|e| e / 2),
        PomiField::PatPrescEnbld => enabled,
        PomiField::PatDetCodeRecEnbld | PomiField::PatDetCodeRecUse => Some(0),
        PomiField::PatApptsUse => used.map(|u| u / 4),
        PomiField::PatPrescUse => used.map(|u| u - u / 4),
    });
    PracticeMonth {
        practice: practice.into(),
        period: "2018-04".into(),
        supplier: "EMIS".into(),
        region: "Y54".into(),
        org_kind: OrgKind::Ccg,
        org: org.into(),
        icb: None,
        values,
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Worked example. A: 1,000 patients, 300 enabled, 200 transactions. B: 3,000 patients, 3,100
/// enabled (a real quirk), 900 transactions. England: 3,400 of 4,000 enabled = 85%, where averaging
/// the practices' capped rates would say (30% + 100%) / 2 = 65%; 1,100 transactions over 4,000
/// patients = 275 per 1,000.
#[test]
fn rates_come_from_summed_counts_not_averaged_rates() {
    let rows = [
        month("A00001", "00L", 1_000, Some(300), Some(200)),
        month("B00002", "00M", 3_000, Some(3_100), Some(900)),
    ];
    let england = tabulate(Level::England, &rows, None);
    assert_eq!(england.len(), 1);
    let e = &england[0];
    assert_eq!((e.code.as_str(), e.period.as_str()), (ENGLAND, "2018-04"));
    assert_eq!(e.counts.practices, 2);
    assert_eq!(
        (e.counts.patient_list_size, e.counts.total_pat_enbld, e.counts.total_use),
        (4_000, 3_400, 1_100)
    );
    let enabled = e.rates.enabled.expect("a list size");
    assert!(close(Some(enabled.percent), 85.0) && !enabled.capped);
    assert!(close(e.rates.use_per_1000, 275.0));
    assert_eq!(e.counts.practices_enabled_above_list, 1);
    // Per service: prescriptions enabled = total enabled here, appointments half of it.
    assert_eq!(e.counts.prescriptions.enabled, 3_400);
    assert!(close(e.rates.prescriptions.enabled.map(|s| s.percent), 85.0));
    assert_eq!(e.counts.appointments.enabled, 150 + 1_550);
    assert!(close(e.rates.appointments.enabled.map(|s| s.percent), 42.5));
    assert!(close(e.rates.appointments.uses_per_1000, 1_000.0 * (50.0 + 225.0) / 4_000.0));
    assert_eq!((e.counts.appointments.practices_switched_on, e.counts.record.practices_switched_on), (2, 0));
}

#[test]
fn a_practice_above_its_list_is_capped_at_100_and_marked() {
    let rows = [month("B00002", "00M", 3_000, Some(3_100), Some(900))];
    let table = tabulate(Level::Practice, &rows, None);
    let share = table[0].rates.enabled.expect("a list size");
    assert_eq!((share.percent, share.capped), (100.0, true));
    assert!(close(table[0].rates.use_per_1000, 300.0));
}

/// C gives no `Total_Pat_Enbld`: its 2,000 patients stay out of the enabled share's base (3,400 of
/// 4,000 = 85%, not 3,400 of 6,000) but count for transactions: 1,200 over 6,000 = 200 per 1,000.
#[test]
fn a_blank_count_leaves_its_practice_out_of_that_rate_only() {
    let rows = [
        month("A00001", "00L", 1_000, Some(300), Some(200)),
        month("B00002", "00M", 3_000, Some(3_100), Some(900)),
        month("C00003", "00M", 2_000, None, Some(100)),
    ];
    let e = &tabulate(Level::England, &rows, None)[0];
    assert_eq!((e.counts.patient_list_size, e.counts.total_pat_enbld), (6_000, 3_400));
    assert!(close(e.rates.enabled.map(|s| s.percent), 85.0));
    assert!(close(e.rates.use_per_1000, 200.0));
}

#[test]
fn units_are_grouped_by_level_and_month_and_filtered_by_code() {
    let mut rows = vec![
        month("A00001", "00L", 1_000, Some(300), Some(200)),
        month("B00002", "00M", 3_000, Some(900), Some(900)),
        month("C00003", "00M", 2_000, Some(100), Some(100)),
    ];
    let mut may = rows[0].clone();
    may.period = "2018-05".into();
    rows.push(may);
    let ccgs = tabulate(Level::Ccg, &rows, None);
    let keys: Vec<_> =
        ccgs.iter().map(|u| (u.period.as_str(), u.code.as_str(), u.counts.practices)).collect();
    assert_eq!(keys, [("2018-04", "00L", 1), ("2018-04", "00M", 2), ("2018-05", "00L", 1)]);
    let one = tabulate(Level::Ccg, &rows, Some("00m"));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].counts.patient_list_size, 5_000);
    assert!(close(one[0].rates.enabled.map(|s| s.percent), 20.0));
    assert!(tabulate(Level::Icb, &rows, None).is_empty(), "CCG-era rows name no ICB");
}

#[test]
fn no_registered_patients_means_no_rate() {
    let rows = [month("A00001", "00L", 0, Some(0), Some(0))];
    let unit = &tabulate(Level::Practice, &rows, None)[0];
    assert_eq!((unit.rates.enabled, unit.rates.use_per_1000), (None, None));
}

#[test]
fn levels_parse_with_sub_icb_as_the_commissioning_column() {
    for level in Level::ALL {
        assert_eq!(Level::parse(level.code()), Some(level));
    }
    assert_eq!(Level::parse("Sub-ICB"), Some(Level::Ccg));
    assert_eq!(Level::parse("PCN"), Some(Level::Pcn));
    assert_eq!(Level::parse("stp"), None);
}

/// Worked example. A: 1,000 patients, 300 enabled, -50 transactions. B: -20 patients (impossible),
/// 100 enabled, 40 transactions; its Sys_Appts_Enbld is 7. England: A's transactions and B's list are
/// left out as unknown, so 400 enabled; the enabled share has only A behind it (B gave no usable list):
/// 300 of 1,000 = 30%; use per 1,000 has neither practice (A's numerator, B's list unknown); one
/// practice (A) counts appointments as switched on.
#[test]
fn counts_below_zero_and_unknown_statuses_are_kept_out_of_sums_and_rates() {
    let mut b = month("B00002", "00M", -20, Some(100), Some(40));
    b.values.set(PomiField::SysApptsEnbld, Some(7));
    let rows = [month("A00001", "00L", 1_000, Some(300), Some(-50)), b];
    let e = &tabulate(Level::England, &rows, None)[0];
    assert_eq!(
        (e.counts.practices, e.counts.patient_list_size, e.counts.total_pat_enbld, e.counts.total_use),
        (2, 1_000, 400, 40)
    );
    assert!(close(e.rates.enabled.map(|s| s.percent), 30.0));
    assert_eq!(e.rates.use_per_1000, None);
    assert_eq!(e.counts.appointments.practices_switched_on, 1);
    assert_eq!(e.counts.practices_enabled_above_list, 0);
}

/// The store keeps a unit's sums and rebuilds its counts from them: nothing may be lost on the way,
/// blank counts and a practice above its list included.
#[test]
fn counts_rebuilt_from_their_sums_are_the_same_counts() {
    let rows = [
        month("A", "00C", 1_000, Some(300), Some(200)),
        month("B", "00C", 3_000, Some(3_100), None),
        month("C", "00D", 2_000, None, Some(50)),
    ];
    for level in [Level::England, Level::Region, Level::Ccg, Level::Practice] {
        for unit in tabulate(level, &rows, None) {
            assert_eq!(UptakeCounts::from_sums(&unit.counts.sums()), unit.counts, "{level:?} {}", unit.code);
        }
    }
}
