//! Appointments in General Practice (NHS England, monthly): the practice-level crosstab
//! `Practice_Level_Crosstab_<Mon>_<YY>.csv` (one per region in the published zip), and optionally the
//! zip's `Mapping.csv` (practice → PCN → sub-ICB → ICB → region).
//!
//! # Format
//!
//! One row per practice × month × staff type × mode × national category × booking lead time × status,
//! with its count. Columns by name, any case and order: `APPOINTMENT_MONTH_START_DATE` (`01OCT2025`),
//! `GP_CODE`, `HCP_TYPE`, `APPT_MODE`, `TIME_BETWEEN_BOOK_AND_APPT`, `COUNT_OF_APPOINTMENTS`,
//! `APPT_STATUS`; optionally `NATIONAL_CATEGORY`, `SUPPLIER`, `GP_NAME` and the PCN and sub-ICB codes and
//! names (names go to `uptake_names`).
//!
//! # Rules
//!
//! - Rows are folded into one practice-month each: every dimension's tallies (mode, status, lead
//!   time, staff type) of the same appointments, so each adds up to the total.
//! - Structure refuses the file, naming line and column: a missing column, a short row, a month that
//!   is not a date, a malformed practice code, a count that is not a whole number, the same
//!   combination twice for a practice-month, a supplier that changes within a practice-month.
//! - A value never does. A blank count or one below zero is left out of every tally (counted in
//!   `rows_left_out`) and flagged with its line; a label outside the published list (`APPT_MODE`
//!   `Carrier pigeon`) is counted under that dimension's unknown and flagged `unknown_code`; a blank
//!   supplier is flagged.

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::{
    read_file, tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport, ReferenceStats,
};
use crate::table::{Cells, Table};
use lantern_core::audit::Actor;
use lantern_core::uptake::access::{AppointmentMonth, ApptMode, ApptStatus, HcpType, LeadTime};
use lantern_core::uptake::reference::{ReferenceQuirk, UNALLOCATED_PCN};
use lantern_core::uptake::PracticePlace;
use lantern_store::{ReferenceBatch, Store};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::Path;

const FILE: &str = "an Appointments in General Practice practice-level crosstab \
    (APPOINTMENT_MONTH_START_DATE, GP_CODE, HCP_TYPE, APPT_MODE, TIME_BETWEEN_BOOK_AND_APPT, \
    COUNT_OF_APPOINTMENTS, APPT_STATUS)";

const MAPPING: &str = "an Appointments in General Practice Mapping.csv (GP_CODE, PCN_CODE, \
    SUB_ICB_LOCATION_CODE)";

/// The label of one dimension, read as published or counted as unknown (and flagged).
fn label<T: Copy>(
    cells: &Cells<'_>,
    at: usize,
    column: &str,
    parse: fn(&str) -> Option<T>,
    unknown: T,
    listed: &str,
) -> (T, Option<String>) {
    let text = cells.text(at);
    match parse(&text) {
        Some(value) => (value, None),
        None => {
            let reason = format!("{text:?} is not one of {listed}; counted as {column} unknown");
            (unknown, Some(reason))
        }
    }
}

fn listed<T>(all: &[T], label: fn(&T) -> &'static str) -> String {
    all.iter().map(label).collect::<Vec<_>>().join(", ")
}

/// A practice-month so far: the tallies, the supplier and where it was first read.
struct Tally {
    month: AppointmentMonth,
    first_line: u64,
}

