//! ODS's list of GP practices (`epraccur.csv`): every prescribing cost centre the NHS Prescription
//! Service knows, with its name, status (active, closed, dormant, proposed), commissioner and
//! prescribing setting, to tell which practices in the uptake files were open, and which are GP
//! practices at all.
//!
//! # Format
//!
//! No header row: 27 quoted fields by position, as the ODS specification lists them. The ones kept:
//! 1 code, 2 name, 3 national grouping (region), 10 postcode, 11 open date, 12 close date (`YYYYMMDD`),
//! 13 status (`A`, `C`, `D`, `P`), 15 commissioner, 26 prescribing setting (4 = GP practice).
//!
//! # Rules
//!
//! Every row is stored, whatever its setting (the setting tells GP practices from out-of-hours and
//! walk-in centres); the summary counts both. A code listed twice, or a date, setting or code not
//! written as one, is refused. A value is never: a status other than the four or a setting outside
//! 0–99 is kept as published and flagged `unknown_code`; eight digits that name no day (`20190231`)
//! are kept as unknown (NULL) and flagged `impossible_date`. A blank in a field the specification
//! calls mandatory (name, open date, status, setting) is kept and flagged; blanks in the optional
//! fields are ordinary.

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::ReferenceStats;
use crate::reference::{
    read_file, tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport,
};
use crate::table::{Cells, Header, Table};
use lantern_core::audit::Actor;
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_core::uptake::OdsPractice;
use lantern_store::{ReferenceBatch, Store};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// The specification's field names, for messages.
const FIELDS: [&str; 27] = [
    "Organisation Code",
    "Name",
    "National Grouping",
    "High Level Health Geography",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Address Line 4",
    "Address Line 5",
    "Postcode",
    "Open Date",
    "Close Date",
    "Status Code",
    "Organisation Sub-Type Code",
    "Commissioner",
    "Join Provider/Purchaser Date",
    "Left Provider/Purchaser Date",
    "Contact Telephone Number",
    "Null",
    "Null",
    "Null",
    "Amended Record Indicator",
    "Null",
    "Provider/Purchaser",
    "Null",
    "Prescribing Setting",
    "Null",
];
// Zero-based positions of the fields kept.
const CODE: usize = 0;
const NAME: usize = 1;
const REGION: usize = 2;
const POSTCODE: usize = 9;
const OPENED: usize = 10;
const CLOSED: usize = 11;
const STATUS: usize = 12;
const COMMISSIONER: usize = 14;
const SETTING: usize = 25;
const STATUSES: [(&str, &str); 4] = [("A", "active"), ("C", "closed"), ("D", "dormant"), ("P", "proposed")];

