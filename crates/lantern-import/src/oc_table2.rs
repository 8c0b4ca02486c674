//! Submissions via Online Consultation Systems in General Practice, the monthly workbook NHS England
//! publishes (`Submissions via Online Consultation Systems in General Practice - <Month> <Year>.xlsx`,
//! from April 2025 `Submissions via OC Systems in General Practice - <Month> <Year>.xlsx`), sheet
//! `Table 2` ("Submissions received by practices via Online Consultation Systems"): one row per
//! practice for the publication's month, stored as [`crate::oc`]'s rows.
//!
//! # Format
//!
//! Title rows, then a header row (`Month [1]`, `GP Code`, `GP Name`, the PCN, Sub ICB, ICB and Region
//! codes and names, `Supplier`, `Submissions`, `Clinical Submissions`, `Administrative Submissions`,
//! `Other/Unknown Type Submissions`, `Registered Patient Count`, `Rate per 1,000 Registered
//! Patients`, and from late 2025 `Participation`), the practice rows (the month an Excel date), then
//! notes. Columns are found by their header text, footnote marks ignored.
//!
//! # Rules
//!
//! - The workbook publishes neither capability nor system usage, and participation only in later
//!   months: those are stored as unknown, not flagged per practice (the layout says so in the summary).
//! - Structure refuses the file naming the sheet's row and column: no header row, a month that is not
//!   a date, a malformed practice code, a count that is not a whole number, a practice twice in a month.
//! - A value never does: a blank is kept as unknown and flagged; a count below zero is stored as
//!   published and flagged; a rate that does not follow from the counts is flagged `rate_mismatch`;
//!   a supplier published as `No Data` (no supplier, not taking part, or nothing received) is kept,
//!   its zeros as published, and flagged so they are not read as no demand.
//! - Like the long CSV: months before the method change and months NHS England's notes call
//!   incomplete for the practice's supplier are flagged ([`crate::oc_flags`]).

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::{tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceStats};
use crate::xlsx::{for_each_row, header_key, serial_date, XlsxCell, XlsxRow};
use lantern_core::ods::OdsCode;
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_core::uptake::OcMonth;
use std::collections::HashMap;
use std::path::Path;

/// The worksheet holding the practice table.
pub const SHEET: &str = "Table 2";

/// Columns by (header as published, its [`header_key`] prefix); the last is optional.
const COLUMNS: [(&str, &str); 19] = [
    ("Month", "month"),
    ("GP Code", "gpcode"),
    ("GP Name", "gpname"),
    ("PCN Code", "pcncode"),
    ("PCN Name", "pcnname"),
    ("Sub ICB Code", "subicbcode"),
    ("Sub ICB Name", "subicbname"),
    ("ICB Code", "icbcode"),
    ("ICB Name", "icbname"),
    ("Region Code", "regioncode"),
    ("Region Name", "regionname"),
    ("Supplier", "supplier"),
    ("Submissions", "submissions"),
    ("Clinical Submissions", "clinicalsubmissions"),
    ("Administrative Submissions", "administrativesubmissions"),
    ("Other/Unknown Type Submissions", "otherunknowntypesubmissions"),
    ("Registered Patient Count", "registeredpatientcount"),
    ("Rate per 1,000 Registered Patients", "rateper1000registeredpatients"),
    ("Participation", "participation"),
];
const SUPPLIER: usize = 11;
/// Submissions, clinical, administrative, other, registered patients.
const COUNTS: std::ops::Range<usize> = 12..17;
const RATE: usize = 17;
const PARTICIPATION: usize = 18;

/// What the file says when it has no supplier's data for a practice (spelt `No Data` and `No data`).
const NO_DATA: &str = "no data";

/// Column positions, found on the header row (the one whose second cell is `GP Code`).
fn find_columns(row: &XlsxRow) -> Option<[Option<usize>; 19]> {
    let keys: Vec<String> = row.cells.iter().map(|c| header_key(&c.text())).collect();
    if keys.get(1).map(String::as_str) != Some("gpcode") {
        return None;
    }
    let mut found = [None; 19];
    for (i, (_, key)) in COLUMNS.iter().enumerate() {
        // Whole keys: "submissions" is the start of no other header today, but would be easy to add.
        found[i] = keys.iter().position(|k| k == key);
    }
    Some(found)
}

