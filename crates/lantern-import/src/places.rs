//! NHS Digital's practice map (`gp-reg-pat-prac-map.csv`, published with Patients Registered at a GP
//! Practice): each practice's PCN, sub-ICB location, ICB, commissioning region and GP system supplier
//! at the extract date. It places practices in PCNs, which no uptake file names.
//!
//! # Format
//!
//! Columns by name, any case and order: `EXTRACT_DATE`, `PRACTICE_CODE`, `PCN_CODE`,
//! `SUB_ICB_LOCATION_CODE`, `ICB_CODE`, `COMM_REGION_CODE` (or `REGION_CODE`); optionally
//! `SUPPLIER_NAME` and the `*_NAME` columns, whose names go to `uptake_names`. Others are ignored.
//!
//! # Rules
//!
//! One row per practice per extract. A blank PCN, sub-ICB, ICB, region or supplier is kept as unknown
//! and flagged (`blank_value`): such a practice is simply unplaced at that level.

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::ReferenceStats;
use crate::reference::{
    read_file, tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport,
};
use crate::table::Table;
use lantern_core::audit::Actor;
use lantern_core::uptake::reference::{ReferenceQuirk, UNALLOCATED_PCN};
use lantern_core::uptake::PracticePlace;
use lantern_store::{ReferenceBatch, Store};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const FILE: &str = "a practice map (gp-reg-pat-prac-map)";

/// Reads and checks a practice map from `input` (a CSV stream).
pub fn read_places<R: Read>(input: R) -> Result<ReferenceFile<PracticePlace>, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let [date, practice, pcn, sub_icb, icb, region] = header.require(
        [
            &["EXTRACT_DATE"],
            &["PRACTICE_CODE"],
            &["PCN_CODE"],
            &["SUB_ICB_LOCATION_CODE"],
            &["ICB_CODE"],
            &["COMM_REGION_CODE", "REGION_CODE"],
        ],
        FILE,
    )?;
    let supplier = header.find(&["SUPPLIER_NAME", "SUPPLIER"]);
    // Names by kind, in the order of `codes` below.
    let named = [
        ("practice", header.find(&["PRACTICE_NAME"])),
        ("pcn", header.find(&["PCN_NAME"])),
        ("sub_icb", header.find(&["SUB_ICB_LOCATION_NAME"])),
        ("icb", header.find(&["ICB_NAME"])),
        ("region", header.find(&["COMM_REGION_NAME", "REGION_NAME"])),
    ];
    let mut errors = ImportErrors::default();
    let (mut flags, mut names) = (Flags::new("places"), Names::default());
    let mut rows = Vec::new();
    let mut first_line: HashMap<(String, String), u64> = HashMap::new();
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let extract = cells.month(date);
        let code = cells.code(practice);
        let unallocated = cells.text(pcn).eq_ignore_ascii_case(UNALLOCATED_PCN);
        let pcn_code = if unallocated { Some(None) } else { cells.optional_code(pcn) };
        let [sub_icb_code, icb_code, region_code] = [sub_icb, icb, region].map(|at| cells.optional_code(at));
        let supplier_name = supplier.map(|at| cells.optional(at));
        let line = cells.line;
        let parsed = (extract, code, pcn_code, sub_icb_code, icb_code, region_code);
        let (
            Some(extract),
            Some(code),
            Some(pcn_code),
            Some(sub_icb_code),
            Some(icb_code),
            Some(region_code),
        ) = parsed
        else {
            cells.finish(&mut errors);
            continue;
        };
        if let Some(first) = first_line.get(&(extract.clone(), code.clone())) {
            let message = format!(
                "{code} is also on line {first} for {extract}; each practice may appear once an extract"
            );
            errors.push(RowError::new(line, Some(header.name(practice)), message));
            continue;
        }
        let place = PracticePlace {
            practice: code.clone(),
            extract: extract.clone(),
            pcn: pcn_code,
            sub_icb: sub_icb_code,
            icb: icb_code,
            region: region_code,
            supplier: supplier_name.flatten(),
        };
        let given =
            [(pcn, &place.pcn), (sub_icb, &place.sub_icb), (icb, &place.icb), (region, &place.region)];
        if unallocated {
            let detail = "PCN_CODE U (Unallocated): the practice is in no PCN".to_owned();
            flags.raise(&code, &extract, ReferenceQuirk::Unallocated, header.name(pcn), detail);
        }
        for (at, value) in given.into_iter().chain(supplier.map(|at| (at, &place.supplier))) {
            if value.is_none() && !(unallocated && at == pcn) {
                flags.blank(line, &code, &extract, header.name(at));
            }
        }
        let codes = [
            Some(code.as_str()),
            place.pcn.as_deref(),
            place.sub_icb.as_deref(),
            place.icb.as_deref(),
            place.region.as_deref(),
        ];
        for ((kind, name_at), code) in named.into_iter().zip(codes) {
            if let Some(at) = name_at {
                names.add(kind, code, &cells.text(at), &extract);
            }
        }
        first_line.insert((extract, code), line);
        rows.push(place);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut stats = ReferenceStats { rows_read: table.rows_read, ..Default::default() };
    tally_units(&mut stats, rows.iter().map(|p| (p.extract.as_str(), p.practice.as_str())));
    Ok(ReferenceFile::new(rows, flags, names, stats))
}

/// Stores a checked map in one transaction, with one `import.places` audit record.
pub async fn store_places(
    store: &Store,
    file: &ReferenceFile<PracticePlace>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_places(batch, actor).await?;
    Ok(ReferenceReport { unit: "practice-extracts", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the map at `path` (`.csv` or `.csv.gz`): all of it or none of it.
pub async fn import_places_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let file = read_file(path, |input| read_places(input))?;
    store_places(store, &file, actor).await
}
