//! Rollups: episode tallies per practice × day × dimension, and the same per practice × month, changed
//! in the same transaction as the episode they come from. A new version subtracts what the old one
//! added, so edits and deletions keep them exact; `check_rollups` recomputes both from the episodes to
//! prove it. A period's tallies read its whole months from the month table and only the days at its
//! edges from the day table, so a year costs twelve rows per key instead of 365.

use crate::sql::{values_rows, Conditions, Value};
use crate::{Backend, Store, StoreError};
use jiff::civil::Date;
use lantern_core::episode::Episode;
use lantern_core::measures::{rollup_day, rollup_entries, Dimension, Tally};
use lantern_core::ods::OdsCode;
use sqlx::any::Any;
use sqlx::{Row, Transaction};
use std::collections::{BTreeMap, HashMap};

/// (practice, day or month, dimension, key).
type Key<D> = (String, String, D, String);

/// The two tables: per UK day (`2026-03-02`) and per UK calendar month (`2026-03`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Day,
    Month,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Day => "episode_rollups",
            Table::Month => "episode_rollups_monthly",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Table::Day => "day",
            Table::Month => "month",
        }
    }
}

/// The month (`2026-03`) of a day (`2026-03-02`).
fn month_of(day: &str) -> String {
    day.get(..7).unwrap_or(day).to_owned()
}

