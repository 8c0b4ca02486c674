//! Loads the synthetic ICB into a new Lantern SQLite database. The schema comes from
//! `Store::migrate`, the practices and staff go through the Store API, and the episodes go in by bulk
//! insert: multi-row prepared statements through sqlx, about 50,000 episodes per transaction, with
//! `synchronous=OFF` on the loading connection. Every episode gets the rows the store writes for it
//! (`episodes`, `episode_versions` version 1, `episode_helpers`, `episode_services`) and its rollups
//! (from `lantern_core::measures::{rollup_entries, rollup_day}`, summed per practice × day and per
//! practice × month). There is no audit record per episode: the audit trail is not what is measured.

use crate::model::{self, Icb};
use jiff::ToSpan;
use lantern_core::audit::Actor;
use lantern_core::episode::Episode;
use lantern_core::measures::{rollup_day, rollup_entries, Tally};
use lantern_core::record::storage_time;
use lantern_store::{DatabaseLocation, Store};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, Executor, QueryBuilder, Sqlite, SqliteConnection};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

/// Episodes per transaction.
const BATCH: usize = 50_000;
/// Rows per INSERT statement (18 columns × 500 stays under SQLite's 32,766 parameters).
const ROWS: usize = 500;

type Key = (String, String, &'static str, String);

pub struct Loaded {
    pub episodes: u64,
    pub seconds: f64,
    pub rollup_rows: i64,
    pub month_rollup_rows: i64,
}

/// Creates the database at `path` with about `total` episodes over five years (exactly `total` unless
/// rounding leaves a handful out), the same for the same `seed`.
pub async fn generate(path: &Path, total: u64, seed: u64) -> (Icb, Loaded) {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let icb = model::build_icb(&mut rng);
    let store =
        Store::connect(&DatabaseLocation::Sqlite(path.to_owned())).await.expect("create the database");
    store.migrate().await.expect("migrate");
    let actor = Actor::system("dashboard benchmark");
    for p in &icb.practices {
        store.upsert_practice(&p.practice, true, &actor).await.expect("practice");
        for member in &p.staff {
            store.add_staff(member, &actor).await.expect("staff");
        }
    }
    store.close().await;

    let options = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Off)
        .pragma("cache_size", "-262144");
    let mut conn = SqliteConnection::connect_with(&options).await.expect("open the database for loading");
    let mut days = Vec::new();
    let mut day = model::first_day();
    while day <= model::last_day() {
        days.push((day, model::day_weight(day)));
        day = day.checked_add(1.day()).expect("a later day");
    }
    let day_total: f64 = days.iter().map(|(_, w)| w).sum();
    let practice_total: f64 = icb.practices.iter().map(model::SynthPractice::weight).sum();
    let per_unit = total as f64 / (day_total * practice_total);
    // Cumulative rounding: each practice-day gets its expected share, and the shares add up to `total`.
    let (mut expected, mut emitted) = (0.0_f64, 0_u64);
    let months_table: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'episode_rollups_monthly'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("schema");
    let mut batch = Batch { with_months: months_table > 0, ..Batch::default() };
    for (day, weight) in days.into_iter().filter(|(_, w)| *w > 0.0) {
        let opening = model::opening(day);
        let mut today = Vec::new();
        for practice in &icb.practices {
            expected += per_unit * weight * practice.weight();
            let upto = expected.round() as u64;
            for _ in emitted..upto {
                today.push(practice.episode(&mut rng, opening));
            }
            emitted = emitted.max(upto);
        }
        today.sort_by_key(|(id, e)| (e.occurred_at, *id));
        batch.extend(today);
        if batch.episodes.len() >= BATCH {
            batch.flush(&mut conn).await;
        }
    }
    batch.flush(&mut conn).await;
    let count = |table: &str| format!("SELECT COUNT(*) FROM {table}");
    let rollup_rows: i64 =
        sqlx::query_scalar(&count("episode_rollups")).fetch_one(&mut conn).await.expect("count");
    let month_rollup_rows: i64 = if batch.with_months {
        sqlx::query_scalar(&count("episode_rollups_monthly")).fetch_one(&mut conn).await.expect("count")
    } else {
        0
    };
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint");
    conn.close().await.expect("close");
    let seconds = started.elapsed().as_secs_f64();
    (icb, Loaded { episodes: emitted, seconds, rollup_rows, month_rollup_rows })
}

#[derive(Default)]
struct Batch {
    episodes: Vec<(Uuid, Episode)>,
    days: BTreeMap<Key, Tally>,
    months: BTreeMap<Key, Tally>,
    /// The schema has month rollups (`episode_rollups_monthly`) to fill as well.
    with_months: bool,
}

