//! The published reference data uptake is read against (`lantern_core::uptake::reference`): the
//! practice map, registered patients by age band, online consultation submissions, IMD scores and
//! ODS's practice list. Each file is written whole in one transaction with its audit record, or not
//! at all. A file is compared with what is stored practice by practice within each period: a practice
//! whose rows are all unchanged is left alone, one that differs has its rows and flags replaced, so
//! importing the same file twice changes nothing.

pub(super) mod batch;
#[macro_use]
mod tables;
mod access;
mod cbt_daily;
mod cbt_daily_read;
mod nhs_app;
mod of_practice;
mod read;

pub use access::{AccessRowCounts, AppointmentShare};
pub use cbt_daily::{flag_source as cbt_daily_flag_source, CbtDailyBatch, CbtDailyWriteSummary};

use self::batch::{delete_units, insert_flags, insert_rows, upsert_names};
use self::tables::Table;
use super::{UptakeFlag, UptakeName, UptakeWriteSummary};
use crate::audit::append;
use crate::{Store, StoreError};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::uptake::{AgeBandCount, OcMonth, OdsPractice, PracticePlace};
use sqlx::{Any, Transaction};
use std::collections::{BTreeSet, HashMap, HashSet};

/// One reference file, read and checked, ready to store.
#[derive(Debug, Clone, Copy)]
pub struct ReferenceBatch<'a, T> {
    pub rows: &'a [T],
    /// Flags of these rows' practices, with the table's source (`places`, `age_bands`, `oc`, `imd`,
    /// `epraccur`).
    pub flags: &'a [UptakeFlag],
    pub names: &'a [UptakeName],
    /// What the importer read, for the audit record.
    pub file: &'a serde_json::Value,
}

/// A practice's IMD score in one edition, as stored: None where the file left it blank.
#[derive(Debug, Clone, PartialEq)]
pub struct ImdRow {
    pub year: i32,
    pub practice: String,
    pub score: Option<f64>,
}

/// How many rows each reference table holds (to show that re-importing changes nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferenceRowCounts {
    pub places: i64,
    pub age_bands: i64,
    pub oc: i64,
    pub imd: i64,
    pub ods_practices: i64,
}

impl Store {
    /// Stores a practice map (`import.places`). Counts are of practice-extracts.
    pub async fn import_places(
        &self,
        batch: ReferenceBatch<'_, PracticePlace>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    /// Stores an age-band file (`import.age_bands`). Counts are of practice-months, not band rows.
    pub async fn import_age_bands(
        &self,
        batch: ReferenceBatch<'_, AgeBandCount>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    /// Stores an online consultations file (`import.oc`). Counts are of practice-months.
    pub async fn import_oc(
        &self,
        batch: ReferenceBatch<'_, OcMonth>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    /// Stores an IMD file (`import.imd`). Counts are of practice-years.
    pub async fn import_imd(
        &self,
        batch: ReferenceBatch<'_, ImdRow>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    /// Stores ODS's practice list (`import.epraccur`). Counts are of practices. Practices the file
    /// does not list are kept: epraccur keeps closed practices itself, so absence is not closure.
    pub async fn import_epraccur(
        &self,
        batch: ReferenceBatch<'_, OdsPractice>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    async fn import_reference<T: Table>(
        &self,
        batch: ReferenceBatch<'_, T>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        let mut w = self.begin_write().await?;
        let mut by_unit: HashMap<(String, String), Vec<&T>> = HashMap::new();
        for row in batch.rows {
            by_unit.entry(row.unit()).or_default().push(row);
        }
        let periods: BTreeSet<&str> = by_unit.keys().map(|(period, _)| period.as_str()).collect();
        let stored = stored_units::<T>(&mut w.tx, &periods).await?;
        let mut summary = UptakeWriteSummary::default();
        let mut replaced = Vec::new();
        let mut written: HashSet<&(String, String)> = HashSet::new();
        for (unit, rows) in &by_unit {
            match stored.get(unit) {
                None => summary.created += 1,
                Some(old) if old.len() == rows.len() && rows.iter().all(|r| old.contains(r)) => {
                    summary.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    summary.updated += 1;
                    replaced.push(unit);
                }
            }
            written.insert(unit);
        }
        delete_units::<T>(&mut w.tx, self.backend, &replaced).await?;
        // In file order, so what lands is what the file said, in the order it said it.
        let rows: Vec<&T> = batch.rows.iter().filter(|r| written.contains(&r.unit())).collect();
        insert_rows(&mut w.tx, self.backend, T::TABLE, T::COLUMNS, "", &rows, |q, r| r.bind(q)).await?;
        let flags: Vec<&UptakeFlag> = batch
            .flags
            .iter()
            .filter(|f| f.source == T::SOURCE && written.contains(&(f.period.clone(), f.practice.clone())))
            .collect();
        insert_flags(&mut w.tx, self.backend, &flags, false).await?;
        upsert_names(&mut w.tx, self.backend, batch.names).await?;
        let detail = serde_json::json!({ "file": batch.file, "stored": summary });
        let action = format!("import.{}", T::SOURCE);
        append(&mut w.tx, self.backend, AuditEntry::new(actor, &action).after(&detail)).await?;
        w.commit().await?;
        Ok(summary)
    }
}

/// The stored rows of the periods a file covers (every row for a table without periods), by unit.
async fn stored_units<T: Table>(
    tx: &mut Transaction<'static, Any>,
    periods: &BTreeSet<&str>,
) -> Result<HashMap<(String, String), Vec<T>>, StoreError> {
    let select = format!("SELECT {} FROM {}", T::COLUMNS.join(", "), T::TABLE);
    let mut found = Vec::new();
    match T::PERIOD {
        Some(column) => {
            let sql = format!("{select} WHERE {column} = $1");
            for period in periods {
                found.extend(T::bind_period(sqlx::query(&sql), period)?.fetch_all(&mut **tx).await?);
            }
        }
        None => found = sqlx::query(&select).fetch_all(&mut **tx).await?,
    }
    let mut stored: HashMap<(String, String), Vec<T>> = HashMap::new();
    for row in &found {
        let row = T::read(row)?;
        stored.entry(row.unit()).or_default().push(row);
    }
    Ok(stored)
}
