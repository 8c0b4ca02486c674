//! NHS App use (`lantern_core::uptake::nhs_app`), for England and ICBs only. Unlike the practice
//! files, each workbook republishes every month since the series began, figures for past months may
//! be revised, and an ICB may be renamed or merged: so a month the file holds is compared whole with
//! what is stored, and replaced whole (rows and flags) when anything in it differs. A re-import of
//! the same workbook changes nothing.

use super::batch::{insert_flags, insert_rows, upsert_names};
use super::tables::{Table, Q};
use super::ReferenceBatch;
use crate::audit::append;
use crate::uptake::{UptakeFlag, UptakeWriteSummary};
use crate::{Store, StoreError};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::uptake::nhs_app::{NhsAppLevel, NhsAppMonth};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

plain_table!(NhsAppMonth, table: "nhs_app_months", source: "nhs_app", period: Some("period"),
    unit: |m| (m.period.clone(), m.code.clone()),
    columns: [period, level, code, name, region, region_name, logins, unique_user_logins]);

impl Store {
    /// Stores a workbook's months (`import.nhs_app`), each month all or nothing. Counts are of
    /// level-months (England, each ICB and the unmapped row, per month); a month left as it was
    /// counts all its rows unchanged.
    pub async fn import_nhs_app(
        &self,
        batch: ReferenceBatch<'_, NhsAppMonth>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        let mut w = self.begin_write().await?;
        let mut by_period: BTreeMap<&str, Vec<&NhsAppMonth>> = BTreeMap::new();
        for row in batch.rows {
            by_period.entry(row.period.as_str()).or_default().push(row);
        }
        let select =
            format!("SELECT {} FROM nhs_app_months WHERE period = $1", NhsAppMonth::COLUMNS.join(", "));
        let mut summary = UptakeWriteSummary::default();
        let mut replaced: BTreeSet<&str> = BTreeSet::new();
        for (period, rows) in &by_period {
            let found = sqlx::query(&select).bind((*period).to_owned()).fetch_all(&mut *w.tx).await?;
            let stored: Vec<NhsAppMonth> = found.iter().map(NhsAppMonth::read).collect::<Result<_, _>>()?;
            if stored.len() == rows.len() && rows.iter().all(|r| stored.contains(r)) {
                summary.unchanged += rows.len() as u64;
                continue;
            }
            for row in rows {
                match stored.iter().find(|s| s.code == row.code) {
                    None => summary.created += 1,
                    Some(old) if old == *row => summary.unchanged += 1,
                    Some(_) => summary.updated += 1,
                }
            }
            replaced.insert(period);
        }
        for period in &replaced {
            for sql in [
                "DELETE FROM nhs_app_months WHERE period = $1",
                "DELETE FROM uptake_flags WHERE source = 'nhs_app' AND period = $1",
            ] {
                sqlx::query(sql).bind((*period).to_owned()).execute(&mut *w.tx).await?;
            }
        }
        let rows: Vec<&NhsAppMonth> =
            batch.rows.iter().filter(|r| replaced.contains(r.period.as_str())).collect();
        let columns = NhsAppMonth::COLUMNS;
        insert_rows(&mut w.tx, self.backend, NhsAppMonth::TABLE, columns, "", &rows, |q, r| r.bind(q))
            .await?;
        let flags: Vec<&UptakeFlag> = batch
            .flags
            .iter()
            .filter(|f| f.source == NhsAppMonth::SOURCE && replaced.contains(f.period.as_str()))
            .collect();
        insert_flags(&mut w.tx, self.backend, &flags, false).await?;
        upsert_names(&mut w.tx, self.backend, batch.names).await?;
        let detail = serde_json::json!({
            "file": batch.file,
            "stored": summary,
            "months_replaced": replaced.iter().collect::<Vec<_>>(),
        });
        append(&mut w.tx, self.backend, AuditEntry::new(actor, "import.nhs_app").after(&detail)).await?;
        w.commit().await?;
        Ok(summary)
    }

    /// One ICB's months from `from` to `to` (`YYYY-MM`, both included), oldest first. Only ever an
    /// ICB's own figures: never England's, never a practice's.
    pub async fn nhs_app_icb_months(
        &self,
        icb: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<NhsAppMonth>, StoreError> {
        self.nhs_app_months_of(NhsAppLevel::Icb, Some(icb), from, to).await
    }

    /// England's months from `from` to `to` (`YYYY-MM`, both included), oldest first.
    pub async fn nhs_app_england_months(&self, from: &str, to: &str) -> Result<Vec<NhsAppMonth>, StoreError> {
        self.nhs_app_months_of(NhsAppLevel::England, None, from, to).await
    }

    /// Every level's row of one month (England, the ICBs, then unmapped usage; by code within each).
    pub async fn nhs_app_month(&self, period: &str) -> Result<Vec<NhsAppMonth>, StoreError> {
        let sql = format!(
            "SELECT {} FROM nhs_app_months WHERE period = $1 ORDER BY \
             CASE level WHEN 'england' THEN 0 WHEN 'icb' THEN 1 ELSE 2 END, code",
            NhsAppMonth::COLUMNS.join(", ")
        );
        let rows = sqlx::query(&sql).bind(period.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(NhsAppMonth::read).collect()
    }

    async fn nhs_app_months_of(
        &self,
        level: NhsAppLevel,
        code: Option<&str>,
        from: &str,
        to: &str,
    ) -> Result<Vec<NhsAppMonth>, StoreError> {
        let sql = format!(
            "SELECT {} FROM nhs_app_months WHERE level = $1 AND period >= $2 AND period <= $3{} ORDER BY period",
            NhsAppMonth::COLUMNS.join(", "),
            if code.is_some() { " AND code = $4" } else { "" }
        );
        let mut query: Q<'_> = sqlx::query(&sql).bind(level.code()).bind(from.to_owned()).bind(to.to_owned());
        if let Some(code) = code {
            query = query.bind(code.to_owned());
        }
        let rows: Vec<AnyRow> = query.fetch_all(&self.pool).await?;
        rows.iter().map(NhsAppMonth::read).collect()
    }

    /// How many level-months are stored (to show that re-importing changes nothing).
    pub async fn nhs_app_row_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM nhs_app_months").fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }
}
