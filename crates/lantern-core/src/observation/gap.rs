//! The logging gap: for the staff and hours observed, how much helping patients online the observer saw
//! against how many episodes the same staff logged in Lantern in those hours. A ratio well below 1 is
//! hidden work that stays hidden even with a logging tool.
//!
//! Observed help is the tasks whose values include a category marked as digital help (by default the
//! What categories taken from the episode tasks), counted and timed with pauses left out. An episode
//! counts when the staff member is one of its helpers and its `occurred_at` falls in observed time. The
//! observer counts tasks, not patients: one patient helped through two tasks is two observed tasks but
//! should be one episode, so the count ratio is a lower bound on the share of episodes logged; the
//! minutes ratio does not have that bias.

use super::observed::Observed;
use super::results::{check_versions, ResultsError};
use super::template::Template;
use crate::episode::Episode;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What the gap needs to know of a logged episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedEpisode {
    pub occurred_at: Timestamp,
    pub helpers: Vec<Uuid>,
    pub duration_minutes: u16,
}

impl From<&Episode> for LoggedEpisode {
    fn from(e: &Episode) -> Self {
        Self { occurred_at: e.occurred_at, helpers: e.helpers.clone(), duration_minutes: e.duration_minutes }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggingGap {
    /// The member of staff, or None for everyone observed together.
    pub staff: Option<Uuid>,
    pub sessions: usize,
    pub observed_seconds: f64,
    pub observed_help_tasks: usize,
    pub observed_help_minutes: f64,
    pub logged_episodes: usize,
    /// The minutes the logged episodes claim.
    pub logged_minutes: u64,
    /// Logged episodes per observed help task; None when no help was observed.
    pub episode_ratio: Option<f64>,
    /// Logged minutes per observed minute of help; None when no help was observed.
    pub minutes_ratio: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GapError {
    #[error(transparent)]
    Template(#[from] ResultsError),
    /// Two sessions watched the same person at the same time (a reliability pair): counting both would
    /// count the same help and the same episodes twice. Pass one session of each pair.
    #[error("sessions {first} and {second} observe the same member of staff at the same time")]
    OverlappingSessions { first: Uuid, second: Uuid },
}

/// The gap for each member of staff observed (in order of staff id), then for all of them together.
pub fn logging_gap(
    sessions: &[Observed],
    template: &Template,
    episodes: &[LoggedEpisode],
) -> Result<Vec<LoggingGap>, GapError> {
    check_versions(sessions, template)?;
    let mut by_staff: BTreeMap<Uuid, Vec<&Observed>> = BTreeMap::new();
    for session in sessions {
        by_staff.entry(session.info().staff).or_default().push(session);
    }
    let mut gaps = Vec::new();
    for (&staff, observed) in &by_staff {
        check_no_overlap(observed)?;
        gaps.push(gap_for(Some(staff), observed, template, episodes));
    }
    let mut total = LoggingGap { staff: None, ..gap_for(None, &[], template, episodes) };
    for gap in &gaps {
        total.sessions += gap.sessions;
        total.observed_seconds += gap.observed_seconds;
        total.observed_help_tasks += gap.observed_help_tasks;
        total.observed_help_minutes += gap.observed_help_minutes;
        total.logged_episodes += gap.logged_episodes;
        total.logged_minutes += gap.logged_minutes;
    }
    total.episode_ratio = ratio(total.logged_episodes as f64, total.observed_help_tasks as f64);
    total.minutes_ratio = ratio(total.logged_minutes as f64, total.observed_help_minutes);
    gaps.push(total);
    Ok(gaps)
}

fn gap_for(
    staff: Option<Uuid>,
    sessions: &[&Observed],
    template: &Template,
    episodes: &[LoggedEpisode],
) -> LoggingGap {
    let help = || {
        sessions.iter().flat_map(|s| {
            s.tasks().iter().filter(|t| template.is_digital_help(&t.values)).map(move |t| s.task_seconds(t))
        })
    };
    let observed_help_tasks = help().count();
    let observed_help_minutes = help().sum::<f64>() / 60.0;
    // Sessions of one person never overlap (checked), so an episode falls in at most one of them.
    let logged: Vec<&LoggedEpisode> = episodes
        .iter()
        .filter(|e| staff.is_some_and(|id| e.helpers.contains(&id)))
        .filter(|e| sessions.iter().any(|s| s.is_observing(e.occurred_at)))
        .collect();
    let logged_minutes = logged.iter().map(|e| u64::from(e.duration_minutes)).sum();
    LoggingGap {
        staff,
        sessions: sessions.len(),
        observed_seconds: sessions.iter().map(|s| s.observed_seconds()).sum(),
        observed_help_tasks,
        observed_help_minutes,
        logged_episodes: logged.len(),
        logged_minutes,
        episode_ratio: ratio(logged.len() as f64, observed_help_tasks as f64),
        minutes_ratio: ratio(logged_minutes as f64, observed_help_minutes),
    }
}

fn check_no_overlap(sessions: &[&Observed]) -> Result<(), GapError> {
    let mut ordered = sessions.to_vec();
    ordered.sort_by_key(|s| s.window());
    for pair in ordered.windows(2) {
        if let [a, b] = pair {
            if b.window().start < a.window().end {
                return Err(GapError::OverlappingSessions { first: a.info().id, second: b.info().id });
            }
        }
    }
    Ok(())
}

fn ratio(logged: f64, observed: f64) -> Option<f64> {
    (observed > 0.0).then(|| logged / observed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::test_support::*;

    fn episode(seconds: i64, helper: Uuid, minutes: u16) -> LoggedEpisode {
        LoggedEpisode { occurred_at: at(seconds), helpers: vec![helper], duration_minutes: minutes }
    }

    #[test]
    fn observed_help_is_compared_with_episodes_logged_in_observed_hours() {
        // One hour observed, paused 1800–2400 s. Help: troubleshoot 0–600 s (10 min), set up proxy
        // 1500–2100 s (10 min, 5 of them paused, so 5 observed). Phone triage is not help.
        let mut s = Session::new();
        s.start_task(0, "t", "troubleshoot").end_task(600, "t").start_task(700, "p", "phone_triage");
        s.end_task(900, "p").start_task(1500, "x", "setup_proxy").event(1800, paused());
        s.end_task(2100, "x").event(2400, resumed()).event(4200, ended());
        let episodes = [
            episode(100, STAFF, 12),      // counted
            episode(2000, STAFF, 5),      // during the pause: not observed hours
            episode(100, OTHER_STAFF, 9), // someone else
            episode(5000, STAFF, 3),      // after the session
        ];
        let gaps = logging_gap(&[s.observed()], &s.template, &episodes).expect("gap");
        assert_eq!(gaps.len(), 2, "one member of staff, then the total");
        let g = &gaps[0];
        assert_eq!((g.staff, g.sessions, g.observed_seconds), (Some(STAFF), 1, 3600.0));
        assert_eq!((g.observed_help_tasks, g.observed_help_minutes), (2, 15.0));
        assert_eq!((g.logged_episodes, g.logged_minutes), (1, 12));
        assert_eq!((g.episode_ratio, g.minutes_ratio), (Some(0.5), Some(0.8)));
        assert_eq!(gaps[1], LoggingGap { staff: None, ..g.clone() });
    }

    #[test]
    fn no_observed_help_has_no_ratio_and_overlapping_sessions_are_refused() {
        let mut s = Session::new();
        s.event(600, ended());
        let gaps = logging_gap(&[s.observed()], &s.template, &[episode(10, STAFF, 5)]).expect("gap");
        assert_eq!((gaps[0].logged_episodes, gaps[0].episode_ratio, gaps[0].minutes_ratio), (1, None, None));
        let mut pair = Session::starting_at(300).second_observer();
        pair.event(900, ended());
        assert_eq!(
            logging_gap(&[s.observed(), pair.observed()], &s.template, &[]),
            Err(GapError::OverlappingSessions { first: s.info.id, second: pair.info.id })
        );
    }
}
