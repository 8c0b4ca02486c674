//! Cloud Based Telephony data in General Practice (NHS England, monthly, Official Statistics in
//! Development), practice by practice and day by day: the CSVs inside the publication's zips, one per
//! region plus one of accounts the publisher cannot place (`_Unmapped`).
//!
//! # Format
//!
//! - `Cloud Based Telephony Calls Answered Metric - <Month> <Year>_<Region>.csv`: `Date`,
//!   `REGION_CODE`, `ICB_CODE`, `SUB_ICB_LOCATION_CODE`, `PCN_CODE`, `PRACTICE_CODE`, `Indicator`
//!   (CBT003), `Wait_Time` (a band in seconds: `0`, `1_30` … `241_300`, `>300`), `Core_Category`
//!   (`Core_8_10`, `Core_10_1830`, `Non-Core`), `Value`.
//! - `Cloud Based Telephony By Durations - <Month> <Year>_<Region>.csv`: the same places, then
//!   `Indicator` (CBT001–CBT007), `Duration` (`TOTAL` for a plain count, the wait-time band for CBT003
//!   and CBT004, the duration band for CBT007), `Value`.
//!
//! Which file it is follows from the header. Counts are written as decimals (`6.0`).
//!
//! # Rules
//!
//! - A row whose practice is `Unassigned` is a phone account several practices share, which the
//!   publisher cannot split: it is kept as a shared account where the file places it (a PCN, or
//!   `Unmapped`) and never given to any practice. A practice with no rows is not reported: missing,
//!   not zero.
//! - Structure refuses the file, naming the line and column: a header of neither layout, a row of the
//!   wrong width, a date that is not one, a malformed practice code, a blank place, an indicator
//!   outside CBT001–CBT007, a band or core-hours category not of the published kind, the same account,
//!   day, indicator, band and category twice.
//! - A value never does: a blank is kept as unknown (`blank_value`), a count below zero as published
//!   (`negative_value`), a fraction or text as published with no count (`not_a_count`); each is
//!   flagged with its line and left out of every sum. A PCN code not of the published form (`U` and
//!   five digits, or `Unmapped`) is kept as published and flagged `unknown_code`: real files carry
//!   `U` alone for a practice whose PCN is not known. In a Durations file, an account-day whose calls
//!   answered by wait (CBT003) and by duration (CBT007) differ is flagged `sum_mismatch`.

use crate::dates::parse_date;
use crate::episodes_csv::{ImportErrors, RowError};
use crate::reference::{tally_units, Flags, Names, ReferenceError, ReferenceFile, ReferenceStats};
use crate::table::{Cells, Header, Table};
use lantern_core::audit::Actor;
use lantern_core::uptake::access::CbtAccount;
use lantern_core::uptake::cbt_daily::{cbt_indicator, CbtDailyFile, CbtDailyValue, CBT_CORE_CATEGORIES};
use lantern_core::uptake::reference::ReferenceQuirk;
use lantern_store::{cbt_daily_flag_source, CbtDailyBatch, Store};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

pub use crate::cbt_daily_report::CbtDailyReport;

/// The practice code a shared phone account is published under.
const UNASSIGNED: &str = "Unassigned";

/// The columns both layouts start with.
const PLACES: [&str; 6] =
    ["Date", "REGION_CODE", "ICB_CODE", "SUB_ICB_LOCATION_CODE", "PCN_CODE", "PRACTICE_CODE"];

/// A file read and checked: its kind and its values.
#[derive(Debug, Clone)]
pub struct CbtDailyRead {
    pub file: CbtDailyFile,
    pub values: ReferenceFile<CbtDailyValue>,
}

/// The layout's columns: the six places, `Indicator`, the band, the category (Calls Answered only),
/// `Value`.
struct Columns {
    places: [usize; 6],
    indicator: usize,
    band: usize,
    core: Option<usize>,
    value: usize,
}

