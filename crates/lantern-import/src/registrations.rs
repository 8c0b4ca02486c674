//! Patients Registered at a GP Practice (NHS Digital, monthly): the totals file, one row per practice
//! with its registered patients at the extract date. It gives the denominators uptake and hidden work
//! are measured per 1,000 patients against, for months POMI does not cover.
//!
//! # Format
//!
//! `gp-reg-pat-prac-all*.csv`, plain or gzipped. Columns by name, any case and order: `EXTRACT_DATE`
//! (`01JAN2021`, `2025-12-01`, …), the practice code (`CODE`, `ORG_CODE` or `PRACTICE_CODE`) and
//! `NUMBER_OF_PATIENTS`; `TYPE` / `ORG_TYPE`, `SEX` and `AGE` when present. Other columns are ignored.
//!
//! # Rules
//!
//! - Rows for organisations other than practices (`TYPE` not `GP`) are counted and not stored.
//! - `SEX` and `AGE` must be `ALL`: a breakdown row would be taken for a total. The 5-year age-band file
//!   is refused at its header, as it needs its own importer.
//! - A date, practice code or count that cannot be read, or a practice given twice for one month, is
//!   refused naming its line and column; nothing is stored unless the whole file is good.
//! - A value is never refused: a blank count is kept as unknown and flagged (`blank_value`); a count
//!   below zero is flagged (`negative_value`) with its line and stored as unknown (NULL), since the
//!   column holds no negative count and no rate can use it. Re-importing changes nothing.