/// Reads and checks the practice table of a monthly online consultations workbook.
pub fn read_oc_table2(path: &Path) -> Result<ReferenceFile<OcMonth>, ReferenceError> {
    let mut reader = Reader::default();
    let mut last_row = 0;
    for_each_row(path, SHEET, |row| {
        last_row = row.number;
        reader.row(&row);
    })
    .map_err(|e| ReferenceError::Invalid(ImportErrors::single(1, None, e.to_string())))?;
    reader.finish(last_row)
}

#[derive(Default)]
struct Reader {
    columns: Option<[Option<usize>; 19]>,
    errors: ImportErrors,
    flags: Option<Flags>,
    names: Names,
    rows: Vec<OcMonth>,
    seen: HashMap<(String, String), u64>,
    stats: ReferenceStats,
}

impl Reader {
    fn row(&mut self, row: &XlsxRow) {
        let Some(at) = self.columns else {
            self.columns = find_columns(row);
            if let Some(found) = self.columns {
                let missing: Vec<&str> =
                    (0..PARTICIPATION).filter(|&i| found[i].is_none()).map(|i| COLUMNS[i].0).collect();
                if !missing.is_empty() {
                    let message = format!("the header row has no column {}", missing.join(", "));
                    self.errors.push(RowError::new(row.number, None, message));
                }
            }
            return;
        };
        if at.iter().take(PARTICIPATION).any(Option::is_none) {
            return; // the header was refused above: its rows cannot be read
        }
        let column = |i: usize| COLUMNS[i].0;
        let cell = |i: usize| at[i].map_or(&XlsxCell::Empty, |c| row.cell(c));
        let XlsxCell::Number(serial) = cell(0) else {
            return; // notes, "Source", blank separators
        };
        let line = row.number;
        self.stats.rows_read += 1;
        let Some(date) = serial_date(*serial) else {
            self.errors.push(RowError::new(line, Some(column(0)), format!("{serial} is not a date")));
            return;
        };
        let period = format!("{:04}-{:02}", date.year(), date.month());
        let practice = match OdsCode::parse(&cell(1).text()) {
            Ok(code) => String::from(code),
            Err(e) => {
                self.errors.push(RowError::new(line, Some(column(1)), e.to_string()));
                return;
            }
        };
        let mut counts = [None; 6];
        let mut bad = false;
        for (slot, i) in COUNTS.chain([PARTICIPATION]).enumerate() {
            match cell(i) {
                XlsxCell::Empty => {}
                XlsxCell::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => counts[slot] = Some(*n as i64),
                other => {
                    let message = format!("{:?} is not a count (a whole number)", other.text());
                    self.errors.push(RowError::new(line, Some(column(i)), message));
                    bad = true;
                }
            }
        }
        let rate = match cell(RATE) {
            XlsxCell::Empty => None,
            XlsxCell::Number(n) if n.is_finite() => Some(*n),
            other => {
                let message = format!("{:?} is not a rate (a number)", other.text());
                self.errors.push(RowError::new(line, Some(column(RATE)), message));
                bad = true;
                None
            }
        };
        if bad {
            return;
        }
        if let Some(first) = self.seen.insert((period.clone(), practice.clone()), line) {
            let message =
                format!("{practice} in {period} is also on row {first}; a practice appears once a month");
            self.errors.push(RowError::new(line, Some(column(1)), message));
            return;
        }
        let text = |i: usize| cell(i).text();
        for (kind, code, name) in
            [("practice", 1, 2), ("pcn", 3, 4), ("sub_icb", 5, 6), ("icb", 7, 8), ("region", 9, 10)]
        {
            let code = Some(text(code)).filter(|c| !c.is_empty()).map(|c| c.to_ascii_uppercase());
            self.names.add(kind, code.as_deref(), &text(name), &period);
        }
        let flags = self.flags.get_or_insert_with(|| Flags::new("oc"));
        let unit = (practice.as_str(), period.as_str());
        let supplier = text(SUPPLIER);
        if supplier.is_empty() {
            flags.blank(line, unit.0, unit.1, column(SUPPLIER));
        } else if supplier.eq_ignore_ascii_case(NO_DATA) {
            let reason = format!(
                "supplier published as {supplier:?}: no supplier, not taking part, or no data received; \
                 its counts are stored as published but are not a measure of demand"
            );
            flags.at(line, unit, ReferenceQuirk::MissingField, column(SUPPLIER), &reason);
        }
        for (slot, i) in COUNTS.enumerate() {
            match counts[slot] {
                None => flags.blank(line, unit.0, unit.1, column(i)),
                Some(n) if n < 0 => flags.negative(line, unit, column(i), n, "stored as published"),
                Some(_) => {}
            }
        }
        let [total, clinical, admin, other, registered, participation] = counts;
        if let Some(published) = rate {
            check_rate(flags, line, unit, published, total, registered);
        }
        self.rows.push(OcMonth {
            period,
            practice,
            supplier,
            capability: None,
            participation,
            system_usage: None,
            total_submissions: total,
            clinical,
            admin,
            other,
            patients_registered: registered,
        });
    }

