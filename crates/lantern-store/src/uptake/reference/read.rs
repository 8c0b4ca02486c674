//! Reading the reference tables back in the shapes the measures use.

use super::tables::Table;
use super::{ImdRow, ReferenceRowCounts};
use crate::{Store, StoreError};
use lantern_core::uptake::{AgeBandCount, OcMonth, OdsPractice, PracticePlace};
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// Where each practice sat in the latest map extract that lists it, by practice code.
    pub async fn uptake_places_latest(&self) -> Result<HashMap<String, PracticePlace>, StoreError> {
        let sql = format!("SELECT {} FROM uptake_places ORDER BY extract", PracticePlace::COLUMNS.join(", "));
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut latest = HashMap::new();
        for row in &rows {
            // Later extracts come later and replace earlier ones.
            let place = PracticePlace::read(row)?;
            latest.insert(place.practice.clone(), place);
        }
        Ok(latest)
    }

    /// Registered patients by sex and band at one extract month, or at the latest held when `period`
    /// is None; ordered by practice, sex (female first) and band.
    pub async fn uptake_age_bands(&self, period: Option<&str>) -> Result<Vec<AgeBandCount>, StoreError> {
        let period = match period {
            Some(period) => period.to_owned(),
            None => match self.uptake_age_band_periods().await?.pop() {
                Some(latest) => latest,
                None => return Ok(Vec::new()),
            },
        };
        let sql = format!(
            "SELECT {} FROM uptake_age_bands WHERE period = $1 ORDER BY practice, sex, band_from",
            AgeBandCount::COLUMNS.join(", ")
        );
        let rows = sqlx::query(&sql).bind(period).fetch_all(&self.pool).await?;
        rows.iter().map(AgeBandCount::read).collect()
    }

    /// The extract months age bands are held for, oldest first.
    pub async fn uptake_age_band_periods(&self) -> Result<Vec<String>, StoreError> {
        self.distinct_periods("SELECT DISTINCT period FROM uptake_age_bands ORDER BY period").await
    }

    /// Online consultation practice-months, of one month (`YYYY-MM`) or of every month held when
    /// `period` is None, ordered by month then practice.
    pub async fn uptake_oc_months(&self, period: Option<&str>) -> Result<Vec<OcMonth>, StoreError> {
        let columns = OcMonth::COLUMNS.join(", ");
        let rows = match period {
            Some(period) => {
                let sql = format!("SELECT {columns} FROM uptake_oc WHERE period = $1 ORDER BY practice");
                sqlx::query(&sql).bind(period.to_owned()).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("SELECT {columns} FROM uptake_oc ORDER BY period, practice");
                sqlx::query(&sql).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(OcMonth::read).collect()
    }

    /// The months online consultation data is held for, oldest first.
    pub async fn uptake_oc_periods(&self) -> Result<Vec<String>, StoreError> {
        self.distinct_periods("SELECT DISTINCT period FROM uptake_oc ORDER BY period").await
    }

    /// IMD scores of one edition (2010, 2015, 2019) by practice; practices the file left blank are absent.
    pub async fn uptake_imd(&self, year: i32) -> Result<HashMap<String, f64>, StoreError> {
        let sql = format!("SELECT {} FROM uptake_imd WHERE year = $1", ImdRow::COLUMNS.join(", "));
        let rows = sqlx::query(&sql).bind(i64::from(year)).fetch_all(&self.pool).await?;
        let mut scores = HashMap::with_capacity(rows.len());
        for row in &rows {
            let row = ImdRow::read(row)?;
            if let Some(score) = row.score {
                scores.insert(row.practice, score);
            }
        }
        Ok(scores)
    }

    /// The IMD editions held, oldest first.
    pub async fn uptake_imd_years(&self) -> Result<Vec<i32>, StoreError> {
        let rows =
            sqlx::query("SELECT DISTINCT year FROM uptake_imd ORDER BY year").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let year: i64 = row.try_get("year")?;
                i32::try_from(year).map_err(|_| StoreError::Corrupt(format!("IMD year {year}")))
            })
            .collect()
    }

    /// Every practice ODS's list gave, by code.
    pub async fn ods_practices(&self) -> Result<Vec<OdsPractice>, StoreError> {
        let sql = format!("SELECT {} FROM ods_practices ORDER BY practice", OdsPractice::COLUMNS.join(", "));
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(OdsPractice::read).collect()
    }

    pub async fn uptake_reference_row_counts(&self) -> Result<ReferenceRowCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM uptake_places) AS places, \
             (SELECT COUNT(*) FROM uptake_age_bands) AS age_bands, (SELECT COUNT(*) FROM uptake_oc) AS oc, \
             (SELECT COUNT(*) FROM uptake_imd) AS imd, (SELECT COUNT(*) FROM ods_practices) AS ods_practices",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(ReferenceRowCounts {
            places: row.try_get("places")?,
            age_bands: row.try_get("age_bands")?,
            oc: row.try_get("oc")?,
            imd: row.try_get("imd")?,
            ods_practices: row.try_get("ods_practices")?,
        })
    }

    async fn distinct_periods(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok(row.try_get("period")?)).collect()
    }
}