fn layout(header: &Header) -> Result<(CbtDailyFile, Columns), ImportErrors> {
    let file = if header.find(&["Wait_Time"]).is_some() {
        CbtDailyFile::CallsAnswered
    } else if header.find(&["Duration"]).is_some() {
        CbtDailyFile::Durations
    } else {
        let message = format!(
            "The header names neither Wait_Time nor Duration; expected {} (\"{}\") or {} (\"{}\")",
            CbtDailyFile::CallsAnswered.title(),
            expected(CbtDailyFile::CallsAnswered),
            CbtDailyFile::Durations.title(),
            expected(CbtDailyFile::Durations),
        );
        return Err(ImportErrors::single(1, None, message));
    };
    let what = format!("a {} file (\"{}\")", file.title(), expected(file));
    let places = header.require(
        [
            &["Date"],
            &["REGION_CODE"],
            &["ICB_CODE"],
            &["SUB_ICB_LOCATION_CODE"],
            &["PCN_CODE"],
            &["PRACTICE_CODE"],
        ],
        &what,
    )?;
    let [indicator, value] = header.require([&["Indicator"], &["Value"]], &what)?;
    let (band, core) = match file {
        CbtDailyFile::CallsAnswered => {
            let [band, core] = header.require([&["Wait_Time"], &["Core_Category"]], &what)?;
            (band, Some(core))
        }
        CbtDailyFile::Durations => (header.require([&["Duration"]], &what)?[0], None),
    };
    Ok((file, Columns { places, indicator, band, core, value }))
}

/// The header a layout is published with.
fn expected(file: CbtDailyFile) -> String {
    let tail = match file {
        CbtDailyFile::CallsAnswered => "Indicator,Wait_Time,Core_Category,Value",
        CbtDailyFile::Durations => "Indicator,Duration,Value",
    };
    format!("{},{tail}", PLACES.join(","))
}

/// A band as the files write them: `TOTAL`, `0`, `1_30`, `>300`.
fn is_band(text: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    text == "TOTAL"
        || digits(text)
        || text.strip_prefix('>').is_some_and(digits)
        || text.split_once('_').is_some_and(|(from, to)| digits(from) && digits(to))
}

