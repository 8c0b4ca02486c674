//! Deprivation by practice: OHID Fingertips indicator 93553, the Index of Multiple Deprivation score of
//! the areas a practice's patients live in (higher is more deprived), for the equity measures.
//!
//! # Format
//!
//! Either of Fingertips' layouts, told apart by the header (columns by name, any case, spacing and
//! order):
//! - the full export (`Indicator ID`, `Area Code`, `Area Type`, `Time period`, `Value`, …), which mixes
//!   area types: only GP practice rows are stored, England's and the like counted;
//! - the compact one (`IndicatorID`, `Year`, `AreaCode`, `AreaName`, `IsAreaCurrent`, `Value`), often
//!   saved with a byte-order mark, holding several editions. Rows for ONS-coded areas (`E92000001`) are
//!   counted, not stored.
//!
//! # Rules
//!
//! One score per practice per edition year; an indicator other than 93553 is refused (the file is
//! another indicator). A blank score is kept as unknown and flagged; a score below zero is kept as
//! published, flagged `negative_value`, and left out of the deprivation quintiles.

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::ReferenceStats;
use crate::reference::{
    read_file, tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport,
};
use crate::table::Table;
use lantern_core::audit::Actor;
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_store::{ImdRow, ReferenceBatch, Store};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const FILE: &str = "a Fingertips IMD-by-practice file (indicator 93553)";
const INDICATOR: &str = "93553";

/// Fingertips' area types for practices, lower-cased.
fn is_practice_type(area_type: &str) -> bool {
    matches!(area_type.to_ascii_lowercase().as_str(), "gp" | "gps" | "gp practice" | "gp practices")
}

/// `E92000001`-style ONS codes of England, regions and local areas: a letter and eight digits.
fn is_ons_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 9 && bytes[0].is_ascii_uppercase() && bytes[1..].iter().all(u8::is_ascii_digit)
}

/// Reads and checks an IMD file from `input` (a CSV stream).
pub fn read_imd<R: Read>(input: R) -> Result<ReferenceFile<ImdRow>, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let [indicator_at, code_at, year_at, value_at] =
        header.require([&["Indicator ID"], &["Area Code"], &["Year", "Time period"], &["Value"]], FILE)?;
    let area_type_at = header.find(&["Area Type"]);
    let current_at = header.find(&["IsAreaCurrent"]);
    let mut errors = ImportErrors::default();
    let mut flags = Flags::new("imd");
    let mut stats = ReferenceStats {
        layout: Some(if area_type_at.is_some() { "Fingertips export" } else { "compact" }.to_owned()),
        ..Default::default()
    };
    let mut rows = Vec::new();
    let mut first_line: HashMap<(i32, String), u64> = HashMap::new();
    let mut not_current = 0;
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let other = match area_type_at {
            Some(at) => Some(cells.text(at)).filter(|t| !is_practice_type(t)).map(|t| t.into_owned()),
            None => is_ons_code(&cells.text(code_at)).then(|| "ONS-coded area".to_owned()),
        };
        if let Some(other) = other {
            *stats.other_organisation_rows.entry(other).or_default() += 1;
            continue;
        }
        let indicator = cells.text(indicator_at);
        if indicator != INDICATOR {
            cells.fail(indicator_at, format!("{indicator:?} is not the IMD indicator ({INDICATOR})"));
        }
        let practice = cells.code(code_at);
        let year_text = cells.text(year_at);
        let year = Some(year_text.as_ref())
            .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|y| y.parse::<i32>().ok());
        if year.is_none() {
            cells.fail(year_at, format!("{year_text:?} is not an IMD edition year such as 2019"));
        }
        let value_text = cells.text(value_at);
        let score = match value_text.parse::<f64>() {
            _ if value_text.is_empty() => Some(None),
            Ok(score) if score.is_finite() => Some(Some(score)),
            _ => {
                cells.fail(value_at, format!("{value_text:?} is not a deprivation score (a number)"));
                None
            }
        };
        let current = current_at.is_none_or(|at| cells.text(at) != "0");
        let line = cells.line;
        let (Some(practice), Some(year), Some(score), true) =
            (practice, year, score, cells.errors.is_empty())
        else {
            cells.finish(&mut errors);
            continue;
        };
        if let Some(first) = first_line.get(&(year, practice.clone())) {
            let message = format!(
                "{practice} is also on line {first} for {year}; each practice may have one score an edition"
            );
            errors.push(RowError::new(line, Some(header.name(code_at)), message));
            continue;
        }
        let year_text = year.to_string();
        let at = (practice.as_str(), year_text.as_str());
        match score {
            None => flags.blank(line, at.0, at.1, header.name(value_at)),
            Some(score) if score < 0.0 => {
                let reason = format!(
                    "{score} is below zero, which no IMD score is; kept as published, left out of the \
                     deprivation quintiles"
                );
                flags.at(line, at, ReferenceQuirk::NegativeValue, header.name(value_at), &reason);
            }
            Some(_) => {}
        }
        first_line.insert((year, practice.clone()), line);
        not_current += u64::from(!current);
        rows.push(ImdRow { year, practice, score });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    stats.rows_read = table.rows_read;
    if current_at.is_some() {
        stats.counts.insert("practices no longer current (IsAreaCurrent 0)".to_owned(), not_current);
    }
    let units: Vec<(String, &str)> = rows.iter().map(|r| (r.year.to_string(), r.practice.as_str())).collect();
    tally_units(&mut stats, units.iter().map(|(year, practice)| (year.as_str(), *practice)));
    Ok(ReferenceFile::new(rows, flags, Names::default(), stats))
}

/// Stores a checked file in one transaction, with one `import.imd` audit record.
pub async fn store_imd(
    store: &Store,
    file: &ReferenceFile<ImdRow>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_imd(batch, actor).await?;
    Ok(ReferenceReport { unit: "practice-years", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the file at `path` (`.csv` or `.csv.gz`): all of it or none of it.
pub async fn import_imd_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let file = read_file(path, |input| read_imd(input))?;
    store_imd(store, &file, actor).await
}
