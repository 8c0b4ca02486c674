//! A second, deliberately plain computation of the rollups, sharing no code with the write path
//! (`lantern_core::measures::rollup_day` / `rollup_entries`): the UK day from the British Summer Time
//! rule written out by hand, each dimension from the episode's fields by name, and the stored rows
//! read straight from the two tables with SQL.

use jiff::civil::{Date, Weekday};
use lantern_core::episode::Episode;
use lantern_store::testing::TestDatabase;
use lantern_store::DatabaseLocation;
use sqlx::Row;
use std::collections::BTreeMap;

/// (practice, day or month, dimension code, key) → (episodes, minutes).
pub type Rows = BTreeMap<(String, String, String, String), (i64, i64)>;

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i16, month: i8) -> Date {
    let mut day = Date::new(year, month, 1).expect("date").last_of_month();
    while day.weekday() != Weekday::Sunday {
        day = day.yesterday().expect("date");
    }
    day
}

/// The UK calendar day of a moment: GMT, or GMT+1 from 01:00 GMT on the last Sunday of March until
/// 01:00 GMT on the last Sunday of October.
pub fn uk_day(episode: &Episode) -> String {
    let seconds = episode.occurred_at.as_second();
    let days = seconds.div_euclid(86_400);
    let utc_day =
        Date::new(1970, 1, 1).expect("epoch").checked_add(jiff::Span::new().days(days)).expect("day");
    let moment =
        |date: Date| i64::from((date - Date::new(1970, 1, 1).expect("epoch")).get_days()) * 86_400 + 3_600;
    let year = utc_day.year();
    let summer = moment(last_sunday(year, 3)) <= seconds && seconds < moment(last_sunday(year, 10));
    let local = seconds + if summer { 3_600 } else { 0 };
    let local_day = Date::new(1970, 1, 1)
        .expect("epoch")
        .checked_add(jiff::Span::new().days(local.div_euclid(86_400)))
        .expect("day");
    local_day.to_string()
}

/// What one episode adds, per (dimension code, key): once for the episode; once under each service,
/// task and barrier; its channel, age band (or `not_recorded`), outcome and approach; and under each
/// helper, whose staff-minutes are the episode's minutes.
pub fn entries(episode: &Episode) -> Vec<(&'static str, String)> {
    let mut out = vec![("all", String::new())];
    out.extend(episode.services.iter().map(|s| ("service", s.clone())));
    out.extend(episode.tasks.iter().map(|t| ("task", t.clone())));
    out.extend(episode.barriers.iter().map(|b| ("barrier", b.clone())));
    out.push(("channel", episode.channel.clone()));
    out.push(("age_band", episode.age_band.clone().unwrap_or_else(|| "not_recorded".to_owned())));
    out.push(("outcome", episode.outcome.clone()));
    out.push(("approach", episode.approach.clone()));
    out.extend(episode.helpers.iter().map(|h| ("helper", h.to_string())));
    out
}

/// The day rows and the month rows the live `episodes` should have left in the tables.
pub fn expected<'a>(episodes: impl IntoIterator<Item = &'a Episode>) -> (Rows, Rows) {
    let (mut days, mut months) = (Rows::new(), Rows::new());
    for episode in episodes {
        let day = uk_day(episode);
        let minutes = i64::from(episode.duration_minutes);
        for (dimension, key) in entries(episode) {
            for (rows, when) in [(&mut days, day.clone()), (&mut months, day[..7].to_owned())] {
                let slot = rows
                    .entry((episode.practice.to_string(), when, dimension.to_owned(), key.clone()))
                    .or_default();
                slot.0 += 1;
                slot.1 += minutes;
            }
        }
    }
    (days, months)
}

/// Every non-zero row of the day table and of the month table, read with plain SQL.
pub async fn stored(db: &TestDatabase) -> (Rows, Rows) {
    sqlx::any::install_default_drivers();
    let url = match &db.location {
        DatabaseLocation::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseLocation::Postgres(url) => url.clone(),
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("connect with sqlx");
    let mut out = Vec::new();
    for (table, column) in [("episode_rollups", "day"), ("episode_rollups_monthly", "month")] {
        let sql = format!(
            "SELECT practice, {column} AS period, dimension, key, CAST(episodes AS BIGINT) AS episodes, \
             CAST(minutes AS BIGINT) AS minutes FROM {table}"
        );
        let mut rows = Rows::new();
        for row in sqlx::query(&sql).fetch_all(&pool).await.expect("read rollups") {
            let tally: (i64, i64) = (row.get("episodes"), row.get("minutes"));
            if tally != (0, 0) {
                rows.insert(
                    (row.get("practice"), row.get("period"), row.get("dimension"), row.get("key")),
                    tally,
                );
            }
        }
        out.push(rows);
    }
    pool.close().await;
    let months = out.pop().expect("months");
    (out.pop().expect("days"), months)
}

/// Every difference between the tables and the plain recomputation, one line each.
pub async fn differences<'a>(
    db: &TestDatabase,
    episodes: impl IntoIterator<Item = &'a Episode>,
) -> Vec<String> {
    let (want_days, want_months) = expected(episodes);
    let (days, months) = stored(db).await;
    let mut out = Vec::new();
    for (what, want, have) in [("day", want_days, days), ("month", want_months, months)] {
        let keys: std::collections::BTreeSet<_> = want.keys().chain(have.keys()).cloned().collect();
        for key in keys {
            let (w, h) =
                (want.get(&key).copied().unwrap_or_default(), have.get(&key).copied().unwrap_or_default());
            if w != h {
                out.push(format!("{what} {key:?}: stored {h:?}, recomputed {w:?}"));
            }
        }
    }
    out
}

#[test]
fn the_uk_day_follows_the_clock_changes() {
    let at = |second: i64| Episode {
        occurred_at: jiff::Timestamp::from_second(second).expect("time"),
        ..crate::sample_episode()
    };
    // 2026-03-29 00:59:59 UTC is still GMT; one second later BST begins.
    assert_eq!(uk_day(&at(1_774_745_999)), "2026-03-29");
    // 2026-06-30 23:30 UTC is 00:30 BST on 1 July.
    assert_eq!(uk_day(&at(1_782_862_200)), "2026-07-01");
    // 2026-10-25 00:30 UTC is 01:30 BST; 2026-12-31 23:30 UTC is still 31 December in GMT.
    assert_eq!(uk_day(&at(1_792_888_200)), "2026-10-25");
    assert_eq!(uk_day(&at(1_798_759_800)), "2026-12-31");
}
