//! Practices, the services each offers, and their staff.

use crate::audit::append;
use crate::rows::{ods, uuid};
use crate::sql::flag;
use crate::{Store, StoreError};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::identity::{check_free_text, FreeText};
use lantern_core::ods::OdsCode;
use lantern_core::offer::Offer;
use lantern_core::practice::{custom_service_code, default_services, Practice, PracticeService};
use lantern_core::staff::StaffMember;
use lantern_core::validation::ValidationErrors;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Everything episode validation needs to know about one practice.
#[derive(Debug, Clone)]
pub struct PracticeSettings {
    pub practice: Practice,
    pub services: Vec<PracticeService>,
    pub staff: Vec<StaffMember>,
    /// The practice's support offers, ended ones included: an episode may name one running that day.
    pub offers: Vec<Offer>,
}

impl Store {
    /// Creates the practice with the national service catalogue, or updates its details.
    pub async fn upsert_practice(
        &self,
        practice: &Practice,
        synthetic: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        ValidationErrors::check(check_free_text(
            "name",
            "The practice name",
            &practice.name,
            FreeText::LINE,
        ))?;
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO practices (ods_code, name, pcn, icb, list_size, synthetic) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (ods_code) DO UPDATE SET name = excluded.name, pcn = excluded.pcn, icb = excluded.icb, \
             list_size = excluded.list_size, synthetic = excluded.synthetic",
        )
        .bind(practice.ods_code.to_string())
        .bind(practice.name.clone())
        .bind(practice.pcn.as_ref().map(ToString::to_string))
        .bind(practice.icb.as_ref().map(ToString::to_string))
        .bind(i64::from(practice.list_size))
        .bind(flag(synthetic))
        .execute(&mut *w.tx)
        .await?;
        for (position, service) in default_services().iter().enumerate() {
            sqlx::query(
                "INSERT INTO practice_services (practice, code, label, enabled, custom, position) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (practice, code) DO NOTHING",
            )
            .bind(practice.ods_code.to_string())
            .bind(service.code.clone())
            .bind(service.label.clone())
            .bind(flag(service.enabled))
            .bind(flag(service.custom))
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut *w.tx)
            .await?;
        }
        let entry = AuditEntry::new(actor, "practice.save").record("practice", &practice.ods_code);
        append(&mut w.tx, self.backend, entry.practice(&practice.ods_code).after(practice)).await?;
        self.commit_settings(w).await
    }

    pub async fn list_practices(&self) -> Result<Vec<(Practice, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT ods_code, name, pcn, icb, list_size, synthetic FROM practices ORDER BY ods_code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((practice(row)?, row.try_get::<i64, _>("synthetic")? != 0))).collect()
    }

    pub async fn practice(&self, code: &OdsCode) -> Result<Practice, StoreError> {
        let row =
            sqlx::query("SELECT ods_code, name, pcn, icb, list_size FROM practices WHERE ods_code = $1")
                .bind(code.to_string())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("practice {code}")))?;
        practice(&row)
    }

    pub async fn services(&self, code: &OdsCode) -> Result<Vec<PracticeService>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, label, enabled, custom FROM practice_services WHERE practice = $1 ORDER BY position, code",
        )
        .bind(code.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(service).collect()
    }

    pub async fn set_service_enabled(
        &self,
        code: &OdsCode,
        service: &str,
        enabled: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("UPDATE practice_services SET enabled = $1 WHERE practice = $2 AND code = $3")
            .bind(flag(enabled))
            .bind(code.to_string())
            .bind(service.to_owned())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("service {service} at {code}")));
        }
        let action = if enabled { "service.enable" } else { "service.disable" };
        let entry =
            AuditEntry::new(actor, action).record("service", format!("{code}/{service}")).practice(code);
        append(&mut w.tx, self.backend, entry).await?;
        self.commit_settings(w).await
    }

    /// Adds a practice's own service, enabled, after the catalogue.
    pub async fn add_service(
        &self,
        code: &OdsCode,
        label: &str,
        actor: &Actor,
    ) -> Result<PracticeService, StoreError> {
        let label = label.trim();
        let service_code =
            custom_service_code(label).filter(|_| label.chars().count() <= 80).ok_or_else(|| {
                ValidationErrors::single(
                    "label",
                    "Enter a service name of 1 to 80 characters with letters or digits",
                )
            })?;
        ValidationErrors::check(check_free_text("label", "The service name", label, FreeText::LINE))?;
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO practice_services (practice, code, label, enabled, custom, position) \
             SELECT $1, $2, $3, 1, 1, COALESCE(MAX(position), 0) + 1 FROM practice_services WHERE practice = $1 \
             ON CONFLICT (practice, code) DO NOTHING",
        )
        .bind(code.to_string())
        .bind(service_code.clone())
        .bind(label.to_owned())
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!("{code} already has a service called {service_code}")));
        }
        let service =
            PracticeService { code: service_code, label: label.to_owned(), enabled: true, custom: true };
        let entry =
            AuditEntry::new(actor, "service.add").record("service", format!("{code}/{}", service.code));
        append(&mut w.tx, self.backend, entry.practice(code).after(&service)).await?;
        self.commit_settings(w).await?;
        Ok(service)
    }

    pub async fn add_staff(&self, member: &StaffMember, actor: &Actor) -> Result<(), StoreError> {
        // `StaffMember::new` checks this too; a member built another way must not skip the guard.
        ValidationErrors::check(check_free_text(
            "display_name",
            "The name",
            &member.display_name,
            FreeText::LINE,
        ))?;
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO staff (id, practice, display_name, role, active) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(member.id.to_string())
        .bind(member.practice.to_string())
        .bind(member.display_name.clone())
        .bind(member.role.clone())
        .bind(flag(member.active))
        .execute(&mut *w.tx)
        .await?;
        let entry = AuditEntry::new(actor, "staff.add").record("staff", member.id).practice(&member.practice);
        append(&mut w.tx, self.backend, entry.after(member)).await?;
        self.commit_settings(w).await
    }

    /// Marks a staff member as left (or back): leavers stay on their episodes but cannot be chosen.
    pub async fn set_staff_active(
        &self,
        code: &OdsCode,
        id: uuid::Uuid,
        active: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("UPDATE staff SET active = $1 WHERE practice = $2 AND id = $3")
            .bind(flag(active))
            .bind(code.to_string())
            .bind(id.to_string())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("staff member {id} at {code}")));
        }
        let action = if active { "staff.reactivate" } else { "staff.deactivate" };
        append(&mut w.tx, self.backend, AuditEntry::new(actor, action).record("staff", id).practice(code))
            .await?;
        self.commit_settings(w).await
    }

    /// Every staff member of the practice, leavers included, by name.
    pub async fn staff(&self, code: &OdsCode) -> Result<Vec<StaffMember>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, practice, display_name, role, active FROM staff WHERE practice = $1 ORDER BY display_name, id",
        )
        .bind(code.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(staff_member).collect()
    }

    /// Commits a change to practices, services or staff and empties the settings cache (whether the
    /// commit went through or not: a failed commit's outcome is not known for certain).
    async fn commit_settings(&self, w: crate::WriteTx<'_>) -> Result<(), StoreError> {
        let committed = w.commit().await;
        self.settings_cache.invalidate();
        committed
    }

    pub async fn settings(&self, code: &OdsCode) -> Result<PracticeSettings, StoreError> {
        Ok(PracticeSettings {
            practice: self.practice(code).await?,
            services: self.services(code).await?,
            staff: self.staff(code).await?,
            offers: self.offers(code).await?,
        })
    }
}

pub(crate) fn service(row: &AnyRow) -> Result<PracticeService, StoreError> {
    Ok(PracticeService {
        code: row.try_get("code")?,
        label: row.try_get("label")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        custom: row.try_get::<i64, _>("custom")? != 0,
    })
}

pub(crate) fn practice(row: &AnyRow) -> Result<Practice, StoreError> {
    let optional_ods = |column: &str| -> Result<Option<OdsCode>, StoreError> {
        row.try_get::<Option<String>, _>(column)?.as_deref().map(ods).transpose()
    };
    let list_size: i64 = row.try_get("list_size")?;
    Ok(Practice {
        ods_code: ods(&row.try_get::<String, _>("ods_code")?)?,
        name: row.try_get("name")?,
        pcn: optional_ods("pcn")?,
        icb: optional_ods("icb")?,
        list_size: u32::try_from(list_size)
            .map_err(|_| StoreError::Corrupt(format!("list size {list_size}")))?,
    })
}

pub(crate) fn staff_member(row: &AnyRow) -> Result<StaffMember, StoreError> {
    Ok(StaffMember {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        practice: ods(&row.try_get::<String, _>("practice")?)?,
        display_name: row.try_get("display_name")?,
        role: row.try_get("role")?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}
