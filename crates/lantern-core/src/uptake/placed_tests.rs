use super::*;
use crate::uptake::fixtures::{close, month, place};
use crate::uptake::tabulate;
use proptest::prelude::*;

fn places(list: &[PracticePlace]) -> HashMap<String, PracticePlace> {
    list.iter().map(|p| (p.practice.clone(), p.clone())).collect()
}

/// A (1,000 patients, 300 enabled) and B (3,000, 1,500) are in PCN U1: 1,800 of 4,000 = 45%.
/// C (2,000, 200) is in U2: 10%. D (500, 50) is not in the map, so it is set aside, not lost.
#[test]
fn pcns_come_from_the_map_and_unplaced_practices_are_kept_aside() {
    let rows = [
        month("A1", "2018-04", Some(1_000), Some(300), Some(100)),
        month("B2", "2018-04", Some(3_000), Some(1_500), Some(300)),
        month("C3", "2018-04", Some(2_000), Some(200), Some(40)),
        month("D4", "2018-04", Some(500), Some(50), Some(10)),
    ];
    let map = places(&[
        place("A1", Some("U1"), Some("QK1")),
        place("B2", Some("U1"), Some("QK1")),
        place("C3", Some("U2"), Some("QJM")),
    ]);
    let table = tabulate_placed(Level::Pcn, &rows, &map, None);
    let got: Vec<_> = table.units.iter().map(|u| (u.code.as_str(), u.counts.practices)).collect();
    assert_eq!(got, [("U1", 2), ("U2", 1)]);
    assert!(close(table.units[0].rates.enabled.map(|s| s.percent), 45.0));
    assert!(close(table.units[1].rates.enabled.map(|s| s.percent), 10.0));
    assert_eq!(table.unplaced.len(), 1);
    assert_eq!(table.unplaced[0].practices, ["D4"]);
    assert_eq!(table.unplaced[0].counts.patient_list_size, 500);
    assert_eq!(table.unplaced_practice_months(), 1);

    let one = tabulate_placed(Level::Pcn, &rows, &map, Some("u2"));
    assert_eq!(one.units.len(), 1);
    assert_eq!(one.unplaced_practice_months(), 1, "unplaced whatever the code asked");
    assert!(tabulate(Level::Pcn, &rows, None).is_empty(), "plain tabulate cannot place PCNs");
}

#[test]
fn the_files_icb_wins_and_the_map_fills_the_ccg_era() {
    let mut with_icb = month("A1", "2023-04", Some(1_000), Some(300), None);
    with_icb.icb = Some("QHM".into());
    let rows = [with_icb, month("B2", "2018-04", Some(3_000), Some(1_500), None)];
    let map = places(&[place("A1", None, Some("QK1")), place("B2", None, Some("QK1"))]);
    let table = tabulate_placed(Level::Icb, &rows, &map, None);
    let got: Vec<_> = table.units.iter().map(|u| (u.period.as_str(), u.code.as_str())).collect();
    assert_eq!(got, [("2018-04", "QK1"), ("2023-04", "QHM")]);
    assert!(table.unplaced.is_empty());
    // A practice in the map with no PCN is unplaced at PCN level.
    assert_eq!(tabulate_placed(Level::Pcn, &rows, &map, None).unplaced_practice_months(), 2);
}

#[test]
fn levels_the_files_carry_match_plain_tabulate() {
    let rows = [
        month("A1", "2018-04", Some(1_000), Some(300), Some(100)),
        month("B2", "2018-05", Some(3_000), None, Some(300)),
    ];
    for level in [Level::England, Level::Region, Level::Ccg, Level::Practice] {
        let placed = tabulate_placed(level, &rows, &HashMap::new(), None);
        assert_eq!(placed.units, tabulate(level, &rows, None));
        assert!(placed.unplaced.is_empty());
    }
}

#[test]
fn map_only_placement_reads_each_level_from_the_map() {
    let p = place("A1", Some("U1"), Some("QK1"));
    let at = |level| mapped_unit(level, "A1", Some(&p));
    assert_eq!(
        [Level::England, Level::Region, Level::Icb, Level::Ccg, Level::Pcn, Level::Practice].map(at),
        [Some(ENGLAND), Some("Y60"), Some("QK1"), Some("04C"), Some("U1"), Some("A1")]
    );
    assert_eq!(mapped_unit(Level::Pcn, "A1", None), None);
    assert_eq!(mapped_unit(Level::England, "A1", None), Some(ENGLAND));
}

proptest! {
    /// Every practice-month lands in exactly one unit or the unplaced pile, so the units' counts and the
    /// unplaced counts add up to England's.
    #[test]
    fn units_and_unplaced_add_up_to_england(
        practices in prop::collection::vec(
            (0u8..4, 0i64..5_000, 0i64..6_000, prop::option::of(0i64..900)),
            1..40,
        )
    ) {
        let mut rows = Vec::new();
        let mut map = HashMap::new();
        for (i, (pcn, list, enabled, used)) in practices.iter().enumerate() {
            let code = format!("P{i}");
            rows.push(month(&code, "2018-04", Some(*list), Some(*enabled), *used));
            // PCN 0 stands for "not in the map".
            if *pcn > 0 {
                map.insert(code.clone(), place(&code, Some(&format!("U{pcn}")), None));
            }
        }
        let table = tabulate_placed(Level::Pcn, &rows, &map, None);
        let england = &tabulate(Level::England, &rows, None)[0].counts;
        let sum = |f: &dyn Fn(&UptakeCounts) -> i64| -> i64 {
            table.units.iter().map(|u| f(&u.counts)).sum::<i64>()
                + table.unplaced.iter().map(|u| f(&u.counts)).sum::<i64>()
        };
        prop_assert_eq!(sum(&|c| c.practices as i64), england.practices as i64);
        prop_assert_eq!(sum(&|c| c.patient_list_size), england.patient_list_size);
        prop_assert_eq!(sum(&|c| c.total_pat_enbld), england.total_pat_enbld);
        prop_assert_eq!(sum(&|c| c.total_use), england.total_use);
        prop_assert_eq!(sum(&|c| c.record.uses), england.record.uses);
    }
}
