//! Inter-observer reliability: two observers shadowing the same person at the same time, compared
//! slice by slice in each dimension with Cohen's kappa and the proportion of time they agree.

use super::observed::Observed;
use super::slices::{align, SliceLength};
use super::template::Template;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Agreement between two raters over the same items.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Agreement {
    /// Items (slices) compared.
    pub items: usize,
    /// Observed agreement, p_o: the share of items both put in the same category. For slices of equal
    /// length this is the proportion of time in agreement.
    pub observed: f64,
    /// Agreement expected by chance from each rater's own category shares, p_e = Σ_k p_1k · p_2k.
    pub expected: f64,
    /// (p_o − p_e) / (1 − p_e). None when p_e = 1: both raters put every item in the one same category,
    /// so they agree perfectly but there was nothing to disagree about and kappa is 0/0.
    pub kappa: Option<f64>,
}

/// Cohen's kappa over paired ratings; None when there are no pairs.
pub fn cohen_kappa<T: Ord>(pairs: impl IntoIterator<Item = (T, T)>) -> Option<Agreement> {
    let mut first: BTreeMap<T, usize> = BTreeMap::new();
    let mut second: BTreeMap<T, usize> = BTreeMap::new();
    let (mut items, mut agreed) = (0usize, 0usize);
    for (a, b) in pairs {
        items += 1;
        if a == b {
            agreed += 1;
        }
        *first.entry(a).or_default() += 1;
        *second.entry(b).or_default() += 1;
    }
    if items == 0 {
        return None;
    }
    let n = items as f64;
    let observed = agreed as f64 / n;
    let expected: f64 = first
        .iter()
        .filter_map(|(category, &count)| second.get(category).map(|&other| count as f64 * other as f64))
        .sum::<f64>()
        / (n * n);
    // p_e is a sum of products of counts over n², so when it is 1 it is 1 to within rounding.
    let kappa = (1.0 - expected > 1e-12).then(|| ((observed - expected) / (1.0 - expected)).min(1.0));
    Some(Agreement { items, observed, expected, kappa })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionAgreement {
    pub dimension: String,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    pub staff: Uuid,
    pub observers: [Uuid; 2],
    pub slice_seconds: u32,
    /// Slices both observers were watching.
    pub slices: usize,
    pub dimensions: Vec<DimensionAgreement>,
    /// Share of slices on which the observers agree in every dimension at once.
    pub all_dimensions: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReliabilityError {
    #[error("the two sessions shadow different staff, so they are not a reliability pair")]
    DifferentStaff,
    #[error("both sessions are by the same observer, so they are not a reliability pair")]
    SameObserver,
    #[error("session {session} was coded with template version {found}, not {expected}")]
    TemplateVersion { session: Uuid, expected: u32, found: u32 },
    #[error("the two sessions were never observing at the same time")]
    NoOverlap,
}

/// Compares a reliability pair on the slice grid of their common time (see [`super::slices`]).
pub fn reliability(
    first: &Observed,
    second: &Observed,
    template: &Template,
    length: SliceLength,
) -> Result<Reliability, ReliabilityError> {
    if first.info().staff != second.info().staff {
        return Err(ReliabilityError::DifferentStaff);
    }
    if first.info().observer == second.info().observer {
        return Err(ReliabilityError::SameObserver);
    }
    for session in [first, second] {
        if session.template_version() != template.version() {
            return Err(ReliabilityError::TemplateVersion {
                session: session.info().id,
                expected: template.version(),
                found: session.template_version(),
            });
        }
    }
    let aligned: Vec<_> = template
        .dimensions()
        .iter()
        .map(|d| (d.code.as_str(), align(first, second, &d.code, length)))
        .collect();
    let slices = aligned.first().map_or(0, |(_, pairs)| pairs.len());
    if slices == 0 {
        return Err(ReliabilityError::NoOverlap);
    }
    let dimensions = aligned
        .iter()
        .filter_map(|(code, pairs)| {
            let agreement = cohen_kappa(pairs.iter().map(|p| (p.first, p.second)))?;
            Some(DimensionAgreement { dimension: (*code).to_owned(), agreement })
        })
        .collect();
    // Every dimension is sliced on the same grid, so the i-th pair of each is the same slice.
    let all_agree =
        (0..slices).filter(|&i| aligned.iter().all(|(_, p)| p.get(i).is_some_and(|p| p.first == p.second)));
    Ok(Reliability {
        staff: first.info().staff,
        observers: [first.info().observer, second.info().observer],
        slice_seconds: length.as_seconds(),
        slices,
        dimensions,
        all_dimensions: all_agree.count() as f64 / slices as f64,
    })
}

#[cfg(test)]
#[path = "kappa_tests.rs"]
mod tests;
