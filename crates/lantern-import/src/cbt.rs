//! Cloud Based Telephony data in General Practice (NHS England, monthly, Official Statistics in
//! Development): inbound calls to each practice and what became of them, from the publication
//! summary workbook `Cloud Based Telephony Publication Summary <Month> <Year>.xlsx`, sheet `Table 3`
//! ("Summary of Cloud based telephony call outcomes, by practice").
//!
//! # Format
//!
//! Title rows, then a header row (`Month`, `GP Practice (ODS_CODE)`, `GP Name`, `PCN Code`, `Sub ICB
//! Code`, `ICB Code`, `Region Code`, their names, `Count of Inbound calls`, `Answered`, `Ended during
//! the IVR Stage`, `Call back requested`, `Missed`, `Call back made`, each count followed by its
//! percentage), a national `Total` row, one row per phone account, and notes. Columns are found by
//! their header text (footnote marks like `[2,3]` and line breaks ignored).
//!
//! # Rules
//!
//! - A row whose practice is `Unassigned` is a phone account several practices share, which the
//!   publisher cannot split: it is stored as a shared account (`shared-N`) where the file places it
//!   (a PCN, or `Unmapped`), and never given to any practice. A practice not in the table is not
//!   reported: missing, not zero.
//! - Structure refuses the file, naming the sheet's row and column: no header row, a month that is
//!   not a date, a malformed practice code, a count that is not a whole number, a practice twice in
//!   a month.
//! - A value never does: a blank count is kept as unknown and flagged; one below zero is stored as
//!   published and flagged; outcomes that do not add up to the inbound calls, and more call backs
//!   made than requested, are stored as published and flagged `sum_mismatch` (the publisher warns of
//!   both).

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::{
    tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport, ReferenceStats,
};
use crate::xlsx::{for_each_row, header_key as reduce, serial_date, XlsxCell, XlsxRow};
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_core::uptake::access::{CbtAccount, CbtMonth};
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_store::{ReferenceBatch, Store};
use std::collections::HashMap;
use std::path::Path;

/// The worksheet holding the practice table.
pub const SHEET: &str = "Table 3";

/// The practice code a shared phone account is published under.
const UNASSIGNED: &str = "Unassigned";

/// Columns by (what, the start of its header text once reduced to letters and digits).
const COLUMNS: [(&str, &str); 18] = [
    ("Month", "month"),
    ("GP Practice (ODS_CODE)", "gppractice"),
    ("GP Name", "gpname"),
    ("PCN Code", "pcncode"),
    ("PCN Name", "pcnname"),
    ("Sub ICB Code", "subicbcode"),
    ("Sub ICB Name", "subicbname"),
    ("ICB Code", "icbcode"),
    ("ICB Name", "icbname"),
    ("Region Code", "regioncode"),
    ("Region Name", "regionname"),
    ("Count of Inbound calls", "countofinboundcalls"),
    ("Answered", "answered"),
    ("Ended during the IVR Stage", "endedduringtheivrstage"),
    ("Call back requested", "callbackrequested"),
    ("Missed", "missed"),
    ("Call back made", "callbackmade"),
    ("", ""),
];
const COUNTS: std::ops::Range<usize> = 11..17;

/// Column positions, found on the header row; None until it is seen.
fn find_columns(row: &XlsxRow) -> Option<[usize; 17]> {
    let texts: Vec<String> = row.cells.iter().map(|c| reduce(&c.text())).collect();
    if !texts.get(1).is_some_and(|t| t.starts_with("gppractice")) {
        return None;
    }
    let mut found = [usize::MAX; 17];
    for (i, (_, key)) in COLUMNS.iter().take(17).enumerate() {
        found[i] = texts.iter().position(|t| t.starts_with(key))?;
    }
    Some(found)
}

