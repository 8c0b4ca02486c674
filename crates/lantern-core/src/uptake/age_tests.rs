use super::*;
use crate::uptake::fixtures::close;
use crate::uptake::Sex;
use proptest::prelude::*;

fn band(practice: &str, sex: Sex, band_from: u8, patients: Option<i64>) -> AgeBandCount {
    AgeBandCount { period: "2025-12".into(), practice: practice.into(), sex, band_from, patients }
}

/// A: women 100 (0–4), 50 (60–64), 40 (65–69), 30 (75–79), 5 (95+); men 120 (0–4), 30 (70–74),
/// 25 (80–84). Registered 400; 65+ = 40 + 30 + 5 + 30 + 25 = 130 (32.5%); 75+ = 30 + 5 + 25 = 60 (15%).
/// B has a blank band among the young: no total or shares, but its 65+ and 75+ are still known.
/// C has a blank 80–84 band: nothing from 65 up is known.
#[test]
fn hand_worked_older_shares_and_blank_bands() {
    use Sex::{Female as F, Male as M};
    let rows = [
        band("A", F, 0, Some(100)),
        band("A", F, 60, Some(50)),
        band("A", F, 65, Some(40)),
        band("A", F, 75, Some(30)),
        band("A", F, 95, Some(5)),
        band("A", M, 0, Some(120)),
        band("A", M, 70, Some(30)),
        band("A", M, 80, Some(25)),
        band("B", F, 20, None),
        band("B", F, 0, Some(90)),
        band("B", M, 65, Some(10)),
        band("C", M, 80, None),
        band("C", M, 40, Some(200)),
    ];
    let profiles = age_profiles(&rows);
    assert_eq!(profiles.with_blanks, 2);
    let [a, b, c] = &profiles.practices[..] else { panic!("three practices") };
    assert_eq!(
        (a.registered, a.aged_65_plus, a.aged_75_plus, a.blank_bands),
        (Some(400), Some(130), Some(60), 0)
    );
    assert!(close(a.share_65_plus, 32.5) && close(a.share_75_plus, 15.0));
    assert_eq!((b.registered, b.aged_65_plus, b.aged_75_plus, b.blank_bands), (None, Some(10), Some(0), 1));
    assert_eq!((b.share_65_plus, b.share_75_plus), (None, None));
    assert_eq!((c.registered, c.aged_65_plus, c.aged_75_plus), (None, None, None));
}

#[test]
fn nobody_registered_means_no_share() {
    let profiles = age_profiles(&[band("A", Sex::Female, 0, Some(0))]);
    assert_eq!(profiles.practices[0].registered, Some(0));
    assert_eq!(profiles.practices[0].share_65_plus, None);
    assert_eq!(profiles.with_blanks, 0);
}

proptest! {
    /// Complete profiles total their bands, 75+ never exceeds 65+, and shares stay within 0–100.
    #[test]
    fn totals_and_shares_are_consistent(
        rows in prop::collection::vec((0u8..3, 0u8..20, prop::option::weighted(0.9, 0i64..500)), 1..80)
    ) {
        let bands: Vec<AgeBandCount> = rows
            .iter()
            .map(|(p, b, n)| {
                let sex = if b % 2 == 0 { Sex::Male } else { Sex::Female };
                band(&format!("P{p}"), sex, b * 5, *n)
            })
            .collect();
        let profiles = age_profiles(&bands);
        for p in &profiles.practices {
            let mine = bands.iter().filter(|b| b.practice == p.practice);
            let blanks = mine.clone().filter(|b| b.patients.is_none()).count() as u32;
            prop_assert_eq!(p.blank_bands, blanks);
            if blanks == 0 {
                prop_assert_eq!(p.registered, Some(mine.filter_map(|b| b.patients).sum::<i64>()));
            }
            if let (Some(a), Some(b)) = (p.aged_65_plus, p.aged_75_plus) {
                prop_assert!(b <= a);
            }
            for share in [p.share_65_plus, p.share_75_plus].into_iter().flatten() {
                prop_assert!((0.0..=100.0).contains(&share));
            }
        }
        let incomplete = profiles.practices.iter().filter(|p| p.registered.is_none()).count();
        prop_assert_eq!(profiles.with_blanks, incomplete as u64);
    }
}
