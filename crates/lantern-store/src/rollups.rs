//! Rollups: episode tallies per practice × day × dimension, changed in the same transaction as the
//! episode they come from. A new version subtracts what the old one added, so edits and deletions keep
//! them exact; `check_rollups` recomputes them from the episodes to prove it.

use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use lantern_core::episode::Episode;
use lantern_core::measures::{rollup_day, rollup_entries, Dimension, Tally};
use lantern_core::ods::OdsCode;
use sqlx::any::Any;
use sqlx::{Row, Transaction};
use std::collections::BTreeMap;

/// Changes to apply, summed per (practice, day, dimension, key) so each key is written once.
#[derive(Debug, Default)]
pub(crate) struct Deltas(BTreeMap<(String, String, &'static str, String), Tally>);

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

    pub async fn apply(self, tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
        for ((practice, day, dimension, key), tally) in self.0 {
            if tally == Tally::default() {
                continue;
            }
            sqlx::query(
                "INSERT INTO episode_rollups (practice, day, dimension, key, episodes, minutes) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (practice, day, dimension, key) DO UPDATE SET \
                 episodes = episode_rollups.episodes + excluded.episodes, \
                 minutes = episode_rollups.minutes + excluded.minutes",
            )
            .bind(practice)
            .bind(day)
            .bind(dimension)
            .bind(key)
            .bind(tally.episodes)
            .bind(tally.minutes)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// A difference between stored rollups and the episodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupDifference {
    pub practice: String,
    pub day: String,
    pub dimension: String,
    pub key: String,
    pub stored: Tally,
    pub recomputed: Tally,
}

impl Store {
    /// Summed tallies for the practices over the days `from`..=`to` (`YYYY-MM-DD`, UK days).
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
        c.push_plain(&format!("practice IN ({})", placeholders.join(", ")));
        c.push("day >= ?", Value::Text(from.to_owned()));
        c.push("day <= ?", Value::Text(to.to_owned()));
        let sql = format!(
            "SELECT dimension, key, CAST(SUM(episodes) AS BIGINT) AS episodes, CAST(SUM(minutes) AS BIGINT) AS minutes \
             FROM episode_rollups{} \
             GROUP BY dimension, key",
            c.where_sql()
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

    /// Recomputes every rollup from the live episodes and lists where the stored ones differ.
    pub async fn check_rollups(&self) -> Result<Vec<RollupDifference>, StoreError> {
        let recomputed = self.recompute().await?;
        let rows =
            sqlx::query("SELECT practice, day, dimension, key, episodes, minutes FROM episode_rollups")
                .fetch_all(&self.pool)
                .await?;
        let mut stored: BTreeMap<(String, String, String, String), Tally> = BTreeMap::new();
        for row in &rows {
            let tally = Tally { episodes: row.try_get("episodes")?, minutes: row.try_get("minutes")? };
            if tally != Tally::default() {
                let key = (
                    row.try_get("practice")?,
                    row.try_get("day")?,
                    row.try_get("dimension")?,
                    row.try_get("key")?,
                );
                stored.insert(key, tally);
            }
        }
        let mut differences = Vec::new();
        let keys: std::collections::BTreeSet<_> = stored.keys().chain(recomputed.keys()).cloned().collect();
        for key in keys {
            let (s, r) = (
                stored.get(&key).copied().unwrap_or_default(),
                recomputed.get(&key).copied().unwrap_or_default(),
            );
            if s != r {
                let (practice, day, dimension, key) = key;
                differences.push(RollupDifference {
                    practice,
                    day,
                    dimension,
                    key,
                    stored: s,
                    recomputed: r,
                });
            }
        }
        Ok(differences)
    }

    /// Replaces every rollup with a recomputation (for databases from before rollups, or a repair).
    pub async fn rebuild_rollups(&self) -> Result<(), StoreError> {
        let recomputed = self.recompute().await?;
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM episode_rollups").execute(&mut *w.tx).await?;
        let mut deltas = Deltas::default();
        for ((practice, day, dimension, key), tally) in recomputed {
            let Some(dimension) = Dimension::parse(&dimension) else { continue };
            deltas.0.insert((practice, day, dimension.code(), key), tally);
        }
        deltas.apply(&mut w.tx).await?;
        w.commit().await
    }

    async fn recompute(&self) -> Result<BTreeMap<(String, String, String, String), Tally>, StoreError> {
        let mut out: BTreeMap<(String, String, String, String), Tally> = BTreeMap::new();
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
