//! Patients Registered at a GP Practice by sex and 5-year age band (`gp-reg-pat-prac-quin-age`),
//! which the age-standardised measures weigh uptake by.
//!
//! # Format
//!
//! Columns by name, any case and order: `EXTRACT_DATE`, `ORG_TYPE`, `ORG_CODE`, `SEX` (`FEMALE`,
//! `MALE`, `ALL`), `AGE_GROUP_5` (`0_4` … `90_94`, `95+`, `ALL`) and `NUMBER_OF_PATIENTS`.
//!
//! # Rules
//!
//! - Only practice rows (`ORG_TYPE` `GP`) of one sex and one band are stored; rows for PCNs, sub-ICB
//!   locations, ICBs and regions (and rows whose type is blank) are counted by type.
//! - A count below zero is flagged `negative_value` with its line and stored as NULL (unknown): the
//!   column holds no negative count, and the age measures treat the band as blank.
//! - A practice's `ALL` rows are not stored but checked: where all of a sex's bands are known and
//!   do not add up to its `ALL` (or both sexes' to `ALL`/`ALL`), the practice-month is flagged
//!   `band_sum_mismatch`, not refused. A band the file lacks is flagged `missing_field`.

use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::ReferenceStats;
use crate::reference::{
    read_file, tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceReport,
};
use crate::table::Table;
use lantern_core::audit::Actor;
use lantern_core::uptake::reference::{age_band_label, parse_age_band, ReferenceQuirk, AGE_BAND_FROM};
use lantern_core::uptake::{AgeBandCount, Sex};
use lantern_store::{ReferenceBatch, Store};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

const FILE: &str = "the 5-year age-band file (gp-reg-pat-prac-quin-age)";
/// Index of `ALL` beside `Sex::Female` (0) and `Sex::Male` (1); `ALL_BANDS` marks an `ALL` age group.
const ALL: usize = 2;
const ALL_BANDS: u8 = u8::MAX;
const SEX_LABELS: [&str; 3] = ["FEMALE", "MALE", "ALL"];

/// One practice-month's `ALL` rows and what its bands add up to.
#[derive(Debug, Default)]
struct Check {
    /// The file's totals for female, male and both: None not given, Some(None) blank.
    totals: [Option<Option<i64>>; 3],
    /// Sum of each sex's known bands.
    sums: [i64; 2],
    /// A band of the sex was blank, so its sum cannot be checked.
    blank: [bool; 2],
    /// Bit per band given, per sex.
    given: [u32; 2],
}

/// Small numbers for the texts that repeat on every row, so the duplicate check stays compact.
#[derive(Debug, Default)]
struct Ids(HashMap<String, u32>);

impl Ids {
    fn id(&mut self, text: &str) -> u32 {
        let next = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        *self.0.entry(text.to_owned()).or_insert(next)
    }
}