impl Batch {
    fn extend(&mut self, episodes: Vec<(Uuid, Episode)>) {
        for (_, episode) in &episodes {
            let day = rollup_day(episode);
            let month = day[..7].to_owned();
            let practice = episode.practice.to_string();
            for (dimension, key, tally) in rollup_entries(episode) {
                let code = dimension.code();
                if self.with_months {
                    let slot = self.months.entry((practice.clone(), month.clone(), code, key.clone()));
                    slot.or_default().add(tally);
                }
                self.days.entry((practice.clone(), day.clone(), code, key)).or_default().add(tally);
            }
        }
        self.episodes.extend(episodes);
    }

    async fn flush(&mut self, conn: &mut SqliteConnection) {
        let mut tx = conn.begin().await.expect("begin");
        for chunk in self.episodes.chunks(ROWS) {
            insert_episodes(&mut tx, chunk).await;
        }
        let helpers: Vec<(String, String)> = self
            .episodes
            .iter()
            .flat_map(|(id, e)| e.helpers.iter().map(move |h| (id.to_string(), h.to_string())))
            .collect();
        let services: Vec<(String, String)> = self
            .episodes
            .iter()
            .flat_map(|(id, e)| e.services.iter().map(move |s| (id.to_string(), s.clone())))
            .collect();
        for (table, column, rows) in
            [("episode_helpers", "staff_id", helpers), ("episode_services", "service", services)]
        {
            for chunk in rows.chunks(ROWS * 4) {
                let mut q =
                    QueryBuilder::<Sqlite>::new(format!("INSERT INTO {table} (episode_id, {column}) "));
                q.push_values(chunk, |mut row, (id, value)| {
                    row.push_bind(id.clone()).push_bind(value.clone());
                });
                q.build().execute(&mut *tx).await.expect("insert links");
            }
        }
        for (table, period, rollups) in [
            ("episode_rollups", "day", std::mem::take(&mut self.days)),
            ("episode_rollups_monthly", "month", std::mem::take(&mut self.months)),
        ] {
            let rows: Vec<(Key, Tally)> = rollups.into_iter().collect();
            for chunk in rows.chunks(ROWS * 2) {
                let mut q = QueryBuilder::<Sqlite>::new(format!(
                    "INSERT INTO {table} (practice, {period}, dimension, key, episodes, minutes) "
                ));
                q.push_values(chunk, |mut row, ((practice, when, dimension, key), tally)| {
                    row.push_bind(practice.clone())
                        .push_bind(when.clone())
                        .push_bind(*dimension)
                        .push_bind(key.clone())
                        .push_bind(tally.episodes)
                        .push_bind(tally.minutes);
                });
                q.push(format!(
                    " ON CONFLICT (practice, {period}, dimension, key) DO UPDATE SET \
                     episodes = {table}.episodes + excluded.episodes, minutes = {table}.minutes + excluded.minutes"
                ));
                q.build().execute(&mut *tx).await.expect("upsert rollups");
            }
        }
        tx.commit().await.expect("commit");
        self.episodes.clear();
    }
}

async fn insert_episodes(tx: &mut SqliteConnection, chunk: &[(Uuid, Episode)]) {
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO episodes (id, practice, current_version, created_at, occurred_at, outcome) ",
    );
    q.push_values(chunk, |mut row, (id, e)| {
        let at = storage_time(e.occurred_at);
        row.push_bind(id.to_string())
            .push_bind(e.practice.to_string())
            .push_bind(1_i64)
            .push_bind(at.clone())
            .push_bind(at)
            .push_bind(e.outcome.clone());
    });
    q.build().execute(&mut *tx).await.expect("insert episodes");
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO episode_versions (episode_id, version, recorded_at, occurred_at, duration_minutes, \
         channel, services, tasks, approach, barriers, age_band, carer_proxy, outcome, escalated_to, \
         follow_up, note, helpers) ",
    );
    q.push_values(chunk, |mut row, (id, e)| {
        let at = storage_time(e.occurred_at);
        let helpers: Vec<String> = e.helpers.iter().map(Uuid::to_string).collect();
        row.push_bind(id.to_string())
            .push_bind(1_i64)
            .push_bind(at.clone())
            .push_bind(at)
            .push_bind(i64::from(e.duration_minutes))
            .push_bind(e.channel.clone())
            .push_bind(e.services.join(" "))
            .push_bind(e.tasks.join(" "))
            .push_bind(e.approach.clone())
            .push_bind(e.barriers.join(" "))
            .push_bind(e.age_band.clone())
            .push_bind(i64::from(e.carer_proxy))
            .push_bind(e.outcome.clone())
            .push_bind(e.escalated_to.map(|s| s.to_string()))
            .push_bind(i64::from(e.follow_up))
            .push_bind(e.note.clone())
            .push_bind(helpers.join(" "));
    });
    q.build().execute(&mut *tx).await.expect("insert versions");
}
