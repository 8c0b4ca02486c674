//! The headline figures for a period, their breakdowns, and the trend against the period before.

use super::concentration::{concentration, Concentration};
use super::period::Period;
use super::{Dimension, Tally};
use crate::staff::StaffMember;
use crate::taxonomy::STAFF_ROLES;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub key: String,
    pub label: String,
    pub episodes: i64,
    pub minutes: i64,
    /// Of all episodes in the period (rows of multi-valued breakdowns can add up to more than 1).
    pub share_of_episodes: f64,
    pub share_of_minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// A dimension code, or `staff_role` (helpers grouped by their role).
    pub by: &'static str,
    pub rows: Vec<Share>,
}

/// The hidden work of a period at one practice or across several.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub period: Period,
    pub list_size: u32,
    pub episodes: i64,
    /// Minutes of help given (each episode's duration once).
    pub minutes: i64,
    /// Minutes of staff time (an episode two people gave counts twice).
    pub staff_minutes: i64,
    /// Staff time × the hourly cost of each helper's role, in pence.
    pub cost_pence: i64,
    pub episodes_per_week: f64,
    pub minutes_per_week: f64,
    pub cost_per_week_pence: f64,
    /// Per 1,000 registered patients over the whole period.
    pub episodes_per_1000: f64,
    pub minutes_per_1000: f64,
    pub cost_per_1000_pence: f64,
    /// Share of episodes escalated to a named person.
    pub escalated_rate: f64,
    /// Share of episodes recorded as not resolved.
    pub unresolved_rate: f64,
    pub breakdowns: Vec<Breakdown>,
    /// Across the staff who helped, by staff-minutes.
    pub concentration: Option<Concentration>,
    /// Staff-minutes by staff member id, for concentration and the "who carries it" table.
    pub helper_minutes: Vec<(String, i64)>,
}

/// How the period compares with the one before: percentage changes (None when the earlier figure is 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub previous_episodes: i64,
    pub previous_minutes: i64,
    pub previous_cost_pence: i64,
    pub episodes_change: Option<f64>,
    pub minutes_change: Option<f64>,
    pub cost_change: Option<f64>,
}

impl Trend {
    pub fn between(current: &Summary, previous: &Summary) -> Trend {
        let change = |now: i64, before: i64| (before != 0).then(|| (now - before) as f64 / before as f64);
        Trend {
            previous_episodes: previous.episodes,
            previous_minutes: previous.minutes,
            previous_cost_pence: previous.cost_pence,
            episodes_change: change(current.episodes, previous.episodes),
            minutes_change: change(current.minutes, previous.minutes),
            cost_change: change(current.cost_pence, previous.cost_pence),
        }
    }
}

/// Works out every figure from the period's tallies. `label` names a (dimension, key) for people;
/// `role_costs` gives each practice's hourly cost in pence per staff-role code (each helper is costed
/// at their own practice's rate for their role).
pub fn summarise(
    period: Period,
    list_size: u32,
    tallies: &[(Dimension, String, Tally)],
    staff: &[StaffMember],
    role_costs: &dyn Fn(&StaffMember) -> i64,
    label: &dyn Fn(Dimension, &str) -> String,
) -> Summary {
    let mut by: BTreeMap<(Dimension, &str), Tally> = BTreeMap::new();
    for (dimension, key, tally) in tallies {
        by.entry((*dimension, key.as_str())).or_default().add(*tally);
    }
    let total = by.get(&(Dimension::All, "")).copied().unwrap_or_default();
    let members: HashMap<String, &StaffMember> = staff.iter().map(|m| (m.id.to_string(), m)).collect();
    let mut helper_minutes: Vec<(String, i64)> = Vec::new();
    let mut role_tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut cost_minutes_pence: i64 = 0;
    for ((dimension, key), tally) in &by {
        if *dimension == Dimension::Helper {
            helper_minutes.push(((*key).to_owned(), tally.minutes));
            let member = members.get(*key);
            let role = member.map_or("other", |m| m.role.as_str()).to_owned();
            cost_minutes_pence += tally.minutes * member.map_or(0, |m| role_costs(m));
            role_tallies.entry(role).or_default().add(*tally);
        }
    }
    helper_minutes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let staff_minutes = helper_minutes.iter().map(|(_, m)| m).sum();
    let cost_pence = (cost_minutes_pence as f64 / 60.0).round() as i64;
    let share = |part: i64, whole: i64| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    let row = |key: &str, tally: Tally, label: String| Share {
        key: key.to_owned(),
        label,
        episodes: tally.episodes,
        minutes: tally.minutes,
        share_of_episodes: share(tally.episodes, total.episodes),
        share_of_minutes: share(tally.minutes, total.minutes),
    };
    let mut breakdowns: Vec<Breakdown> = Dimension::ALL[1..]
        .iter()
        .map(|dimension| {
            let mut rows: Vec<Share> = by
                .iter()
                .filter(|((d, _), t)| d == dimension && t.episodes != 0)
                .map(|((_, key), tally)| row(key, *tally, label(*dimension, key)))
                .collect();
            rows.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.key.cmp(&b.key)));
            Breakdown { by: dimension.code(), rows }
        })
        .collect();
    let mut roles: Vec<Share> = role_tallies
        .iter()
        .map(|(role, tally)| row(role, *tally, STAFF_ROLES.label(role).to_owned()))
        .collect();
    roles.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.key.cmp(&b.key)));
    breakdowns.push(Breakdown { by: "staff_role", rows: roles });
    let outcome = |code: &str| by.get(&(Dimension::Outcome, code)).map_or(0, |t| t.episodes);
    let weeks = period.weeks();
    let per_1000 = |value: f64| if list_size == 0 { 0.0 } else { value * 1000.0 / f64::from(list_size) };
    Summary {
        period,
        list_size,
        episodes: total.episodes,
        minutes: total.minutes,
        staff_minutes,
        cost_pence,
        episodes_per_week: total.episodes as f64 / weeks,
        minutes_per_week: total.minutes as f64 / weeks,
        cost_per_week_pence: cost_pence as f64 / weeks,
        episodes_per_1000: per_1000(total.episodes as f64),
        minutes_per_1000: per_1000(total.minutes as f64),
        cost_per_1000_pence: per_1000(cost_pence as f64),
        escalated_rate: share(outcome("escalated"), total.episodes),
        unresolved_rate: share(outcome("not_resolved"), total.episodes),
        concentration: concentration(&helper_minutes.iter().map(|(_, m)| *m).collect::<Vec<_>>()),
        breakdowns,
        helper_minutes,
    }
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
