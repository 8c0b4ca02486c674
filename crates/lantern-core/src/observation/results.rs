//! What a study's sessions add up to: shares of observed time by category with confidence intervals,
//! task and interruption rates, task length and time spent multitasking. Paused time is left out of
//! everything: the observer was not watching.

use super::ci::{effective_slices, wilson, Interval, Transitions};
use super::observed::Observed;
use super::slices::{slice, Slice, SliceLength};
use super::template::{Dimension, Template, NO_TASK};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const MULTITASK_RULE: &str = "Several tasks may run at once. For shares of time (and for reliability) a \
slice belongs to the most recently started task still running; time multitasking is measured exactly, as \
observed time with two or more tasks running, and every task counts in the task rate and mean duration.";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryShare {
    /// A category code, or [`NO_TASK`].
    pub category: String,
    pub label: String,
    pub slices: usize,
    pub proportion: f64,
    /// 95% interval; see [`super::ci::CI_METHOD`]. None when there are no slices.
    pub interval: Option<Interval>,
    /// The number of slices the interval treats as independent.
    pub effective_slices: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionShares {
    pub dimension: String,
    pub label: String,
    /// The template's categories in order, then "no task". Proportions add up to 1.
    pub shares: Vec<CategoryShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub sessions: usize,
    pub slice_seconds: u32,
    /// Observed time, pauses left out.
    pub observed_seconds: f64,
    pub slices: usize,
    pub dimensions: Vec<DimensionShares>,
    pub tasks: usize,
    /// Tasks the observer did not end, closed at the end of the session; their durations are lower bounds.
    pub tasks_closed_at_end: usize,
    pub tasks_per_hour: Option<f64>,
    pub mean_task_seconds: Option<f64>,
    pub interruptions: usize,
    pub interruptions_by_source: BTreeMap<String, usize>,
    pub interruptions_per_hour: Option<f64>,
    pub multitasking_seconds: f64,
    /// Share of observed time with two or more tasks running.
    pub multitasking_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultsError {
    #[error("session {session} was coded with template version {found}, not {expected}")]
    TemplateVersion { session: Uuid, expected: u32, found: u32 },
}

/// Summarises sessions coded against the same template version; sessions coded against another are
/// refused rather than mixed, because their categories do not line up.
pub fn summarise(
    sessions: &[Observed],
    template: &Template,
    length: SliceLength,
) -> Result<Summary, ResultsError> {
    check_versions(sessions, template)?;
    let observed_seconds: f64 = sessions.iter().map(Observed::observed_seconds).sum();
    let per_hour = |count: usize| (observed_seconds > 0.0).then(|| count as f64 * 3600.0 / observed_seconds);
    let tasks: Vec<f64> =
        sessions.iter().flat_map(|s| s.tasks().iter().map(move |task| s.task_seconds(task))).collect();
    let mut interruptions_by_source = BTreeMap::new();
    for interruption in sessions.iter().flat_map(Observed::interruptions) {
        *interruptions_by_source.entry(interruption.source.clone()).or_insert(0) += 1;
    }
    let interruptions = interruptions_by_source.values().sum();
    let multitasking_seconds: f64 = sessions.iter().map(Observed::multitasking_seconds).sum();
    let dimensions: Vec<DimensionShares> =
        template.dimensions().iter().map(|d| dimension_shares(sessions, d, length)).collect();
    Ok(Summary {
        sessions: sessions.len(),
        slice_seconds: length.as_seconds(),
        observed_seconds,
        slices: dimensions.first().map_or(0, |d| d.shares.iter().map(|s| s.slices).sum()),
        dimensions,
        tasks: tasks.len(),
        tasks_closed_at_end: sessions.iter().flat_map(Observed::tasks).filter(|t| t.closed_at_end).count(),
        tasks_per_hour: per_hour(tasks.len()),
        mean_task_seconds: (!tasks.is_empty()).then(|| tasks.iter().sum::<f64>() / tasks.len() as f64),
        interruptions,
        interruptions_by_source,
        interruptions_per_hour: per_hour(interruptions),
        multitasking_seconds,
        multitasking_share: (observed_seconds > 0.0).then(|| multitasking_seconds / observed_seconds),
    })
}

pub(super) fn check_versions(sessions: &[Observed], template: &Template) -> Result<(), ResultsError> {
    match sessions.iter().find(|s| s.template_version() != template.version()) {
        Some(s) => Err(ResultsError::TemplateVersion {
            session: s.info().id,
            expected: template.version(),
            found: s.template_version(),
        }),
        None => Ok(()),
    }
}

fn dimension_shares(sessions: &[Observed], dimension: &Dimension, length: SliceLength) -> DimensionShares {
    let sliced: Vec<Vec<Slice<'_>>> = sessions.iter().map(|s| slice(s, &dimension.code, length)).collect();
    let total: usize = sliced.iter().map(Vec::len).sum();
    let adjacent = || {
        sliced.iter().flat_map(|slices| {
            slices.windows(2).filter_map(|w| match w {
                [a, b] if b.index == a.index + 1 => Some((a.label, b.label)),
                _ => None,
            })
        })
    };
    // A run ends at a change of category or a gap (pause, or the next session).
    let runs = total - adjacent().filter(|(a, b)| a == b).count();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in sliced.iter().flatten() {
        *counts.entry(s.label).or_default() += 1;
    }
    let categories = dimension
        .categories
        .iter()
        .map(|c| (c.code.as_str(), c.label.as_str()))
        .chain([(NO_TASK, "No task")]);
    let shares = categories
        .map(|(code, label)| {
            let count = counts.get(code).copied().unwrap_or(0);
            let mut transitions = Transitions::default();
            for (a, b) in adjacent() {
                transitions.add(a == code, b == code);
            }
            let effective = effective_slices(total, &transitions, runs);
            let proportion = if total == 0 { 0.0 } else { count as f64 / total as f64 };
            CategoryShare {
                category: code.to_owned(),
                label: label.to_owned(),
                slices: count,
                proportion,
                interval: wilson(proportion, effective),
                effective_slices: effective,
            }
        })
        .collect();
    DimensionShares { dimension: dimension.code.clone(), label: dimension.label.clone(), shares }
}

#[cfg(test)]
#[path = "results_tests.rs"]
mod tests;
