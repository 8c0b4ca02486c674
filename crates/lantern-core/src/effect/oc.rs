//! The effect estimator's panel from online consultation submissions (NHS England, "Submissions via
//! Online Consultation Systems in General Practice", monthly from April 2023), and the peers it is
//! compared with.
//!
//! The measure is submissions per 1,000 registered patients, each month from the practice's own
//! published submissions and registered count (a month with either blank, below zero, or no registered
//! patients is left out: missing is not zero). The list size is the latest month's registered count.
//!
//! **Peers** ([`match_peers`]): practices in the same ICB (by the practice map) with a list between half
//! and twice the practice's, in the same deprivation quintile and with the same online consultation
//! supplier where both are known, that have no support offer registered in Lantern; the
//! [`MAX_PEERS`] nearest in list size (by the ratio of list sizes), ties by code. A practice with no
//! ICB in the map has no peers.

use super::{Month, Series};
use crate::uptake::OcMonth;
use serde::Serialize;
use std::collections::BTreeSet;

/// First months published under a changed method: April 2024, when the collection changed how
/// submissions were counted (DOMAIN.md).
pub const OC_METHOD_CHANGES: [(i32, u8); 1] = [(2024, 4)];
/// Peers kept, nearest list size first.
pub const MAX_PEERS: usize = 30;
/// What the measure is, for people.
pub const OC_MEASURE: &str = "online consultation submissions per 1,000 registered patients";

pub fn oc_method_changes() -> Vec<Month> {
    OC_METHOD_CHANGES.iter().filter_map(|&(year, month)| Month::new(year, month)).collect()
}

/// Submissions per 1,000 registered patients, one value a month, from one practice's months.
pub fn oc_series(practice: &str, months: &[OcMonth]) -> Series {
    Series::new(
        practice,
        months.iter().filter(|m| m.practice == practice).filter_map(|m| {
            let month = Month::parse(&m.period)?;
            let submissions = m.total_submissions.filter(|n| *n >= 0)?;
            let registered = m.patients_registered.filter(|n| *n > 0)?;
            Some((month, submissions as f64 * 1_000.0 / registered as f64))
        }),
    )
}

/// The registered count of the latest month that gives one.
pub fn latest_list_size(practice: &str, months: &[OcMonth]) -> Option<i64> {
    months
        .iter()
        .filter(|m| m.practice == practice)
        .filter_map(|m| Some((Month::parse(&m.period)?, m.patients_registered.filter(|n| *n > 0)?)))
        .max_by_key(|(month, _)| *month)
        .map(|(_, registered)| registered)
}

/// What peers are matched on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PeerCandidate {
    pub practice: String,
    pub icb: Option<String>,
    pub list_size: Option<i64>,
    /// IMD quintile, 1 (least deprived) to 5.
    pub quintile: Option<u8>,
    /// The online consultation supplier as published.
    pub supplier: Option<String>,
}

fn known_supplier(supplier: &Option<String>) -> Option<String> {
    supplier
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty() && s != "none/unknown" && s != "unknown")
}

