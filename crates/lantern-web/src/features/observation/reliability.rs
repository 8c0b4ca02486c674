//! Reliability on the results page: for each pair of sessions marked as two observers shadowing the
//! same person, Cohen's kappa and agreement per dimension, as `/api/v1/reliability-pairs/{id}` gives.

use super::studies_page::{sentence, when, Person};
use crate::kit::numbers::{decimal, percent};
use jiff::Timestamp;
use lantern_core::observation::reliability;
use lantern_core::observation::slices::SliceLength;
use lantern_store::SessionTimeline;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) struct AgreementRow {
    pub label: String,
    pub slices: usize,
    pub observed: String,
    pub expected: String,
    pub kappa: String,
}

pub(super) struct PairView {
    pub name: String,
    /// Who was observed, when, by which two sessions.
    pub about: String,
    pub slices: usize,
    pub all_dimensions: String,
    pub rows: Vec<AgreementRow>,
    /// Why there is no comparison, when there is none.
    pub unavailable: Option<String>,
}

/// Every reliability pair among the study's sessions, numbered in the order their first session began.
pub(super) fn pairs(
    timelines: &[SessionTimeline],
    length: SliceLength,
    now: Timestamp,
    people: &HashMap<Uuid, Person>,
) -> Vec<PairView> {
    let mut order: Vec<Uuid> = Vec::new();
    for s in timelines {
        if let Some(p) = s.session.reliability_pair {
            if !order.contains(&p) {
                order.push(p);
            }
        }
    }
    order
        .iter()
        .enumerate()
        .filter_map(|(n, pair)| {
            let both: Vec<&SessionTimeline> =
                timelines.iter().filter(|s| s.session.reliability_pair == Some(*pair)).collect();
            let [a, b] = both.as_slice() else { return None };
            Some(view(format!("Pair {}", n + 1), a, b, length, now, people))
        })
        .collect()
}

fn view(
    name: String,
    a: &SessionTimeline,
    b: &SessionTimeline,
    length: SliceLength,
    now: Timestamp,
    people: &HashMap<Uuid, Person>,
) -> PairView {
    let template = a.timeline.template();
    let staff = people.get(&a.session.info.staff).map_or("someone no longer listed", |p| p.name.as_str());
    let about = format!(
        "{staff}, sessions started {} and {}",
        when(a.session.info.started_at),
        when(b.session.info.started_at)
    );
    match reliability(&a.timeline.observed(now), &b.timeline.observed(now), template, length) {
        Ok(r) => PairView {
            name,
            about,
            slices: r.slices,
            all_dimensions: percent(r.all_dimensions),
            rows: r
                .dimensions
                .iter()
                .map(|d| AgreementRow {
                    label: template
                        .dimension(&d.dimension)
                        .map_or_else(|| d.dimension.clone(), |x| x.label.clone()),
                    slices: d.agreement.items,
                    observed: percent(d.agreement.observed),
                    expected: percent(d.agreement.expected),
                    // No kappa when both observers put every slice in one category: nothing to disagree on.
                    kappa: d
                        .agreement
                        .kappa
                        .map_or_else(|| "Not defined (one category only)".into(), |k| decimal(k, 2)),
                })
                .collect(),
            unavailable: None,
        },
        Err(e) => PairView {
            name,
            about,
            slices: 0,
            all_dimensions: String::new(),
            rows: Vec::new(),
            unavailable: Some(sentence(&e.to_string())),
        },
    }
}
