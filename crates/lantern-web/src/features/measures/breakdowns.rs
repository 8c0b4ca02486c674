//! The breakdowns of help (by service, task, channel, …) as page sections: a heading, a bar chart for
//! a practice's own figures, and a table with the same numbers.

use crate::kit::charts::{BarChart, Datum};
use crate::kit::numbers::{count, percent, shown};
use crate::services::measures::NetworkFigures;
use lantern_core::measures::{Breakdown, Suppressed};

/// The breakdowns shown, in this order, with their headings and what one row stands for. Named staff
/// ("helper") are left out: the practice sees them in "Who carries it", analysts never.
const SECTIONS: [(&str, &str, &str); 8] = [
    ("service", "By online service", "online service"),
    ("task", "By task", "task"),
    ("channel", "By channel", "channel"),
    ("barrier", "By barrier", "barrier"),
    ("age_band", "By age band", "age band"),
    ("outcome", "By outcome", "outcome"),
    ("approach", "By approach", "approach"),
    ("staff_role", "By staff role", "staff role"),
];

pub struct Row {
    pub label: String,
    pub episodes: String,
    pub minutes: String,
    /// Share of the period's episodes (practice view only: a share of a suppressed count would leak it).
    pub share: String,
}

pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub caption: String,
    pub chart: Option<BarChart>,
    pub show_share: bool,
    pub rows: Vec<Row>,
    /// Minutes are staff-minutes (for staff roles: two helpers count twice).
    pub minutes_header: &'static str,
    /// What the first column names ("Online service").
    pub label_header: String,
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn minutes_header(by: &str) -> &'static str {
    if by == "staff_role" {
        "Staff minutes"
    } else {
        "Minutes"
    }
}

/// A practice's breakdowns, each with a chart of minutes.
pub fn practice_sections(breakdowns: &[Breakdown], period_label: &str) -> Vec<Section> {
    SECTIONS
        .iter()
        .filter_map(|(by, heading, each)| {
            let b = breakdowns.iter().find(|b| b.by == *by)?;
            let what = minutes_header(by).to_lowercase();
            let data = b
                .rows
                .iter()
                .map(|r| Datum {
                    label: r.label.clone(),
                    value: Some(r.minutes as f64),
                    text: format!("{} min", count(r.minutes)),
                })
                .collect();
            let title = format!("{} {}, {period_label}", minutes_header(by), heading.to_lowercase());
            let chart = (!b.rows.is_empty()).then(|| BarChart::new(by, title, &what, each, data));
            let rows = b
                .rows
                .iter()
                .map(|r| Row {
                    label: r.label.clone(),
                    episodes: count(r.episodes),
                    minutes: count(r.minutes),
                    share: percent(r.share_of_episodes),
                })
                .collect();
            Some(Section {
                id: by,
                heading,
                caption: format!("Episodes and {what}, {}", heading.to_lowercase()),
                chart,
                show_share: true,
                rows,
                minutes_header: minutes_header(by),
                label_header: capitalised(each),
            })
        })
        .collect()
}

/// An organisation's breakdowns, small numbers already suppressed; tables only.
pub fn network_sections(figures: &NetworkFigures) -> Vec<Section> {
    SECTIONS
        .iter()
        .filter_map(|(by, heading, each)| {
            let b = figures.breakdowns.iter().find(|b| b.by == *by)?;
            let rows = b
                .rows
                .iter()
                .map(|r| Row {
                    label: r.label.clone(),
                    episodes: shown(&r.episodes, count),
                    minutes: shown(&r.minutes, count),
                    share: String::new(),
                })
                .collect();
            let what = minutes_header(by).to_lowercase();
            Some(Section {
                id: by,
                heading,
                caption: format!("Episodes and {what}, {}", heading.to_lowercase()),
                chart: None,
                show_share: false,
                rows,
                minutes_header: minutes_header(by),
                label_header: capitalised(each),
            })
        })
        .collect()
}

/// A suppressed figure as a chart value: `None` (a gap) when hidden.
pub fn value_of(figure: &Suppressed<f64>) -> Option<f64> {
    match figure {
        Suppressed::Shown(v) => Some(*v),
        Suppressed::Hidden(_) => None,
    }
}
