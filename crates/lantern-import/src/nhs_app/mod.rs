//! NHS App Management Information Statistics (NHS England, monthly), the workbook
//! `NHS App Management Information Statistics - <Month> <Year>.xlsx`: NHS App use published for
//! England (`Table 1`) and for each ICB (`Table 2`) only. Nothing here is ever stored for, or given
//! to, a practice.
//!
//! # Format
//!
//! `Table 1`: a header row of months (Excel dates, newest first) and one row per metric, labelled in
//! column B. `Table 2`: a header row (`Month`, `ICB ODS Code [1,2]`, `ICB Name`, `NHSE Region ODS
//! Code`, `NHSE Region Name`, then the metrics), one row per ICB per month for every month since March
//! 2025, and a row per month for usage mapped to no ICB (`Unknown`). Both publish two metrics, `NHS App
//! logins` and `NHS App unique user logins`, found by header text (footnote marks ignored); a column
//! or row the importer does not know is counted in the summary, not stored.
//!
//! # Rules
//!
//! - Structure refuses the file, naming the sheet, row and column: no header row, a month that is not
//!   a date, a malformed ICB code, an ICB twice in a month, a metric row missing from `Table 1`, two
//!   `Table 1` columns for one month that cannot be told apart.
//! - A value never does: a blank or suppressed figure is kept as unknown, one below zero or more
//!   unique users than logins as published, each flagged. `Table 2`'s rows for a month (unmapped
//!   usage included) should add up to `Table 1`'s England figure: where they do not it is flagged
//!   `sum_mismatch`.
//! - The July and August 2025 workbooks label `Table 1`'s July column as June (the month before's
//!   label repeated). A column whose label repeats another's and whose figures are exactly `Table 2`'s
//!   sums for a month `Table 1` otherwise lacks is stored as that month and flagged `month_relabelled`.
//! - Each workbook republishes every month: importing it replaces each month it holds, whole, where
//!   anything differs, and changes nothing otherwise.

mod england;
mod figure;
mod icb;
mod report;

pub use report::NhsAppReport;

