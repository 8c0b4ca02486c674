//! Reading a POMI file row by row into one compact accumulator per practice-month. Raw rows are never
//! kept: memory grows with practice-months (~42,000 for six national months), not with the file. Every
//! row is checked even after a bad one, so the whole list of problems comes back in one go.

use super::header::Header;
use super::tally::{MonthKey, Placement, Slot, Tally, Whole};
use crate::dates::{month_of, parse_date, DATE_FORMATS};
use crate::episodes_csv::{ImportErrors, RowError};
use crate::records::{OwnedRecord, Record, Records};
use lantern_core::ods::OdsCode;
use lantern_core::uptake::PomiField;
use std::io::Read;

/// Whole practice-months handed to the store at a time: a few statements' worth.
const WHOLE_BATCH: usize = 1_024;

/// Takes whole practice-months (with their flags) while the file is still being read; false when the
/// taker has stopped (the store failed), which stops the reading.
pub type Taker<'t> = &'t (dyn Fn(Whole) -> bool + Sync);

/// Reads and checks a whole file into a [`Tally`], or returns every problem found.
///
/// One thread splits and checks each record where it lies in the read buffer (see
/// [`crate::records`]); with a zip, another inflates ahead of it (see [`crate::inflate`]). A record is
/// never copied: the next twelve rows of a practice-month are only compared with its first.
pub fn tally_pomi<R: Read>(input: R) -> Result<Tally, ImportErrors> {
    tally_pomi_taking(input, None)
}

/// As [`tally_pomi`], handing each practice-month to `take` as soon as it is whole (all 13 fields
/// given), in batches, so that it can be stored while the rest of the file is read; the tally keeps
/// the rest for [`Tally::finish`]. Nothing more is handed over once a problem is found: the file
/// will be refused, and whatever was taken rolled back.
pub fn tally_pomi_taking<R: Read>(input: R, take: Option<Taker<'_>>) -> Result<Tally, ImportErrors> {
    let mut records = Records::new(input);
    let header = match records.next_record() {
        Ok(Some(record)) => Header::parse(record.iter())?,
        Ok(None) => {
            return Err(ImportErrors::single(1, None, "The file is empty; line 1 must be the header row"))
        }
        Err(e) => return Err(ImportErrors::single(1, None, format!("Could not read the file: {e}"))),
    };
    let mut tally = Tally::new(header.org_kind);
    let mut cache = Cache::new(&header);
    let mut errors = ImportErrors::default();
    let mut whole = Whole::default();
    let mut stopped = false;
    loop {
        let record = match records.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(e) => {
                let line = records.line();
                errors.push(RowError::new(line, None, format!("Could not read the file: {e}")));
                break;
            }
        };
        tally.rows_read += 1;
        match add_row(&mut tally, &header, &record, &mut cache) {
            Ok(Some(key)) if take.is_some() && errors.is_empty() => tally.take_whole(key, &mut whole),
            Ok(_) => {}
            Err(row_errors) => {
                row_errors.into_iter().for_each(|e| errors.push(e));
                whole = Whole::default();
            }
        }
        if let Some(take) = take.filter(|_| whole.len() >= WHOLE_BATCH) {
            if !take(std::mem::take(&mut whole)) {
                // The store failed: its error is the one reported, whatever the rest of the file holds.
                stopped = true;
                break;
            }
        }
    }
    if let Some(take) = take.filter(|_| !stopped && !whole.is_empty() && errors.is_empty()) {
        take(whole);
    }
    if tally.rows_read == 0 && errors.is_empty() {
        errors.push(RowError::new(2, None, "The file has a header row but no data rows"));
    }
    if errors.is_empty() {
        Ok(tally)
    } else {
        Err(errors)
    }
}

/// One row's cells, collecting the problems met while reading them.
struct Row<'r> {
    header: &'r Header,
    record: &'r Record<'r>,
    line: u64,
    errors: Vec<RowError>,
}