/// Changes to apply, summed per (practice, day, dimension, key) so each key is written once.
#[derive(Debug, Default)]
pub(crate) struct Deltas(BTreeMap<Key<&'static str>, Tally>);

impl Deltas {
    /// Adds (`sign` = 1) or removes (`sign` = -1) what `episode` contributes.
    pub fn add(&mut self, episode: &Episode, sign: i64) {
        let day = rollup_day(episode);
        for (dimension, key, tally) in rollup_entries(episode) {
            let slot =
                self.0.entry((episode.practice.to_string(), day.clone(), dimension.code(), key)).or_default();
            slot.add(Tally { episodes: sign * tally.episodes, minutes: sign * tally.minutes });
        }
    }

    /// Adds another set of changes to these, so a group of writes touches each key once.
    pub fn merge(&mut self, other: Deltas) {
        for (key, tally) in other.0 {
            self.0.entry(key).or_default().add(tally);
        }
    }

    /// Writes the changes to the day rollups and, summed per month, to the month rollups.
    pub async fn apply(self, tx: &mut Transaction<'static, Any>, backend: Backend) -> Result<(), StoreError> {
        let mut days = Vec::with_capacity(self.0.len());
        let mut months: BTreeMap<Key<&'static str>, Tally> = BTreeMap::new();
        for ((practice, day, dimension, key), tally) in self.0 {
            if tally == Tally::default() {
                continue;
            }
            months.entry((practice.clone(), month_of(&day), dimension, key.clone())).or_default().add(tally);
            days.push(((practice, day, dimension, key), tally));
        }
        upsert(tx, backend, Table::Day, days).await?;
        let months = months.into_iter().filter(|(_, tally)| *tally != Tally::default()).collect();
        upsert(tx, backend, Table::Month, months).await
    }
}

/// Adds `rows` to `table`, many rows to a statement (each key appears once).
async fn upsert(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    table: Table,
    rows: Vec<(Key<&'static str>, Tally)>,
) -> Result<(), StoreError> {
    // Well under both backends' limits on bound parameters.
    const ROWS_PER_STATEMENT: usize = 500;
    let (name, column) = (table.name(), table.column());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {name} (practice, {column}, dimension, key, episodes, minutes) \
             VALUES {} ON CONFLICT (practice, {column}, dimension, key) DO UPDATE SET \
             episodes = {name}.episodes + excluded.episodes, minutes = {name}.minutes + excluded.minutes",
            values_rows(backend, 6, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for ((practice, when, dimension, key), tally) in chunk {
            query = query
                .bind(practice.clone())
                .bind(when.clone())
                .bind(*dimension)
                .bind(key.clone())
                .bind(tally.episodes)
                .bind(tally.minutes);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Separates a packed tally's dimension, key, episodes and minutes (ASCII unit separator).
const FIELD: char = '\u{1f}';
/// Separates one packed tally from the next (ASCII record separator).
const RECORD: char = '\u{1e}';

/// The SQL summing the rollups of `practices` over `from`..=`to` per (dimension, key), all packed into
/// one `tallies` text per practice when `by_practice`, or into one in all.
///
/// Packed because every row sqlx reads from SQLite crosses from its worker thread with a wake-up and
/// frees on the other side: for an ICB-year, handing over 2,852 rows (one per practice, dimension and
/// key) cost about as much CPU as SQLite's summing them, and 40 rows carry the same figures. Keys are
/// codes and ids, which hold no control characters; one that did would be reported as corrupt.
fn tally_query(
    backend: Backend,
    practices: &[OdsCode],
    from: &str,
    to: &str,
    by_practice: bool,
) -> (String, Conditions) {
    let mut c = Conditions::default();
    let placeholders: Vec<String> =
        practices.iter().map(|p| c.bind_next(Value::Text(p.to_string()))).collect();
    let practice_in = format!("practice IN ({})", placeholders.join(", "));
    let (days, months) = split_period(from, to);
    let mut parts = Vec::new();
    let mut range = |table: Table, (low, high): Range| {
        let (low, high) = (c.bind_next(Value::Text(low)), c.bind_next(Value::Text(high)));
        let column = table.column();
        parts.push(format!(
            "SELECT practice, dimension, key, episodes, minutes FROM {} WHERE {practice_in} AND {column} >= {low} AND {column} <= {high}",
            table.name()
        ));
    };
    for days in days {
        range(Table::Day, days);
    }
    if let Some(months) = months {
        range(Table::Month, months);
    }
    let (field, record) = match backend {
        Backend::Sqlite => ("char(31)", "char(30)"),
        Backend::Postgres => ("chr(31)", "chr(30)"),
    };
    let packed = format!(
        "dimension || {field} || key || {field} || CAST(episodes AS TEXT) || {field} || CAST(minutes AS TEXT)"
    );
    let packed = match backend {
        Backend::Sqlite => format!("group_concat({packed}, {record})"),
        Backend::Postgres => format!("string_agg({packed}, {record})"),
    };
    let (select, group, outer) = if by_practice {
        ("practice, dimension, key", "practice, dimension, key", ("practice, ", " GROUP BY practice"))
    } else {
        ("dimension, key", "dimension, key", ("", ""))
    };
    let sql = format!(
        "SELECT {}{packed} AS tallies FROM (\
         SELECT {select}, CAST(SUM(episodes) AS BIGINT) AS episodes, CAST(SUM(minutes) AS BIGINT) AS minutes \
         FROM ({}) r GROUP BY {group}) g{}",
        outer.0,
        parts.join(" UNION ALL "),
        outer.1
    );
    (sql, c)
}

/// The tallies packed in a row of [`tally_query`] (none for a practice without any), leaving out
/// dimensions this version does not know, in (dimension code, key) order whatever the backend.
fn tally_rows(row: &sqlx::any::AnyRow) -> Result<Vec<(Dimension, String, Tally)>, StoreError> {
    let Some(packed) = row.try_get::<Option<String>, _>("tallies")? else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for record in packed.split(RECORD) {
        let mut fields = record.split(FIELD);
        let (Some(dimension), Some(key), Some(episodes), Some(minutes), None) =
            (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(StoreError::Corrupt(format!(
                "a rollup key holding a control character, or a tally not as packed: {record:?}"
            )));
        };
        let Some(dimension) = Dimension::parse(dimension) else { continue };
        let number = |text: &str| {
            text.parse::<i64>().map_err(|_| {
                StoreError::Corrupt(format!("a rollup sum that is not a whole number: {text:?}"))
            })
        };
        out.push((
            dimension,
            key.to_owned(),
            Tally { episodes: number(episodes)?, minutes: number(minutes)? },
        ));
    }
    out.sort_unstable_by(|a, b| (a.0.code(), &a.1).cmp(&(b.0.code(), &b.1)));
    Ok(out)
}

/// A difference between stored rollups and the episodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupDifference {
    pub practice: String,
    /// The UK day (`2026-03-02`) of a day rollup, or the month (`2026-03`) of a month rollup.
    pub day: String,
    pub dimension: String,
    pub key: String,
    pub stored: Tally,
    pub recomputed: Tally,
}

/// An inclusive range of days or months, as text.
type Range = (String, String);

/// The days `from`..=`to` as whole months (`YYYY-MM` bounds) and the day ranges outside them (at most
/// one before and one after). Text that is not a date is left to the day table alone.
fn split_period(from: &str, to: &str) -> (Vec<Range>, Option<Range>) {
    let days_only = || (vec![(from.to_owned(), to.to_owned())], None);
    let (Ok(start), Ok(end)) = (from.parse::<Date>(), to.parse::<Date>()) else { return days_only() };
    let first = if start.day() == 1 { Ok(start) } else { start.last_of_month().tomorrow() };
    let last = if end == end.last_of_month() { Ok(end) } else { end.first_of_month().yesterday() };
    let (Ok(first), Ok(last)) = (first, last) else { return days_only() };
    if first > last {
        return days_only();
    }
    let mut days = Vec::new();
    if start < first {
        days.push((start.to_string(), first.yesterday().unwrap_or(first).to_string()));
    }
    if last < end {
        days.push((last.tomorrow().unwrap_or(last).to_string(), end.to_string()));
    }
    let month = |d: Date| month_of(&d.to_string());
    (days, Some((month(first), month(last))))
}

impl Store {
    /// Summed tallies for the practices over the days `from`..=`to` (`YYYY-MM-DD`, UK days): whole
    /// months from the month rollups, the days before and after them from the day rollups.
    pub async fn rollup_tallies(
        &self,
        practices: &[OdsCode],
        from: &str,
        to: &str,
    ) -> Result<Vec<(Dimension, String, Tally)>, StoreError> {
        if practices.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, c) = tally_query(self.backend, practices, from, to, false);
        match c.bind(sqlx::query(&sql)).fetch_optional(&self.pool).await? {
            Some(row) => tally_rows(&row),
            None => Ok(Vec::new()),
        }
    }

    /// Like [`Self::rollup_tallies`], one practice at a time but in one query: each practice's own
    /// tallies, in the order of `practices`.
    pub async fn rollup_tallies_each(
        &self,
        practices: &[OdsCode],
        from: &str,
        to: &str,
    ) -> Result<Vec<Vec<(Dimension, String, Tally)>>, StoreError> {
        if practices.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, c) = tally_query(self.backend, practices, from, to, true);
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut each: HashMap<String, Vec<(Dimension, String, Tally)>> = HashMap::new();
        for row in &rows {
            each.insert(row.try_get("practice")?, tally_rows(row)?);
        }
        Ok(practices.iter().map(|p| each.remove(p.as_str()).unwrap_or_default()).collect())
    }

    /// Recomputes every rollup, by day and by month, from the live episodes and lists where the stored
    /// ones differ.
    pub async fn check_rollups(&self) -> Result<Vec<RollupDifference>, StoreError> {
        let days = self.recompute().await?;
        let mut months: BTreeMap<Key<String>, Tally> = BTreeMap::new();
        for ((practice, day, dimension, key), tally) in &days {
            let slot = months.entry((practice.clone(), month_of(day), dimension.clone(), key.clone()));
            slot.or_default().add(*tally);
        }
        let mut found = differences(self.stored(Table::Day).await?, days);
        found.extend(differences(self.stored(Table::Month).await?, months));
        Ok(found)
    }

    async fn stored(&self, table: Table) -> Result<BTreeMap<Key<String>, Tally>, StoreError> {
        let column = table.column();
        let sql =
            format!("SELECT practice, {column}, dimension, key, episodes, minutes FROM {}", table.name());
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut stored = BTreeMap::new();
        for row in &rows {
            let tally = Tally { episodes: row.try_get("episodes")?, minutes: row.try_get("minutes")? };
            if tally != Tally::default() {
                let key = (
                    row.try_get("practice")?,
                    row.try_get(column)?,
                    row.try_get("dimension")?,
                    row.try_get("key")?,
                );
                stored.insert(key, tally);
            }
        }
        Ok(stored)
    }

    /// Replaces every rollup with a recomputation (for databases from before rollups, or a repair).
    pub async fn rebuild_rollups(&self) -> Result<(), StoreError> {
        let recomputed = self.recompute().await?;
        let mut w = self.begin_write().await?;
        for table in [Table::Day, Table::Month] {
            sqlx::query(&format!("DELETE FROM {}", table.name())).execute(&mut *w.tx).await?;
        }
        let mut deltas = Deltas::default();
        for ((practice, day, dimension, key), tally) in recomputed {
            let Some(dimension) = Dimension::parse(&dimension) else { continue };
            deltas.0.insert((practice, day, dimension.code(), key), tally);
        }
        deltas.apply(&mut w.tx, self.backend).await?;
        w.commit().await
    }

    async fn recompute(&self) -> Result<BTreeMap<Key<String>, Tally>, StoreError> {
        let mut out: BTreeMap<Key<String>, Tally> = BTreeMap::new();
        let filter = crate::EpisodeFilter::default();
        let mut last = None;
        loop {
            let batch = self.episodes_after(&filter, last.as_ref(), 2_000).await?;
            let Some(tail) = batch.last().cloned() else { break };
            for record in &batch {
                let day = rollup_day(&record.episode);
                for (dimension, key, tally) in rollup_entries(&record.episode) {
                    let practice = record.episode.practice.to_string();
                    out.entry((practice, day.clone(), dimension.code().to_owned(), key))
                        .or_default()
                        .add(tally);
                }
            }
            last = Some(tail);
        }
        Ok(out)
    }

    /// True when there are episodes but no rollups: the database predates them.
    pub(crate) async fn rollups_missing(&self) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM episodes) AS episodes, (SELECT COUNT(*) FROM episode_rollups) AS rollups",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("episodes")? > 0 && row.try_get::<i64, _>("rollups")? == 0)
    }
}

/// Every key where `stored` and `recomputed` disagree.
fn differences(
    stored: BTreeMap<Key<String>, Tally>,
    recomputed: BTreeMap<Key<String>, Tally>,
) -> Vec<RollupDifference> {
    let keys: std::collections::BTreeSet<_> = stored.keys().chain(recomputed.keys()).cloned().collect();
    keys.into_iter()
        .filter_map(|key| {
            let s = stored.get(&key).copied().unwrap_or_default();
            let r = recomputed.get(&key).copied().unwrap_or_default();
            let (practice, day, dimension, key) = key;
            (s != r).then_some(RollupDifference { practice, day, dimension, key, stored: s, recomputed: r })
        })
        .collect()
}
