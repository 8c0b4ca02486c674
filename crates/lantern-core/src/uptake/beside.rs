//! A practice's hidden work set beside its uptake for the same period: the help staff give to get
//! patients online next to how many are online. The hidden-work side is shown outside the practice, so
//! its small counts are suppressed (DOMAIN.md: counts 1 to 7 shown as "<8", and what derives from them).

use super::measures::{per_1000, UnitUptake};
use crate::measures::{suppress, Suppressed, NOT_RECORDED, SUPPRESSION_RULE};
use crate::taxonomy::{Vocabulary, AGE_BANDS, BARRIERS};
use serde::Serialize;
use std::collections::BTreeMap;

/// Episode counts for one practice and period, as the store's rollups give them (barrier and age band
/// keys are taxonomy codes; an episode with several barriers counts under each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HiddenCounts {
    pub episodes: i64,
    pub by_barrier: BTreeMap<String, i64>,
    /// Including [`NOT_RECORDED`] for episodes with no age band.
    pub by_age_band: BTreeMap<String, i64>,
}

/// Episodes under one barrier or age band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BesideRow {
    pub key: String,
    pub label: String,
    pub episodes: Suppressed<i64>,
    /// Per 1,000 registered patients; None with no list size, "<8" when its count is.
    pub per_1000: Option<Suppressed<f64>>,
}

/// Hidden work and uptake of one practice over one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Beside {
    pub practice: String,
    /// The period both sides were matched on, as the caller names it.
    pub period: String,
    /// Registered patients the per-1,000 figures are worked out on.
    pub list_size: i64,
    pub episodes: Suppressed<i64>,
    pub episodes_per_1000: Option<Suppressed<f64>>,
    /// Every barrier in the taxonomy, in its order, then any other key met.
    pub by_barrier: Vec<BesideRow>,
    /// Every age band in the taxonomy, then "not recorded", then any other key met.
    pub by_age_band: Vec<BesideRow>,
    /// The practice's POMI uptake for the period, when held.
    pub uptake: Option<UnitUptake>,
    pub suppression_rule: &'static str,
}

/// Puts `work` beside `uptake`: episodes per 1,000 registered patients = episodes × 1,000 / `list_size`,
/// overall, by barrier and by patient age band. Each count from 1 to 7, and the rate worked out from it,
/// is shown as "<8"; zero is shown as 0. Rows are listed even with no episodes, so a barrier nobody met
/// reads as 0 rather than being missing.
pub fn beside(
    practice: &str,
    period: &str,
    list_size: i64,
    work: &HiddenCounts,
    uptake: Option<&UnitUptake>,
) -> Beside {
    let rate = |count: i64| per_1000(count, list_size).map(|r| suppress(count, r));
    let rows = |vocabulary: Vocabulary, extra: &[(&str, &str)], counts: &BTreeMap<String, i64>| {
        let mut keys: Vec<(String, String)> = vocabulary
            .terms
            .iter()
            .map(|t| (t.code.to_owned(), t.label.to_owned()))
            .chain(extra.iter().map(|(code, label)| ((*code).to_owned(), (*label).to_owned())))
            .collect();
        for key in counts.keys() {
            if !keys.iter().any(|(k, _)| k == key) {
                keys.push((key.clone(), key.clone()));
            }
        }
        keys.into_iter()
            .map(|(key, label)| {
                let count = counts.get(&key).copied().unwrap_or(0);
                BesideRow { key, label, episodes: suppress(count, count), per_1000: rate(count) }
            })
            .collect()
    };
    Beside {
        practice: practice.to_owned(),
        period: period.to_owned(),
        list_size,
        episodes: suppress(work.episodes, work.episodes),
        episodes_per_1000: rate(work.episodes),
        by_barrier: rows(BARRIERS, &[], &work.by_barrier),
        by_age_band: rows(AGE_BANDS, &[(NOT_RECORDED, "Not recorded")], &work.by_age_band),
        uptake: uptake.cloned(),
        suppression_rule: SUPPRESSION_RULE,
    }
}

#[cfg(test)]
#[path = "beside_tests.rs"]
mod tests;