impl<'r> Row<'r> {
    fn fail(&mut self, column: usize, message: impl Into<String>) {
        let name = self.header.name(column).to_owned();
        self.errors.push(RowError::new(self.line, Some(&name), message));
    }

    /// The trimmed cell; empty (and reported) when not UTF-8.
    fn text(&mut self, column: usize) -> &'r str {
        let raw = self.record.get(column).unwrap_or_default();
        match std::str::from_utf8(raw) {
            Ok(text) => text.trim(),
            Err(_) => {
                self.fail(column, "This cell is not UTF-8 text");
                ""
            }
        }
    }

    /// A code column that every row must fill (region, CCG or sub-ICB): upper-cased as ODS codes are.
    fn code(&mut self, column: usize) -> String {
        let text = self.text(column);
        if text.is_empty() {
            self.fail(column, "This code is empty; every row needs it");
        }
        text.to_ascii_uppercase()
    }
}

/// Checks one row and adds it to the tally; names its practice-month when the row made it whole.
fn add_row(
    tally: &mut Tally,
    header: &Header,
    record: &Record<'_>,
    cache: &mut Cache,
) -> Result<Option<MonthKey>, Vec<RowError>> {
    let line = record.line;
    if record.len() != header.width {
        let message = format!(
            "This row has {} fields but the header has {}; look for a missing or extra comma or an unclosed quote",
            record.len(),
            header.width
        );
        return Err(vec![RowError::new(line, None, message)]);
    }
    let mut row = Row { header, record, line, errors: Vec::new() };
    // The practice-month's cells first, so a row's problems are listed in the file's column order.
    if !cache.holds(header, record) {
        cache.keys = None;
        if let Some(keys) = practice_month_keys(&mut row, tally) {
            cache.remember(record, keys);
        }
    }
    let field = match record.get(header.field).and_then(exact_field) {
        Some(field) => Some(field),
        None => {
            let field_text = row.text(header.field);
            let field = PomiField::parse(field_text);
            if field.is_none() {
                let message = format!("{field_text:?} is not a POMI field (such as Total_Pat_Enbld)");
                row.fail(header.field, message);
            }
            field
        }
    };
    let value = match record.get(header.value).and_then(plain_number) {
        Some(value) => Some(Some(value)),
        None => parse_value(&mut row),
    };
    let (Some(keys), Some(field), Some(value)) = (cache.keys.as_ref(), field, value) else {
        return Err(row.errors);
    };
    if !row.errors.is_empty() {
        return Err(row.errors);
    }
    let Keys { period, practice, slot } = keys;
    tally.add((practice, period), line, *slot, (field, value)).map_err(|(column, message)| {
        let at = match column {
            Column::Supplier => header.supplier,
            Column::Region => header.region,
            Column::Org => header.org,
            Column::Icb => header.icb.unwrap_or(header.org),
            Column::Field => header.field,
        };
        vec![RowError::new(line, Some(header.name(at)), message)]
    })
}

/// What a practice-month's rows share: all thirteen of its rows carry the same date, practice, supplier
/// and organisation cells, so they are checked once and the next twelve rows only compared.
struct Keys {
    period: String,
    practice: OdsCode,
    slot: Slot,
}

/// The keys of the practice-month the last rows were for, with the first of those rows.
struct Cache {
    raw: OwnedRecord,
    keys: Option<Keys>,
    /// The last key column, when the field and value columns both come after every key column (as
    /// published): then a row holds the same keys when its bytes up to there are the same, one
    /// comparison instead of one per column.
    last_key: Option<usize>,
}

fn key_columns(header: &Header) -> impl Iterator<Item = usize> + '_ {
    [header.date, header.practice, header.supplier, header.region, header.org]
        .into_iter()
        .chain(header.icb)
        .chain(header.practice_name)
        .chain(header.region_name)
        .chain(header.org_name)
        .chain(header.icb_name)
}