/// Reads and checks an age-band file from `input` (a CSV stream).
pub fn read_age_bands<R: Read>(input: R) -> Result<ReferenceFile<AgeBandCount>, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let [date, org_type, code_at, sex_at, band_at, patients_at] = header.require(
        [
            &["EXTRACT_DATE"],
            &["ORG_TYPE", "TYPE"],
            &["ORG_CODE", "CODE", "PRACTICE_CODE"],
            &["SEX"],
            &["AGE_GROUP_5", "AGE_GROUP"],
            &["NUMBER_OF_PATIENTS"],
        ],
        FILE,
    )?;
    let mut errors = ImportErrors::default();
    let mut flags = Flags::new("age_bands");
    let mut stats = ReferenceStats::default();
    let mut rows = Vec::new();
    let (mut periods, mut practices) = (Ids::default(), Ids::default());
    let mut first_line: HashMap<(u32, u32, u8, u8), u64> = HashMap::new();
    let mut checks: HashMap<(String, String), Check> = HashMap::new();
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let kind = cells.text(org_type);
        if !kind.eq_ignore_ascii_case("GP") {
            // A blank type cannot be taken for a practice: counted with the other organisations.
            let kind = if kind.is_empty() { "(blank ORG_TYPE)".into() } else { kind.into_owned() };
            *stats.other_organisation_rows.entry(kind).or_default() += 1;
            continue;
        }
        let period = cells.month(date);
        let practice = cells.code(code_at);
        let sex_text = cells.text(sex_at);
        let sex = match Sex::parse(&sex_text) {
            Some(Sex::Female) => Some(0),
            Some(Sex::Male) => Some(1),
            None if sex_text.eq_ignore_ascii_case("ALL") => Some(ALL),
            None => {
                cells.fail(sex_at, format!("{sex_text:?} is not FEMALE, MALE or ALL"));
                None
            }
        };
        let band_text = cells.text(band_at);
        let band = match parse_age_band(&band_text) {
            Some(from) => Some(from),
            None if band_text.eq_ignore_ascii_case("ALL") => Some(ALL_BANDS),
            None => {
                cells.fail(band_at, format!("{band_text:?} is not a 5-year band (0_4 … 90_94, 95+) or ALL"));
                None
            }
        };
        let patients = cells.count(patients_at);
        let line = cells.line;
        let (Some(period), Some(practice), Some(sex), Some(band), Some(patients)) =
            (period, practice, sex, band, patients)
        else {
            cells.finish(&mut errors);
            continue;
        };
        if sex == ALL && band != ALL_BANDS {
            cells.fail(band_at, "a row for both sexes together must be for ALL ages");
            cells.finish(&mut errors);
            continue;
        }
        let sex_tag = u8::try_from(sex).unwrap_or(u8::MAX);
        let key = (periods.id(&period), practices.id(&practice), sex_tag, band);
        if let Some(first) = first_line.get(&key) {
            let message = format!(
                "{practice} {} {} is also on line {first} for {period}; each may appear once an extract",
                SEX_LABELS[sex],
                band_label(band)
            );
            errors.push(RowError::new(line, Some(header.name(code_at)), message));
            continue;
        }
        first_line.insert(key, line);
        let field = format!("{} {}", SEX_LABELS[sex], band_label(band));
        let patients = match patients {
            None => {
                flags.blank(line, &practice, &period, &field);
                None
            }
            Some(n) if n < 0 => {
                let stored = "stored as NULL (the column holds no count below zero)";
                flags.negative(line, (&practice, &period), &field, n, stored);
                None
            }
            known => known,
        };
        let check = checks.entry((period.clone(), practice.clone())).or_default();
        if band == ALL_BANDS {
            check.totals[sex] = Some(patients);
            continue;
        }
        check.given[sex] |= 1 << (band / 5);
        check.sums[sex] += patients.unwrap_or(0);
        check.blank[sex] |= patients.is_none();
        let sex = if sex == 0 { Sex::Female } else { Sex::Male };
        rows.push(AgeBandCount { period, practice, sex, band_from: band, patients });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut units: Vec<(&(String, String), &Check)> = checks.iter().collect();
    units.sort_by(|a, b| a.0.cmp(b.0));
    for ((period, practice), check) in units {
        check_sums(&mut flags, period, practice, check);
    }
    stats.rows_read = table.rows_read;
    let registered: i64 = rows.iter().filter_map(|r| r.patients).sum();
    stats.totals.insert("registered patients (sum of stored bands)".to_owned(), registered);
    tally_units(&mut stats, rows.iter().map(|r| (r.period.as_str(), r.practice.as_str())));
    Ok(ReferenceFile::new(rows, flags, Names::default(), stats))
}

fn band_label(band: u8) -> String {
    if band == ALL_BANDS {
        "ALL".to_owned()
    } else {
        age_band_label(band)
    }
}

fn check_sums(flags: &mut Flags, period: &str, practice: &str, check: &Check) {
    const EVERY_BAND: u32 = (1 << AGE_BAND_FROM.len()) - 1;
    let mut complete = [None, None];
    for sex in 0..2 {
        let missing: Vec<u8> =
            AGE_BAND_FROM.into_iter().filter(|from| check.given[sex] & (1 << (from / 5)) == 0).collect();
        // A practice-month given only as ALL rows lacks every band; one partly given lacks some.
        for from in &missing {
            let field = format!("{} {}", SEX_LABELS[sex], age_band_label(*from));
            let detail = "no row for this band in the file; kept as unknown".to_owned();
            flags.raise(practice, period, ReferenceQuirk::MissingField, &field, detail);
        }
        if check.given[sex] == EVERY_BAND && !check.blank[sex] {
            complete[sex] = Some(check.sums[sex]);
        }
    }
    let both = complete[0].zip(complete[1]).map(|(f, m)| f + m);
    for (at, sum) in [(0, complete[0]), (1, complete[1]), (ALL, both)] {
        if let (Some(sum), Some(Some(total))) = (sum, check.totals[at]) {
            if sum != total {
                let detail =
                    format!("the bands add up to {sum} but the file's {} total is {total}", SEX_LABELS[at]);
                flags.raise(
                    practice,
                    period,
                    ReferenceQuirk::BandSumMismatch,
                    &format!("{} ALL", SEX_LABELS[at]),
                    detail,
                );
            }
        }
    }
}

/// Stores a checked file in one transaction, with one `import.age_bands` audit record.
pub async fn store_age_bands(
    store: &Store,
    file: &ReferenceFile<AgeBandCount>,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let detail = serde_json::to_value(&file.stats).unwrap_or_default();
    let batch = ReferenceBatch { rows: &file.rows, flags: &file.flags, names: &file.names, file: &detail };
    let stored = store.import_age_bands(batch, actor).await?;
    Ok(ReferenceReport { unit: "practice-months", stats: file.stats.clone(), stored })
}

/// Reads, checks and stores the file at `path` (`.csv` or `.csv.gz`): all of it or none of it.
pub async fn import_age_bands_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<ReferenceReport, ReferenceError> {
    let file = read_file(path, |input| read_age_bands(input))?;
    store_age_bands(store, &file, actor).await
}
