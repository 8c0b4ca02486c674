//! Time slicing: cutting observed time into equal slices and giving each slice one category per
//! dimension, so two observers can be compared slice by slice and shares of time counted.
//!
//! The rule ([`SLICE_RULE`]): slices of the stated length are laid end to end from the start of the
//! window (for a reliability pair, from the later of the two starts); each is sampled at its midpoint,
//! and kept only if the observer (both observers, for a pair) was watching then, not paused and not
//! yet finished. At the sample instant the slice takes the category of the most recently started
//! task still running, or "no task".

use super::observed::{Nanos, Observed};
use serde::Serialize;

pub const SLICE_RULE: &str = "Observed time is cut into equal slices from the start of the session (for a \
reliability pair, from the later start). Each slice is sampled at its midpoint and kept only if observation \
was running then (not paused, not ended). A slice takes, in each dimension, the category of the most \
recently started task still running at that instant, or \"no task\" if none was running.";

pub const DEFAULT_SLICE_SECONDS: u32 = 10;
pub const MAX_SLICE_SECONDS: u32 = 600;

/// The length of a slice, whole seconds from 1 to [`MAX_SLICE_SECONDS`]: shorter than the clock the
/// capture page keeps would be false precision, longer would swallow most tasks whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SliceLength(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a slice must be 1 to {MAX_SLICE_SECONDS} seconds long, not {0}")]
pub struct SliceLengthError(pub u32);

impl SliceLength {
    pub fn seconds(seconds: u32) -> Result<Self, SliceLengthError> {
        if (1..=MAX_SLICE_SECONDS).contains(&seconds) {
            Ok(Self(seconds))
        } else {
            Err(SliceLengthError(seconds))
        }
    }

    pub fn as_seconds(self) -> u32 {
        self.0
    }

    fn nanos(self) -> Nanos {
        Nanos::from(self.0) * 1_000_000_000
    }
}

impl Default for SliceLength {
    fn default() -> Self {
        Self(DEFAULT_SLICE_SECONDS)
    }
}

/// One kept slice. `index` counts slices from the grid's origin, so two slices are adjacent in time
/// exactly when their indices differ by one (a pause leaves a gap in the indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Slice<'a> {
    pub index: usize,
    pub label: &'a str,
}

/// A slice both observers of a pair were watching, with each one's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PairedSlice<'a> {
    pub index: usize,
    pub first: &'a str,
    pub second: &'a str,
}

/// One session's slices in `dimension`.
pub fn slice<'a>(observed: &'a Observed, dimension: &str, length: SliceLength) -> Vec<Slice<'a>> {
    let window = observed.window();
    sample_instants(window.start.as_nanosecond(), window.end.as_nanosecond(), length)
        .filter(|&(_, t)| observed.observing_at(t))
        .map(|(index, t)| Slice { index, label: observed.label_at_nanos(dimension, t) })
        .collect()
}

/// Two sessions' slices in `dimension` on a shared grid over the time both were observing. Empty if
/// they never overlap.
pub fn align<'a>(
    first: &'a Observed,
    second: &'a Observed,
    dimension: &str,
    length: SliceLength,
) -> Vec<PairedSlice<'a>> {
    let start = first.window().start.max(second.window().start).as_nanosecond();
    let end = first.window().end.min(second.window().end).as_nanosecond();
    sample_instants(start, end, length)
        .filter(|&(_, t)| first.observing_at(t) && second.observing_at(t))
        .map(|(index, t)| PairedSlice {
            index,
            first: first.label_at_nanos(dimension, t),
            second: second.label_at_nanos(dimension, t),
        })
        .collect()
}

/// The midpoints of the slices from `start`, with their indices, while they fall before `end`. A last
/// slice cut short by the end is kept if its midpoint is observed, so no more than half a slice is ever
/// gained or lost at the end.
fn sample_instants(start: Nanos, end: Nanos, length: SliceLength) -> impl Iterator<Item = (usize, Nanos)> {
    let step = length.nanos();
    (0..)
        .map(move |index: usize| (index, start + step * index as Nanos + step / 2))
        .take_while(move |&(_, t)| t < end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::test_support::*;

    #[test]
    fn slices_sample_midpoints_and_skip_pauses() {
        // 0–60 s observed, paused 20–30 s. Task A (digital help) 0–25 s, task B 15–40 s.
        let mut s = Session::new();
        s.start_task(0, "a", "troubleshoot").start_task(15, "b", "phone_triage");
        s.event(20, paused()).event(30, resumed());
        s.end_task(25, "a").end_task(40, "b").event(60, ended());
        let observed = s.observed();
        let labels: Vec<_> =
            slice(&observed, "what", SliceLength::default()).iter().map(|x| (x.index, x.label)).collect();
        // Midpoints 5, 15, 25 (paused), 35, 45, 55. At 15 s B has just started, so B is the latest.
        assert_eq!(
            labels,
            [(0, "troubleshoot"), (1, "phone_triage"), (3, "phone_triage"), (4, "no_task"), (5, "no_task")]
        );
    }

    #[test]
    fn a_short_last_slice_counts_only_if_its_midpoint_is_observed() {
        let mut s = Session::new();
        s.event(16, ended());
        assert_eq!(slice(&s.observed(), "what", SliceLength::default()).len(), 2); // midpoints 5, 15
        let mut s = Session::new();
        s.event(14, ended());
        assert_eq!(slice(&s.observed(), "what", SliceLength::default()).len(), 1);
    }

    #[test]
    fn pairs_share_a_grid_over_their_common_time() {
        let mut a = Session::new();
        a.start_task(0, "a", "troubleshoot").event(40, ended());
        let mut b = Session::starting_at(12);
        b.start_task(12, "b", "troubleshoot").end_task(30, "b").event(60, ended());
        let (a, b) = (a.observed(), b.observed());
        let pairs: Vec<_> = align(&a, &b, "what", SliceLength::default())
            .iter()
            .map(|p| (p.index, p.first, p.second))
            .collect();
        // Common window 12–40 s; midpoints 17, 27, 37.
        assert_eq!(
            pairs,
            [
                (0, "troubleshoot", "troubleshoot"),
                (1, "troubleshoot", "troubleshoot"),
                (2, "troubleshoot", "no_task")
            ]
        );
    }

    #[test]
    fn slice_length_is_bounded() {
        assert_eq!(SliceLength::seconds(0), Err(SliceLengthError(0)));
        assert_eq!(SliceLength::seconds(601), Err(SliceLengthError(601)));
        assert_eq!(SliceLength::seconds(10), Ok(SliceLength::default()));
    }
}
