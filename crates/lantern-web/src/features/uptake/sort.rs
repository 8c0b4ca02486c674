//! Sorting the analysts' table of units on the server (no script), with links that flip a column and
//! `aria-sort` on the column in use.

use crate::services::uptake::UnitRow;

pub struct Header {
    pub label: &'static str,
    pub href: String,
    pub aria_sort: &'static str,
    pub numeric: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

const COLUMNS: [(&str, &str, bool); 5] = [
    ("name", "Name", false),
    ("patients", "Patients", true),
    ("enabled", "Registered for online services", true),
    ("change", "Change on the month before", true),
    ("use", "Transactions per 1,000", true),
];

impl Sort {
    pub fn read(column: Option<&str>, dir: Option<&str>) -> Self {
        let column = column.and_then(|c| COLUMNS.iter().position(|(code, _, _)| *code == c)).unwrap_or(2);
        Self { column, descending: dir.map_or(column != 0, |d| d != "asc") }
    }
}

fn key(row: &UnitRow, column: usize) -> Option<f64> {
    match column {
        1 => Some(row.unit.counts.patient_list_size as f64),
        2 => row.unit.rates.enabled.map(|s| s.percent),
        3 => row.change,
        4 => row.unit.rates.use_per_1000,
        _ => None,
    }
}

/// The rows in the order asked for; rows without the figure go last whichever way a column is sorted.
pub fn sorted(rows: &[UnitRow], sort: Sort) -> Vec<&UnitRow> {
    let mut units: Vec<&UnitRow> = rows.iter().collect();
    let name_of = |r: &UnitRow| r.unit.name.clone().unwrap_or_else(|| r.unit.code.clone());
    units.sort_by(|a, b| {
        let order = if sort.column == 0 {
            name_of(a).cmp(&name_of(b))
        } else {
            match (key(a, sort.column), key(b, sort.column)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        if sort.descending {
            order.reverse()
        } else {
            order
        }
    });
    units
}

pub fn headers(sort: Sort, here: &str) -> Vec<Header> {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (code, label, numeric))| {
            let current = sort.column == i;
            // A click on the current column flips it; a new column starts largest first (names A to Z).
            let descending = if current { !sort.descending } else { *numeric };
            let dir = if descending { "desc" } else { "asc" };
            Header {
                label,
                href: format!("{here}&sort={code}&dir={dir}"),
                aria_sort: match (current, sort.descending) {
                    (false, _) => "",
                    (true, true) => "descending",
                    (true, false) => "ascending",
                },
                numeric: *numeric,
            }
        })
        .collect()
}
