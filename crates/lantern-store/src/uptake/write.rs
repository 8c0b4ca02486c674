//! Writing a whole file's uptake data in one transaction: either every row lands or none does.
//! Rows already stored with the same content are left alone and counted as unchanged, so importing the
//! same file twice changes nothing; a row whose content differs replaces the stored one, with its flags.

use super::reference::batch::{insert_flags, insert_rows, upsert_names};
use super::totals::write_totals;
use super::{bind_month, pomi_columns, practice_month, UptakeFlag, UptakeName};
use crate::audit::append;
use crate::{Backend, Store, StoreError, WriteTx};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::uptake::PracticeMonth;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeSet, HashMap, HashSet};

/// One POMI file, read and checked, ready to store.
#[derive(Debug, Clone, Copy)]
pub struct PomiBatch<'a> {
    pub months: &'a [PracticeMonth],
    /// Flags of these practice-months (source `pomi`).
    pub flags: &'a [UptakeFlag],
    pub names: &'a [UptakeName],
    /// What the importer read (rows, practices, periods, flags by kind), for the audit record.
    pub file: &'a serde_json::Value,
}

/// A practice's registered patients at one monthly extract; None when the file left it blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRow {
    pub period: String,
    pub practice: String,
    pub patients: Option<i64>,
}

/// What storing a file did, counted in practice-months (practice × month).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UptakeWriteSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Store {
    /// Stores one POMI file in one transaction, with one `import.pomi` audit record.
    pub async fn import_pomi(
        &self,
        batch: PomiBatch<'_>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        let mut import = self.begin_pomi_import().await?;
        import.add(batch.months.to_vec(), batch.flags).await?;
        import.finish(batch.names, batch.file, actor).await
    }

    /// Starts storing a POMI file whose practice-months arrive in batches while it is still being read,
    /// so that storing overlaps reading. Nothing is visible until [`PomiImport::finish`] commits;
    /// dropping the import instead (the file turned out to be damaged) rolls all of it back.
    pub async fn begin_pomi_import(&self) -> Result<PomiImport<'_>, StoreError> {
        Ok(PomiImport {
            w: self.begin_write().await?,
            backend: self.backend,
            held: HashMap::new(),
            changed: Vec::new(),
            summary: UptakeWriteSummary::default(),
        })
    }

    /// Stores one registrations file (rows plus their flags, source `registrations`) in one transaction
    /// with one `import.registrations` audit record.
    pub async fn import_registrations(
        &self,
        rows: &[RegistrationRow],
        flags: &[UptakeFlag],
        file: &serde_json::Value,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        let mut w = self.begin_write().await?;
        let periods: BTreeSet<&str> = rows.iter().map(|r| r.period.as_str()).collect();
        let mut stored: HashMap<(String, String), Option<i64>> = HashMap::new();
        for period in periods {
            let found = sqlx::query("SELECT practice, patients FROM uptake_registrations WHERE period = $1")
                .bind(period.to_owned())
                .fetch_all(&mut *w.tx)
                .await?;
            for row in &found {
                stored.insert((period.to_owned(), row.try_get("practice")?), row.try_get("patients")?);
            }
        }
        let mut summary = UptakeWriteSummary::default();
        let mut changed = Vec::new();
        for row in rows {
            match stored.get(&(row.period.clone(), row.practice.clone())) {
                None => summary.created += 1,
                Some(&patients) if patients == row.patients => {
                    summary.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    summary.updated += 1;
                    sqlx::query(
                        "DELETE FROM uptake_flags WHERE source = 'registrations' AND period = $1 AND practice = $2",
                    )
                    .bind(row.period.clone())
                    .bind(row.practice.clone())
                    .execute(&mut *w.tx)
                    .await?;
                }
            }
            changed.push(row);
        }
        let columns = ["period", "practice", "patients"];
        let tail = "ON CONFLICT (period, practice) DO UPDATE SET patients = excluded.patients";
        insert_rows(&mut w.tx, self.backend, "uptake_registrations", &columns, tail, &changed, |q, r| {
            q.bind(r.period.clone()).bind(r.practice.clone()).bind(r.patients)
        })
        .await?;
        let written: HashSet<(&str, &str)> =
            changed.iter().map(|r| (r.period.as_str(), r.practice.as_str())).collect();
        let flags: Vec<&UptakeFlag> =
            flags.iter().filter(|f| written.contains(&(f.period.as_str(), f.practice.as_str()))).collect();
        insert_flags(&mut w.tx, self.backend, &flags, true).await?;
        let detail = serde_json::json!({ "file": file, "stored": summary });
        append(&mut w.tx, self.backend, AuditEntry::new(actor, "import.registrations").after(&detail))
            .await?;
        w.commit().await?;
        Ok(summary)
    }
}

