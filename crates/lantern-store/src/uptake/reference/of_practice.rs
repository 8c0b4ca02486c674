//! One practice's reference rows, for the practice's uptake page: reading the whole national age-band
//! table (a quarter of a million rows) to show one practice would make the page slow.

use super::tables::Table;
use crate::{Store, StoreError};
use lantern_core::uptake::{AgeBandCount, OcMonth};

impl Store {
    /// The practice's age bands at the latest extract that holds it, ordered by sex then band.
    pub async fn uptake_age_bands_of(&self, practice: &str) -> Result<Vec<AgeBandCount>, StoreError> {
        let sql = format!(
            "SELECT {} FROM uptake_age_bands WHERE practice = $1 AND period = \
             (SELECT MAX(period) FROM uptake_age_bands WHERE practice = $1) ORDER BY sex, band_from",
            AgeBandCount::COLUMNS.join(", ")
        );
        let rows = sqlx::query(&sql).bind(practice.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(AgeBandCount::read).collect()
    }

    /// The practice's online consultation months, oldest first.
    pub async fn uptake_oc_months_of(&self, practice: &str) -> Result<Vec<OcMonth>, StoreError> {
        let sql = format!(
            "SELECT {} FROM uptake_oc WHERE practice = $1 ORDER BY period",
            OcMonth::COLUMNS.join(", ")
        );
        let rows = sqlx::query(&sql).bind(practice.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(OcMonth::read).collect()
    }
}

impl Store {
    /// The age bands of the practices given at the latest extract held, ordered by practice, sex and
    /// band: an analyst's table of one organisation's practices, without the national file.
    pub async fn uptake_age_bands_of_many(
        &self,
        practices: &[String],
    ) -> Result<Vec<AgeBandCount>, StoreError> {
        let mut bands = Vec::new();
        for chunk in practices.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT {} FROM uptake_age_bands WHERE period = (SELECT MAX(period) FROM uptake_age_bands) \
                 AND practice IN ({}) ORDER BY practice, sex, band_from",
                AgeBandCount::COLUMNS.join(", "),
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for practice in chunk {
                query = query.bind(practice.clone());
            }
            for row in query.fetch_all(&self.pool).await? {
                bands.push(AgeBandCount::read(&row)?);
            }
        }
        Ok(bands)
    }
}
