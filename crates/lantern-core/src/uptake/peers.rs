//! Where a practice stands among its peers: its percentile rank among all practices in England and
//! among the practices of its ICB, for one month and one rate.

use super::measures::{tabulate, Level, UptakeRates};
use super::placed::placed_unit;
use super::{PracticeMonth, PracticePlace, Service};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A rate practices (or units) are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Share of registered patients enabled for at least one online service (the headline).
    Enabled,
    /// All online transactions per 1,000 registered patients.
    UsePer1000,
    /// Share of registered patients enabled for one service.
    ServiceEnabled(Service),
    /// One service's transactions per 1,000 registered patients.
    ServiceUsesPer1000(Service),
}

impl Measure {
    pub const ALL: [Measure; 8] = [
        Measure::Enabled,
        Measure::UsePer1000,
        Measure::ServiceEnabled(Service::Appointments),
        Measure::ServiceEnabled(Service::Prescriptions),
        Measure::ServiceEnabled(Service::Record),
        Measure::ServiceUsesPer1000(Service::Appointments),
        Measure::ServiceUsesPer1000(Service::Prescriptions),
        Measure::ServiceUsesPer1000(Service::Record),
    ];

    /// The rate's value: a share in percent (capped at 100, as shown) or a rate per 1,000.
    pub fn of(self, rates: &UptakeRates) -> Option<f64> {
        match self {
            Measure::Enabled => rates.enabled.map(|s| s.percent),
            Measure::UsePer1000 => rates.use_per_1000,
            Measure::ServiceEnabled(s) => rates.service(s).enabled.map(|s| s.percent),
            Measure::ServiceUsesPer1000(s) => rates.service(s).uses_per_1000,
        }
    }

    /// A share (differences are percentage points) rather than a rate per 1,000.
    pub fn is_share(self) -> bool {
        matches!(self, Measure::Enabled | Measure::ServiceEnabled(_))
    }

    /// `enabled`, `use_per_1000`, `<service>_enabled` or `<service>_use_per_1000`.
    pub fn code(self) -> String {
        match self {
            Measure::Enabled => "enabled".to_owned(),
            Measure::UsePer1000 => "use_per_1000".to_owned(),
            Measure::ServiceEnabled(s) => format!("{}_enabled", s.code()),
            Measure::ServiceUsesPer1000(s) => format!("{}_use_per_1000", s.code()),
        }
    }

    /// The measure with this [`Measure::code`].
    pub fn parse(code: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

/// A value's standing in a group of peers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentile {
    /// `100 × (below + tied / 2) / peers`, so always in (0, 100): see [`percentile_rank`].
    pub percentile: f64,
    /// Practices in the group with a value, this one included.
    pub peers: usize,
    /// Peers with a strictly lower value.
    pub below: usize,
    /// Peers with exactly the same value, this one included.
    pub tied: usize,
}

/// Percentile rank of `value` in `sorted` (ascending, and holding `value` itself): the share of peers
/// with a strictly lower value plus half the share with an equal value, × 100. The mid-rank rule keeps
/// the definition symmetric: a practice alone, or tied with every peer, sits at 50, and reversing the
/// order of all values turns p into 100 − p. None when `sorted` is empty.
pub fn percentile_rank(value: f64, sorted: &[f64]) -> Option<Percentile> {
    if sorted.is_empty() {
        return None;
    }
    let below = sorted.partition_point(|v| *v < value);
    let tied = sorted.partition_point(|v| *v <= value) - below;
    let percentile = 100.0 * (below as f64 + tied as f64 / 2.0) / sorted.len() as f64;
    Some(Percentile { percentile, peers: sorted.len(), below, tied })
}

/// One practice's standing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerRank {
    pub practice: String,
    /// From the file's ICB column, else the practice map; None when neither says.
    pub icb: Option<String>,
    pub value: f64,
    pub england: Percentile,
    /// Among the practices of the same ICB; None when the ICB is not known.
    pub within_icb: Option<Percentile>,
}

/// Every practice's standing on one measure in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerRanks {
    pub period: String,
    pub measure: Measure,
    /// By practice code.
    pub ranks: Vec<PeerRank>,
    /// Practices in the month with no value for the measure (no list size, or a blank count): left
    /// out of every group, so they neither pull peers down nor get a rank.
    pub without_rate: Vec<String>,
}

impl PeerRanks {
    /// The standing of one practice (exact code), None when it had no value that month.
    pub fn get(&self, practice: &str) -> Option<&PeerRank> {
        self.ranks
            .binary_search_by(|r| r.practice.as_str().cmp(practice))
            .ok()
            .and_then(|at| self.ranks.get(at))
    }
}

/// Ranks every practice in `period` on `measure` among all practices with a value and among those of
/// its own ICB, by [`percentile_rank`]. A practice's value is worked out from its own counts (summed,
/// should a month hold it twice).
pub fn peer_ranks(
    rows: &[PracticeMonth],
    period: &str,
    measure: Measure,
    places: &HashMap<String, PracticePlace>,
) -> PeerRanks {
    let month: Vec<PracticeMonth> = rows.iter().filter(|r| r.period == period).cloned().collect();
    let mut icbs: HashMap<&str, &str> = HashMap::new();
    for row in &month {
        if let Some(icb) = placed_unit(Level::Icb, row, places) {
            icbs.entry(row.practice.as_str()).or_insert(icb);
        }
    }
    let mut valued: Vec<(String, Option<String>, f64)> = Vec::new();
    let mut without_rate = Vec::new();
    for unit in tabulate(Level::Practice, &month, None) {
        match measure.of(&unit.rates) {
            Some(value) => {
                let icb = icbs.get(unit.code.as_str()).map(|i| (*i).to_owned());
                valued.push((unit.code, icb, value));
            }
            None => without_rate.push(unit.code),
        }
    }
    let mut england: Vec<f64> = valued.iter().map(|v| v.2).collect();
    england.sort_by(f64::total_cmp);
    let mut by_icb: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (_, icb, value) in &valued {
        if let Some(icb) = icb {
            by_icb.entry(icb.as_str()).or_default().push(*value);
        }
    }
    by_icb.values_mut().for_each(|v| v.sort_by(f64::total_cmp));
    let ranks = valued
        .iter()
        .filter_map(|(practice, icb, value)| {
            let within_icb =
                icb.as_deref().and_then(|i| by_icb.get(i)).and_then(|peers| percentile_rank(*value, peers));
            Some(PeerRank {
                practice: practice.clone(),
                icb: icb.clone(),
                value: *value,
                england: percentile_rank(*value, &england)?,
                within_icb,
            })
        })
        .collect();
    PeerRanks { period: period.to_owned(), measure, ranks, without_rate }
}

#[cfg(test)]
#[path = "peers_tests.rs"]
mod tests;
