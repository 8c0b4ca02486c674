//! Reading Cloud Based Telephony's practice-level values back: as published, and as a practice's
//! month by band. A shared account's values are never read as a practice's: every practice read asks
//! for `account = 'practice'`.

use super::cbt_daily::{read_value, COLUMNS};
use crate::{Store, StoreError};
use lantern_core::uptake::cbt_daily::{CbtBandTotal, CbtDailyFile, CbtDailyStatus, CbtDailyValue};
use sqlx::Row;

impl Store {
    /// Every stored value of one file kind and month, in key order (day, place, practice, indicator,
    /// band, core-hours category).
    pub async fn cbt_daily_values(
        &self,
        file: CbtDailyFile,
        period: &str,
    ) -> Result<Vec<CbtDailyValue>, StoreError> {
        let sql =
            format!("SELECT {} FROM access_cbt_daily WHERE file = $1 AND period = $2", COLUMNS.join(", "));
        let rows = sqlx::query(&sql).bind(file.code()).bind(period.to_owned()).fetch_all(&self.pool).await?;
        let mut values = rows.iter().map(read_value).collect::<Result<Vec<_>, _>>()?;
        // Sorted here: the backends' text collations differ.
        values.sort_by(|a, b| key(a).cmp(&key(b)));
        Ok(values)
    }

    /// One practice's own account in one month, summed over days by file, indicator, band and
    /// core-hours category. Empty when the practice has no rows of its own: missing, not zero.
    pub async fn cbt_daily_bands(
        &self,
        practice: &str,
        period: &str,
    ) -> Result<Vec<CbtBandTotal>, StoreError> {
        let rows = sqlx::query(
            "SELECT file, indicator, band, core_category, \
             CAST(SUM(CASE WHEN value >= 0 THEN value ELSE 0 END) AS BIGINT) AS calls, \
             CAST(COUNT(DISTINCT day) AS BIGINT) AS days, \
             CAST(SUM(CASE WHEN value IS NULL OR value < 0 THEN 1 ELSE 0 END) AS BIGINT) AS left_out \
             FROM access_cbt_daily WHERE account = 'practice' AND practice = $1 AND period = $2 \
             GROUP BY file, indicator, band, core_category",
        )
        .bind(practice.to_owned())
        .bind(period.to_owned())
        .fetch_all(&self.pool)
        .await?;
        let mut totals = rows
            .iter()
            .map(|row| {
                Ok(CbtBandTotal {
                    file: row.try_get("file")?,
                    indicator: row.try_get("indicator")?,
                    band: row.try_get("band")?,
                    core_category: row.try_get("core_category")?,
                    calls: row.try_get("calls")?,
                    days: row.try_get("days")?,
                    left_out: row.try_get("left_out")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        totals.sort_by(|a, b| {
            (&a.file, &a.indicator, &a.band, &a.core_category).cmp(&(
                &b.file,
                &b.indicator,
                &b.band,
                &b.core_category,
            ))
        });
        Ok(totals)
    }

    /// The latest month of the practice-level files held, None when none is.
    pub async fn cbt_daily_latest_period(&self) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT MAX(period) AS period FROM access_cbt_daily").fetch_one(&self.pool).await?;
        Ok(row.try_get("period")?)
    }

    /// The days (`YYYY-MM-DD`, in order) of one month the files hold for a practice's own account.
    pub async fn cbt_daily_days(&self, practice: &str, period: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT day FROM access_cbt_daily \
             WHERE account = 'practice' AND practice = $1 AND period = $2",
        )
        .bind(practice.to_owned())
        .bind(period.to_owned())
        .fetch_all(&self.pool)
        .await?;
        let mut days = rows.iter().map(|row| row.try_get("day")).collect::<Result<Vec<String>, _>>()?;
        days.sort();
        Ok(days)
    }

    /// What the practice-level files say of one practice in one month. A practice with no rows of its
    /// own whose PCN (from the latest practice map) has an `Unassigned` account that month is a
    /// "shared account"; it is never given that account's figures.
    pub async fn cbt_daily_status(&self, practice: &str, period: &str) -> Result<CbtDailyStatus, StoreError> {
        let own = self.cbt_daily_bands(practice, period).await?;
        if !own.is_empty() {
            return Ok(CbtDailyStatus::Reported(own));
        }
        let Some(pcn) = self.uptake_places_latest().await?.remove(practice).and_then(|p| p.pcn) else {
            return Ok(CbtDailyStatus::NotReported);
        };
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM access_cbt_daily \
             WHERE period = $1 AND pcn = $2 AND account = 'shared'",
        )
        .bind(period.to_owned())
        .bind(pcn.clone())
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok(if n > 0 { CbtDailyStatus::SharedAccount { pcn } } else { CbtDailyStatus::NotReported })
    }

    /// How many values are stored (to show that re-importing changes nothing).
    pub async fn cbt_daily_row_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM access_cbt_daily")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

fn key(v: &CbtDailyValue) -> (&str, &str, &str, &str, &str, &str, &str, &str, &str) {
    (&v.day, &v.region, &v.icb, &v.sub_icb, &v.pcn, &v.practice, &v.indicator, &v.band, &v.core_category)
}
