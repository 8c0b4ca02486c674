//! The questions both sides answer, and their answers in one comparable shape: what Lantern's
//! dashboard functions return, reduced to the figures DuckDB computes from the CSV export.

use lantern_core::measures::{Breakdown, Summary, Suppressed, SUPPRESS_BELOW};
use lantern_web::measures::{NetworkFigures, NetworkRow, PracticeFigures};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A practice manager's dashboard for one financial quarter, with the trend against the one before.
    PracticeQuarter,
    /// The ICB analyst's view of all 40 practices for one financial year, small numbers suppressed.
    IcbYear,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::PracticeQuarter => "practice-quarter",
            Kind::IcbYear => "ICB-year",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    pub kind: Kind,
    /// The practice, or the ICB.
    pub org: String,
    pub practices: Vec<String>,
    pub from: String,
    pub to: String,
    /// The period before (practice questions only: its totals are the trend).
    pub previous: Option<(String, String)>,
}

/// Episodes and minutes per (dimension, key), and the headline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub episodes: i64,
    pub minutes: i64,
    pub staff_minutes: Option<i64>,
    /// Episodes and minutes of the period before.
    pub previous: Option<[i64; 2]>,
    /// Dimension code → key → [episodes, minutes]; `all` and `staff_role` left out.
    pub tallies: BTreeMap<String, BTreeMap<String, [i64; 2]>>,
    /// Top share, Gini, effective helpers.
    pub concentration: Option<[f64; 3]>,
    /// ICB questions: each practice's row and the total's (under the ICB code): episodes, minutes and
    /// the busiest helper's share (4 places).
    pub rows: BTreeMap<String, (i64, i64, f64)>,
}

fn tallies<'a>(
    breakdowns: impl Iterator<Item = (&'a str, String, i64, i64)>,
) -> BTreeMap<String, BTreeMap<String, [i64; 2]>> {
    let mut out: BTreeMap<String, BTreeMap<String, [i64; 2]>> = BTreeMap::new();
    for (by, key, episodes, minutes) in breakdowns.filter(|(by, ..)| *by != "staff_role") {
        out.entry(by.to_owned()).or_default().insert(key, [episodes, minutes]);
    }
    out
}

impl Figures {
    pub fn practice(f: &PracticeFigures) -> Figures {
        let s: &Summary = &f.summary;
        let rows = s.breakdowns.iter().flat_map(|b: &Breakdown| {
            b.rows.iter().map(move |r| (b.by, r.key.clone(), r.episodes, r.minutes))
        });
        Figures {
            episodes: s.episodes,
            minutes: s.minutes,
            staff_minutes: Some(s.staff_minutes),
            previous: Some([f.trend.previous_episodes, f.trend.previous_minutes]),
            tallies: tallies(rows),
            concentration: s.concentration.map(|c| [c.top_share, c.gini, c.effective_helpers]),
            rows: BTreeMap::new(),
        }
    }

    /// Suppressed figures are left out (DuckDB's side leaves out the same: counts from 1 to 7).
    pub fn network(f: &NetworkFigures) -> Figures {
        let shown = |s: &Suppressed<i64>| match s {
            Suppressed::Shown(v) => Some(*v),
            Suppressed::Hidden(_) => None,
        };
        let rows = f.breakdowns.iter().flat_map(|b| {
            b.rows
                .iter()
                .filter_map(move |r| Some((b.by, r.key.clone(), shown(&r.episodes)?, shown(&r.minutes)?)))
        });
        let row = |r: &NetworkRow| -> Option<(String, (i64, i64, f64))> {
            let share = match r.top_helper_share {
                Suppressed::Shown(v) => v,
                Suppressed::Hidden(_) => return None,
            };
            Some((r.ods_code.clone(), (shown(&r.episodes)?, shown(&r.minutes)?, share)))
        };
        Figures {
            episodes: shown(&f.total.episodes).unwrap_or(-1),
            minutes: shown(&f.total.minutes).unwrap_or(-1),
            tallies: tallies(rows),
            rows: f.practices.iter().chain(std::iter::once(&f.total)).filter_map(row).collect(),
            ..Figures::default()
        }
    }

    /// Where `other` differs from these figures (empty when they agree).
    pub fn differences(&self, other: &Figures) -> Vec<String> {
        let mut out = Vec::new();
        let mut same = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{what}: Lantern {a}, DuckDB {b}"));
            }
        };
        same("episodes", self.episodes.to_string(), other.episodes.to_string());
        same("minutes", self.minutes.to_string(), other.minutes.to_string());
        same("staff minutes", format!("{:?}", self.staff_minutes), format!("{:?}", other.staff_minutes));
        same("previous period", format!("{:?}", self.previous), format!("{:?}", other.previous));
        same("breakdowns", format!("{:?}", self.tallies), format!("{:?}", other.tallies));
        let close = |a: f64, b: f64, tolerance: f64| (a - b).abs() <= tolerance * a.abs().max(1.0);
        match (self.concentration, other.concentration) {
            (None, None) => {}
            (Some(a), Some(b)) if a.iter().zip(b).all(|(x, y)| close(*x, y, 1e-9)) => {}
            (a, b) => out.push(format!("concentration: Lantern {a:?}, DuckDB {b:?}")),
        }
        let keys = |f: &Figures| f.rows.iter().map(|(k, (e, m, _))| (k.clone(), *e, *m)).collect::<Vec<_>>();
        if keys(self) != keys(other) {
            out.push(format!("practice rows: Lantern {:?}, DuckDB {:?}", self.rows, other.rows));
        } else if !self.rows.values().zip(other.rows.values()).all(|(a, b)| close(a.2, b.2, 1.5e-4)) {
            out.push(format!("top helper shares: Lantern {:?}, DuckDB {:?}", self.rows, other.rows));
        }
        out
    }
}

/// The suppression threshold, for the note printed with the results.
pub const SUPPRESSED_BELOW: i64 = SUPPRESS_BELOW;