impl Cache {
    fn new(header: &Header) -> Self {
        let last = key_columns(header).max().unwrap_or_default();
        let after = header.field > last && header.value > last;
        Self { raw: OwnedRecord::default(), keys: None, last_key: after.then_some(last) }
    }

    fn holds(&self, header: &Header, record: &Record<'_>) -> bool {
        if self.keys.is_none() {
            return false;
        }
        let raw = self.raw.as_record();
        match self.last_key {
            Some(last) => record.same_start(&raw, last),
            None => key_columns(header).all(|at| record.get(at) == raw.get(at)),
        }
    }

    fn remember(&mut self, record: &Record<'_>, keys: Keys) {
        self.raw.keep(record);
        self.keys = Some(keys);
    }
}

/// Reads and checks the practice-month's cells of a row, and notes the names it gives.
fn practice_month_keys(row: &mut Row<'_>, tally: &mut Tally) -> Option<Keys> {
    let header = row.header;
    let date_text = row.text(header.date);
    let period = match parse_date(date_text) {
        Some(date) => Some(month_of(date)),
        None => {
            row.fail(header.date, format!("{date_text:?} is not a date like {DATE_FORMATS}"));
            None
        }
    };
    let practice_text = row.text(header.practice);
    let practice = match OdsCode::parse(practice_text) {
        Ok(code) => Some(code),
        Err(e) => {
            row.fail(header.practice, e.to_string());
            None
        }
    };
    let supplier = row.text(header.supplier).to_owned();
    let region = row.code(header.region);
    let org = row.code(header.org);
    let icb = header.icb.map(|at| row.text(at).to_ascii_uppercase()).filter(|c| !c.is_empty());
    let (period, practice) = (period?, practice?);
    if !row.errors.is_empty() {
        return None;
    }
    let names = [
        ("practice", header.practice_name, practice.as_str()),
        ("region", header.region_name, region.as_str()),
        (header.org_kind.code(), header.org_name, org.as_str()),
        ("icb", header.icb_name, icb.as_deref().unwrap_or_default()),
    ];
    for (kind, column, code) in names {
        if let Some(name) = column.map(|at| row.text(at)).filter(|n| !n.is_empty() && !code.is_empty()) {
            tally.name(kind, code, name, &period);
        }
    }
    let placement = Placement { supplier: &supplier, region: &region, org: &org, icb: icb.as_deref() };
    let slot = tally.slot(&practice, &period, placement);
    Some(Keys { period, practice, slot })
}

/// Which column a problem found while adding a row to its practice-month is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Supplier,
    Region,
    Org,
    Icb,
    Field,
}

/// A field cell spelt exactly as published: the usual case, read without the UTF-8 check, trimming
/// and case folding that [`PomiField::parse`] does for the rest.
fn exact_field(cell: &[u8]) -> Option<PomiField> {
    PomiField::ALL.into_iter().find(|f| f.name().as_bytes() == cell)
}

/// A value cell of plain digits, perhaps after a `-`, that fits an i64: the usual case, read without
/// the UTF-8 check and trimming of [`parse_value`], which reads everything else.
fn plain_number(cell: &[u8]) -> Option<i64> {
    let (negative, digits) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    Some(if negative { -magnitude } else { magnitude })
}

/// The `value` cell: blank is kept as unknown (`Some(None)`), any whole number as published (a count
/// below zero or a `Sys_*` status other than 0–2 is flagged later, never refused). `None` when the cell
/// is not a whole number (reported): that is damage, not a value.
fn parse_value(row: &mut Row<'_>) -> Option<Option<i64>> {
    let at = row.header.value;
    let text = row.text(at);
    if text.is_empty() {
        return Some(None);
    }
    match text.parse::<i64>() {
        Ok(value) => Some(Some(value)),
        Err(_) => {
            row.fail(at, format!("{text:?} is not a whole number"));
            None
        }
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