/// The practices `target` is compared with (see the module's documentation), nearest list size first.
pub fn match_peers(
    target: &PeerCandidate,
    candidates: &[PeerCandidate],
    with_offers: &BTreeSet<String>,
) -> Vec<String> {
    let (Some(icb), Some(list)) = (&target.icb, target.list_size.filter(|n| *n > 0)) else {
        return Vec::new();
    };
    let supplier = known_supplier(&target.supplier);
    let mut matched: Vec<(f64, &str)> = candidates
        .iter()
        .filter(|c| c.practice != target.practice && !with_offers.contains(&c.practice))
        .filter(|c| c.icb.as_ref() == Some(icb))
        .filter(|c| match (target.quintile, c.quintile) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
        .filter(|c| match (&supplier, known_supplier(&c.supplier)) {
            (Some(a), Some(b)) => *a == b,
            _ => true,
        })
        .filter_map(|c| {
            let ratio = c.list_size.filter(|n| *n > 0)? as f64 / list as f64;
            (0.5..=2.0).contains(&ratio).then(|| (ratio.ln().abs(), c.practice.as_str()))
        })
        .collect();
    matched.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    matched.into_iter().take(MAX_PEERS).map(|(_, p)| p.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oc(practice: &str, period: &str, total: Option<i64>, registered: Option<i64>) -> OcMonth {
        OcMonth {
            period: period.into(),
            practice: practice.into(),
            total_submissions: total,
            patients_registered: registered,
            ..OcMonth::default()
        }
    }

    #[test]
    fn the_series_is_submissions_per_1000_and_leaves_blank_months_out() {
        let months = [
            oc("A81001", "2024-05", Some(450), Some(9_000)),
            oc("A81001", "2024-06", None, Some(9_000)),
            oc("A81001", "2024-07", Some(500), Some(0)),
            oc("A81001", "2024-08", Some(-3), Some(9_000)),
            oc("A81001", "2024-09", Some(90), Some(9_100)),
            oc("B82002", "2024-05", Some(1), Some(1_000)),
        ];
        let series = oc_series("A81001", &months);
        let values: Vec<(String, f64)> = series.values.iter().map(|(m, v)| (m.to_string(), *v)).collect();
        // 450 × 1,000 / 9,000 = 50; 90 × 1,000 / 9,100 = 9.89.
        assert_eq!(values.len(), 2);
        assert_eq!(values[0], ("2024-05".to_owned(), 50.0));
        assert!((values[1].1 - 9.890_109).abs() < 1e-6 && values[1].0 == "2024-09");
        assert_eq!(latest_list_size("A81001", &months), Some(9_100));
        assert_eq!(latest_list_size("C83003", &months), None);
        assert_eq!(oc_method_changes(), [Month::parse("2024-04").expect("month")]);
    }

    fn candidate(
        practice: &str,
        icb: &str,
        list: i64,
        quintile: Option<u8>,
        supplier: &str,
    ) -> PeerCandidate {
        PeerCandidate {
            practice: practice.into(),
            icb: Some(icb.into()),
            list_size: Some(list),
            quintile,
            supplier: Some(supplier.into()),
        }
    }

    #[test]
    fn peers_share_the_icb_quintile_and_supplier_and_have_a_similar_list() {
        let target = candidate("A00001", "QHM", 8_000, Some(3), "Accurx");
        let candidates = [
            target.clone(),
            candidate("A00002", "QHM", 8_500, Some(3), "accurx"), // ratio 1.06
            candidate("A00003", "QHM", 6_000, None, "None/Unknown"), // ratio 0.75: unknowns do not exclude
            candidate("A00004", "QHM", 3_900, Some(3), "Accurx"), // ratio 0.49: too small
            candidate("A00005", "QHM", 16_000, Some(3), "Accurx"), // ratio 2: kept (inclusive)
            candidate("A00006", "QHM", 8_000, Some(4), "Accurx"), // another quintile
            candidate("A00007", "QHM", 8_000, Some(3), "eConsult"), // another supplier
            candidate("A00008", "QWE", 8_000, Some(3), "Accurx"), // another ICB
            candidate("A00009", "QHM", 8_100, Some(3), "Accurx"), // has an offer of its own
        ];
        let with_offers: BTreeSet<String> = ["A00009".to_owned()].into();
        assert_eq!(match_peers(&target, &candidates, &with_offers), ["A00002", "A00003", "A00005"]);
        let unplaced = PeerCandidate { icb: None, ..target };
        assert!(match_peers(&unplaced, &candidates, &with_offers).is_empty());
    }

    #[test]
    fn at_most_the_nearest_thirty_peers_are_kept() {
        let target = candidate("A00000", "QHM", 10_000, None, "Accurx");
        let candidates: Vec<PeerCandidate> = (1..=40)
            .map(|i| candidate(&format!("B{i:05}"), "QHM", 10_000 + 100 * i, None, "Accurx"))
            .collect();
        let peers = match_peers(&target, &candidates, &BTreeSet::new());
        assert_eq!(peers.len(), MAX_PEERS);
        assert_eq!((peers[0].as_str(), peers[29].as_str()), ("B00001", "B00030"));
    }
}