/// Reads and checks a practice-level crosstab from `input` (a CSV stream).
pub fn read_appointments<R: Read>(input: R) -> Result<ReferenceFile<AppointmentMonth>, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let [month_at, code_at, hcp_at, mode_at, lead_at, count_at, status_at] = header.require(
        [
            &["APPOINTMENT_MONTH_START_DATE", "APPOINTMENT_MONTH"],
            &["GP_CODE", "PRACTICE_CODE"],
            &["HCP_TYPE"],
            &["APPT_MODE"],
            &["TIME_BETWEEN_BOOK_AND_APPT"],
            &["COUNT_OF_APPOINTMENTS"],
            &["APPT_STATUS", "APPOINTMENT_STATUS"],
        ],
        FILE,
    )?;
    let category_at = header.find(&["NATIONAL_CATEGORY"]);
    let supplier_at = header.find(&["SUPPLIER"]);
    let named = [
        ("practice", Some(code_at), header.find(&["GP_NAME", "PRACTICE_NAME"])),
        ("pcn", header.find(&["PCN_CODE"]), header.find(&["PCN_NAME"])),
        ("sub_icb", header.find(&["SUB_ICB_LOCATION_CODE"]), header.find(&["SUB_ICB_LOCATION_NAME"])),
    ];
    let (modes, statuses) = (listed(&ApptMode::ALL, |m| m.label()), listed(&ApptStatus::ALL, |s| s.label()));
    let (leads, hcps) = (listed(&LeadTime::ALL, |l| l.label()), listed(&HcpType::ALL, |h| h.label()));
    let mut errors = ImportErrors::default();
    let (mut flags, mut names) = (Flags::new("appointments"), Names::default());
    let mut tallies: HashMap<(String, String), Tally> = HashMap::new();
    // Each combination's line, by a 128-bit hash of it: a national file has millions of rows.
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut appointments: i64 = 0;
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let period = cells.month(month_at);
        let practice = cells.code(code_at);
        let count = cells.count(count_at);
        let (Some(period), Some(practice), Some(count)) = (period, practice, count) else {
            cells.finish(&mut errors);
            continue;
        };
        let line = cells.line;
        let combination: Vec<String> =
            [Some(hcp_at), Some(mode_at), category_at, Some(lead_at), Some(status_at)]
                .into_iter()
                .flatten()
                .map(|at| cells.text(at).split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
                .collect();
        let key = combination_key(&period, &practice, &combination);
        if let Some(first) = seen.insert(key, line) {
            let message = format!(
                "{practice} in {period} has this staff type, mode, category, lead time and status \
                 also on line {first}; each combination may appear once"
            );
            errors.push(RowError::new(line, None, message));
            continue;
        }
        let supplier = supplier_at.map(|at| cells.text(at).into_owned()).unwrap_or_default();
        let unit = (period, practice);
        if !tallies.contains_key(&unit) {
            for (kind, code_at, name_at) in named {
                if let (Some(code_at), Some(name_at)) = (code_at, name_at) {
                    let code = cells.optional(code_at).map(|c| c.to_ascii_uppercase());
                    names.add(kind, code.as_deref(), &cells.text(name_at), &unit.0);
                }
            }
            if let (Some(at), true) = (supplier_at, supplier.is_empty()) {
                flags.blank(line, &unit.1, &unit.0, header.name(at));
            }
        }
        let tally = tallies.entry(unit.clone()).or_insert_with(|| Tally {
            month: AppointmentMonth {
                period: unit.0.clone(),
                practice: unit.1.clone(),
                supplier: supplier.clone(),
                ..Default::default()
            },
            first_line: line,
        });
        if tally.month.supplier != supplier {
            let column = supplier_at.map(|at| header.name(at));
            let message = format!(
                "{supplier:?} differs from {:?} on line {} for this practice-month",
                tally.month.supplier, tally.first_line
            );
            errors.push(RowError::new(line, column, message));
            continue;
        }
        let at = (unit.1.as_str(), unit.0.as_str());
        let (mode, bad_mode) = label(&cells, mode_at, "mode", ApptMode::parse, ApptMode::Unknown, &modes);
        let (status, bad_status) =
            label(&cells, status_at, "status", ApptStatus::parse, ApptStatus::Unknown, &statuses);
        let (lead, bad_lead) =
            label(&cells, lead_at, "lead time", LeadTime::parse, LeadTime::Unknown, &leads);
        let (hcp, bad_hcp) = label(&cells, hcp_at, "staff type", HcpType::parse, HcpType::Unknown, &hcps);
        for (column, reason) in
            [(mode_at, bad_mode), (status_at, bad_status), (lead_at, bad_lead), (hcp_at, bad_hcp)]
        {
            if let Some(reason) = reason {
                flags.at(line, at, ReferenceQuirk::UnknownCode, header.name(column), &reason);
            }
        }
        match count {
            None => {
                flags.blank(line, at.0, at.1, header.name(count_at));
                tally.month.rows_left_out += 1;
            }
            Some(n) if n < 0 => {
                flags.negative(line, at, header.name(count_at), n, "left out of every tally");
                tally.month.rows_left_out += 1;
            }
            Some(n) => {
                tally.month.add(n, mode, status, lead, hcp);
                appointments += n;
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows: Vec<AppointmentMonth> = tallies.into_values().map(|t| t.month).collect();
    rows.sort_by(|a, b| (&a.period, &a.practice).cmp(&(&b.period, &b.practice)));
    let mut stats = ReferenceStats { rows_read: table.rows_read, ..Default::default() };
    stats.totals.insert("appointments (COUNT_OF_APPOINTMENTS)".to_owned(), appointments);
    let video: i64 = rows.iter().map(|m| m.video_online).sum();
    stats.totals.insert("of which video or online".to_owned(), video);
    let left_out: i64 = rows.iter().map(|m| m.rows_left_out).sum();
    stats.counts.insert("rows left out (blank or negative count)".to_owned(), left_out as u64);
    tally_units(&mut stats, rows.iter().map(|m| (m.period.as_str(), m.practice.as_str())));
    Ok(ReferenceFile::new(rows, flags, names, stats))
}

fn combination_key(period: &str, practice: &str, combination: &[String]) -> u128 {
    let half = |salt: u8| {
        let mut hasher = DefaultHasher::new();
        salt.hash(&mut hasher);
        (period, practice, combination).hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Reads the publication's `Mapping.csv` as the practice map of `extract` (`YYYY-MM`, the crosstab's
/// latest month): each practice's PCN, sub-ICB location, ICB and region, with their names.
pub fn read_mapping<R: Read>(input: R, extract: &str) -> Result<ReferenceFile<PracticePlace>, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let [code_at, pcn_at, sub_icb_at] = header.require(
        [&["GP_CODE", "PRACTICE_CODE"], &["PCN_CODE"], &["SUB_ICB_LOCATION_CODE", "SUB_ICB_CODE"]],
        MAPPING,
    )?;
    let icb_at = header.find(&["ICB_CODE", "ICB_ONS_CODE"]);
    let region_at = header.find(&["REGION_CODE", "REGION_ONS_CODE"]);
    let supplier_at = header.find(&["SUPPLIER"]);
    let named = [
        ("practice", Some(code_at), header.find(&["GP_NAME", "PRACTICE_NAME"])),
        ("pcn", Some(pcn_at), header.find(&["PCN_NAME"])),
        ("sub_icb", Some(sub_icb_at), header.find(&["SUB_ICB_LOCATION_NAME", "SUB_ICB_NAME"])),
        ("icb", icb_at, header.find(&["ICB_NAME"])),
        ("region", region_at, header.find(&["REGION_NAME"])),
    ];
    let mut errors = ImportErrors::default();
    let (mut flags, mut names) = (Flags::new("places"), Names::default());
    let mut places: HashMap<String, (u64, PracticePlace)> = HashMap::new();
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let Some(practice) = cells.code(code_at) else {
            cells.finish(&mut errors);
            continue;
        };
        let line = cells.line;
        for (kind, code_at, name_at) in named {
            if let (Some(code_at), Some(name_at)) = (code_at, name_at) {
                let code = cells.optional(code_at).map(|c| c.to_ascii_uppercase());
                names.add(kind, code.as_deref(), &cells.text(name_at), extract);
            }
        }
        let pcn = cells.optional(pcn_at).map(|c| c.to_ascii_uppercase());
        let pcn = match pcn {
            Some(code) if code == UNALLOCATED_PCN => {
                let detail = format!("line {line}: PCN_CODE U (Unallocated): the practice is in no PCN");
                flags.raise(&practice, extract, ReferenceQuirk::Unallocated, header.name(pcn_at), detail);
                None
            }
            pcn => pcn,
        };
        let place = PracticePlace {
            extract: extract.to_owned(),
            practice: practice.clone(),
            pcn,
            sub_icb: cells.optional(sub_icb_at).map(|c| c.to_ascii_uppercase()),
            icb: icb_at.and_then(|at| cells.optional(at)).map(|c| c.to_ascii_uppercase()),
            region: region_at.and_then(|at| cells.optional(at)).map(|c| c.to_ascii_uppercase()),
            supplier: supplier_at.and_then(|at| cells.optional(at)),
        };
        match places.get(&practice) {
            Some((first, seen)) if *seen != place => {
                let message = format!("{practice} is also on line {first}, placed differently");
                errors.push(RowError::new(line, Some(header.name(code_at)), message));
            }
            Some(_) => {}
            None => {
                places.insert(practice, (line, place));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows: Vec<PracticePlace> = places.into_values().map(|(_, p)| p).collect();
    rows.sort_by(|a, b| a.practice.cmp(&b.practice));
    let mut stats = ReferenceStats { rows_read: table.rows_read, ..Default::default() };
    tally_units(&mut stats, rows.iter().map(|p| (p.extract.as_str(), p.practice.as_str())));
    Ok(ReferenceFile::new(rows, flags, names, stats))
}

/// Stores a checked crosstab in one transaction, with one `import.appointments` audit record.
pub async fn store_appointments(
    store: &Store,
    file: &ReferenceFile<AppointmentMonth>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_appointments(batch, actor).await?;
    Ok(ReferenceReport { unit: "practice-months", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the crosstab at `path` (`.csv`, `.csv.gz` or a `.zip` of one CSV), and
/// with it `mapping` as the practice map of the crosstab's latest month: each all of it or none of it,
/// the mapping read and checked before anything is stored.
pub async fn import_appointments_file(
    store: &Store,
    path: &Path,
    mapping: Option<&Path>,
    actor: &Actor,
) -> Result<(ReferenceReport, Option<ReferenceReport>), ReferenceError> {
    let file = read_file(path, |input| read_appointments(input))?;
    let latest = file.stats.periods.keys().next_back().cloned().unwrap_or_default();
    let places = match mapping {
        Some(mapping) => Some(read_file(mapping, |input| read_mapping(input, &latest))?),
        None => None,
    };
    let report = store_appointments(store, &file, actor).await?;
    let placed = match places {
        Some(places) => Some(crate::places::store_places(store, &places, actor).await?),
        None => None,
    };
    Ok((report, placed))
}
