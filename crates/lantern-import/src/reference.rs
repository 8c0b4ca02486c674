//! What the reference-data importers ([`crate::places`], [`crate::age_bands`], [`crate::oc`],
//! [`crate::imd`], [`crate::epraccur`]) share: their error, what a file held, what an import did, and
//! the flags and names a file gives.
//!
//! Every importer follows the same rules: columns by name where the file has a header; a bad cell or a
//! practice given twice for one key refused naming its line(s) and column; nothing stored unless the
//! whole file is good; rows about other kinds of organisation counted, not stored; re-importing the
//! same file changes nothing. Structural damage (a short row, a missing column, a cell that is not a
//! number or date at all, a conflicting duplicate) refuses the file; a value never does: blanks and
//! impossible values (a count below zero, an unknown code) are stored as published, or as NULL where
//! the column cannot hold them, and flagged with their line and reason.

use crate::episodes_csv::ImportErrors;
use crate::published::{with_table, SourceError};
use lantern_core::uptake::reference::{ReferenceQuirk, UNALLOCATED_PCN};
use lantern_store::{StoreError, UptakeFlag, UptakeName, UptakeWriteSummary};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error(transparent)]
    Open(#[from] SourceError),
    /// The file has problems; each names its line and column.
    #[error("{total} problem(s) in the file:\n{0}", total = .0.total())]
    Invalid(ImportErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportErrors> for ReferenceError {
    fn from(errors: ImportErrors) -> Self {
        Self::Invalid(errors)
    }
}

/// What a file held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReferenceStats {
    pub rows_read: u64,
    /// Which of a format's layouts the header showed, where it has several.
    pub layout: Option<String>,
    /// Distinct practices stored.
    pub practices: u64,
    /// Practices stored per period (extract month, month or IMD year).
    pub periods: BTreeMap<String, u64>,
    /// Sums worth checking against the publisher's own (registered patients, submissions).
    pub totals: BTreeMap<String, i64>,
    /// Other tallies of what was stored (ODS status, prescribing setting).
    pub counts: BTreeMap<String, u64>,
    /// Rows for PCNs, ICBs, England and the like, by the file's name for their type: not stored.
    pub other_organisation_rows: BTreeMap<String, u64>,
    pub flags: BTreeMap<String, u64>,
    /// The first [`FLAG_EXAMPLES`] flags of each kind, in the order raised (file order for a row's
    /// own), written out with their line where one row is at fault.
    pub flag_examples: BTreeMap<String, Vec<String>>,
}

/// Per flag kind, its first few flags written out.
pub type Examples = BTreeMap<String, Vec<String>>;

/// How many flags of each kind an import summary names; the rest are counted, and all are stored.
pub const FLAG_EXAMPLES: usize = 5;

/// A file read and checked, ready to store.
#[derive(Debug, Clone)]
pub struct ReferenceFile<T> {
    pub rows: Vec<T>,
    pub flags: Vec<UptakeFlag>,
    pub names: Vec<UptakeName>,
    pub stats: ReferenceStats,
}

impl<T> ReferenceFile<T> {
    pub(crate) fn new(rows: Vec<T>, flags: Flags, names: Names, mut stats: ReferenceStats) -> Self {
        stats.flags = flags.counts;
        stats.flag_examples = flags.examples;
        Self { rows, flags: flags.list, names: names.into_vec(), stats }
    }
}

/// What an import read and what it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceReport {
    /// What the store counted in: `practice-months`, `practice-years`, `organisations`…
    pub unit: &'static str,
    pub stats: ReferenceStats,
    pub stored: UptakeWriteSummary,
}

/// Reads and checks the file at `path` (`.csv`, `.csv.gz` or a `.zip` of one CSV) with `read`.
/// Synchronous and CPU-bound: async callers should run it on a blocking thread.
pub fn read_file<T>(
    path: &Path,
    read: impl FnOnce(&mut dyn Read) -> Result<ReferenceFile<T>, ImportErrors>,
) -> Result<ReferenceFile<T>, ReferenceError> {
    Ok(with_table(path, read)??)
}

/// Fills `practices` and `periods` from the (period, practice) of every stored row; a period of ''
/// (a file without one) is not listed.
pub(crate) fn tally_units<'a>(
    stats: &mut ReferenceStats,
    units: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let units: BTreeSet<(&str, &str)> = units.into_iter().collect();
    let practices: HashSet<&str> = units.iter().map(|(_, practice)| *practice).collect();
    stats.practices = practices.len() as u64;
    for (period, _) in units.iter().filter(|(period, _)| !period.is_empty()) {
        *stats.periods.entry((*period).to_owned()).or_default() += 1;
    }
}

/// The flags a file raises, one per practice × period × kind × field, counted by kind.
#[derive(Debug)]
pub(crate) struct Flags {
    source: &'static str,
    list: Vec<UptakeFlag>,
    counts: BTreeMap<String, u64>,
    examples: BTreeMap<String, Vec<String>>,
}

impl Flags {
    pub fn new(source: &'static str) -> Self {
        Self { source, list: Vec::new(), counts: BTreeMap::new(), examples: BTreeMap::new() }
    }

