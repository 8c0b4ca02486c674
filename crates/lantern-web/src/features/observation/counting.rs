//! What a study's results count, the same for its page and its API: which sessions, which logged
//! episodes, and the rule the logging gap follows.

use crate::http::error::ApiError;
use crate::AppState;
use jiff::Timestamp;
use lantern_core::observation::{LoggedEpisode, Observed};
use lantern_core::ods::OdsCode;
use lantern_store::SessionTimeline;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

pub const GAP_RULE: &str = "Observed help is the tasks coded with a category marked as digital help, \
counted and timed with pauses left out. A logged episode counts when the member of staff observed is one \
of its helpers and it occurred while they were being observed (not during a pause). The observer counts \
tasks, not patients, so the episode ratio is a lower bound on the share of help logged; the minutes ratio \
has no such bias. Of each reliability pair only the earlier session is counted.";

#[derive(Debug, Serialize, ToSchema)]
pub struct Excluded {
    pub(crate) session: Uuid,
    pub(crate) reason: String,
}

/// The sessions coded with `version`, keeping only the earlier of each reliability pair: both watched
/// the same person at once, so counting both would count the same work twice.
pub fn counted(timelines: &[SessionTimeline], version: u32) -> (Vec<&SessionTimeline>, Vec<Excluded>) {
    let (mut kept, mut excluded, mut pairs) = (Vec::new(), Vec::new(), HashSet::new());
    for s in timelines {
        let id = s.session.info.id;
        if s.session.template_version != version {
            let reason = format!("coded with template version {}", s.session.template_version);
            excluded.push(Excluded { session: id, reason });
        } else if s.session.reliability_pair.is_some_and(|pair| !pairs.insert(pair)) {
            excluded.push(Excluded { session: id, reason: "second session of a reliability pair".into() });
        } else {
            kept.push(s);
        }
    }
    (kept, excluded)
}

/// The episodes of each practice from its first observed instant to its last, read once per practice
/// so that no episode is counted twice where sessions overlap.
pub async fn logged_around(state: &AppState, observed: &[Observed]) -> Result<Vec<LoggedEpisode>, ApiError> {
    let mut spans: BTreeMap<&OdsCode, (Timestamp, Timestamp)> = BTreeMap::new();
    for s in observed {
        let window = s.window();
        spans
            .entry(&s.info().practice)
            .and_modify(|(from, until)| {
                *from = (*from).min(window.start);
                *until = (*until).max(window.end);
            })
            .or_insert((window.start, window.end));
    }
    let mut episodes = Vec::new();
    for (practice, (from, until)) in spans {
        episodes.extend(state.store.logged_episodes(practice, from, until).await?);
    }
    Ok(episodes)
}
