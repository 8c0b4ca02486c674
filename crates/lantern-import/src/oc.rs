//! Submissions via Online Consultation Systems in General Practice (NHS England, monthly, per
//! practice): whether a practice offers online consultations and how many requests patients send.
//!
//! # Format
//!
//! Long: one row per practice × month × metric. Columns by name, any case and order: `MONTH`,
//! `GP_CODE`, `SUPPLIER` (as published: possibly a comma-joined list, or `None/Unknown`), `METRIC`,
//! `VALUE`; optionally `GP_NAME` and the PCN, sub-ICB location, ICB and region codes and names, whose
//! names go to `uptake_names`.
//!
//! # Rules
//!
//! - The metrics are pivoted into one row per practice-month. An unknown metric, a metric given twice
//!   for a practice-month, or a supplier differing between its rows is refused, naming the lines.
//! - `OC_RATE_PER_1000_REGISTERED_PATIENTS` is derived, so not stored, but checked against
//!   `OC_TOTAL_SUBMISSIONS` ÷ `PATIENTS_REGISTERED`: beyond the rounding of its published decimals the
//!   practice-month is flagged `rate_mismatch`.
//! - Blank values are kept as unknown (`blank_value`); metrics a practice-month lacks, `missing_field`.
//! - A count below zero is stored as published and flagged `negative_value` with its line; the
//!   measures leave it out of every sum and rate as unknown. A rate below zero is flagged, not checked.
//! - Months before the April 2024 method change, and supplier-months NHS England's notes call
//!   incomplete, are flagged `method_change` and `incomplete_supplier` ([`crate::oc_flags`]).
//!
//! The publication's monthly workbook (its practice table, `Table 2`) is read by [`crate::oc_table2`]
//! into the same rows.

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::ReferenceStats;
use crate::reference::{
    read_file, tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport,
};
use crate::table::Table;
use lantern_core::audit::Actor;
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_core::uptake::OcMonth;
use lantern_store::{ReferenceBatch, Store};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const FILE: &str = "an online consultations file (MONTH, GP_CODE, SUPPLIER, METRIC, VALUE)";

/// The published metrics; the last, the rate, is checked and not stored.
const METRICS: [&str; 9] = [
    "OC_CAPABILITY",
    "OC_PARTICIPATION",
    "OC_SYSTEM_USAGE",
    "OC_TOTAL_SUBMISSIONS",
    "OC_SUBMISSION_TYPE_CLINICAL",
    "OC_SUBMISSION_TYPE_ADMIN",
    "OC_SUBMISSION_TYPE_OTHER",
    "PATIENTS_REGISTERED",
    "OC_RATE_PER_1000_REGISTERED_PATIENTS",
];
const RATE: usize = 8;

/// One practice-month so far.
#[derive(Debug)]
struct Tally {
    /// Where the practice-month's supplier was read.
    first_line: u64,
    supplier: String,
    /// Line of each metric's row, 0 while not given.
    lines: [u64; 9],
    values: [Option<i64>; 8],
    /// The published rate and how many decimals it was published with.
    rate: Option<(f64, i32)>,
}

