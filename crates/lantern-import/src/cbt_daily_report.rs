//! What importing a practice-level CBT CSV read and stored, printed like the other importers' reports
//! with one line more: the accounts a re-published file no longer lists, removed from its slice.

use crate::reference::{write_flags, write_read, ReferenceStats};
use lantern_store::CbtDailyWriteSummary;
use std::fmt;

/// What an import read and what it stored, counted in account-months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CbtDailyReport {
    pub stats: ReferenceStats,
    pub stored: CbtDailyWriteSummary,
}

impl fmt::Display for CbtDailyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        write_read(f, s)?;
        let stored = &self.stored;
        writeln!(
            f,
            "account-months: {} new, {} updated, {} unchanged, {} removed (no longer in the file)",
            stored.created, stored.updated, stored.unchanged, stored.removed
        )?;
        write_flags(f, &s.flags, &s.flag_examples)
    }
}