use self::england::{EnglandColumn, EnglandReader};
use self::figure::{flag_users_above_logins, Figure, METRICS};
use self::icb::{IcbReader, IcbRows};
use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::{Flags, Names, ReferenceError, ReferenceFile, ReferenceStats};
use crate::xlsx::for_each_row;
use lantern_core::audit::Actor;
use lantern_core::uptake::nhs_app::{NhsAppLevel, NhsAppMonth, ENGLAND};
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_store::{ReferenceBatch, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use self::england::SHEET as TABLE_1;
pub use self::icb::SHEET as TABLE_2;

/// Reads and checks both tables of a workbook: every month's England and ICB figures.
pub fn read_nhs_app(path: &Path) -> Result<ReferenceFile<NhsAppMonth>, ReferenceError> {
    let (mut errors, mut flags, mut names) =
        (ImportErrors::default(), Flags::new("nhs_app"), Names::default());
    let unreadable =
        |e: crate::xlsx::XlsxError| ReferenceError::Invalid(ImportErrors::single(1, None, e.to_string()));
    let mut icb = IcbReader::default();
    let mut last_row = 0;
    for_each_row(path, TABLE_2, |row| {
        last_row = row.number;
        icb.row(&row, &mut errors, &mut flags, &mut names);
    })
    .map_err(unreadable)?;
    if !icb.found_header() {
        let message = format!(
            "sheet {TABLE_2:?} has no header row naming \"ICB ODS Code\" in column B (read to row {last_row}); \
             this is not an NHS App Management Information workbook"
        );
        errors.push(RowError::new(1, None, message));
    }
    let mut england = EnglandReader::default();
    for_each_row(path, TABLE_1, |row| {
        last_row = row.number;
        england.row(&row, &mut errors);
    })
    .map_err(unreadable)?;
    england.finish(last_row, &mut errors);
    let icbs = icb.out;
    let months = if errors.is_empty() {
        england_months(&england.columns, &icbs, &mut flags, &mut errors)
    } else {
        Vec::new()
    };
    if !errors.is_empty() {
        return Err(ReferenceError::Invalid(errors));
    }
    let stats = stats(&icbs, &months, &england.unread_rows);
    let mut rows = months;
    rows.extend(icbs.rows);
    Ok(ReferenceFile::new(rows, flags, names, stats))
}

/// England's months from `Table 1`'s columns, each month once: a repeated label is resolved against
/// `Table 2`'s sums or refused; every month's figures are checked against those sums.
fn england_months(
    columns: &[EnglandColumn],
    icbs: &IcbRows,
    flags: &mut Flags,
    errors: &mut ImportErrors,
) -> Vec<NhsAppMonth> {
    let matches = |column: &EnglandColumn, period: &str| {
        icbs.sums.get(period).is_some_and(|sums| {
            column.figures.iter().zip(sums).all(|(figure, sum)| figure.stored() == Some(*sum))
        })
    };
    let labelled: BTreeSet<&str> = columns.iter().map(|c| c.labelled.as_str()).collect();
    let mut taken: BTreeMap<String, &EnglandColumn> = BTreeMap::new();
    let mut months = Vec::new();
    for column in columns {
        let repeated = columns.iter().filter(|c| c.labelled == column.labelled).count() > 1;
        let period = if !repeated
            || (matches(column, &column.labelled) && !taken.contains_key(&column.labelled))
        {
            column.labelled.clone()
        } else {
            let candidates: Vec<&String> = icbs
                .sums
                .keys()
                .filter(|p| !labelled.contains(p.as_str()) && !taken.contains_key(*p) && matches(column, p))
                .collect();
            let [period] = candidates.as_slice() else {
                let message = format!(
                    "sheet {:?}: month {} heads more than one column, and this column's figures are not \
                     Table 2's sums for exactly one month Table 1 lacks",
                    TABLE_1, column.labelled
                );
                errors.push(RowError::new(column.header, Some(&column.letter), message));
                continue;
            };
            let reason = format!(
                "column {} is labelled {} like another column, but its figures are Table 2's sums for {period}; stored as {period}",
                column.letter, column.labelled
            );
            flags.at(column.header, (ENGLAND, period), ReferenceQuirk::MonthRelabelled, "Month", &reason);
            (*period).clone()
        };
        if taken.insert(period.clone(), column).is_some() {
            let message = format!("sheet {:?}: month {period} heads more than one column", TABLE_1);
            errors.push(RowError::new(column.header, Some(&column.letter), message));
            continue;
        }
        months.push(england_month(column, &period, icbs, flags));
    }
    months
}

fn england_month(column: &EnglandColumn, period: &str, icbs: &IcbRows, flags: &mut Flags) -> NhsAppMonth {
    let unit = (ENGLAND, period);
    for ((figure, line), (field, _)) in column.figures.iter().zip(column.lines).zip(METRICS) {
        figure.flag(flags, line, unit, field);
    }
    let [logins, users] = &column.figures;
    flag_users_above_logins(flags, column.lines[1], unit, logins, users);
    if let Some(sums) = icbs.sums.get(period) {
        let incomplete = icbs.incomplete.get(period).copied().unwrap_or(false);
        for ((figure, sum), ((field, _), line)) in
            column.figures.iter().zip(sums).zip(METRICS.iter().zip(column.lines))
        {
            let Figure::Count(england) = figure else { continue };
            if *england != *sum && !incomplete {
                let reason = format!(
                    "England {england} in Table 1 (column {}) but Table 2's rows for {period} add up to {sum}; stored as published",
                    column.letter
                );
                flags.at(line, unit, ReferenceQuirk::SumMismatch, field, &reason);
            }
        }
    }
    NhsAppMonth {
        period: period.to_owned(),
        level: NhsAppLevel::England.code().to_owned(),
        code: ENGLAND.to_owned(),
        name: None,
        region: None,
        region_name: None,
        logins: logins.stored(),
        unique_user_logins: users.stored(),
    }
}

fn stats(icbs: &IcbRows, england: &[NhsAppMonth], unread_rows: &[String]) -> ReferenceStats {
    let mut stats = ReferenceStats { rows_read: icbs.rows_read, ..Default::default() };
    let icb_level = NhsAppLevel::Icb.code();
    let codes: BTreeSet<&str> =
        icbs.rows.iter().filter(|r| r.level == icb_level).map(|r| r.code.as_str()).collect();
    stats.counts.insert("ICBs".to_owned(), codes.len() as u64);
    stats.counts.insert("England months (Table 1)".to_owned(), england.len() as u64);
    let unmapped = icbs.rows.iter().filter(|r| r.level == NhsAppLevel::Unmapped.code()).count();
    stats.counts.insert("months with usage mapped to no ICB (\"Unknown\")".to_owned(), unmapped as u64);
    for row in icbs.rows.iter().filter(|r| r.level == icb_level) {
        *stats.periods.entry(row.period.clone()).or_default() += 1;
    }
    for month in england {
        for ((name, _), value) in METRICS.iter().zip([month.logins, month.unique_user_logins]) {
            if let Some(value) = value {
                stats.totals.insert(format!("{} {name}, England ({TABLE_1})", month.period), value);
            }
        }
    }
    for (period, sums) in &icbs.sums {
        for ((name, _), sum) in METRICS.iter().zip(sums) {
            stats.totals.insert(format!("{period} {name}, ICB rows and Unknown ({TABLE_2})"), *sum);
        }
    }
    for unread in icbs.unread_columns.iter().map(|c| format!("Table 2 column not read: {c}")) {
        stats.counts.insert(unread, 1);
    }
    for unread in unread_rows.iter().map(|r| format!("Table 1 row not read: {r}")) {
        stats.counts.insert(unread, 1);
    }
    stats
}

/// Stores a checked workbook in one transaction, with one `import.nhs_app` audit record.
pub async fn store_nhs_app(
    store: &Store,
    file: &ReferenceFile<NhsAppMonth>,
    actor: &Actor,
) -> Result<NhsAppReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_nhs_app(batch, actor).await?;
    Ok(NhsAppReport { stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the workbook at `path`: all of it or none of it.
pub async fn import_nhs_app_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<NhsAppReport, ReferenceError> {
    let file = read_nhs_app(path)?;
    store_nhs_app(store, &file, actor).await
}
