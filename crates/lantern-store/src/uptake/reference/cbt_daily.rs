//! Writing Cloud Based Telephony's practice-level CSVs (`lantern_core::uptake::cbt_daily`). A file is
//! one region's month of one kind (Calls Answered, or Durations), so a file replaces its own
//! (file, period, region) slice and nothing else: within it, each phone account whose values are all
//! unchanged is left alone, one that differs is replaced, and one the file no longer lists is removed.
//! Importing the same file twice changes nothing.

use super::batch::{insert_flags, insert_rows};
use crate::audit::append;
use crate::uptake::UptakeFlag;
use crate::{Store, StoreError};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::uptake::cbt_daily::{CbtDailyFile, CbtDailyValue};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The table's columns, in [`CbtDailyValue`]'s field order.
pub(super) const COLUMNS: [&str; 14] = [
    "file",
    "period",
    "day",
    "region",
    "icb",
    "sub_icb",
    "pcn",
    "practice",
    "account",
    "indicator",
    "band",
    "core_category",
    "published",
    "value",
];

/// One practice-level CBT CSV, read and checked, ready to store.
#[derive(Debug, Clone, Copy)]
pub struct CbtDailyBatch<'a> {
    pub file: CbtDailyFile,
    pub rows: &'a [CbtDailyValue],
    /// Flags with source [`flag_source`] and practice [`CbtDailyValue::account_key`].
    pub flags: &'a [UptakeFlag],
    /// What the importer read, for the audit record.
    pub detail: &'a serde_json::Value,
}

/// What storing a file did, counted in account-months.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CbtDailyWriteSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Stored for this file's slice before, and not in the file now.
    pub removed: u64,
}

/// `uptake_flags.source` of a file kind's flags.
pub fn flag_source(file: CbtDailyFile) -> &'static str {
    match file {
        CbtDailyFile::CallsAnswered => "cbt_calls_answered",
        CbtDailyFile::Durations => "cbt_durations",
    }
}

pub(super) fn read_value(row: &AnyRow) -> Result<CbtDailyValue, StoreError> {
    Ok(CbtDailyValue {
        file: row.try_get("file")?,
        period: row.try_get("period")?,
        day: row.try_get("day")?,
        region: row.try_get("region")?,
        icb: row.try_get("icb")?,
        sub_icb: row.try_get("sub_icb")?,
        pcn: row.try_get("pcn")?,
        practice: row.try_get("practice")?,
        account: row.try_get("account")?,
        indicator: row.try_get("indicator")?,
        band: row.try_get("band")?,
        core_category: row.try_get("core_category")?,
        published: row.try_get("published")?,
        value: row.try_get("value")?,
    })
}

/// (period, region) → account key → the account's values.
type Slices<'a> = BTreeMap<(String, String), HashMap<String, Vec<&'a CbtDailyValue>>>;

impl Store {
    /// Stores one practice-level CBT CSV in one transaction, with one `import.cbt_daily` audit record.
    pub async fn import_cbt_daily(
        &self,
        batch: CbtDailyBatch<'_>,
        actor: &Actor,
    ) -> Result<CbtDailyWriteSummary, StoreError> {
        let mut w = self.begin_write().await?;
        let mut slices: Slices<'_> = BTreeMap::new();
        for row in batch.rows {
            let units = slices.entry((row.period.clone(), row.region.clone())).or_default();
            units.entry(row.account_key()).or_default().push(row);
        }
        let mut summary = CbtDailyWriteSummary::default();
        // (period, account key) of the accounts written anew.
        let mut written: HashSet<(String, String)> = HashSet::new();
        for ((period, region), units) in &slices {
            let stored = stored_slice(&mut w.tx, batch.file, period, region).await?;
            for (key, rows) in units {
                match stored.get(key) {
                    None => summary.created += 1,
                    Some(old) if same_values(old, rows) => {
                        summary.unchanged += 1;
                        continue;
                    }
                    Some(old) => {
                        summary.updated += 1;
                        delete_account(&mut w.tx, batch.file, &old[0]).await?;
                    }
                }
                written.insert((period.clone(), key.clone()));
            }
            for (key, old) in &stored {
                if !units.contains_key(key) {
                    summary.removed += 1;
                    delete_account(&mut w.tx, batch.file, &old[0]).await?;
                }
            }
        }
        // In file order, so what lands is what the file said, in the order it said it.
        let rows: Vec<&CbtDailyValue> =
            batch.rows.iter().filter(|r| written.contains(&(r.period.clone(), r.account_key()))).collect();
        insert_rows(&mut w.tx, self.backend, "access_cbt_daily", &COLUMNS, "", &rows, |q, r| bind(q, r))
            .await?;
        let flags: Vec<&UptakeFlag> = batch
            .flags
            .iter()
            .filter(|f| f.source == flag_source(batch.file))
            .filter(|f| written.contains(&(f.period.clone(), f.practice.clone())))
            .collect();
        insert_flags(&mut w.tx, self.backend, &flags, false).await?;
        let detail =
            serde_json::json!({ "file": batch.detail, "kind": batch.file.code(), "stored": summary });
        append(&mut w.tx, self.backend, AuditEntry::new(actor, "import.cbt_daily").after(&detail)).await?;
        w.commit().await?;
        Ok(summary)
    }
}

