//! The compact per-practice-month accumulator, and turning it into what the store takes. Repeated
//! texts (suppliers, region and CCG codes, practice codes) are interned, so a practice-month costs a
//! few hundred bytes however many rows the file spends on it.

use super::read::Column;
use crate::reference::FLAG_EXAMPLES;
use lantern_core::ods::OdsCode;
use lantern_core::uptake::{quirks, OrgKind, PomiField, PomiValues, PracticeMonth, QuirkKind};
use lantern_store::{UptakeFlag, UptakeName};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// Distinct strings, each stored once and named by a small number.
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Interner {
    pub fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        self.ids.insert(text.to_owned(), id);
        self.texts.push(text.to_owned());
        id
    }

    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", String::as_str)
    }

    pub fn count(&self) -> usize {
        self.texts.len()
    }
}

/// Where a row places its practice that month, as the row's cells give it.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    pub supplier: &'a str,
    pub region: &'a str,
    pub org: &'a str,
    pub icb: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meta {
    supplier: u32,
    region: u32,
    org: u32,
    icb: Option<u32>,
}

#[derive(Debug, Clone)]
struct MonthTally {
    /// The line of the practice-month's first row, to point at when a later row disagrees with it.
    line: u64,
    /// The line each field was given on, 0 while not given: a flag names the line of its value.
    lines: [u64; PomiField::COUNT],
    values: PomiValues,
    /// Bit per [`PomiField`] index: the file gave that field (possibly blank).
    given: u16,
    meta: Meta,
    /// Handed to the store as soon as it was whole (see [`Tally::take_whole`]): left out of
    /// [`Tally::finish`]'s practice-months, still in its flags and counts.
    taken: bool,
}

/// Every field given: no later row can change the practice-month without the file being refused.
const WHOLE: u16 = (1 << PomiField::COUNT) - 1;

/// A practice-month in the tally: its period's and its practice's interned numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MonthKey {
    period: u32,
    practice: u32,
}

/// A practice-month's place in the tally, and where its rows place the practice.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    key: MonthKey,
    meta: Meta,
}

/// Code → (month the name was seen in, name).
type NamesSeen = HashMap<String, (String, String)>;

/// Everything read so far.
#[derive(Debug)]
pub struct Tally {
    pub org_kind: OrgKind,
    pub rows_read: u64,
    texts: Interner,
    practices: Interner,
    periods: Interner,
    months: HashMap<MonthKey, MonthTally>,
    /// Per kind of organisation, its names. The latest month's wins.
    names: Vec<(&'static str, NamesSeen)>,
    /// Flags by kind, of the practice-months taken and not.
    flag_counts: BTreeMap<String, u64>,
    /// Per kind, the first [`FLAG_EXAMPLES`] flags by line (the earlier noted first on one line), with
    /// their lines: a flag further down is not written out at all.
    flag_examples: BTreeMap<String, Vec<(u64, String)>>,
}

/// Whole practice-months handed over while the file is read, with their flags.
#[derive(Debug, Clone, Default)]
pub struct Whole {
    pub months: Vec<PracticeMonth>,
    pub flags: Vec<UptakeFlag>,
}

impl Whole {
    pub fn len(&self) -> usize {
        self.months.len()
    }

    pub fn is_empty(&self) -> bool {
        self.months.is_empty()
    }
}

/// A POMI file read and checked: what the store takes, and what was found.
#[derive(Debug, Clone)]
pub struct PomiFile {
    /// The practice-months not handed over while reading (all of them when none were).
    pub months: Vec<PracticeMonth>,
    /// Those practice-months' flags.
    pub flags: Vec<UptakeFlag>,
    pub names: Vec<UptakeName>,
    pub stats: PomiStats,
}

/// What a file held, for the summary printed and the audit record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PomiStats {
    pub rows_read: u64,
    /// `ccg` or `sub_icb`: which layout the header had.
    pub layout: String,
    pub practices: u64,
    pub periods: Vec<String>,
    pub practice_months: u64,
    pub practices_per_period: BTreeMap<String, u64>,
    /// Flags by kind (`lantern_core::uptake::QuirkKind` codes).
    pub flags: BTreeMap<String, u64>,
    /// The first [`FLAG_EXAMPLES`] flags of each kind by line, written out (`line 12, A81001 2018-04
    /// Total_Use: …`); a national file has thousands of blanks, which only the flags table lists.
    pub flag_examples: BTreeMap<String, Vec<String>>,
}