/// Reads and checks an online consultations file from `input` (a CSV stream).
pub fn read_oc<R: Read>(input: R) -> Result<ReferenceFile<OcMonth>, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let [month_at, code_at, supplier_at, metric_at, value_at] = header
        .require([&["MONTH"], &["GP_CODE", "PRACTICE_CODE"], &["SUPPLIER"], &["METRIC"], &["VALUE"]], FILE)?;
    let named = [
        ("practice", Some(code_at), header.find(&["GP_NAME", "PRACTICE_NAME"])),
        ("pcn", header.find(&["PCN_CODE"]), header.find(&["PCN_NAME"])),
        ("sub_icb", header.find(&["SUB_ICB_LOCATION_CODE"]), header.find(&["SUB_ICB_LOCATION_NAME"])),
        ("icb", header.find(&["ICB_CODE"]), header.find(&["ICB_NAME"])),
        ("region", header.find(&["REGION_CODE"]), header.find(&["REGION_NAME"])),
    ];
    let mut errors = ImportErrors::default();
    let (mut flags, mut names) = (Flags::new("oc"), Names::default());
    let mut tallies: HashMap<(String, String), Tally> = HashMap::new();
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let period = cells.month(month_at);
        let practice = cells.code(code_at);
        let metric_text = cells.text(metric_at);
        let metric = METRICS.iter().position(|m| m.eq_ignore_ascii_case(&metric_text));
        if metric.is_none() {
            cells.fail(
                metric_at,
                format!("{metric_text:?} is not a metric of this file ({})", METRICS.join(", ")),
            );
        }
        let value = match metric {
            Some(RATE) => {
                rate(&mut cells, value_at).map(|r| r.map(|(rate, decimals)| Value::Rate(rate, decimals)))
            }
            Some(_) => cells.count(value_at).map(|n| n.map(Value::Count)),
            None => None,
        };
        let (line, supplier) = (cells.line, cells.text(supplier_at));
        let (Some(period), Some(practice), Some(metric), Some(value)) = (period, practice, metric, value)
        else {
            cells.finish(&mut errors);
            continue;
        };
        let key = (period, practice);
        if !tallies.contains_key(&key) {
            for (kind, code_at, name_at) in named {
                if let (Some(code_at), Some(name_at)) = (code_at, name_at) {
                    let code = cells.optional(code_at).map(|c| c.to_ascii_uppercase());
                    names.add(kind, code.as_deref(), &cells.text(name_at), &key.0);
                }
            }
            if supplier.is_empty() {
                flags.blank(line, &key.1, &key.0, header.name(supplier_at));
            }
        }
        let tally = tallies.entry(key.clone()).or_insert_with(|| Tally {
            first_line: line,
            supplier: supplier.clone().into_owned(),
            lines: [0; 9],
            values: [None; 8],
            rate: None,
        });
        if tally.supplier != supplier {
            let message = format!(
                "{supplier:?} differs from {:?} on line {} for this practice-month",
                tally.supplier, tally.first_line
            );
            errors.push(RowError::new(line, Some(header.name(supplier_at)), message));
            continue;
        }
        if tally.lines[metric] > 0 {
            let message = format!(
                "{} for {} in {} is also on line {}; each metric may appear once a practice-month",
                METRICS[metric], key.1, key.0, tally.lines[metric]
            );
            errors.push(RowError::new(line, Some(header.name(metric_at)), message));
            continue;
        }
        tally.lines[metric] = line;
        let at = (key.1.as_str(), key.0.as_str());
        match value {
            None => flags.blank(line, at.0, at.1, METRICS[metric]),
            Some(Value::Rate(published, _)) if published < 0.0 => {
                let reason = format!("{published} is below zero; not checked against the counts");
                flags.at(line, at, ReferenceQuirk::NegativeValue, METRICS[metric], &reason);
            }
            Some(Value::Rate(published, decimals)) => tally.rate = Some((published, decimals)),
            Some(Value::Count(n)) => {
                if n < 0 {
                    flags.negative(line, at, METRICS[metric], n, "stored as published");
                }
                tally.values[metric] = Some(n);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut months: Vec<((String, String), Tally)> = tallies.into_iter().collect();
    months.sort_by(|a, b| a.0.cmp(&b.0));
    let rows: Vec<OcMonth> = months
        .into_iter()
        .map(|((period, practice), tally)| finish(&mut flags, period, practice, tally))
        .collect();
    crate::oc_flags::flag_publisher_notes(&mut flags, &rows);
    let mut stats = ReferenceStats { rows_read: table.rows_read, ..Default::default() };
    let submissions: i64 = rows.iter().filter_map(|m| m.total_submissions).sum();
    stats.totals.insert("submissions (OC_TOTAL_SUBMISSIONS)".to_owned(), submissions);
    tally_units(&mut stats, rows.iter().map(|m| (m.period.as_str(), m.practice.as_str())));
    Ok(ReferenceFile::new(rows, flags, names, stats))
}

enum Value {
    Count(i64),
    Rate(f64, i32),
}

/// A rate as published and the decimals it has (below zero included, for the caller to flag):
/// Some(None) when blank, None (recorded) when not a decimal number.
fn rate(cells: &mut crate::table::Cells<'_>, at: usize) -> Option<Option<(f64, i32)>> {
    let text = cells.text(at);
    if text.is_empty() {
        return Some(None);
    }
    let decimals =
        text.split_once('.').map_or(0, |(_, fraction)| i32::try_from(fraction.len()).unwrap_or(i32::MAX));
    let digits = text.strip_prefix('-').unwrap_or(&text);
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
            Some(Some((rate, decimals)))
        }
        _ => {
            cells.fail(at, format!("{text:?} is not a rate (a decimal number)"));
            None
        }
    }
}

/// The practice-month as stored, flagging missing metrics and a rate that does not follow.
fn finish(flags: &mut Flags, period: String, practice: String, tally: Tally) -> OcMonth {
    for (metric, line) in METRICS.iter().zip(tally.lines) {
        if line == 0 {
            let detail = "no row for this metric in the file; kept as unknown".to_owned();
            flags.raise(&practice, &period, ReferenceQuirk::MissingField, metric, detail);
        }
    }
    let v = tally.values;
    let (total, registered) = (v[3], v[7]);
    if let (Some((published, decimals)), Some(total), Some(registered)) = (tally.rate, total, registered) {
        let expected = (registered > 0).then(|| 1000.0 * total as f64 / registered as f64);
        let differs = match expected {
            // Half a unit in the last published decimal place is rounding (with room for binary
            // fractions); anything more is a mismatch.
            Some(expected) => {
                (published - expected).abs() > 0.5 * 10f64.powi(-decimals) + 1e-9 * expected.max(1.0)
            }
            None => published != 0.0,
        };
        if differs {
            let detail = match expected {
                Some(expected) => format!("published {published} per 1,000 but {total} submissions for {registered} patients is {expected:.6}"),
                None => format!("published {published} per 1,000 for a practice with no registered patients"),
            };
            flags.raise(&practice, &period, ReferenceQuirk::RateMismatch, METRICS[RATE], detail);
        }
    }
    OcMonth {
        period,
        practice,
        supplier: tally.supplier,
        capability: v[0],
        participation: v[1],
        system_usage: v[2],
        total_submissions: total,
        clinical: v[4],
        admin: v[5],
        other: v[6],
        patients_registered: registered,
    }
}

/// Stores a checked file in one transaction, with one `import.oc` audit record.
pub async fn store_oc(
    store: &Store,
    file: &ReferenceFile<OcMonth>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_oc(batch, actor).await?;
    Ok(ReferenceReport { unit: "practice-months", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the file at `path` (`.csv` or `.csv.gz`): all of it or none of it.
pub async fn import_oc_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let file = read_file(path, |input| read_oc(input))?;
    store_oc(store, &file, actor).await
}
