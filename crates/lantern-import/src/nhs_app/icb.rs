//! `Table 2` ("ICB level NHS App usage and registration statistics"): one row per ICB per month,
//! every month since the series began, plus a row per month for usage mapped to no ICB (`Unknown`).

use super::figure::{column_letter, flag_users_above_logins, Figure, METRICS};
use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::{Flags, Names};
use crate::xlsx::{header_key, serial_date, XlsxCell, XlsxRow};
use lantern_core::uptake::nhs_app::{is_icb_code, NhsAppLevel, NhsAppMonth, UNMAPPED};
use std::collections::{BTreeMap, HashMap};

pub const SHEET: &str = "Table 2";

/// Columns by (header as published, its [`header_key`]); the metrics follow.
const PLACES: [(&str, &str); 5] = [
    ("Month", "month"),
    ("ICB ODS Code", "icbodscode"),
    ("ICB Name", "icbname"),
    ("NHSE Region ODS Code", "nhseregionodscode"),
    ("NHSE Region Name", "nhseregionname"),
];
const COLUMNS: usize = PLACES.len() + METRICS.len();

fn header(i: usize) -> &'static str {
    PLACES.get(i).map_or_else(|| METRICS[i - PLACES.len()].0, |(name, _)| name)
}

/// What `Table 2` held.
#[derive(Debug, Default)]
pub struct IcbRows {
    pub rows: Vec<NhsAppMonth>,
    pub rows_read: u64,
    /// Headers of columns the importer does not know (a metric added since): counted, not stored.
    pub unread_columns: Vec<String>,
    /// Per month, the sum of each metric over every row (ICBs and unmapped), counting known figures.
    pub sums: BTreeMap<String, [i64; 2]>,
    /// Per month, whether any figure was unknown (so its sums are a floor).
    pub incomplete: BTreeMap<String, bool>,
}

/// Reads `Table 2`'s rows (in file order) into `out`, recording damage in `errors`.
#[derive(Default)]
pub struct IcbReader {
    columns: Option<[usize; COLUMNS]>,
    seen: HashMap<(String, String), u64>,
    pub out: IcbRows,
}

impl IcbReader {
    pub fn row(&mut self, row: &XlsxRow, errors: &mut ImportErrors, flags: &mut Flags, names: &mut Names) {
        let Some(at) = self.columns else {
            self.find_columns(row, errors);
            return;
        };
        let cell = |i: usize| row.cell(at[i]);
        let XlsxCell::Number(serial) = cell(0) else {
            return; // title, notes, "Source", copyright
        };
        let line = row.number;
        let fail = |errors: &mut ImportErrors, i: usize, message: String| {
            errors.push(RowError::new(line, Some(header(i)), format!("sheet {SHEET:?}: {message}")));
        };
        self.out.rows_read += 1;
        let Some(date) = serial_date(*serial) else {
            return fail(errors, 0, format!("{serial} is not a date"));
        };
        let period = format!("{:04}-{:02}", date.year(), date.month());
        let code = cell(1).text();
        let level = if code.eq_ignore_ascii_case(UNMAPPED) {
            NhsAppLevel::Unmapped
        } else if is_icb_code(&code) {
            NhsAppLevel::Icb
        } else {
            return fail(errors, 1, format!("{code:?} is not an ICB code (Q and two letters or digits)"));
        };
        let code = if level == NhsAppLevel::Unmapped { UNMAPPED.to_owned() } else { code };
        if let Some(first) = self.seen.insert((period.clone(), code.clone()), line) {
            return fail(
                errors,
                1,
                format!("{code} in {period} is also on row {first}; an ICB appears once a month"),
            );
        }
        let text = |i: usize| Some(cell(i).text()).filter(|t| !t.is_empty());
        let [logins, users] = [5, 6].map(|i| Figure::read(cell(i)));
        let unit = (code.as_str(), period.as_str());
        for (figure, (field, _)) in [&logins, &users].into_iter().zip(METRICS) {
            figure.flag(flags, line, unit, field);
        }
        flag_users_above_logins(flags, line, unit, &logins, &users);
        let sums = self.out.sums.entry(period.clone()).or_default();
        for (sum, figure) in sums.iter_mut().zip([&logins, &users]) {
            *sum += figure.stored().filter(|n| *n >= 0).unwrap_or(0);
        }
        let unknown = [&logins, &users].iter().any(|f| f.stored().is_none_or(|n| n < 0));
        *self.out.incomplete.entry(period.clone()).or_default() |= unknown;
        let mapped = level == NhsAppLevel::Icb;
        if mapped {
            names.add("icb", Some(&code), &cell(2).text(), &period);
            if let Some(region) = text(3) {
                names.add("region", Some(&region), &cell(4).text(), &period);
            }
        }
        self.out.rows.push(NhsAppMonth {
            period,
            level: level.code().to_owned(),
            code,
            name: text(2).filter(|_| mapped),
            region: text(3).filter(|_| mapped),
            region_name: text(4).filter(|_| mapped),
            logins: logins.stored(),
            unique_user_logins: users.stored(),
        });
    }

    /// The header row is the one whose second cell is `ICB ODS Code`; every known column must be on it.
    fn find_columns(&mut self, row: &XlsxRow, errors: &mut ImportErrors) {
        let keys: Vec<String> = row.cells.iter().map(|c| header_key(&c.text())).collect();
        if keys.get(1).map(String::as_str) != Some(PLACES[1].1) {
            return;
        }
        let wanted = PLACES.iter().map(|(_, key)| *key).chain(METRICS.iter().map(|(_, key)| *key));
        let mut found = [usize::MAX; COLUMNS];
        let mut missing = Vec::new();
        for (i, key) in wanted.enumerate() {
            match keys.iter().position(|k| k == key) {
                Some(at) => found[i] = at,
                None => missing.push(header(i)),
            }
        }
        if !missing.is_empty() {
            let message = format!("sheet {SHEET:?}: the header row has no column {}", missing.join(", "));
            errors.push(RowError::new(row.number, None, message));
        }
        for (at, cell) in row.cells.iter().enumerate() {
            if !cell.text().is_empty() && !found.contains(&at) {
                self.out.unread_columns.push(format!("{} ({})", cell.text(), column_letter(at)));
            }
        }
        // A refused header still ends the search, so its rows are not mistaken for notes.
        self.columns = Some(if missing.is_empty() { found } else { [usize::MAX; COLUMNS] });
    }

    /// False until a header row was found.
    pub fn found_header(&self) -> bool {
        self.columns.is_some()
    }
}
