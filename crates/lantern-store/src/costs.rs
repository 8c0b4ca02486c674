//! The hourly cost a practice uses for each staff role, where it differs from the defaults.

use crate::audit::append;
use crate::{Store, StoreError};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::ods::OdsCode;
use lantern_core::taxonomy::STAFF_ROLES;
use lantern_core::validation::ValidationErrors;
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// Each role's hourly cost in pence at the practice: its own figure, else the default.
    pub async fn role_costs(&self, practice: &OdsCode) -> Result<HashMap<String, i64>, StoreError> {
        let mut costs: HashMap<String, i64> = lantern_core::measures::default_hourly_costs()
            .into_iter()
            .map(|c| (c.role.to_owned(), c.hourly_pence))
            .collect();
        let rows = sqlx::query("SELECT role, hourly_pence FROM role_costs WHERE practice = $1")
            .bind(practice.to_string())
            .fetch_all(&self.pool)
            .await?;
        for row in &rows {
            costs.insert(row.try_get("role")?, row.try_get("hourly_pence")?);
        }
        Ok(costs)
    }

    pub async fn set_role_cost(
        &self,
        practice: &OdsCode,
        role: &str,
        hourly_pence: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if !STAFF_ROLES.contains(role) {
            return Err(ValidationErrors::single("role", format!("{role:?} is not a staff role")).into());
        }
        if !(0..=100_000).contains(&hourly_pence) {
            return Err(
                ValidationErrors::single("hourly_pence", "Enter an hourly cost from £0 to £1,000").into()
            );
        }
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO role_costs (practice, role, hourly_pence) VALUES ($1, $2, $3) \
             ON CONFLICT (practice, role) DO UPDATE SET hourly_pence = excluded.hourly_pence",
        )
        .bind(practice.to_string())
        .bind(role.to_owned())
        .bind(hourly_pence)
        .execute(&mut *w.tx)
        .await?;
        let entry = AuditEntry::new(actor, "role_cost.set").record("role_cost", format!("{practice}/{role}"));
        let entry = entry
            .practice(practice)
            .after(&serde_json::json!({ "role": role, "hourly_pence": hourly_pence }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }
}
