//! The flags every online consultations layout raises from what NHS England says about its months,
//! not from any one cell: a month before the method change, and a supplier's month its notes call
//! incomplete. Both are kept as published and flagged, never dropped, so a dip or a jump in a series
//! can be read for what it is.

use crate::reference::Flags;
use lantern_core::uptake::oc::METHOD_CHANGE;
use lantern_core::uptake::oc_notes::incomplete_notes;
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_core::uptake::OcMonth;

/// Flags `rows` (one per practice-month) with the method change and the publisher's notes.
pub(crate) fn flag_publisher_notes(flags: &mut Flags, rows: &[OcMonth]) {
    for row in rows {
        if row.period.as_str() < METHOD_CHANGE {
            // The workbooks' Data Quality sheet dates the change "from March 2024" and says historic
            // months were revised with it; Lantern treats April 2024 as the first comparable month
            // (lantern_core::uptake::oc::METHOD_CHANGE), so anything earlier is marked.
            let detail = format!(
                "counted before NHS England's method change ({METHOD_CHANGE}): which submissions count and which \
                 practices have a system changed, so this month is not comparable with months from {METHOD_CHANGE} on"
            );
            flags.raise(&row.practice, &row.period, ReferenceQuirk::MethodChange, "MONTH", detail);
        }
        for note in incomplete_notes(&row.period, &row.supplier) {
            let field = note.supplier.unwrap_or("all suppliers");
            let detail = format!("NHS England's note for {}: {}; stored as published", row.period, note.note);
            flags.raise(&row.practice, &row.period, ReferenceQuirk::IncompleteSupplier, field, detail);
        }
    }
}
