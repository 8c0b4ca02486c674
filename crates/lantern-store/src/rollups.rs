//! Rollups: episode tallies per practice × day × dimension, and the same per practice × month, changed
//! in the same transaction as the episode they come from. A new version subtracts what the old one
//! added, so edits and deletions keep them exact; `check_rollups` recomputes both from the episodes to
//! prove it. A period's tallies read its whole months from the month table and only the days at its
//! edges from the day table, so a year costs twelve rows per key instead of 365.

use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use jiff::civil::Date;
use lantern_core::episode::Episode;
use lantern_core::measures::{rollup_day, rollup_entries, Dimension, Tally};
use lantern_core::ods::OdsCode;
use sqlx::any::Any;
use sqlx::{Row, Transaction};
use std::collections::BTreeMap;

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

    /// Writes the changes to the day rollups and, summed per month, to the month rollups.
    pub async fn apply(self, tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
        let mut months: BTreeMap<Key<&'static str>, Tally> = BTreeMap::new();
        for ((practice, day, dimension, key), tally) in self.0 {
            if tally == Tally::default() {
                continue;
            }
            months.entry((practice.clone(), month_of(&day), dimension, key.clone())).or_default().add(tally);
            upsert(tx, Table::Day, (practice, day, dimension, key), tally).await?;
        }
        for (key, tally) in months {
            if tally != Tally::default() {
                upsert(tx, Table::Month, key, tally).await?;
            }
        }
        Ok(())
    }
}

async fn upsert(
    tx: &mut Transaction<'static, Any>,
    table: Table,
    (practice, when, dimension, key): Key<&'static str>,
    tally: Tally,
) -> Result<(), StoreError> {
    let (name, column) = (table.name(), table.column());
    sqlx::query(&format!(
        "INSERT INTO {name} (practice, {column}, dimension, key, episodes, minutes) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (practice, {column}, dimension, key) DO UPDATE SET \
         episodes = {name}.episodes + excluded.episodes, minutes = {name}.minutes + excluded.minutes"
    ))
    .bind(practice)
    .bind(when)
    .bind(dimension)
    .bind(key)
    .bind(tally.episodes)
    .bind(tally.minutes)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
                "SELECT dimension, key, episodes, minutes FROM {} WHERE {practice_in} AND {column} >= {low} AND {column} <= {high}",
                table.name()
            ));
        };
        for days in days {
            range(Table::Day, days);
        }
        if let Some(months) = months {
            range(Table::Month, months);
        }
        let sql = format!(
            "SELECT dimension, key, CAST(SUM(episodes) AS BIGINT) AS episodes, CAST(SUM(minutes) AS BIGINT) AS minutes \
             FROM ({}) r GROUP BY dimension, key",
            parts.join(" UNION ALL ")
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let dimension: String = row.try_get("dimension")?;
            let Some(dimension) = Dimension::parse(&dimension) else { continue };
            out.push((
                dimension,
                row.try_get("key")?,
                Tally { episodes: row.try_get("episodes")?, minutes: row.try_get("minutes")? },
            ));
        }
        Ok(out)
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
        deltas.apply(&mut w.tx).await?;
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