/// A PCN code of the published form.
fn is_pcn(text: &str) -> bool {
    text == "Unmapped"
        || (text.len() == 6 && text.starts_with('U') && text[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// (day, account key, indicator, band, category) → the line it was first read on.
type Seen = HashMap<(String, String, String, String, String), u64>;

/// Reads and checks one practice-level CBT CSV from `input`.
pub fn read_cbt_daily<R: Read>(input: R) -> Result<CbtDailyRead, ImportErrors> {
    let mut table = Table::new(input);
    let header = table.header()?;
    let (file, at) = layout(&header)?;
    let mut errors = ImportErrors::default();
    let mut flags = Flags::new(cbt_daily_flag_source(file));
    let mut values: Vec<CbtDailyValue> = Vec::new();
    let mut seen: Seen = HashMap::new();
    let mut odd_pcns: HashSet<(String, String, String)> = HashSet::new();
    while let Some(mut cells) = table.next_row(&header, &mut errors) {
        if !cells.has_width() {
            cells.finish(&mut errors);
            continue;
        }
        let Some(value) = read_row(&mut cells, file, &at) else {
            cells.finish(&mut errors);
            continue;
        };
        let line = cells.line;
        cells.finish(&mut errors);
        let key = (
            value.day.clone(),
            value.account_key(),
            value.indicator.clone(),
            value.band.clone(),
            value.core_category.clone(),
        );
        if let Some(first) = seen.insert(key, line) {
            let message = format!(
                "{} {} {} {} on {} is also on line {first}; each appears once",
                value.account_key(),
                value.indicator,
                value.band,
                value.core_category,
                value.day
            );
            errors.push(RowError::new(line, Some(header.name(at.indicator)), message));
            continue;
        }
        flag_value(&mut flags, line, &value);
        // Once per account and PCN: a practice's every row repeats it.
        if !is_pcn(&value.pcn)
            && odd_pcns.insert((value.period.clone(), value.account_key(), value.pcn.clone()))
        {
            let column = header.name(at.places[4]);
            let reason = format!(
                "{:?} is not a PCN code (U and five digits, or Unmapped); kept as published",
                value.pcn
            );
            let unit = (value.account_key(), value.period.clone());
            flags.at(line, (&unit.0, &unit.1), ReferenceQuirk::UnknownCode, column, &reason);
        }
        values.push(value);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if file == CbtDailyFile::Durations {
        flag_answered_mismatch(&mut flags, &values);
    }
    let stats = stats(file, &values, table.rows_read);
    Ok(CbtDailyRead { file, values: ReferenceFile::new(values, flags, Names::default(), stats) })
}

/// One row's value, None when its structure is bad (the reasons recorded in `cells`).
fn read_row(cells: &mut Cells<'_>, file: CbtDailyFile, at: &Columns) -> Option<CbtDailyValue> {
    let day_text = cells.text(at.places[0]);
    let day = parse_date(&day_text).filter(|_| day_text.len() == 10);
    if day.is_none() {
        cells.fail(at.places[0], format!("{day_text:?} is not a date like 2026-06-01"));
    }
    let place = |cells: &mut Cells<'_>, i: usize| {
        let text = cells.text(at.places[i]).into_owned();
        if text.is_empty() {
            cells.fail(at.places[i], "blank; every row names where its account sits");
        }
        text
    };
    let (region, icb, sub_icb, pcn) = (place(cells, 1), place(cells, 2), place(cells, 3), place(cells, 4));
    let practice_text = cells.text(at.places[5]);
    let shared = practice_text.eq_ignore_ascii_case(UNASSIGNED);
    let practice = if shared { Some(UNASSIGNED.to_owned()) } else { cells.code(at.places[5]) };
    let indicator = cells.text(at.indicator).to_ascii_uppercase();
    if cbt_indicator(&indicator).is_none() {
        cells.fail(at.indicator, format!("{indicator:?} is not one of CBT001 to CBT007"));
    }
    let band = cells.text(at.band).into_owned();
    if !is_band(&band) {
        cells.fail(at.band, format!("{band:?} is not a band like TOTAL, 0, 1_30 or >300"));
    }
    let core_category = match at.core {
        Some(core) => {
            let text = cells.text(core).into_owned();
            if !CBT_CORE_CATEGORIES.contains(&text.as_str()) {
                cells.fail(core, format!("{text:?} is not one of {}", CBT_CORE_CATEGORIES.join(", ")));
            }
            text
        }
        None => String::new(),
    };
    let published = cells.text(at.value).into_owned();
    if !cells.errors.is_empty() {
        return None;
    }
    let (day, practice) = (day?, practice?);
    let account = if shared { CbtAccount::Shared } else { CbtAccount::Practice };
    Some(CbtDailyValue {
        file: file.code().to_owned(),
        period: crate::dates::month_of(day),
        day: day.to_string(),
        region,
        icb,
        sub_icb,
        pcn,
        practice,
        account: account.code().to_owned(),
        indicator,
        band,
        core_category,
        value: whole(&published),
        published,
    })
}

/// The count a published value stands for: `6.0` is 6; blank, fractions and text are none.
fn whole(published: &str) -> Option<i64> {
    let n: f64 = published.parse().ok()?;
    (n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
}

/// Flags the value's quirks with its line; the account key stands for the practice, so a shared
/// account's flags are never a practice's.
fn flag_value(flags: &mut Flags, line: u64, v: &CbtDailyValue) {
    let key = v.account_key();
    let unit = (key.as_str(), v.period.as_str());
    let field = format!("{} {} {} {}", v.day, v.indicator, v.band, v.core_category).trim_end().to_owned();
    match v.value {
        None if v.published.is_empty() => flags.blank(line, unit.0, unit.1, &field),
        None => {
            let reason = format!("{:?} is not a count; kept as published, left out of sums", v.published);
            flags.at(line, unit, ReferenceQuirk::NotACount, &field, &reason);
        }
        Some(n) if n < 0 => flags.negative(line, unit, &field, n, "stored as published"),
        Some(_) => {}
    }
}

/// Answered calls are counted twice in a Durations file, by wait (CBT003) and by duration (CBT007);
/// NHS England's data-quality notes say suppliers' two totals have not always matched. Where an
/// account-day's differ, both are kept as published and the day is flagged `sum_mismatch`. A band
/// with no row has no calls, so an indicator with no rows that day counts 0.
fn flag_answered_mismatch(flags: &mut Flags, values: &[CbtDailyValue]) {
    let mut days: BTreeMap<(String, String, String), [i64; 2]> = BTreeMap::new();
    for v in values {
        let slot = match v.indicator.as_str() {
            "CBT003" => 0,
            "CBT007" => 1,
            _ => continue,
        };
        let sums = days.entry((v.period.clone(), v.account_key(), v.day.clone())).or_default();
        sums[slot] += v.value.filter(|n| *n >= 0).unwrap_or(0);
    }
    for ((period, account, day), [by_wait, by_duration]) in days {
        if by_wait != by_duration {
            let detail = format!(
                "on {day} CBT003 (answered, by wait) sums to {by_wait} but CBT007 (answered, by duration) to \
                 {by_duration}; both kept as published"
            );
            flags.raise(
                &account,
                &period,
                ReferenceQuirk::SumMismatch,
                &format!("CBT003/CBT007 {day}"),
                detail,
            );
        }
    }
}

/// What the file held: values per indicator (practices' own accounts and shared ones apart), accounts.
fn stats(file: CbtDailyFile, values: &[CbtDailyValue], rows_read: u64) -> ReferenceStats {
    let mut stats = ReferenceStats { rows_read, layout: Some(file.title().to_owned()), ..Default::default() };
    for v in values {
        let whose = if v.account == CbtAccount::Shared.code() {
            "shared accounts"
        } else {
            "practices' own accounts"
        };
        let what = format!("{} {}, {whose}", v.indicator, cbt_indicator(&v.indicator).unwrap_or_default());
        *stats.totals.entry(what).or_default() += v.value.filter(|n| *n >= 0).unwrap_or(0);
    }
    let shared: BTreeSet<(String, String)> = values
        .iter()
        .filter(|v| v.account == CbtAccount::Shared.code())
        .map(|v| (v.period.clone(), v.account_key()))
        .collect();
    stats
        .counts
        .insert("shared phone accounts (figures given to no practice)".to_owned(), shared.len() as u64);
    tally_units(
        &mut stats,
        values
            .iter()
            .filter(|v| v.account == CbtAccount::Practice.code())
            .map(|v| (v.period.as_str(), v.practice.as_str())),
    );
    stats
}

/// Stores a checked file in one transaction, with one `import.cbt_daily` audit record.
pub async fn store_cbt_daily(
    store: &Store,
    read: &CbtDailyRead,
    actor: &Actor,
) -> Result<CbtDailyReport, ReferenceError> {
    let detail = serde_json::to_value(&read.values.stats).unwrap_or_default();
    let batch = CbtDailyBatch {
        file: read.file,
        rows: &read.values.rows,
        flags: &read.values.flags,
        detail: &detail,
    };
    let stored = store.import_cbt_daily(batch, actor).await?;
    Ok(CbtDailyReport { stats: read.values.stats.clone(), stored })
}

/// Reads, checks and stores the file at `path` (`.csv`, `.csv.gz` or a `.zip` of one CSV): all of it
/// or none of it.
pub async fn import_cbt_daily_file(
    store: &Store,
    path: &Path,
    actor: &Actor,
) -> Result<CbtDailyReport, ReferenceError> {
    let read = read_cbt_daily_path(path)?;
    store_cbt_daily(store, &read, actor).await
}

/// Reads and checks the file at `path`. Synchronous and CPU-bound.
pub fn read_cbt_daily_path(path: &Path) -> Result<CbtDailyRead, ReferenceError> {
    Ok(crate::published::with_table(path, |input| read_cbt_daily(input))??)
}
