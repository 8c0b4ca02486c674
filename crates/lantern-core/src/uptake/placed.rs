//! Uptake tables at levels the published files do not always carry. PCNs are in no POMI file, and
//! CCG-era files name no ICB, so a practice is placed there by the practice map (the latest extract
//! held). The file's own columns win wherever it has them: a practice's region or CCG in 2018 is the one
//! it had in 2018, not today's.
//!
//! A practice the map does not know (closed before the extract, or a map not yet loaded) cannot be
//! placed. Its counts are kept aside, by month, so a PCN table can be reconciled with England's rather
//! than silently coming up short.

use super::measures::{Level, UnitUptake, UptakeCounts, ENGLAND};
use super::{PracticeMonth, PracticePlace};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The unit a practice sits in at `level` by the map alone, for data that carries no hierarchy of
/// its own (online consultations, deprivation). `Ccg` is the map's sub-ICB location.
pub fn mapped_unit<'a>(level: Level, practice: &'a str, place: Option<&'a PracticePlace>) -> Option<&'a str> {
    match level {
        Level::England => Some(ENGLAND),
        Level::Practice => Some(practice),
        Level::Region => place?.region.as_deref(),
        Level::Icb => place?.icb.as_deref(),
        Level::Ccg => place?.sub_icb.as_deref(),
        Level::Pcn => place?.pcn.as_deref(),
    }
}

/// The unit a practice-month sits in at `level`: the file's own column where it gave one, else the
/// practice's place in the map (`places` is keyed by practice code).
pub fn placed_unit<'a>(
    level: Level,
    row: &'a PracticeMonth,
    places: &'a HashMap<String, PracticePlace>,
) -> Option<&'a str> {
    level.unit(row).or_else(|| mapped_unit(level, &row.practice, places.get(&row.practice)))
}

/// Practice-months of one month that could not be placed at the table's level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unplaced {
    pub period: String,
    /// Practice codes, in order.
    pub practices: Vec<String>,
    /// Their counts summed, so a caller can say how many registered patients the table leaves out.
    pub counts: UptakeCounts,
}

/// An uptake table together with what could not be placed in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedTable {
    pub units: Vec<UnitUptake>,
    /// By month; empty when every practice-month was placed. Unplaced rows are listed whatever `code`
    /// asked for, since nobody can tell which unit they would have fallen in.
    pub unplaced: Vec<Unplaced>,
}

impl PlacedTable {
    /// Practice-months left out across all months.
    pub fn unplaced_practice_months(&self) -> u64 {
        self.unplaced.iter().map(|u| u.counts.practices).sum()
    }
}

/// The uptake table at `level`, as [`super::tabulate`] but placing each practice-month with
/// [`placed_unit`]: one entry per unit and month, ordered by month then code; with `code` (compared
/// without regard to case), only that unit. Counts are summed over the unit's practices and rates
/// worked out from the sums.
pub fn tabulate_placed(
    level: Level,
    rows: &[PracticeMonth],
    places: &HashMap<String, PracticePlace>,
    code: Option<&str>,
) -> PlacedTable {
    let grouped = group(
        rows,
        |row| (row.period.as_str(), row.practice.as_str(), placed_unit(level, row, places)),
        code,
        |counts: &mut UptakeCounts, row| counts.add(&row.values),
    );
    let units = grouped
        .units
        .into_iter()
        .map(|((period, unit), counts)| UnitUptake::new(level, unit, period, counts))
        .collect();
    let unplaced = grouped
        .unplaced
        .into_iter()
        .map(|(period, (practices, counts))| Unplaced { period: period.to_owned(), practices, counts })
        .collect();
    PlacedTable { units, unplaced }
}

/// Rows summed by (month, unit), and per month the practices with no unit and their sum.
pub(super) struct Grouped<'a, C> {
    pub units: BTreeMap<(&'a str, &'a str), C>,
    /// Practice codes in order.
    pub unplaced: BTreeMap<&'a str, (Vec<String>, C)>,
}

/// Sums `rows` into their units with `add`. `key` gives a row's month, practice and unit (None when it
/// cannot be placed); with `code` (compared without regard to case) only that unit is kept, but rows
/// that cannot be placed are kept whatever `code` asked for, since nobody can tell where they would
/// have fallen.
pub(super) fn group<'a, R, C: Default>(
    rows: &'a [R],
    key: impl Fn(&'a R) -> (&'a str, &'a str, Option<&'a str>),
    code: Option<&str>,
    add: impl Fn(&mut C, &R),
) -> Grouped<'a, C> {
    let mut grouped = Grouped { units: BTreeMap::new(), unplaced: BTreeMap::new() };
    for row in rows {
        let (period, practice, unit) = key(row);
        let Some(unit) = unit else {
            let (practices, counts) = grouped.unplaced.entry(period).or_default();
            practices.push(practice.to_owned());
            add(counts, row);
            continue;
        };
        if code.is_some_and(|c| !c.eq_ignore_ascii_case(unit)) {
            continue;
        }
        add(grouped.units.entry((period, unit)).or_default(), row);
    }
    for (practices, _) in grouped.unplaced.values_mut() {
        practices.sort();
    }
    grouped
}

#[cfg(test)]
#[path = "placed_tests.rs"]
mod tests;
