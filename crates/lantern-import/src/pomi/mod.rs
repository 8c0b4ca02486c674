//! POMI (Patient Online Management Information), NHS Digital's monthly count per practice of patients
//! enabled for, and using, online appointments, repeat prescriptions and the detailed coded record.
//!
//! # Format
//!
//! The published long format: one row per practice × month × field, as a `.csv` or the `.zip` holding
//! one. Columns are found by name (any case, any order; others are ignored): `report_period_end`
//! (`30APR2018` in the CCG era, `31-Dec-23` in the sub-ICB era; see [`crate::dates`]), `region_code`,
//! `ccg_code` or `sub_ICB_location_code`, `practice_code`, `system_supplier`, `field`, `value`, and
//! optionally `region_name`, `ccg_name` / `sub_ICB_location_name`, `ICB_code`, `ICB_name`,
//! `practice_name`.
//!
//! # Rules
//!
//! - Structural damage refuses the file, naming line and column: a row that is not a row (short, long,
//!   unreadable), a date, practice code or field name (one of the 13 in
//!   [`lantern_core::uptake::PomiField`]) that cannot be read, a value that is not a whole number, an
//!   empty region or CCG / sub-ICB code (the row cannot be placed), a field repeated for a
//!   practice-month, or a row placing the practice differently from that practice-month's earlier rows.
//!   Nothing is stored unless the whole file is good.
//! - A value is never refused. Quirks of real files are stored as published and flagged with the line
//!   and reason, never dropped: blank values (NULL), fields a practice-month lacks, counts below zero,
//!   `Sys_*` statuses other than 0–2, enabled counts above the list size, the `(I)` supplier suffix,
//!   services switched off (`Sys_*` 0 or 1) and, for those, nonzero counts, and `Total_Pat_Enbld`
//!   below a service's enabled count. See [`lantern_core::uptake::QuirkKind`]; which of them the
//!   measures leave out is in [`lantern_core::uptake::measures`].
//! - Importing the same file again changes nothing: practice-months already stored with the same
//!   content are counted as unchanged; those that differ are replaced, with their flags.

mod header;
mod read;
mod tally;

pub use read::tally_pomi;
pub use tally::{PomiFile, PomiStats, Whole};

use read::tally_pomi_taking;
use tally::Tally;

use crate::episodes_csv::ImportErrors;
use crate::published::{with_table, SourceError};
use lantern_core::audit::Actor;
use lantern_store::{Store, StoreError, UptakeWriteSummary};
use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum PomiError {
    #[error(transparent)]
    Open(#[from] SourceError),
    /// The file has problems; each names its line and column.
    #[error("{total} problem(s) in the file:\n{0}", total = .0.total())]
    Invalid(ImportErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportErrors> for PomiError {
    fn from(errors: ImportErrors) -> Self {
        Self::Invalid(errors)
    }
}

/// What an import read and what it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PomiReport {
    pub stats: PomiStats,
    pub stored: UptakeWriteSummary,
}

/// Reads and checks a POMI table from `input` (a CSV stream).
pub fn read_pomi<R: Read>(input: R) -> Result<PomiFile, ImportErrors> {
    Ok(tally_pomi(input)?.finish())
}

/// Reads and checks the POMI file at `path` (`.csv` or `.zip`). Synchronous and CPU-bound (about a
/// second for the national six-month file in a release build): async callers should run it on a
/// blocking thread.
pub fn read_pomi_file(path: &Path) -> Result<PomiFile, PomiError> {
    Ok(with_table(path, |input| read_pomi(input))??)
}

/// Reads, checks and stores the POMI file at `path`: all of it or, when anything is wrong, none of it.
///
/// Storing overlaps reading: a blocking thread reads and checks the file (see [`read_pomi_file`]) and
/// hands over each practice-month as soon as it is whole, with its flags, which this task writes into
/// one open transaction; the rest, the names and totals follow once the whole file has been read. A
/// problem anywhere in the file drops the transaction, so nothing is stored. The national file's
/// reading alone takes about 0.2 s; storing only after it would add the 0.2 s the store spends on its
/// practice-months, which now mostly runs beside the reading.
pub async fn import_pomi_file(store: &Store, path: &Path, actor: &Actor) -> Result<PomiReport, PomiError> {
    let (send, mut receive) = tokio::sync::mpsc::channel::<Whole>(4);
    let owned = path.to_owned();
    let reading = tokio::task::spawn_blocking(move || {
        let take = move |whole| send.blocking_send(whole).is_ok();
        with_table(&owned, |input| tally_pomi_taking(input, Some(&take)).map(Tally::finish))
    });
    let stored = async {
        let mut import = store.begin_pomi_import().await?;
        while let Some(whole) = receive.recv().await {
            import.add(whole.months, &whole.flags).await?;
        }
        Ok::<_, StoreError>(import)
    }
    .await;
    // Stops the reader if storing failed part-way.
    drop(receive);
    let read = match reading.await {
        Ok(read) => read,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    // A store failure cut the reading short, so it is the reason, whatever the reader made of the rest.
    let mut import = stored?;
    let file = read??;
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    import.add(file.months, &file.flags).await?;
    let stored = import.finish(&file.names, &detail, actor).await?;
    Ok(PomiReport { stats: file.stats, stored })
}

/// The summary printed after an import: rows read, practices, periods, what was stored, and flags by
/// kind with the first [`crate::reference::FLAG_EXAMPLES`] of each named by line (the rest counted).
impl fmt::Display for PomiReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        let layout = if s.layout == "ccg" { "CCG" } else { "sub-ICB" };
        writeln!(f, "rows read: {} ({layout} layout)", s.rows_read)?;
        writeln!(f, "practices: {}", s.practices)?;
        let periods: Vec<String> =
            s.practices_per_period.iter().map(|(period, n)| format!("{period} ({n} practices)")).collect();
        writeln!(f, "periods: {}: {}", s.periods.len(), periods.join(", "))?;
        writeln!(
            f,
            "practice-months: {} ({} new, {} updated, {} unchanged)",
            s.practice_months, self.stored.created, self.stored.updated, self.stored.unchanged
        )?;
        crate::reference::write_flags(f, &s.flags, &s.flag_examples)
    }
}
