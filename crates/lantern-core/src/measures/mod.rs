//! The measures of hidden work (DOMAIN.md, "Measures"). Pure functions over tallies of episodes and
//! minutes, so the dashboard, the commissioner view, the CLI report and the tests compute the same way.
//!
//! Episodes are tallied per practice × day × dimension ("rollups"). For a multi-valued field (services,
//! tasks, barriers) an episode counts once under each value, with its full minutes: "minutes of help that
//! involved NHS login". For helpers the minutes are staff-minutes: an episode two people gave for ten
//! minutes took twenty minutes of staff time, and costs both people's time.

mod concentration;
mod cost;
mod period;
mod summary;
mod suppress;

pub use concentration::{concentration, Concentration};
pub use cost::{default_hourly_costs, hourly_cost_pence, RoleCost, ON_COST_RATE};
pub use period::{Period, PeriodKind};
pub use summary::{summarise, Breakdown, Share, Summary, Trend};
pub use suppress::{suppress, Suppressed, SUPPRESSION_RULE, SUPPRESS_BELOW};

use crate::episode::{local_time, Episode};
use serde::{Deserialize, Serialize};

/// What an episode is tallied by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Every episode once (key empty).
    All,
    Service,
    Task,
    Channel,
    Barrier,
    AgeBand,
    Outcome,
    Approach,
    /// Key is the staff member's id; minutes are that person's minutes.
    Helper,
}

impl Dimension {
    pub const ALL: [Dimension; 9] = [
        Dimension::All,
        Dimension::Service,
        Dimension::Task,
        Dimension::Channel,
        Dimension::Barrier,
        Dimension::AgeBand,
        Dimension::Outcome,
        Dimension::Approach,
        Dimension::Helper,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::All => "all",
            Dimension::Service => "service",
            Dimension::Task => "task",
            Dimension::Channel => "channel",
            Dimension::Barrier => "barrier",
            Dimension::AgeBand => "age_band",
            Dimension::Outcome => "outcome",
            Dimension::Approach => "approach",
            Dimension::Helper => "helper",
        }
    }

    pub fn parse(code: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// Episodes and minutes, the two things every measure is built from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub episodes: i64,
    pub minutes: i64,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.episodes += other.episodes;
        self.minutes += other.minutes;
    }
}

/// The age band key used when none was recorded.
pub const NOT_RECORDED: &str = "not_recorded";

/// Every (dimension, key) an episode is tallied under, with what it adds. The store applies these
/// in the same transaction as the episode write (and their negation when a version is replaced).
pub fn rollup_entries(episode: &Episode) -> Vec<(Dimension, String, Tally)> {
    let minutes = i64::from(episode.duration_minutes);
    let one = Tally { episodes: 1, minutes };
    let mut out = vec![(Dimension::All, String::new(), one)];
    let many = |out: &mut Vec<_>, dimension, keys: &[String]| {
        for key in keys {
            out.push((dimension, key.clone(), one));
        }
    };
    many(&mut out, Dimension::Service, &episode.services);
    many(&mut out, Dimension::Task, &episode.tasks);
    many(&mut out, Dimension::Barrier, &episode.barriers);
    out.push((Dimension::Channel, episode.channel.clone(), one));
    out.push((Dimension::AgeBand, episode.age_band.clone().unwrap_or_else(|| NOT_RECORDED.to_owned()), one));
    out.push((Dimension::Outcome, episode.outcome.clone(), one));
    out.push((Dimension::Approach, episode.approach.clone(), one));
    for helper in &episode.helpers {
        out.push((Dimension::Helper, helper.to_string(), one));
    }
    out
}

/// The UK calendar day an episode counts towards (`2026-03-02`).
pub fn rollup_day(episode: &Episode) -> String {
    local_time(episode.occurred_at).date().to_string()
}
