//! Reading uptake data back: practice-months for the measures, names for the tables, flags for review.

use super::{pomi_columns, practice_month, UptakeFlag, UptakeRowCounts};
use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use lantern_core::uptake::{Level, PracticeMonth};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

impl Store {
    /// Practice-months, optionally of one month (`YYYY-MM`) and of one unit (`level`, `code`), ordered
    /// by month then practice.
    pub async fn uptake_months(
        &self,
        period: Option<&str>,
        unit: Option<(Level, &str)>,
    ) -> Result<Vec<PracticeMonth>, StoreError> {
        let mut c = Conditions::default();
        if let Some(period) = period {
            c.push("period = ?", Value::Text(period.to_owned()));
        }
        if let Some((level, code)) = unit {
            let column = match level {
                Level::England => None,
                Level::Region => Some("region"),
                Level::Icb => Some("icb"),
                Level::Ccg => Some("org"),
                // No POMI column: the caller places practices by the map, then filters.
                Level::Pcn => None,
                Level::Practice => Some("practice"),
            };
            if let Some(column) = column {
                c.push(&format!("{column} = ?"), Value::Text(code.trim().to_ascii_uppercase()));
            }
        }
        let sql = format!(
            "SELECT {} FROM uptake_pomi{} ORDER BY period, practice",
            pomi_columns().join(", "),
            c.where_sql()
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter().map(practice_month).collect()
    }

    /// The months POMI data is held for, oldest first.
    pub async fn uptake_periods(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT period FROM uptake_pomi ORDER BY period")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok(row.try_get("period")?)).collect()
    }

    /// Published names of one kind of organisation (`practice`, `region`, `ccg`, `sub_icb`, `icb`), by code.
    pub async fn uptake_names(&self, kind: &str) -> Result<HashMap<String, String>, StoreError> {
        let rows = sqlx::query("SELECT code, name FROM uptake_names WHERE kind = $1")
            .bind(kind.to_owned())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok((row.try_get("code")?, row.try_get("name")?))).collect()
    }

    /// How many flags of each kind a source has.
    pub async fn uptake_flag_counts(&self, source: &str) -> Result<BTreeMap<String, i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, CAST(COUNT(*) AS BIGINT) AS n FROM uptake_flags WHERE source = $1 GROUP BY kind",
        )
        .bind(source.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("kind")?, row.try_get("n")?))).collect()
    }

    /// Flags of one source, optionally of one kind, ordered by month, practice, kind and field.
    pub async fn uptake_flags(
        &self,
        source: &str,
        kind: Option<&str>,
    ) -> Result<Vec<UptakeFlag>, StoreError> {
        let mut c = Conditions::default();
        c.push("source = ?", Value::Text(source.to_owned()));
        if let Some(kind) = kind {
            c.push("kind = ?", Value::Text(kind.to_owned()));
        }
        self.flags_where(c).await
    }

    /// Flags of one source about one practice (or account key) in one month, ordered by kind and field.
    pub async fn uptake_flags_of(
        &self,
        source: &str,
        practice: &str,
        period: &str,
    ) -> Result<Vec<UptakeFlag>, StoreError> {
        let mut c = Conditions::default();
        c.push("source = ?", Value::Text(source.to_owned()));
        c.push("practice = ?", Value::Text(practice.to_owned()));
        c.push("period = ?", Value::Text(period.to_owned()));
        self.flags_where(c).await
    }

    async fn flags_where(&self, c: Conditions) -> Result<Vec<UptakeFlag>, StoreError> {
        let sql = format!(
            "SELECT source, practice, period, kind, field, detail FROM uptake_flags{} \
             ORDER BY period, practice, kind, field",
            c.where_sql()
        );
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(UptakeFlag {
                    source: row.try_get("source")?,
                    practice: row.try_get("practice")?,
                    period: row.try_get("period")?,
                    kind: row.try_get("kind")?,
                    field: row.try_get("field")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Registered patients per practice at one extract month (None where the file left it blank).
    pub async fn uptake_registrations(
        &self,
        period: &str,
    ) -> Result<BTreeMap<String, Option<i64>>, StoreError> {
        let rows = sqlx::query("SELECT practice, patients FROM uptake_registrations WHERE period = $1")
            .bind(period.to_owned())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok((row.try_get("practice")?, row.try_get("patients")?))).collect()
    }

    pub async fn uptake_row_counts(&self) -> Result<UptakeRowCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM uptake_pomi) AS pomi, (SELECT COUNT(*) FROM uptake_flags) AS flags, \
             (SELECT COUNT(*) FROM uptake_names) AS names, \
             (SELECT COUNT(*) FROM uptake_registrations) AS registrations",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(UptakeRowCounts {
            pomi: row.try_get("pomi")?,
            flags: row.try_get("flags")?,
            names: row.try_get("names")?,
            registrations: row.try_get("registrations")?,
        })
    }
}

impl Store {
    /// Every month held of the practices given, ordered by month then practice: what a PCN or an ICB
    /// placed by the practice map needs, without reading the whole country.
    pub async fn uptake_months_of(&self, practices: &[String]) -> Result<Vec<PracticeMonth>, StoreError> {
        let mut months = Vec::new();
        // Well under both backends' limits on parameters per statement.
        for chunk in practices.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT {} FROM uptake_pomi WHERE practice IN ({})",
                pomi_columns().join(", "),
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for practice in chunk {
                query = query.bind(practice.clone());
            }
            for row in query.fetch_all(&self.pool).await? {
                months.push(practice_month(&row)?);
            }
        }
        months.sort_by(|a, b| (&a.period, &a.practice).cmp(&(&b.period, &b.practice)));
        Ok(months)
    }
}
