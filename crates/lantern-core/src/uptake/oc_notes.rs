//! What NHS England's own notes say is wrong with particular months of "Submissions via Online
//! Consultation Systems in General Practice": suppliers whose data for a month is partial or missing.
//! Their practices' figures for that month are stored as published but are not the month's real
//! demand, so every import flags them rather than letting them read as a drop in use.
//!
//! Source: the footnotes to Table 1 ("Summary of availability and usage of Online Consultation
//! Systems, England") of the monthly workbooks `Submissions via Online Consultation Systems in General
//! Practice - <Month> <Year>.xlsx` (from April 2025 `Submissions via OC Systems in General Practice -
//! …`), April 2024 to February 2026. Later publications drop some earlier notes (after revisions or
//! to keep the table short; they do not say which), so every month a note ever named is listed with
//! the publication(s) that named it. A month NHS England has not published a note for is not listed:
//! absence here is not a promise the month is complete.

/// One note: a supplier's data for a month is incomplete (or missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncompleteMonth {
    /// `YYYY-MM`.
    pub period: &'static str,
    /// Upper-case text found in the file's `SUPPLIER` (which may list several, comma-joined);
    /// None when the note names no supplier, so every practice that month is affected.
    pub supplier: Option<&'static str>,
    /// What the note says, in short, and which publication(s) said it.
    pub note: &'static str,
}

const fn note(period: &'static str, supplier: Option<&'static str>, note: &'static str) -> IncompleteMonth {
    IncompleteMonth { period, supplier, note }
}

/// Every note, by month.
pub const INCOMPLETE_MONTHS: &[IncompleteMonth] = &[
    note("2023-08", None, "an incorrect submission cut the month's total by 11%, across 26% of practices; the supplier is not named (publications April 2024 to September 2025)"),
    note("2023-12", Some("ECONSULT"), "data for practices using eConsult is incomplete (publications April 2024 to July 2025)"),
    note("2024-01", Some("ECONSULT"), "data for practices using eConsult is incomplete (publications April 2024 to July 2025)"),
    note("2024-08", Some("ECONSULT"), "data for practices using eConsult is incomplete (publication August 2024)"),
    note("2024-11", Some("ECONSULT"), "data for practices using eConsult is incomplete (publications November 2024 to January 2025)"),
    note("2024-12", Some("ECONSULT"), "no data was received for practices using eConsult (publication December 2024), later incomplete (February 2025)"),
    note("2025-02", Some("ECONSULT"), "data for practices using eConsult is incomplete (publication February 2025)"),
    note("2025-03", Some("TPP"), "data for practices using TPP is incomplete (publications March and April 2025)"),
    note("2025-05", Some("SILICON PRACTICE"), "Silicon Practice included for the first time, a partial month for 180 practices (publications May to August 2025)"),
    note("2025-07", Some("EVERGREEN"), "partial submissions from EvergreenLife (publications October 2025 to January 2026)"),
    note("2025-08", Some("EVERGREEN"), "partial submissions from EvergreenLife (publications October 2025 to January 2026)"),
    note("2025-08", Some("PATCHS"), "partial submissions from PATCHS (publications August and September 2025)"),
    note("2025-08", Some("KLINIK"), "partial submissions from Klinik (publications August and September 2025)"),
    note("2025-09", Some("SENSELY"), "partial submissions from Sensely (publications September 2025 to January 2026)"),
    note("2025-09", Some("EVERGREEN"), "partial submissions from EvergreenLife (publication September 2025)"),
    note("2025-10", Some("IPLATO"), "iPlato included for the first time, a partial month (publications October 2025 to January 2026)"),
    note("2025-11", Some("EVERGREEN"), "partial submissions from EvergreenLife (publication November 2025)"),
    note("2025-11", Some("SENSELY"), "partial submissions from Sensely (publications November 2025 to January 2026)"),
    note("2025-11", Some("IPLATO"), "partial submissions from iPlato (publications November 2025 to January 2026)"),
    note("2025-12", Some("EVERGREEN"), "partial submissions from EvergreenLife (publication December 2025)"),
    note("2025-12", Some("SILICON PRACTICE"), "partial submissions from Silicon Practice (publication December 2025)"),
    note("2025-12", Some("BLINX"), "Blinx included for the first time, a partial month (publications December 2025 to February 2026)"),
    note("2025-12", Some("IPLATO"), "partial submissions from iPlato (publications January and February 2026)"),
    note("2026-01", Some("ECONSULT"), "a technical issue left eConsult's data partially missing (publication February 2026)"),
    note("2026-01", Some("SENSELY"), "partial submissions from Sensely (publications January and February 2026)"),
    note("2026-01", Some("SILICON PRACTICE"), "partial submissions from Silicon Practice (publication January 2026)"),
    note("2026-01", Some("IPLATO"), "partial submissions from iPlato (publications January and February 2026)"),
    note("2026-02", Some("BLINX"), "a partial submission from Blinx Healthcare (publication February 2026)"),
    note("2026-02", Some("SENSELY"), "no data was received from Sensely (publication February 2026)"),
    note("2026-02", Some("ENGAGE HEALTH"), "Engage Health included for the first time, a partial submission (publication February 2026)"),
];

/// The notes that touch a practice-month whose published `SUPPLIER` is `supplier`.
pub fn incomplete_notes<'a>(
    period: &'a str,
    supplier: &str,
) -> impl Iterator<Item = &'static IncompleteMonth> + 'a {
    let supplier = supplier.to_ascii_uppercase();
    INCOMPLETE_MONTHS
        .iter()
        .filter(move |n| n.period == period && n.supplier.is_none_or(|s| supplier.contains(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_touches_its_month_and_supplier_only() {
        let found: Vec<_> = incomplete_notes("2025-03", "ECONSULT HEALTH LIMITED, TPP").collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].supplier, Some("TPP"));
        assert_eq!(incomplete_notes("2025-03", "ACCURX LIMITED").count(), 0);
        assert_eq!(incomplete_notes("2025-04", "TPP").count(), 0);
        // A note naming no supplier touches every practice that month.
        assert_eq!(incomplete_notes("2023-08", "None/Unknown").count(), 1);
        assert_eq!(incomplete_notes("2026-02", "Blinx Healthcare, PATCHS HEALTH LIMITED").count(), 1);
    }

    #[test]
    fn notes_are_in_month_order_with_real_months() {
        assert!(INCOMPLETE_MONTHS.windows(2).all(|w| w[0].period <= w[1].period));
        for n in INCOMPLETE_MONTHS {
            let parsed = n.period.split_once('-').map(|(y, m)| (y.parse::<i32>(), m.parse::<u8>()));
            let real = matches!(parsed, Some((Ok(2023..=2030), Ok(1..=12))));
            assert!(real && n.period.len() == 7, "{}", n.period);
        }
    }
}
