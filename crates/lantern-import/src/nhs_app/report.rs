//! What an NHS App import read and stored, said in ICBs and months: the workbook has no practices.

use crate::reference::{write_flags, ReferenceStats};
use lantern_store::UptakeWriteSummary;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NhsAppReport {
    pub stats: ReferenceStats,
    pub stored: UptakeWriteSummary,
}

impl fmt::Display for NhsAppReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        writeln!(f, "Table 2 rows read: {}", s.rows_read)?;
        for (what, n) in &s.counts {
            writeln!(f, "{what}: {n}")?;
        }
        for (period, icbs) in &s.periods {
            writeln!(f, "period {period}: {icbs} ICBs")?;
        }
        for (what, total) in &s.totals {
            writeln!(f, "{what}: {total}")?;
        }
        let stored = &self.stored;
        writeln!(
            f,
            "level-months (England, ICBs, Unknown): {} new, {} updated, {} unchanged",
            stored.created, stored.updated, stored.unchanged
        )?;
        writeln!(f, "published for ICBs and England only: no practice is given these figures")?;
        write_flags(f, &s.flags, &s.flag_examples)
    }
}