fn bind<'q>(query: super::tables::Q<'q>, r: &'q CbtDailyValue) -> super::tables::Q<'q> {
    query
        .bind(r.file.clone())
        .bind(r.period.clone())
        .bind(r.day.clone())
        .bind(r.region.clone())
        .bind(r.icb.clone())
        .bind(r.sub_icb.clone())
        .bind(r.pcn.clone())
        .bind(r.practice.clone())
        .bind(r.account.clone())
        .bind(r.indicator.clone())
        .bind(r.band.clone())
        .bind(r.core_category.clone())
        .bind(r.published.clone())
        .bind(r.value)
}

/// The same values, in any order (a file's rows are unique by key, so sets suffice).
fn same_values(old: &[CbtDailyValue], new: &[&CbtDailyValue]) -> bool {
    let old: HashSet<&CbtDailyValue> = old.iter().collect();
    old.len() == new.len() && new.iter().all(|v| old.contains(v))
}

/// The stored values of one file kind's (period, region) slice, by account key.
async fn stored_slice(
    tx: &mut Transaction<'static, Any>,
    file: CbtDailyFile,
    period: &str,
    region: &str,
) -> Result<HashMap<String, Vec<CbtDailyValue>>, StoreError> {
    let sql = format!(
        "SELECT {} FROM access_cbt_daily WHERE file = $1 AND period = $2 AND region = $3",
        COLUMNS.join(", ")
    );
    let rows = sqlx::query(&sql)
        .bind(file.code())
        .bind(period.to_owned())
        .bind(region.to_owned())
        .fetch_all(&mut **tx)
        .await?;
    let mut stored: HashMap<String, Vec<CbtDailyValue>> = HashMap::new();
    for row in &rows {
        let value = read_value(row)?;
        stored.entry(value.account_key()).or_default().push(value);
    }
    Ok(stored)
}

/// Deletes the month of the account `sample` belongs to (within its file kind and region), and its
/// flags. A practice is its code; a shared account is its place, as [`CbtDailyValue::account_key`].
async fn delete_account(
    tx: &mut Transaction<'static, Any>,
    file: CbtDailyFile,
    sample: &CbtDailyValue,
) -> Result<(), StoreError> {
    let base =
        "DELETE FROM access_cbt_daily WHERE file = $1 AND period = $2 AND region = $3 AND account = $4";
    let query = if sample.account == "shared" {
        let sql = format!("{base} AND icb = $5 AND sub_icb = $6 AND pcn = $7");
        sqlx::query(&sql)
            .bind(file.code())
            .bind(sample.period.clone())
            .bind(sample.region.clone())
            .bind(sample.account.clone())
            .bind(sample.icb.clone())
            .bind(sample.sub_icb.clone())
            .bind(sample.pcn.clone())
            .execute(&mut **tx)
            .await
    } else {
        let sql = format!("{base} AND practice = $5");
        sqlx::query(&sql)
            .bind(file.code())
            .bind(sample.period.clone())
            .bind(sample.region.clone())
            .bind(sample.account.clone())
            .bind(sample.practice.clone())
            .execute(&mut **tx)
            .await
    };
    query?;
    sqlx::query("DELETE FROM uptake_flags WHERE source = $1 AND period = $2 AND practice = $3")
        .bind(flag_source(file))
        .bind(sample.period.clone())
        .bind(sample.account_key())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