/// Reads and checks an epraccur file from `input` (a CSV stream without a header row).
pub fn read_epraccur<R: Read>(input: R) -> Result<ReferenceFile<OdsPractice>, ImportErrors> {
    let mut table = Table::new(input);
    let header =
        Header::new(FIELDS.iter().enumerate().map(|(i, name)| format!("{name} (field {})", i + 1)).collect());
    let mut errors = ImportErrors::default();
    let mut flags = Flags::new("epraccur");
    let mut stats = ReferenceStats::default();
    let mut rows = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let code = cells.code(CODE);
        let [region, commissioner] = [REGION, COMMISSIONER].map(|at| cells.optional_code(at));
        let mut odd: Vec<(usize, ReferenceQuirk, String)> = Vec::new();
        let [opened, closed] = [OPENED, CLOSED].map(|at| date(&mut cells, at, &mut odd));
        let status = cells.text(STATUS).to_ascii_uppercase();
        if !status.is_empty() && !STATUSES.iter().any(|(s, _)| *s == status) {
            let reason = format!(
                "{status:?} is not a status ODS defines (A active, C closed, D dormant, P proposed); kept as published"
            );
            odd.push((STATUS, ReferenceQuirk::UnknownCode, reason));
        }
        let setting = cells.text(SETTING);
        let prescribing_setting = match setting.parse::<i64>() {
            _ if setting.is_empty() => Some(None),
            Ok(n) => {
                if !(0..100).contains(&n) {
                    let reason =
                        format!("{n} is not a prescribing setting code (0 to 99); kept as published");
                    odd.push((SETTING, ReferenceQuirk::UnknownCode, reason));
                }
                Some(Some(n))
            }
            Err(_) => {
                cells
                    .fail(SETTING, format!("{setting:?} is not a prescribing setting code (a whole number)"));
                None
            }
        };
        let line = cells.line;
        let parsed =
            (code, region, commissioner, opened, closed, prescribing_setting, cells.errors.is_empty());
        let (Some(code), Some(region), Some(commissioner), Some(opened), Some(closed), Some(setting), true) =
            parsed
        else {
            cells.finish(&mut errors);
            continue;
        };
        if let Some(first) = first_line.get(&code) {
            let message = format!("{code} is also on line {first}; each practice may appear once");
            errors.push(RowError::new(line, Some(header.name(CODE)), message));
            continue;
        }
        let practice = OdsPractice {
            practice: code.clone(),
            name: cells.text(NAME).into_owned(),
            status,
            prescribing_setting: setting,
            commissioner,
            region,
            postcode: cells.optional(POSTCODE),
            opened,
            closed,
        };
        let mandatory = [
            (NAME, practice.name.is_empty()),
            (OPENED, practice.opened.is_none()),
            (STATUS, practice.status.is_empty()),
            (SETTING, practice.prescribing_setting.is_none()),
        ];
        for (at, blank) in mandatory {
            // An impossible open date is flagged as such, not again as blank.
            if blank && !odd.iter().any(|(field, ..)| *field == at) {
                flags.blank(line, &code, "", header.name(at));
            }
        }
        for (at, kind, reason) in odd {
            flags.at(line, (&code, ""), kind, header.name(at), &reason);
        }
        tally(&mut stats, &practice);
        first_line.insert(code, line);
        rows.push(practice);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    stats.rows_read = table.rows_read;
    tally_units(&mut stats, rows.iter().map(|p| ("", p.practice.as_str())));
    Ok(ReferenceFile::new(rows, flags, Names::default(), stats))
}

fn tally(stats: &mut ReferenceStats, practice: &OdsPractice) {
    let status = match STATUSES.iter().find(|(s, _)| *s == practice.status) {
        Some((_, meaning)) => meaning,
        None if practice.status.is_empty() => "blank",
        None => "not an ODS status",
    };
    *stats.counts.entry(format!("status {} ({status})", practice.status)).or_default() += 1;
    let setting = match practice.prescribing_setting {
        Some(4) => "prescribing setting 4 (GP practice)",
        _ => "other prescribing settings (out of hours, walk-in, prison, …)",
    };
    *stats.counts.entry(setting.to_owned()).or_default() += 1;
}

/// A `YYYYMMDD` date as `YYYY-MM-DD`: Some(None) when blank, or when eight digits name no day (noted
/// in `odd`: the column holds dates, so it is kept as unknown); None (recorded) when not written as a
/// date at all.
fn date(
    cells: &mut Cells<'_>,
    at: usize,
    odd: &mut Vec<(usize, ReferenceQuirk, String)>,
) -> Option<Option<String>> {
    let text = cells.text(at);
    if text.is_empty() {
        return Some(None);
    }
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        cells.fail(at, format!("{text:?} is not a date written YYYYMMDD"));
        return None;
    }
    let parts = (text[..4].parse::<i16>(), text[4..6].parse::<i8>(), text[6..].parse::<i8>());
    match parts {
        (Ok(y), Ok(m), Ok(d)) if jiff::civil::Date::new(y, m, d).is_ok() => {
            Some(Some(format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..])))
        }
        _ => {
            let reason = format!("{text} is no day of the calendar; kept as unknown (NULL)");
            odd.push((at, ReferenceQuirk::ImpossibleDate, reason));
            Some(None)
        }
    }
}

/// Stores a checked file in one transaction, with one `import.epraccur` audit record.
pub async fn store_epraccur(
    store: &Store,
    file: &ReferenceFile<OdsPractice>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_epraccur(batch, actor).await?;
    Ok(ReferenceReport { unit: "organisations", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the file at `path` (`.csv` or `.csv.gz`): all of it or none of it.
pub async fn import_epraccur_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let file = read_file(path, |input| read_epraccur(input))?;
    store_epraccur(store, &file, actor).await
}
