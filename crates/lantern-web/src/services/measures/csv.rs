//! Figures as CSV, in a long ("tidy") layout that spreadsheets pivot and statistics tools read:
//! one row per section, key and measure.

use super::{NetworkFigures, PracticeFigures};
use lantern_core::measures::{Summary, Suppressed};
use std::fmt::Write;

pub(crate) fn escape(cell: &str) -> String {
    // A leading formula character would run as a formula in a spreadsheet.
    let cell =
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

fn line(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
    let _ = writeln!(out, "{}", cells.join(","));
}

fn headline(out: &mut String, prefix: &[&str], s: &Summary) {
    let figures: [(&str, String); 14] = [
        ("episodes", s.episodes.to_string()),
        ("minutes", s.minutes.to_string()),
        ("staff_minutes", s.staff_minutes.to_string()),
        ("cost_pounds", format!("{:.2}", s.cost_pence as f64 / 100.0)),
        ("episodes_per_week", format!("{:.2}", s.episodes_per_week)),
        ("minutes_per_week", format!("{:.1}", s.minutes_per_week)),
        ("cost_per_week_pounds", format!("{:.2}", s.cost_per_week_pence / 100.0)),
        ("episodes_per_1000_patients", format!("{:.2}", s.episodes_per_1000)),
        ("minutes_per_1000_patients", format!("{:.1}", s.minutes_per_1000)),
        ("escalated_rate", format!("{:.4}", s.escalated_rate)),
        ("unresolved_rate", format!("{:.4}", s.unresolved_rate)),
        ("top_helper_share", s.concentration.map_or(String::new(), |c| format!("{:.4}", c.top_share))),
        ("gini", s.concentration.map_or(String::new(), |c| format!("{:.4}", c.gini))),
        (
            "effective_helpers",
            s.concentration.map_or(String::new(), |c| format!("{:.2}", c.effective_helpers)),
        ),
    ];
    for (measure, value) in figures {
        let mut cells = prefix.to_vec();
        cells.extend(["headline", "", "", measure, &value]);
        line(out, &cells);
    }
}

pub fn practice_csv(f: &PracticeFigures) -> String {
    let mut out = String::new();
    line(&mut out, &["practice", "period_from", "period_to", "section", "key", "label", "measure", "value"]);
    let (from, to) = (f.summary.period.from.to_string(), f.summary.period.to.to_string());
    let prefix = [f.practice.ods_code.as_str(), from.as_str(), to.as_str()];
    headline(&mut out, &prefix, &f.summary);
    for breakdown in &f.summary.breakdowns {
        for row in &breakdown.rows {
            for (measure, value) in
                [("episodes", row.episodes.to_string()), ("minutes", row.minutes.to_string())]
            {
                let mut cells = prefix.to_vec();
                cells.extend([breakdown.by, row.key.as_str(), row.label.as_str(), measure, value.as_str()]);
                line(&mut out, &cells);
            }
        }
    }
    out
}

fn text<T: std::fmt::Display>(value: &Suppressed<T>) -> String {
    value.text()
}

pub fn network_csv(f: &NetworkFigures) -> String {
    let mut out = String::new();
    line(&mut out, &["organisation", "period_from", "period_to", "practice", "name", "measure", "value"]);
    let (from, to) = (f.period.from.to_string(), f.period.to.to_string());
    for row in f.practices.iter().chain(std::iter::once(&f.total)) {
        let figures = [
            ("list_size", row.list_size.to_string()),
            ("episodes", text(&row.episodes)),
            ("minutes", text(&row.minutes)),
            ("cost_pounds", text(&row.cost_pounds)),
            ("episodes_per_1000_patients", text(&row.episodes_per_1000)),
            ("minutes_per_1000_patients", text(&row.minutes_per_1000)),
            ("escalated_rate", text(&row.escalated_rate)),
            ("unresolved_rate", text(&row.unresolved_rate)),
            ("top_helper_share", text(&row.top_helper_share)),
            ("defaulted_to_one_person", text(&row.defaulted_to_one_person)),
            ("rank", row.rank.map_or(String::new(), |r| r.to_string())),
        ];
        for (measure, value) in figures {
            line(&mut out, &[&f.organisation, &from, &to, &row.ods_code, &row.name, measure, &value]);
        }
    }
    for breakdown in &f.breakdowns {
        for row in &breakdown.rows {
            for (measure, value) in [("episodes", text(&row.episodes)), ("minutes", text(&row.minutes))] {
                let name = format!("{}: {}", breakdown.by, row.label);
                line(&mut out, &[&f.organisation, &from, &to, &f.organisation, &name, measure, &value]);
            }
        }
    }
    out
}
