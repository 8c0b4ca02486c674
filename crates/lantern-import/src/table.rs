//! Reading a published table row by row for the reference importers: columns found by name in any
//! case, spacing or order (`Area Code`, `AreaCode` and `AREA_CODE` are one column), cells decoded as
//! UTF-8 or, failing that, Latin-1 (older ODS and Fingertips downloads), and each row's problems
//! gathered with its physical line and column name.

use crate::dates::{month_of, parse_date, DATE_FORMATS};
use crate::episodes_csv::{ImportErrors, RowError};
use crate::published::{csv_reader, start_line, LineTracker};
use csv::ByteRecord;
use lantern_core::ods::OdsCode;
use std::borrow::Cow;
use std::io::Read;

/// The column names, as shown in messages, and their comparison keys.
#[derive(Debug, Clone)]
pub struct Header {
    names: Vec<String>,
    keys: Vec<String>,
}

fn key(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

impl Header {
    pub fn new(names: Vec<String>) -> Self {
        let keys = names.iter().map(|n| key(n)).collect();
        Self { names, keys }
    }

    fn from_record(record: &ByteRecord) -> Self {
        Self::new(record.iter().map(|c| decode(c).trim().trim_start_matches('\u{feff}').to_owned()).collect())
    }

    /// The first column named any of `wanted`.
    pub fn find(&self, wanted: &[&str]) -> Option<usize> {
        wanted.iter().find_map(|w| self.keys.iter().position(|k| *k == key(w)))
    }

    /// Every one of `wanted` (each a list of accepted names), or an error at line 1 naming the missing.
    pub fn require<const N: usize>(
        &self,
        wanted: [&[&str]; N],
        file: &str,
    ) -> Result<[usize; N], ImportErrors> {
        let found = wanted.map(|names| self.find(names));
        let missing: Vec<String> = wanted
            .iter()
            .zip(&found)
            .filter(|(_, at)| at.is_none())
            .map(|(names, _)| names.join(" or "))
            .collect();
        if !missing.is_empty() {
            let message = format!("The header lacks {}; this is not {file}", missing.join(", "));
            return Err(ImportErrors::single(1, None, message));
        }
        Ok(found.map(|at| at.unwrap_or_default()))
    }

    pub fn name(&self, at: usize) -> &str {
        self.names.get(at).map_or("", String::as_str)
    }

    pub fn width(&self) -> usize {
        self.names.len()
    }
}

/// Publishers' older tools write Latin-1; a name should still import rather than be refused.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// A CSV stream read one record at a time into one reused buffer.
pub struct Table<R: Read> {
    reader: csv::Reader<LineTracker<R>>,
    record: ByteRecord,
    pub rows_read: u64,
}

impl<R: Read> Table<R> {
    pub fn new(input: R) -> Self {
        Self { reader: csv_reader(input), record: ByteRecord::new(), rows_read: 0 }
    }

    /// Line 1 as the header.
    pub fn header(&mut self) -> Result<Header, ImportErrors> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => Ok(Header::from_record(&self.record)),
            Ok(false) => {
                Err(ImportErrors::single(1, None, "The file is empty; line 1 must be the header row"))
            }
            Err(e) => Err(ImportErrors::single(1, None, format!("Could not read the file: {e}"))),
        }
    }

    /// The next row's cells, None at the end or when the file cannot be read further (recorded).
    pub fn next_row<'a>(&'a mut self, header: &'a Header, errors: &mut ImportErrors) -> Option<Cells<'a>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                self.rows_read += 1;
                let line = start_line(&mut self.reader, &self.record);
                Some(Cells { record: &self.record, line, header, errors: Vec::new() })
            }
            Ok(false) => None,
            Err(e) => {
                let line = self.reader.position().line();
                errors.push(RowError::new(line, None, format!("Could not read the file: {e}")));
                None
            }
        }
    }
}

/// One row: its cells by column, and the problems found in it so far.
pub struct Cells<'a> {
    record: &'a ByteRecord,
    pub line: u64,
    header: &'a Header,
    pub errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    /// False (with the reason recorded) when the row is not as wide as the header.
    pub fn has_width(&mut self) -> bool {
        if self.record.len() == self.header.width() {
            return true;
        }
        let message =
            format!("This row has {} fields but the file has {}", self.record.len(), self.header.width());
        self.errors.push(RowError::new(self.line, None, message));
        false
    }

    pub fn text(&self, at: usize) -> Cow<'a, str> {
        match decode(self.record.get(at).unwrap_or_default()) {
            Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
            Cow::Owned(text) => Cow::Owned(text.trim().to_owned()),
        }
    }

    /// The cell, None when blank.
    pub fn optional(&self, at: usize) -> Option<String> {
        Some(self.text(at).into_owned()).filter(|t| !t.is_empty())
    }

    pub fn fail(&mut self, at: usize, message: impl Into<String>) {
        self.errors.push(RowError::new(self.line, Some(self.header.name(at)), message));
    }

    /// An ODS code (upper-cased); None (recorded) when blank or malformed.
    pub fn code(&mut self, at: usize) -> Option<String> {
        let text = self.text(at);
        OdsCode::parse(&text).map(String::from).map_err(|e| self.fail(at, e.to_string())).ok()
    }

    /// An optional ODS code: Some(None) when blank, None (recorded) when malformed.
    pub fn optional_code(&mut self, at: usize) -> Option<Option<String>> {
        if self.text(at).is_empty() {
            return Some(None);
        }
        self.code(at).map(Some)
    }

    /// A whole number as published, below zero included (the caller flags it; a value is never
    /// refused): Some(None) when blank, None (recorded) when not a whole number at all.
    pub fn count(&mut self, at: usize) -> Option<Option<i64>> {
        let text = self.text(at);
        if text.is_empty() {
            return Some(None);
        }
        match text.parse::<i64>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                self.fail(at, format!("{text:?} is not a count (a whole number)"));
                None
            }
        }
    }

    /// The month (`YYYY-MM`) of a published date; None (recorded) when it is not a date.
    pub fn month(&mut self, at: usize) -> Option<String> {
        let text = self.text(at);
        let month = parse_date(&text).map(month_of);
        if month.is_none() {
            self.fail(at, format!("{text:?} is not a date like {DATE_FORMATS}"));
        }
        month
    }

    /// Moves the row's problems to `errors`; true when it had none.
    pub fn finish(self, errors: &mut ImportErrors) -> bool {
        let clean = self.errors.is_empty();
        self.errors.into_iter().for_each(|e| errors.push(e));
        clean
    }
}