use crate::dates::{month_of, parse_date, DATE_FORMATS};
use crate::episodes_csv::{ImportErrors, RowError};
use crate::published::{csv_reader, start_line, with_table, SourceError};
use crate::reference::Flags;
use csv::ByteRecord;
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_store::{RegistrationRow, Store, StoreError, UptakeFlag, UptakeWriteSummary};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum RegistrationsError {
    #[error(transparent)]
    Open(#[from] SourceError),
    #[error("{total} problem(s) in the file:\n{0}", total = .0.total())]
    Invalid(ImportErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportErrors> for RegistrationsError {
    fn from(errors: ImportErrors) -> Self {
        Self::Invalid(errors)
    }
}

/// What a file held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegistrationStats {
    pub rows_read: u64,
    pub practices: u64,
    /// Registered patients summed per extract month (blanks left out).
    pub patients_per_period: BTreeMap<String, i64>,
    /// Rows for PCNs, ICBs and the like: counted, not stored.
    pub other_organisation_rows: u64,
    pub flags: BTreeMap<String, u64>,
    /// The first few flags of each kind, with their lines (see [`crate::reference::FLAG_EXAMPLES`]).
    pub flag_examples: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct RegistrationsFile {
    pub rows: Vec<RegistrationRow>,
    pub flags: Vec<UptakeFlag>,
    pub stats: RegistrationStats,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationsReport {
    pub stats: RegistrationStats,
    pub stored: UptakeWriteSummary,
}

struct Columns {
    width: usize,
    names: Vec<String>,
    date: usize,
    code: usize,
    patients: usize,
    org_type: Option<usize>,
    sex: Option<usize>,
    age: Option<usize>,
}

impl Columns {
    fn parse(record: &ByteRecord) -> Result<Self, ImportErrors> {
        let names: Vec<String> = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        let find =
            |wanted: &[&str]| names.iter().position(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)));
        if find(&["AGE_GROUP_5", "AGE_GROUP"]).is_some() {
            return Err(ImportErrors::single(
                1,
                None,
                "This is an age-band breakdown file; this importer takes the totals file (gp-reg-pat-prac-all)",
            ));
        }
        let (date, code, patients) = (
            find(&["EXTRACT_DATE"]),
            find(&["CODE", "ORG_CODE", "PRACTICE_CODE"]),
            find(&["NUMBER_OF_PATIENTS"]),
        );
        let (Some(date), Some(code), Some(patients)) = (date, code, patients) else {
            return Err(ImportErrors::single(
                1,
                None,
                "The header needs EXTRACT_DATE, CODE (or ORG_CODE / PRACTICE_CODE) and NUMBER_OF_PATIENTS; \
                 this is not a Patients Registered at a GP Practice totals file",
            ));
        };
        Ok(Self {
            width: names.len(),
            date,
            code,
            patients,
            org_type: find(&["TYPE", "ORG_TYPE"]),
            sex: find(&["SEX"]),
            age: find(&["AGE"]),
            names,
        })
    }
}

/// Reads and checks a totals file from `input` (a CSV stream).
pub fn read_registrations<R: Read>(input: R) -> Result<RegistrationsFile, ImportErrors> {
    let mut reader = csv_reader(input);
    let mut record = ByteRecord::new();
    let columns = match reader.read_byte_record(&mut record) {
        Ok(true) => Columns::parse(&record)?,
        Ok(false) => {
            return Err(ImportErrors::single(1, None, "The file is empty; line 1 must be the header row"))
        }
        Err(e) => return Err(ImportErrors::single(1, None, format!("Could not read the file: {e}"))),
    };
    let mut errors = ImportErrors::default();
    let mut file =
        RegistrationsFile { rows: Vec::new(), flags: Vec::new(), stats: RegistrationStats::default() };
    let mut first_line: HashMap<(String, String), u64> = HashMap::new();
    let mut flags = Flags::new("registrations");
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                file.stats.rows_read += 1;
                let line = start_line(&mut reader, &record);
                match parse_row(&columns, &record, line) {
                    Ok(None) => file.stats.other_organisation_rows += 1,
                    Ok(Some(row)) => match first_line.get(&(row.period.clone(), row.practice.clone())) {
                        Some(first) => errors.push(RowError::new(
                            line,
                            Some(&columns.names[columns.code]),
                            format!(
                                "{} is also on line {first} for {}; each practice may appear once a month",
                                row.practice, row.period
                            ),
                        )),
                        None => {
                            first_line.insert((row.period.clone(), row.practice.clone()), line);
                            file.rows.push(flag(&mut flags, &columns, line, row));
                        }
                    },
                    Err(row_errors) => row_errors.into_iter().for_each(|e| errors.push(e)),
                }
            }
            Err(e) => {
                errors.push(RowError::new(
                    reader.position().line(),
                    None,
                    format!("Could not read the file: {e}"),
                ));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    file.stats.practices =
        first_line.keys().map(|(_, p)| p).collect::<std::collections::HashSet<_>>().len() as u64;
    for row in &file.rows {
        *file.stats.patients_per_period.entry(row.period.clone()).or_default() += row.patients.unwrap_or(0);
    }
    (file.flags, file.stats.flags, file.stats.flag_examples) = flags.into_parts();
    Ok(file)
}

/// Flags a blank or negative count; a negative one is stored as unknown.
fn flag(flags: &mut Flags, columns: &Columns, line: u64, mut row: RegistrationRow) -> RegistrationRow {
    let (at, field) = ((row.practice.as_str(), row.period.as_str()), &columns.names[columns.patients]);
    match row.patients {
        None => flags.blank(line, at.0, at.1, field),
        Some(n) if n < 0 => {
            flags.negative(line, at, field, n, "stored as NULL (the column holds no count below zero)");
            row.patients = None;
        }
        Some(_) => {}
    }
    row
}

/// One row: a practice's total, None for another kind of organisation, or the row's problems.
fn parse_row(
    columns: &Columns,
    record: &ByteRecord,
    line: u64,
) -> Result<Option<RegistrationRow>, Vec<RowError>> {
    if record.len() != columns.width {
        let message = format!("This row has {} fields but the header has {}", record.len(), columns.width);
        return Err(vec![RowError::new(line, None, message)]);
    }
    let mut errors = Vec::new();
    let mut fail =
        |at: usize, message: String| errors.push(RowError::new(line, Some(&columns.names[at]), message));
    let cell =
        |at: usize| std::str::from_utf8(record.get(at).unwrap_or_default()).unwrap_or("\u{fffd}").trim();
    if let Some(at) = columns.org_type {
        if !cell(at).eq_ignore_ascii_case("GP") {
            return Ok(None);
        }
    }
    for at in [columns.sex, columns.age].into_iter().flatten() {
        if !cell(at).eq_ignore_ascii_case("ALL") {
            fail(at, format!("{:?} is a breakdown; this importer takes totals (ALL)", cell(at)));
        }
    }
    let period = parse_date(cell(columns.date)).map(month_of);
    if period.is_none() {
        fail(columns.date, format!("{:?} is not a date like {DATE_FORMATS}", cell(columns.date)));
    }
    let practice = OdsCode::parse(cell(columns.code)).map_err(|e| fail(columns.code, e.to_string())).ok();
    let patients = match cell(columns.patients) {
        "" => Some(None),
        text => match text.parse::<i64>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                fail(columns.patients, format!("{text:?} is not a count of patients"));
                None
            }
        },
    };
    match (period, practice, patients) {
        (Some(period), Some(practice), Some(patients)) if errors.is_empty() => {
            Ok(Some(RegistrationRow { period, practice: practice.to_string(), patients }))
        }
        _ => Err(errors),
    }
}

/// Reads, checks and stores the file at `path` (`.csv` or `.csv.gz`): all of it or none of it.
pub async fn import_registrations_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<RegistrationsReport, RegistrationsError> {
    let file = with_table(path, |input| read_registrations(input))??;
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let stored = store.import_registrations(&file.rows, &file.flags, &detail, actor).await?;
    Ok(RegistrationsReport { stats: file.stats, stored })
}

impl fmt::Display for RegistrationsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        writeln!(f, "rows read: {}", s.rows_read)?;
        writeln!(f, "practices: {}", s.practices)?;
        for (period, patients) in &s.patients_per_period {
            writeln!(f, "period {period}: {patients} registered patients")?;
        }
        if s.other_organisation_rows > 0 {
            writeln!(f, "rows for other organisation types (not stored): {}", s.other_organisation_rows)?;
        }
        writeln!(
            f,
            "practice-months: {} new, {} updated, {} unchanged",
            self.stored.created, self.stored.updated, self.stored.unchanged
        )?;
        crate::reference::write_flags(f, &s.flags, &s.flag_examples)
    }
}
