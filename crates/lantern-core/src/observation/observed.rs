//! A session as the measures see it: a closed window of observation, its pauses, and tasks that all have
//! an end. Built from a [`Timeline`], for a finished session or one still running ("so far").

use super::event::SessionInfo;
use super::session::{Interruption, Span, Timeline};
use super::template::NO_TASK;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Instants as nanoseconds since the epoch: interval arithmetic on integers cannot overflow or fail
/// the way adding durations to timestamps can.
pub(super) type Nanos = i128;

pub(super) const NANOS_PER_SECOND: f64 = 1e9;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservedTask {
    pub id: Uuid,
    pub span: Span,
    pub values: BTreeMap<String, String>,
    /// Closed at the end of the observed window rather than by the observer.
    pub closed_at_end: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observed {
    info: SessionInfo,
    template_version: u32,
    window: Span,
    pauses: Vec<Span>,
    tasks: Vec<ObservedTask>,
    interruptions: Vec<Interruption>,
}

impl Timeline {
    /// The session closed at its end, or at `now` (or its last event, if later) while it is still
    /// running: a pause still running ends there, and so do tasks still running, flagged.
    pub fn observed(&self, now: Timestamp) -> Observed {
        let end = self.ended_at().unwrap_or_else(|| now.max(self.last_event_at()));
        let mut pauses = self.pauses().to_vec();
        if let Some(start) = self.paused_since() {
            pauses.push(Span { start, end });
        }
        let tasks = self
            .tasks()
            .iter()
            .map(|t| ObservedTask {
                id: t.id,
                span: Span { start: t.started_at, end: t.ended_at.unwrap_or(end) },
                values: t.values.clone(),
                closed_at_end: t.closed_at_session_end || t.ended_at.is_none(),
            })
            .collect();
        Observed {
            info: self.info().clone(),
            template_version: self.template().version(),
            window: Span { start: self.info().started_at, end },
            pauses,
            tasks,
            interruptions: self.interruptions().to_vec(),
        }
    }
}

impl Observed {
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    pub fn template_version(&self) -> u32 {
        self.template_version
    }

    /// From the session's start to its end, pauses included.
    pub fn window(&self) -> Span {
        self.window
    }

    pub fn pauses(&self) -> &[Span] {
        &self.pauses
    }

    /// In the order they started (ties by id).
    pub fn tasks(&self) -> &[ObservedTask] {
        &self.tasks
    }

    pub fn interruptions(&self) -> &[Interruption] {
        &self.interruptions
    }

    /// Whether the observer was watching at `t`: inside the window and not paused.
    pub fn is_observing(&self, t: Timestamp) -> bool {
        self.observing_at(t.as_nanosecond())
    }

    /// The category a slice sampled at `t` gets in `dimension`: that of the most recently started task
    /// still running, or [`NO_TASK`]. Someone who turns to a new task while another waits is working on
    /// the new one; the waiting task still counts in multitasking time.
    pub fn label_at(&self, dimension: &str, t: Timestamp) -> &str {
        self.label_at_nanos(dimension, t.as_nanosecond())
    }

    /// Seconds observed: the window less its pauses.
    pub fn observed_seconds(&self) -> f64 {
        seconds(self.stretches().iter().map(|&(a, b)| b - a).sum())
    }

    /// Seconds of the task that were observed, its paused part left out.
    pub fn task_seconds(&self, task: &ObservedTask) -> f64 {
        let (start, end) = nanos(task.span);
        seconds(self.stretches().iter().map(|&(a, b)| (end.min(b) - start.max(a)).max(0)).sum())
    }

    /// Seconds observed with two or more tasks running at once.
    pub fn multitasking_seconds(&self) -> f64 {
        let mut cuts: Vec<Nanos> =
            self.tasks.iter().flat_map(|t| [nanos(t.span).0, nanos(t.span).1]).collect();
        cuts.extend(self.stretches().iter().flat_map(|&(a, b)| [a, b]));
        cuts.sort_unstable();
        cuts.dedup();
        // Between consecutive cuts nothing starts or stops, so a piece is wholly observed or not, and each
        // task covers all of it or none.
        let total = cuts
            .windows(2)
            .filter_map(|w| match *w {
                [a, b] if self.observing_at(a) => {
                    let running = self.tasks.iter().filter(|t| nanos(t.span).0 <= a && nanos(t.span).1 >= b);
                    (running.count() >= 2).then_some(b - a)
                }
                _ => None,
            })
            .sum();
        seconds(total)
    }

    /// The observed stretches as nanosecond ranges, in order: the window with the pauses cut out.
    pub(super) fn stretches(&self) -> Vec<(Nanos, Nanos)> {
        let (start, end) = nanos(self.window);
        let mut pauses: Vec<(Nanos, Nanos)> =
            self.pauses.iter().map(|&p| nanos(p)).map(|(a, b)| (a.max(start), b.min(end))).collect();
        pauses.sort_unstable();
        let mut out = Vec::new();
        let mut from = start;
        for (a, b) in pauses.into_iter().filter(|(a, b)| a < b) {
            if a > from {
                out.push((from, a));
            }
            from = from.max(b);
        }
        if end > from {
            out.push((from, end));
        }
        out
    }

    pub(super) fn observing_at(&self, t: Nanos) -> bool {
        let (start, end) = nanos(self.window);
        (start..end).contains(&t) && !self.pauses.iter().any(|&p| (nanos(p).0..nanos(p).1).contains(&t))
    }

    pub(super) fn label_at_nanos(&self, dimension: &str, t: Nanos) -> &str {
        self.tasks
            .iter()
            .rev()
            .find(|task| (nanos(task.span).0..nanos(task.span).1).contains(&t))
            // Values were checked against the template on arrival, so every task has every dimension.
            .map_or(NO_TASK, |task| task.values.get(dimension).map_or(NO_TASK, String::as_str))
    }
}

pub(super) fn nanos(span: Span) -> (Nanos, Nanos) {
    (span.start.as_nanosecond(), span.end.as_nanosecond())
}

pub(super) fn seconds(nanos: Nanos) -> f64 {
    nanos as f64 / NANOS_PER_SECOND
}