    /// A flag about the practice-month as a whole (a band sum, a metric it lacks): no one line.
    pub fn raise(&mut self, practice: &str, period: &str, kind: ReferenceQuirk, field: &str, detail: String) {
        *self.counts.entry(kind.code().to_owned()).or_default() += 1;
        let examples = self.examples.entry(kind.code().to_owned()).or_default();
        if examples.len() < FLAG_EXAMPLES {
            let (at, reason) = match detail.split_once(": ") {
                Some((at, reason)) if at.starts_with("line ") => (format!("{at}, "), reason),
                _ => (String::new(), detail.as_str()),
            };
            let about: Vec<&str> = [practice, period, field].into_iter().filter(|s| !s.is_empty()).collect();
            examples.push(format!("{at}{}: {reason}", about.join(" ")));
        }
        self.list.push(UptakeFlag {
            source: self.source.to_owned(),
            practice: practice.to_owned(),
            period: period.to_owned(),
            kind: kind.code().to_owned(),
            field: field.to_owned(),
            detail,
        });
    }

    /// The flags, their counts by kind and each kind's first few, written out.
    pub fn into_parts(self) -> (Vec<UptakeFlag>, BTreeMap<String, u64>, Examples) {
        (self.list, self.counts, self.examples)
    }

    /// A flag about one row's value, naming its line.
    pub fn at(
        &mut self,
        line: u64,
        (practice, period): (&str, &str),
        kind: ReferenceQuirk,
        field: &str,
        reason: &str,
    ) {
        self.raise(practice, period, kind, field, format!("line {line}: {reason}"));
    }

    pub fn blank(&mut self, line: u64, practice: &str, period: &str, field: &str) {
        let reason = "blank in the file; kept as unknown, not zero";
        self.at(line, (practice, period), ReferenceQuirk::BlankValue, field, reason);
    }

    /// A count below zero: `stored` says what the column holds (the value, or NULL where it cannot).
    pub fn negative(
        &mut self,
        line: u64,
        (practice, period): (&str, &str),
        field: &str,
        value: i64,
        stored: &str,
    ) {
        let reason = format!("{value} is below zero; {stored}, left out of sums and rates as unknown");
        self.at(line, (practice, period), ReferenceQuirk::NegativeValue, field, &reason);
    }
}

/// Organisation names a file gives, the latest period's winning where they differ.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// Kind → code → (period seen in, name).
    seen: BTreeMap<&'static str, HashMap<String, (String, String)>>,
}

impl Names {
    /// Notes `name` for `code` of `kind` (`practice`, `pcn`, `sub_icb`, `icb`, `region`) as seen in
    /// `period`; blanks say nothing and are skipped.
    pub fn add(&mut self, kind: &'static str, code: Option<&str>, name: &str, period: &str) {
        let (Some(code), false) = (code, name.is_empty()) else { return };
        if kind == "pcn" && code.eq_ignore_ascii_case(UNALLOCATED_PCN) {
            return;
        }
        let codes = self.seen.entry(kind).or_default();
        match codes.get_mut(code) {
            Some((seen_in, seen)) if *seen == name || seen_in.as_str() > period => {}
            Some(entry) => *entry = (period.to_owned(), name.to_owned()),
            None => {
                codes.insert(code.to_owned(), (period.to_owned(), name.to_owned()));
            }
        }
    }

    fn into_vec(self) -> Vec<UptakeName> {
        let mut names = Vec::new();
        for (kind, codes) in self.seen {
            let mut codes: Vec<(String, (String, String))> = codes.into_iter().collect();
            codes.sort();
            names.extend(codes.into_iter().map(|(code, (_, name))| UptakeName {
                kind: kind.to_owned(),
                code,
                name,
            }));
        }
        names
    }
}

/// The summary's lines of what was read: rows (and layout), practices, periods, totals and counts.
pub(crate) fn write_read(f: &mut fmt::Formatter<'_>, s: &ReferenceStats) -> fmt::Result {
    write!(f, "rows read: {}", s.rows_read)?;
    match &s.layout {
        Some(layout) => writeln!(f, " ({layout} layout)")?,
        None => writeln!(f)?,
    }
    writeln!(f, "practices: {}", s.practices)?;
    for (period, practices) in &s.periods {
        writeln!(f, "period {period}: {practices} practices")?;
    }
    for (what, total) in &s.totals {
        writeln!(f, "{what}: {total}")?;
    }
    for (what, n) in &s.counts {
        writeln!(f, "{what}: {n}")?;
    }
    Ok(())
}

impl fmt::Display for ReferenceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        write_read(f, s)?;
        if !s.other_organisation_rows.is_empty() {
            let other: Vec<String> =
                s.other_organisation_rows.iter().map(|(k, n)| format!("{k} {n}")).collect();
            writeln!(f, "rows for other organisation types (not stored): {}", other.join(", "))?;
        }
        let stored = &self.stored;
        let unit = self.unit;
        writeln!(
            f,
            "{unit}: {} new, {} updated, {} unchanged",
            stored.created, stored.updated, stored.unchanged
        )?;
        write_flags(f, &s.flags, &s.flag_examples)
    }
}

/// The summary's flag lines: counts by kind, then each kind's first few by line and how many more.
pub(crate) fn write_flags(
    f: &mut fmt::Formatter<'_>,
    counts: &BTreeMap<String, u64>,
    examples: &BTreeMap<String, Vec<String>>,
) -> fmt::Result {
    if counts.is_empty() {
        return writeln!(f, "flags: none");
    }
    let listed: Vec<String> = counts.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
    writeln!(f, "flags: {}", listed.join(", "))?;
    for (kind, examples) in examples {
        for example in examples {
            writeln!(f, "  {kind} {example}")?;
        }
        let more = counts.get(kind).copied().unwrap_or(0).saturating_sub(examples.len() as u64);
        if more > 0 {
            writeln!(f, "  {kind}: {more} more, in the flags table")?;
        }
    }
    Ok(())
}
