//! The table of practices on "Practices compared": rows as people read them, and server-side sorting
//! by any column through plain links (no script). Suppressed figures sort after every shown one, in
//! either direction, so "<8" never passes for a high or a low value.

use super::period_picker::Params;
use crate::kit::numbers::{count, decimal, percent, pounds, shown};
use crate::services::measures::NetworkRow;
use lantern_core::measures::Suppressed;
use std::cmp::Ordering;

/// (key, header, numeric)
const COLUMNS: [(&str, &str, bool); 10] = [
    ("rank", "Rank", true),
    ("practice", "Practice", false),
    ("list_size", "Patients", true),
    ("episodes", "Episodes", true),
    ("minutes", "Minutes", true),
    ("cost", "Cost", true),
    ("per_1000", "Per 1,000 patients", true),
    ("escalated", "Escalated", true),
    ("unresolved", "Not resolved", true),
    ("top_share", "Top helper", true),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: &'static str,
    pub descending: bool,
}

impl Default for Sort {
    /// By rank: the most help per 1,000 patients first.
    fn default() -> Self {
        Self { key: "rank", descending: false }
    }
}

impl Sort {
    pub fn read(params: &Params) -> Self {
        let Some(key) = params.get("sort").and_then(|s| COLUMNS.iter().find(|(k, _, _)| k == s)) else {
            return Self::default();
        };
        let descending = match params.get("dir").map(String::as_str) {
            Some("asc") => false,
            Some("desc") => true,
            _ => first_direction(key.0),
        };
        Self { key: key.0, descending }
    }

    /// The sort as query parameters to keep in other links ("" for the default).
    pub fn query(self) -> String {
        if self == Self::default() {
            String::new()
        } else {
            format!("&sort={}&dir={}", self.key, if self.descending { "desc" } else { "asc" })
        }
    }
}

/// Rank and name read best from the top down; every other figure biggest first.
fn first_direction(key: &str) -> bool {
    !matches!(key, "rank" | "practice")
}

pub struct Header {
    pub label: &'static str,
    pub href: String,
    /// "ascending" or "descending" on the column the table is sorted by, otherwise empty.
    pub aria_sort: &'static str,
    pub numeric: bool,
}

/// Column headers whose links sort by that column (the current one toggles its direction).
pub fn headers(sort: Sort, here: &str) -> Vec<Header> {
    COLUMNS
        .iter()
        .map(|(key, label, numeric)| {
            let current = sort.key == *key;
            let descending = if current { !sort.descending } else { first_direction(key) };
            let dir = if descending { "desc" } else { "asc" };
            let aria_sort = match (current, sort.descending) {
                (false, _) => "",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            Header { label, href: format!("{here}&sort={key}&dir={dir}"), aria_sort, numeric: *numeric }
        })
        .collect()
}

fn number(value: &Suppressed<f64>) -> Option<f64> {
    match value {
        Suppressed::Shown(v) => Some(*v),
        Suppressed::Hidden(_) => None,
    }
}

fn whole(value: &Suppressed<i64>) -> Option<f64> {
    match value {
        Suppressed::Shown(v) => Some(*v as f64),
        Suppressed::Hidden(_) => None,
    }
}

fn sort_value(row: &NetworkRow, key: &str) -> Option<f64> {
    match key {
        "rank" => row.rank.map(|r| r as f64),
        "list_size" => Some(f64::from(row.list_size)),
        "episodes" => whole(&row.episodes),
        "minutes" => whole(&row.minutes),
        "cost" => number(&row.cost_pounds),
        "per_1000" => number(&row.episodes_per_1000),
        "escalated" => number(&row.escalated_rate),
        "unresolved" => number(&row.unresolved_rate),
        "top_share" => number(&row.top_helper_share),
        _ => None,
    }
}

pub fn sort_rows(rows: &mut [NetworkRow], sort: Sort) {
    rows.sort_by(|a, b| {
        let order = if sort.key == "practice" {
            let by_name = a.name.cmp(&b.name);
            if sort.descending {
                by_name.reverse()
            } else {
                by_name
            }
        } else {
            match (sort_value(a, sort.key), sort_value(b, sort.key)) {
                (Some(x), Some(y)) if sort.descending => y.total_cmp(&x),
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        };
        order.then_with(|| a.name.cmp(&b.name))
    });
}

/// A practice (or the organisation's total) as the table shows it.
pub struct Row {
    pub rank: Option<String>,
    pub name: String,
    pub code: String,
    pub list_size: String,
    pub episodes: String,
    pub minutes: String,
    pub cost: String,
    pub per_1000: String,
    pub escalated: String,
    pub unresolved: String,
    pub top_share: String,
    /// `None` when suppressed.
    pub defaulted: Option<bool>,
}

pub fn row(r: &NetworkRow) -> Row {
    Row {
        rank: r.rank.map(|n| n.to_string()),
        name: r.name.clone(),
        code: r.ods_code.clone(),
        list_size: count(i64::from(r.list_size)),
        episodes: shown(&r.episodes, count),
        minutes: shown(&r.minutes, count),
        cost: shown(&r.cost_pounds, |p| pounds(p * 100.0)),
        per_1000: shown(&r.episodes_per_1000, |v| decimal(v, 1)),
        escalated: shown(&r.escalated_rate, percent),
        unresolved: shown(&r.unresolved_rate, percent),
        top_share: shown(&r.top_helper_share, percent),
        defaulted: match r.defaulted_to_one_person {
            Suppressed::Shown(flag) => Some(flag),
            Suppressed::Hidden(_) => None,
        },
    }
}

pub fn rows(table: &[NetworkRow]) -> Vec<Row> {
    table.iter().map(row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(name: &str, per_1000: Suppressed<f64>, rank: Option<usize>) -> NetworkRow {
        let hidden = Suppressed::Hidden("<8");
        NetworkRow {
            ods_code: name.into(),
            name: name.into(),
            list_size: 1_000,
            episodes: Suppressed::Shown(10),
            minutes: Suppressed::Shown(100),
            cost_pounds: Suppressed::Shown(10.0),
            episodes_per_1000: per_1000,
            minutes_per_1000: hidden,
            escalated_rate: hidden,
            unresolved_rate: hidden,
            top_helper_share: hidden,
            defaulted_to_one_person: Suppressed::Hidden("<8"),
            rank,
        }
    }

    #[test]
    fn suppressed_figures_sort_last_both_ways() {
        let mut table = vec![
            practice("B", Suppressed::Hidden("<8"), None),
            practice("A", Suppressed::Shown(2.0), Some(2)),
            practice("C", Suppressed::Shown(9.0), Some(1)),
        ];
        let names = |t: &[NetworkRow]| t.iter().map(|r| r.name.clone()).collect::<Vec<_>>().join("");
        sort_rows(&mut table, Sort::default());
        assert_eq!(names(&table), "CAB");
        sort_rows(&mut table, Sort { key: "per_1000", descending: false });
        assert_eq!(names(&table), "ACB");
        sort_rows(&mut table, Sort { key: "practice", descending: true });
        assert_eq!(names(&table), "CBA");
        let h = headers(Sort::default(), "/network?org=U1");
        assert_eq!((h[0].aria_sort, h[0].href.as_str()), ("ascending", "/network?org=U1&sort=rank&dir=desc"));
        assert!(h[3].href.ends_with("sort=episodes&dir=desc"));
    }
}