/// Every practice-month stored for `periods`.
pub(super) async fn months_of_periods(
    tx: &mut Transaction<'static, Any>,
    periods: &[&str],
) -> Result<Vec<PracticeMonth>, StoreError> {
    let mut months = Vec::new();
    let columns = pomi_columns().join(", ");
    for period in periods {
        let rows = sqlx::query(&format!("SELECT {columns} FROM uptake_pomi WHERE period = $1"))
            .bind((*period).to_owned())
            .fetch_all(&mut **tx)
            .await?;
        for row in &rows {
            months.push(practice_month(row)?);
        }
    }
    Ok(months)
}

/// A POMI file being stored: see [`Store::begin_pomi_import`]. On SQLite the write lock is held from
/// the start to the commit, so the file's reading time is spent inside it: an import is rare and takes
/// about half a second for the national file, during which episode writes wait.
pub struct PomiImport<'s> {
    w: WriteTx<'s>,
    backend: Backend,
    /// Practice-months stored before this import and not replaced by it, by period then practice, read
    /// when a period's first practice-month arrives.
    held: HashMap<String, HashMap<String, PracticeMonth>>,
    /// The practice-months written: new, or different from what was held.
    changed: Vec<PracticeMonth>,
    summary: UptakeWriteSummary,
}

impl PomiImport<'_> {
    /// Writes those of `months` that are new or changed, with their `flags` (any flags of other
    /// practice-months are ignored); ones stored with the same content are counted as unchanged and
    /// left alone, flags and all. A practice-month must arrive once per import.
    pub async fn add(&mut self, months: Vec<PracticeMonth>, flags: &[UptakeFlag]) -> Result<(), StoreError> {
        let mut write = Vec::with_capacity(months.len());
        for month in months {
            if !self.held.contains_key(&month.period) {
                let stored = months_of_periods(&mut self.w.tx, &[month.period.as_str()]).await?;
                let by_practice = stored.into_iter().map(|m| (m.practice.clone(), m)).collect();
                self.held.insert(month.period.clone(), by_practice);
            }
            let held = self.held.get_mut(&month.period);
            match held.as_ref().and_then(|held| held.get(&month.practice)) {
                None => self.summary.created += 1,
                Some(old) if *old == month => {
                    self.summary.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    self.summary.updated += 1;
                    // Replaced: what the month holds now is in `changed`.
                    held.and_then(|held| held.remove(&month.practice));
                    // Its old flags may no longer hold; the file's flags for it replace them.
                    sqlx::query(
                        "DELETE FROM uptake_flags WHERE source = 'pomi' AND period = $1 AND practice = $2",
                    )
                    .bind(month.period.clone())
                    .bind(month.practice.clone())
                    .execute(&mut *self.w.tx)
                    .await?;
                }
            }
            write.push(month);
        }
        let columns = pomi_columns();
        let updates: Vec<String> = columns[2..].iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let tail = format!("ON CONFLICT (period, practice) DO UPDATE SET {}", updates.join(", "));
        insert_rows(&mut self.w.tx, self.backend, "uptake_pomi", &columns, &tail, &write, |q, m| {
            bind_month(q, m)
        })
        .await?;
        let written: HashSet<(&str, &str)> =
            write.iter().map(|m| (m.period.as_str(), m.practice.as_str())).collect();
        let flags: Vec<&UptakeFlag> =
            flags.iter().filter(|f| written.contains(&(f.period.as_str(), f.practice.as_str()))).collect();
        insert_flags(&mut self.w.tx, self.backend, &flags, true).await?;
        self.changed.extend(write);
        Ok(())
    }

    /// Stores the file's names, the kept totals of the months it changed, and the `import.pomi` audit
    /// record, then commits.
    pub async fn finish(
        mut self,
        names: &[UptakeName],
        file: &serde_json::Value,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        let tx = &mut self.w.tx;
        upsert_names(tx, self.backend, names).await?;
        // The touched months' totals, from what they hold now: the file's practice-months, and the
        // ones stored before that the file did not change (those it changed left `held` in `add`).
        let touched: BTreeSet<&str> = self.changed.iter().map(|m| m.period.as_str()).collect();
        let now: Vec<&PracticeMonth> = touched
            .iter()
            .filter_map(|period| self.held.get(*period))
            .flat_map(HashMap::values)
            .chain(&self.changed)
            .collect();
        write_totals(tx, self.backend, &touched.into_iter().collect::<Vec<_>>(), &now).await?;
        let detail = serde_json::json!({ "file": file, "stored": self.summary });
        append(tx, self.backend, AuditEntry::new(actor, "import.pomi").after(&detail)).await?;
        self.w.commit().await?;
        Ok(self.summary)
    }
}
