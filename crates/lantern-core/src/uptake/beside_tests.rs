use super::*;
use crate::uptake::fixtures::month;
use crate::uptake::{tabulate, Level};
use proptest::prelude::*;

fn counts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn row<'a>(rows: &'a [BesideRow], key: &str) -> &'a BesideRow {
    rows.iter().find(|r| r.key == key).expect("row listed")
}

/// 8,000 registered patients, 120 episodes: 15 per 1,000. No device 40 (5 per 1,000); language 3, so
/// "<8" for the count and its rate; 75+ 60 (7.5); age not recorded 10 (1.25); 65–74 none, shown as 0.
#[test]
fn hand_worked_rates_per_1000_with_small_counts_hidden() {
    let work = HiddenCounts {
        episodes: 120,
        by_barrier: counts(&[("no_device", 40), ("language", 3), ("something_new", 9)]),
        by_age_band: counts(&[("75+", 60), (NOT_RECORDED, 10)]),
    };
    let uptake = tabulate(Level::Practice, &[month("A", "2018-04", Some(8_000), Some(2_000), None)], None);
    let b = beside("A", "2018-04", 8_000, &work, uptake.first());
    assert_eq!(b.episodes, Suppressed::Shown(120));
    assert_eq!(b.episodes_per_1000, Some(Suppressed::Shown(15.0)));

    let device = row(&b.by_barrier, "no_device");
    assert_eq!((device.label.as_str(), device.per_1000), ("No device", Some(Suppressed::Shown(5.0))));
    let language = row(&b.by_barrier, "language");
    assert_eq!(
        (language.episodes.text(), language.per_1000.map(|r| r.text())),
        ("<8".into(), Some("<8".into()))
    );
    assert_eq!(b.by_barrier.len(), BARRIERS.terms.len() + 1, "every barrier, then the unknown key");
    assert_eq!(b.by_barrier.last().map(|r| r.key.as_str()), Some("something_new"));

    assert_eq!(row(&b.by_age_band, "75+").per_1000, Some(Suppressed::Shown(7.5)));
    assert_eq!(row(&b.by_age_band, NOT_RECORDED).per_1000, Some(Suppressed::Shown(1.25)));
    let none = row(&b.by_age_band, "65-74");
    assert_eq!((none.episodes.text(), none.per_1000), ("0".into(), Some(Suppressed::Shown(0.0))));
    assert_eq!(b.by_age_band.len(), AGE_BANDS.terms.len() + 1);

    let enabled = b.uptake.and_then(|u| u.rates.enabled).map(|s| s.percent);
    assert_eq!(enabled, Some(25.0));
    assert_eq!(b.suppression_rule, SUPPRESSION_RULE);
}

#[test]
fn no_list_size_means_no_rate_and_json_shows_the_mask() {
    let work = HiddenCounts { episodes: 5, ..HiddenCounts::default() };
    let b = beside("A", "2018-04", 0, &work, None);
    assert_eq!(b.episodes_per_1000, None);
    let json = serde_json::to_value(&b).expect("json");
    assert_eq!(json["episodes"], "<8");
    assert_eq!(json["uptake"], serde_json::Value::Null);
}

proptest! {
    /// Counts 1–7 and their rates are never shown; every other count is shown as it is.
    #[test]
    fn small_counts_and_their_rates_never_show(episodes in 0i64..40, list in 1i64..20_000) {
        let by_barrier = counts(&[("no_data", episodes)]);
        let work = HiddenCounts { episodes, by_barrier, ..Default::default() };
        let b = beside("A", "2018-04", list, &work, None);
        let hidden = (1..=7).contains(&episodes);
        prop_assert_eq!(b.episodes.text() == "<8", hidden);
        prop_assert_eq!(b.episodes_per_1000.map(|r| r.text() == "<8"), Some(hidden));
        let data = row(&b.by_barrier, "no_data");
        let expected = if hidden { Suppressed::Hidden("<8") } else { Suppressed::Shown(episodes) };
        prop_assert_eq!(data.episodes, expected);
    }
}