impl Tally {
    pub fn new(org_kind: OrgKind) -> Self {
        Self {
            org_kind,
            rows_read: 0,
            texts: Interner::default(),
            practices: Interner::default(),
            periods: Interner::default(),
            months: HashMap::default(),
            names: Vec::new(),
            flag_counts: BTreeMap::new(),
            flag_examples: BTreeMap::new(),
        }
    }

    /// Notes a name seen in `period`, keeping the latest month's spelling.
    pub fn name(&mut self, kind: &'static str, code: &str, name: &str, period: &str) {
        let names = match self.names.iter().position(|(k, _)| *k == kind) {
            Some(i) => &mut self.names[i].1,
            None => {
                self.names.push((kind, HashMap::default()));
                let last = self.names.len() - 1;
                &mut self.names[last].1
            }
        };
        match names.get_mut(code) {
            Some((seen, known)) if seen.as_str() < period => {
                *seen = period.to_owned();
                name.clone_into(known);
            }
            Some(_) => {}
            None => {
                names.insert(code.to_owned(), (period.to_owned(), name.to_owned()));
            }
        }
    }

    /// Where a practice-month's rows go, as its first row places it: worked out once per practice-month
    /// rather than once per row, since the next twelve rows repeat the same cells.
    pub fn slot(&mut self, practice: &OdsCode, period: &str, at: Placement<'_>) -> Slot {
        Slot {
            key: MonthKey { period: self.periods.id(period), practice: self.practices.id(practice.as_str()) },
            meta: Meta {
                supplier: self.texts.id(at.supplier),
                region: self.texts.id(at.region),
                org: self.texts.id(at.org),
                icb: at.icb.map(|icb| self.texts.id(icb)),
            },
        }
    }

    /// Adds one row's value to its practice-month, and names the practice-month when this row made it
    /// whole (every field given). A row that disagrees with the practice-month's earlier rows about
    /// where the practice sits, or repeats a field, is refused.
    pub fn add(
        &mut self,
        (practice, period): (&OdsCode, &str),
        line: u64,
        Slot { key, meta }: Slot,
        (field, value): (PomiField, Option<i64>),
    ) -> Result<Option<MonthKey>, (Column, String)> {
        let month = self.months.entry(key).or_insert_with(|| MonthTally {
            line,
            lines: [0; PomiField::COUNT],
            values: PomiValues::default(),
            given: 0,
            meta,
            taken: false,
        });
        if month.meta != meta {
            let (column, old, new) = [
                (Column::Supplier, month.meta.supplier, meta.supplier),
                (Column::Region, month.meta.region, meta.region),
                (Column::Org, month.meta.org, meta.org),
                (Column::Icb, month.meta.icb.unwrap_or(u32::MAX), meta.icb.unwrap_or(u32::MAX)),
            ]
            .into_iter()
            .find(|(_, old, new)| old != new)
            .unwrap_or((Column::Icb, u32::MAX, u32::MAX));
            return Err((
                column,
                format!(
                    "{practice}'s rows for {period} disagree: {:?} here but {:?} on line {}",
                    self.texts.text(new),
                    self.texts.text(old),
                    month.line
                ),
            ));
        }
        let bit = 1u16 << field.index();
        if month.given & bit != 0 {
            return Err((
                Column::Field,
                format!(
                    "{practice} already has {} for {period} (its rows start on line {}); each field may \
                     appear once per practice and month",
                    field.name(),
                    month.line
                ),
            ));
        }
        month.given |= bit;
        month.lines[field.index()] = line;
        month.values.set(field, value);
        Ok((month.given == WHOLE).then_some(key))
    }

    /// Moves the whole practice-month `key` and its flags into `whole`, to store before the file has been
    /// read to the end. Any later row for it repeats a field or disagrees, which refuses the file (and
    /// so rolls the store back).
    pub fn take_whole(&mut self, key: MonthKey, whole: &mut Whole) {
        let Some(month) = self.months.get_mut(&key).filter(|m| m.given == WHOLE && !m.taken) else {
            return;
        };
        month.taken = true;
        let month = month.clone();
        whole.months.push(self.practice_month(key, &month));
        self.flag(key, &month, &mut whole.flags);
    }

