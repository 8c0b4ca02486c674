//! How patients reach their practice today (`lantern_core::uptake::access`): appointments by mode and
//! telephony, written like the other reference files (whole file, one audited transaction, a
//! re-import that changes nothing) and read back in the shapes the effect measures use.

use super::tables::{Table, Q};
use super::ReferenceBatch;
use crate::uptake::UptakeWriteSummary;
use crate::{Store, StoreError};
use lantern_core::audit::Actor;
use lantern_core::uptake::access::{AppointmentMonth, CbtAccount, CbtMonth, CbtStatus};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

plain_table!(AppointmentMonth, table: "access_appointments", source: "appointments", period: Some("period"),
    unit: |m| (m.period.clone(), m.practice.clone()),
    columns: [period, practice, supplier, total, face_to_face, telephone, video_online, home_visit,
        mode_unknown, attended, dna, status_unknown, same_day, one_day, two_to_seven_days,
        eight_to_fourteen_days, fifteen_to_twenty_one_days, twenty_two_to_twenty_eight_days,
        more_than_twenty_eight_days, lead_time_unknown, gp, other_staff, hcp_unknown, rows_left_out]);

plain_table!(CbtMonth, table: "access_cbt", source: "cbt", period: Some("period"),
    unit: |m| (m.period.clone(), m.practice.clone()),
    columns: [period, practice, account, pcn, sub_icb, icb, region, inbound, answered, ivr_ended,
        callback_requested, missed, callback_made]);

/// One practice-month's appointments as the effect estimator reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppointmentShare {
    pub period: String,
    pub practice: String,
    pub total: i64,
    pub video_online: i64,
    /// `video_online ÷ total`, None when the month has no appointments to divide by.
    pub video_online_share: Option<f64>,
    /// Published rows left out of the counts (blank or below zero): the total is a floor when not 0.
    pub rows_left_out: i64,
}

/// How many rows each access table holds (to show that re-importing changes nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessRowCounts {
    pub appointments: i64,
    pub cbt: i64,
}

impl Store {
    /// Stores an appointments file (`import.appointments`). Counts are of practice-months.
    pub async fn import_appointments(
        &self,
        batch: ReferenceBatch<'_, AppointmentMonth>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    /// Stores a telephony file (`import.cbt`). Counts are of account-months.
    pub async fn import_cbt(
        &self,
        batch: ReferenceBatch<'_, CbtMonth>,
        actor: &Actor,
    ) -> Result<UptakeWriteSummary, StoreError> {
        self.import_reference(batch, actor).await
    }

    /// Appointment practice-months, of one practice or of all when `practice` is None, ordered by
    /// practice then month.
    pub async fn access_appointment_months(
        &self,
        practice: Option<&str>,
    ) -> Result<Vec<AppointmentMonth>, StoreError> {
        let columns = AppointmentMonth::COLUMNS.join(", ");
        let rows = match practice {
            Some(practice) => {
                let sql =
                    format!("SELECT {columns} FROM access_appointments WHERE practice = $1 ORDER BY period");
                sqlx::query(&sql).bind(practice.to_owned()).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("SELECT {columns} FROM access_appointments ORDER BY practice, period");
                sqlx::query(&sql).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(AppointmentMonth::read).collect()
    }

    /// Per practice per month (of one practice, or all), total appointments and the share booked as
    /// video or online: the series the effect estimator reads. Ordered by practice then month.
    pub async fn appointment_shares(
        &self,
        practice: Option<&str>,
    ) -> Result<Vec<AppointmentShare>, StoreError> {
        let (filter, order) = ("WHERE practice = $1", "ORDER BY practice, period");
        let sql = format!(
            "SELECT period, practice, total, video_online, rows_left_out FROM access_appointments {} {order}",
            if practice.is_some() { filter } else { "" }
        );
        let mut query = sqlx::query(&sql);
        if let Some(practice) = practice {
            query = query.bind(practice.to_owned());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let (total, video_online): (i64, i64) = (row.try_get("total")?, row.try_get("video_online")?);
                Ok(AppointmentShare {
                    period: row.try_get("period")?,
                    practice: row.try_get("practice")?,
                    total,
                    video_online,
                    video_online_share: (total > 0).then(|| video_online as f64 / total as f64),
                    rows_left_out: row.try_get("rows_left_out")?,
                })
            })
            .collect()
    }

    /// Every phone account of one month (practices' and shared), ordered by key.
    pub async fn cbt_months(&self, period: &str) -> Result<Vec<CbtMonth>, StoreError> {
        let sql = format!(
            "SELECT {} FROM access_cbt WHERE period = $1 ORDER BY practice",
            CbtMonth::COLUMNS.join(", ")
        );
        let rows = sqlx::query(&sql).bind(period.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(CbtMonth::read).collect()
    }

    /// The latest month of the publication summary held, None when none is.
    pub async fn cbt_latest_period(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT MAX(period) AS period FROM access_cbt").fetch_one(&self.pool).await?;
        Ok(row.try_get("period")?)
    }

    /// What can be said of one practice's telephony in one month. A practice not reported on its own
    /// whose PCN (from the telephony file's own rows of other practices, else the latest practice map)
    /// has a shared account that month is a "shared account"; it is never given that account's figures.
    pub async fn cbt_status(&self, practice: &str, period: &str) -> Result<CbtStatus, StoreError> {
        let sql = format!(
            "SELECT {} FROM access_cbt WHERE period = $1 AND practice = $2 AND account = 'practice'",
            CbtMonth::COLUMNS.join(", ")
        );
        let own = sqlx::query(&sql)
            .bind(period.to_owned())
            .bind(practice.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = own {
            return Ok(CbtStatus::Reported(Box::new(CbtMonth::read(&row)?)));
        }
        let pcn = match self.uptake_places_latest().await?.remove(practice).and_then(|p| p.pcn) {
            Some(pcn) => pcn,
            None => return Ok(CbtStatus::NotReported),
        };
        let shared = sqlx::query(
            "SELECT COUNT(*) AS n FROM access_cbt WHERE period = $1 AND pcn = $2 AND account = $3",
        )
        .bind(period.to_owned())
        .bind(pcn.clone())
        .bind(CbtAccount::Shared.code())
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = shared.try_get("n")?;
        Ok(if n > 0 { CbtStatus::SharedAccount { pcn } } else { CbtStatus::NotReported })
    }

    pub async fn access_row_counts(&self) -> Result<AccessRowCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM access_appointments) AS appointments, \
             (SELECT COUNT(*) FROM access_cbt) AS cbt",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(AccessRowCounts { appointments: row.try_get("appointments")?, cbt: row.try_get("cbt")? })
    }
}
