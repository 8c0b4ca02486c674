//! What goes wrong with a CSV file, said the way a person fixing it in a text editor or spreadsheet
//! needs it: the physical line and the column header.

use lantern_store::StoreError;
use std::fmt;

/// At most this many problems are listed; a file with thousands of bad rows usually has one mistake
/// repeated, and a list of 50,000 lines helps nobody.
pub const MAX_REPORTED_ERRORS: usize = 1_000;

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Physical line as a text editor numbers it: the header is line 1. For a record spanning several
    /// lines (a quoted note with line breaks) this is the line the record starts on.
    pub line: u64,
    /// The column header the problem is in, when it is in one cell.
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    pub fn new(line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { line, column: column.map(str::to_owned), message: message.into() }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Every problem found in a file (up to [`MAX_REPORTED_ERRORS`], in file order), plus how many more
/// there were. Never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct ImportErrors {
    pub errors: Vec<RowError>,
    /// Problems found beyond the first [`MAX_REPORTED_ERRORS`].
    pub not_shown: u64,
}

impl ImportErrors {
    pub fn single(line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { errors: vec![RowError::new(line, column, message)], not_shown: 0 }
    }

    pub(crate) fn push(&mut self, error: RowError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.not_shown += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// All problems found, including those not listed.
    pub fn total(&self) -> u64 {
        u64::try_from(self.errors.len()).unwrap_or(u64::MAX).saturating_add(self.not_shown)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, RowError> {
        self.errors.iter()
    }
}

impl<'a> IntoIterator for &'a ImportErrors {
    type Item = &'a RowError;
    type IntoIter = std::slice::Iter<'a, RowError>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One problem per line, then "... and N more" when the list was capped.
impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for error in &self.errors {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            write!(f, "{error}")?;
        }
        if self.not_shown > 0 {
            write!(f, "\n... and {} more", self.not_shown)?;
        }
        Ok(())
    }
}

/// Why [`super::import_episodes`] stored nothing (it never stores part of a file).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; each names its line and column.
    #[error("{total} problem(s) in the file:\n{0}", total = .0.total())]
    Invalid(ImportErrors),
    /// The database refused the rows (a conflicting id names its line) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportErrors> for ImportError {
    fn from(errors: ImportErrors) -> Self {
        Self::Invalid(errors)
    }
}

/// Why [`super::export_episodes`] stopped. Rows already written to the output stay there, so a
/// caller writing a file should delete it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not read episodes: {0}")]
    Store(#[from] StoreError),
    #[error("could not write the CSV: {0}")]
    Write(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_problem_per_line() {
        let mut errors = ImportErrors::default();
        errors.push(RowError::new(501, Some("duration_minutes"), "too long"));
        errors.push(RowError::new(7, None, "expected 16 fields, found 15"));
        assert_eq!(
            errors.to_string(),
            "line 501, column duration_minutes: too long\nline 7: expected 16 fields, found 15"
        );
    }

    #[test]
    fn list_is_capped_with_a_count_of_the_rest() {
        let mut errors = ImportErrors::default();
        for line in 0..1_250 {
            errors.push(RowError::new(line + 2, Some("channel"), "bad"));
        }
        assert_eq!(errors.errors.len(), MAX_REPORTED_ERRORS);
        assert_eq!(errors.not_shown, 250);
        assert_eq!(errors.total(), 1_250);
        assert!(errors.to_string().ends_with("line 1001, column channel: bad\n... and 250 more"));
        let import = ImportError::from(errors);
        assert!(import
            .to_string()
            .starts_with("1250 problem(s) in the file:\nline 2, column channel: bad\n"));
    }
}