    fn finish(mut self, last_row: u64) -> Result<ReferenceFile<OcMonth>, ReferenceError> {
        let Some(at) = self.columns else {
            let message = format!(
                "sheet {SHEET:?} has no header row naming \"GP Code\" in column B (read to row {last_row}); \
                 this is not the practice table of a Submissions via Online Consultation Systems workbook"
            );
            return Err(ReferenceError::Invalid(ImportErrors::single(1, None, message)));
        };
        if !self.errors.is_empty() {
            return Err(ReferenceError::Invalid(self.errors));
        }
        let mut flags = self.flags.take().unwrap_or_else(|| Flags::new("oc"));
        self.rows.sort_by(|a, b| (&a.period, &a.practice).cmp(&(&b.period, &b.practice)));
        crate::oc_flags::flag_publisher_notes(&mut flags, &self.rows);
        let mut stats = self.stats;
        stats.layout = Some(
            if at[PARTICIPATION].is_some() {
                "workbook Table 2, with participation; no capability or system usage"
            } else {
                "workbook Table 2; no capability, participation or system usage"
            }
            .to_owned(),
        );
        let submissions: i64 = self.rows.iter().filter_map(|m| m.total_submissions).filter(|n| *n >= 0).sum();
        stats.totals.insert("submissions (Submissions)".to_owned(), submissions);
        tally_units(&mut stats, self.rows.iter().map(|m| (m.period.as_str(), m.practice.as_str())));
        Ok(ReferenceFile::new(self.rows, flags, self.names, stats))
    }
}

/// Flags a published rate that is not submissions × 1,000 ÷ registered patients. The workbook
/// publishes the rate unrounded, so only floating-point noise is allowed for.
fn check_rate(
    flags: &mut Flags,
    line: u64,
    unit: (&str, &str),
    published: f64,
    total: Option<i64>,
    registered: Option<i64>,
) {
    let field = COLUMNS[RATE].0;
    if published < 0.0 {
        let reason = format!("{published} is below zero; not checked against the counts");
        flags.at(line, unit, ReferenceQuirk::NegativeValue, field, &reason);
        return;
    }
    let (Some(total), Some(registered)) = (total, registered) else { return };
    let reason = if registered > 0 {
        let expected = 1000.0 * total as f64 / registered as f64;
        if (published - expected).abs() <= 1e-6 * expected.max(1.0) {
            return;
        }
        format!("published {published} per 1,000 but {total} submissions for {registered} patients is {expected:.6}")
    } else if published != 0.0 {
        format!("published {published} per 1,000 for a practice with no registered patients")
    } else {
        return;
    };
    flags.at(line, unit, ReferenceQuirk::RateMismatch, field, &reason);
}

/// Reads, checks and stores the workbook at `path` into the online consultations table (as
/// [`crate::oc::store_oc`], one `import.oc` audit record): all of it or none of it.
pub async fn import_oc_table2_file(
    store: &lantern_store::Store,
    path: &Path,
    actor: &lantern_core::audit::Actor,
) -> Result<crate::reference::ReferenceReport, ReferenceError> {
    let file = read_oc_table2(path)?;
    crate::oc::store_oc(store, &file, actor).await
}