    /// Adds the practice-month's flags to `flags`, and notes them for the file's stats.
    fn flag(&mut self, key: MonthKey, month: &MonthTally, flags: &mut Vec<UptakeFlag>) {
        let (period, practice) = (self.periods.text(key.period), self.practices.text(key.practice));
        let supplier = self.texts.text(month.meta.supplier);
        let missing: Vec<PomiField> =
            PomiField::ALL.into_iter().filter(|f| month.given & (1 << f.index()) == 0).collect();
        for quirk in quirks(&month.values, supplier, &missing) {
            let kind = quirk.kind.code();
            match self.flag_counts.get_mut(kind) {
                Some(count) => *count += 1,
                None => {
                    self.flag_counts.insert(kind.to_owned(), 1);
                }
            }
            // A field's own line; the practice-month's first row for the supplier or a missing field.
            let line = PomiField::parse(quirk.field)
                .map(|f| month.lines[f.index()])
                .filter(|&l| l > 0)
                .unwrap_or(month.line);
            let at = if quirk.kind == QuirkKind::MissingField { "rows from line" } else { "line" };
            let examples = match self.flag_examples.get_mut(kind) {
                Some(examples) => examples,
                None => self.flag_examples.entry(kind.to_owned()).or_default(),
            };
            if examples.len() < FLAG_EXAMPLES || examples.last().is_some_and(|(last, _)| line < *last) {
                let example = format!("{at} {line}, {practice} {period} {}: {}", quirk.field, quirk.detail);
                let place = examples.partition_point(|(noted, _)| *noted <= line);
                examples.insert(place, (line, example));
                examples.truncate(FLAG_EXAMPLES);
            }
            flags.push(UptakeFlag {
                source: "pomi".to_owned(),
                practice: practice.to_owned(),
                period: period.to_owned(),
                kind: kind.to_owned(),
                field: quirk.field.to_owned(),
                detail: format!("{at} {line}: {}", quirk.detail),
            });
        }
    }

    fn practice_month(&self, key: MonthKey, month: &MonthTally) -> PracticeMonth {
        PracticeMonth {
            practice: self.practices.text(key.practice).to_owned(),
            period: self.periods.text(key.period).to_owned(),
            supplier: self.texts.text(month.meta.supplier).to_owned(),
            region: self.texts.text(month.meta.region).to_owned(),
            org_kind: self.org_kind,
            org: self.texts.text(month.meta.org).to_owned(),
            icb: month.meta.icb.map(|icb| self.texts.text(icb).to_owned()),
            values: month.values,
        }
    }

    /// The practice-months not taken (ordered by month, then practice) and their flags, the names and
    /// the file's stats (which count the taken ones too).
    pub fn finish(mut self) -> PomiFile {
        let mut months = Vec::with_capacity(self.months.len());
        let mut flags = Vec::new();
        let mut stats = PomiStats {
            rows_read: self.rows_read,
            layout: self.org_kind.code().to_owned(),
            practices: self.practices.count() as u64,
            practice_months: self.months.len() as u64,
            ..PomiStats::default()
        };
        let tallied = std::mem::take(&mut self.months);
        for (&key, month) in &tallied {
            if !month.taken {
                months.push(self.practice_month(key, month));
                self.flag(key, month, &mut flags);
            }
            *stats.practices_per_period.entry(self.periods.text(key.period).to_owned()).or_default() += 1;
        }
        months.sort_by(|a, b| (&a.period, &a.practice).cmp(&(&b.period, &b.practice)));
        stats.flag_examples = std::mem::take(&mut self.flag_examples)
            .into_iter()
            .map(|(kind, examples)| (kind, examples.into_iter().map(|(_, example)| example).collect()))
            .collect();
        stats.flags = std::mem::take(&mut self.flag_counts);
        flags.sort_by(|a, b| {
            (&a.period, &a.practice, &a.kind, &a.field).cmp(&(&b.period, &b.practice, &b.kind, &b.field))
        });
        stats.periods = stats.practices_per_period.keys().cloned().collect();
        let names = self
            .names
            .into_iter()
            .flat_map(|(kind, names)| {
                names.into_iter().map(move |(code, (_, name))| UptakeName {
                    kind: kind.to_owned(),
                    code,
                    name,
                })
            })
            .collect();
        PomiFile { months, flags, names, stats }
    }
}