/// Reads and checks the practice table of a publication summary workbook.
pub fn read_cbt(path: &Path) -> Result<ReferenceFile<CbtMonth>, ReferenceError> {
    let mut columns: Option<[usize; 17]> = None;
    let mut errors = ImportErrors::default();
    let (mut flags, mut names) = (Flags::new("cbt"), Names::default());
    let mut rows: Vec<CbtMonth> = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut shared_in: HashMap<String, u64> = HashMap::new();
    let mut stats = ReferenceStats::default();
    let (mut inbound_practices, mut inbound_shared) = (0i64, 0i64);
    let mut last_row = 0;
    for_each_row(path, SHEET, |row| {
        last_row = row.number;
        let Some(at) = columns else {
            columns = find_columns(&row);
            return;
        };
        let line = row.number;
        let column = |i: usize| COLUMNS[i].0;
        let first = row.cell(at[0]);
        if first.text().eq_ignore_ascii_case("total") {
            *stats.other_organisation_rows.entry("England (Total)".to_owned()).or_default() += 1;
            return;
        }
        let XlsxCell::Number(serial) = first else {
            return; // notes, blank separators, footnotes
        };
        stats.rows_read += 1;
        let Some(date) = serial_date(*serial) else {
            errors.push(RowError::new(line, Some(column(0)), format!("{serial} is not a date")));
            return;
        };
        let period = format!("{:04}-{:02}", date.year(), date.month());
        let code_text = row.cell(at[1]).text();
        let shared = code_text.eq_ignore_ascii_case(UNASSIGNED);
        let practice = if shared {
            let n = shared_in.entry(period.clone()).or_default();
            *n += 1;
            format!("shared-{n}")
        } else {
            match OdsCode::parse(&code_text) {
                Ok(code) => String::from(code),
                Err(e) => {
                    errors.push(RowError::new(line, Some(column(1)), e.to_string()));
                    return;
                }
            }
        };
        let mut counts = [None; 6];
        let mut bad = false;
        for (slot, i) in COUNTS.enumerate() {
            match row.cell(at[i]) {
                XlsxCell::Empty => {}
                XlsxCell::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => counts[slot] = Some(*n as i64),
                other => {
                    let message = format!("{:?} is not a count (a whole number)", other.text());
                    errors.push(RowError::new(line, Some(column(i)), message));
                    bad = true;
                }
            }
        }
        if bad {
            return;
        }
        if let Some(first) = seen.insert((period.clone(), practice.clone()), line) {
            let message = format!("{practice} in {period} is also on row {first}; a practice appears once a month");
            errors.push(RowError::new(line, Some(column(1)), message));
            return;
        }
        let place = |i: usize| Some(row.cell(at[i]).text()).filter(|t| !t.is_empty());
        if !shared {
            for (kind, code, name) in [("practice", 1, 2), ("pcn", 3, 4), ("sub_icb", 5, 6), ("icb", 7, 8), ("region", 9, 10)] {
                let code = place(code).map(|c| c.to_ascii_uppercase());
                names.add(kind, code.as_deref(), &row.cell(at[name]).text(), &period);
            }
        }
        let unit = (practice.as_str(), period.as_str());
        for (slot, i) in COUNTS.enumerate() {
            match counts[slot] {
                None => flags.blank(line, unit.0, unit.1, column(i)),
                Some(n) if n < 0 => flags.negative(line, unit, column(i), n, "stored as published"),
                Some(_) => {}
            }
        }
        let [inbound, answered, ivr, requested, missed, made] = counts;
        if let (Some(inbound), Some(a), Some(i), Some(r), Some(m)) = (inbound, answered, ivr, requested, missed) {
            if a + i + r + m != inbound {
                let reason = format!(
                    "answered {a} + ended in IVR {i} + call back requested {r} + missed {m} = {} but {inbound} inbound calls; stored as published",
                    a + i + r + m
                );
                flags.at(line, unit, ReferenceQuirk::SumMismatch, column(11), &reason);
            }
        }
        if let (Some(r), Some(made)) = (requested, made) {
            if made > r {
                let reason = format!("{made} call backs made but {r} requested; stored as published");
                flags.at(line, unit, ReferenceQuirk::SumMismatch, column(16), &reason);
            }
        }
        let inbound_n = inbound.filter(|n| *n >= 0).unwrap_or(0);
        if shared {
            inbound_shared += inbound_n;
        } else {
            inbound_practices += inbound_n;
        }
        let account = if shared { CbtAccount::Shared } else { CbtAccount::Practice };
        rows.push(CbtMonth {
            period,
            practice,
            account: account.code().to_owned(),
            pcn: place(3),
            sub_icb: place(5),
            icb: place(7),
            region: place(9),
            inbound,
            answered,
            ivr_ended: ivr,
            callback_requested: requested,
            missed,
            callback_made: made,
        });
    })
    .map_err(|e| ReferenceError::Invalid(ImportErrors::single(1, None, e.to_string())))?;
    if columns.is_none() {
        let message = format!(
            "sheet {SHEET:?} has no header row naming \"GP Practice (ODS_CODE)\" in column B (read to row {last_row}); \
             this is not a Cloud Based Telephony publication summary"
        );
        errors.push(RowError::new(1, None, message));
    }
    if !errors.is_empty() {
        return Err(ReferenceError::Invalid(errors));
    }
    stats.totals.insert("inbound calls, practices' own accounts".to_owned(), inbound_practices);
    stats.totals.insert("inbound calls, shared accounts".to_owned(), inbound_shared);
    let shared_accounts = rows.iter().filter(|r| r.account == CbtAccount::Shared.code()).count();
    stats
        .counts
        .insert("shared phone accounts (figures given to no practice)".to_owned(), shared_accounts as u64);
    tally_units(
        &mut stats,
        rows.iter()
            .filter(|r| r.account == CbtAccount::Practice.code())
            .map(|r| (r.period.as_str(), r.practice.as_str())),
    );
    Ok(ReferenceFile::new(rows, flags, names, stats))
}

/// Stores a checked table in one transaction, with one `import.cbt` audit record.
pub async fn store_cbt(
    store: &Store,
    file: &ReferenceFile<CbtMonth>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_cbt(batch, actor).await?;
    Ok(ReferenceReport { unit: "account-months", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the workbook at `path`: all of it or none of it.
pub async fn import_cbt_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let file = read_cbt(path)?;
    store_cbt(store, &file, actor).await
}
