//! Service ownership and training records.

use crate::audit::append;
use crate::rows::uuid;
use crate::{Store, StoreError};
use jiff::civil::Date;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::identity::{check_free_text, FreeText};
use lantern_core::ods::OdsCode;
use lantern_core::ownership::{check_ownership, Confidence, Ownership, Training};
use lantern_core::validation::ValidationErrors;
use sqlx::Row;

impl Store {
    pub async fn ownership(&self, practice: &OdsCode) -> Result<Vec<Ownership>, StoreError> {
        let rows = sqlx::query(
            "SELECT service, owner, supporting, escalation_route, helpdesk, offline_alternative, reviewed_on \
             FROM service_ownership WHERE practice = $1 ORDER BY service",
        )
        .bind(practice.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let supporting: String = row.try_get("supporting")?;
                Ok(Ownership {
                    service: row.try_get("service")?,
                    owner: row.try_get::<Option<String>, _>("owner")?.as_deref().map(uuid).transpose()?,
                    supporting: supporting.split_whitespace().map(uuid).collect::<Result<_, _>>()?,
                    escalation_route: row.try_get("escalation_route")?,
                    helpdesk: row.try_get("helpdesk")?,
                    offline_alternative: row.try_get("offline_alternative")?,
                    reviewed_on: date(row.try_get("reviewed_on")?)?,
                })
            })
            .collect()
    }

    /// Records the arrangements for one service; the owner and supporters must be the practice's staff.
    pub async fn set_ownership(
        &self,
        practice: &OdsCode,
        o: &Ownership,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        check_ownership(o)?;
        let staff = self.staff(practice).await?;
        let known = |id: &uuid::Uuid| staff.iter().any(|m| m.id == *id);
        if o.owner.is_some_and(|id| !known(&id)) || !o.supporting.iter().all(known) {
            return Err(lantern_core::validation::ValidationErrors::single(
                "owner",
                "Choose staff of this practice",
            )
            .into());
        }
        if !self.services(practice).await?.iter().any(|s| s.code == o.service) {
            return Err(StoreError::NotFound(format!("service {} at {practice}", o.service)));
        }
        let before = self.ownership(practice).await?.into_iter().find(|x| x.service == o.service);
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO service_ownership (practice, service, owner, supporting, escalation_route, helpdesk, \
             offline_alternative, reviewed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (practice, service) DO UPDATE SET owner = excluded.owner, supporting = excluded.supporting, \
             escalation_route = excluded.escalation_route, helpdesk = excluded.helpdesk, \
             offline_alternative = excluded.offline_alternative, reviewed_on = excluded.reviewed_on",
        )
        .bind(practice.to_string())
        .bind(o.service.clone())
        .bind(o.owner.map(|id| id.to_string()))
        .bind(o.supporting.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
        .bind(o.escalation_route.clone())
        .bind(o.helpdesk.clone())
        .bind(o.offline_alternative.clone())
        .bind(o.reviewed_on.map(|d| d.to_string()))
        .execute(&mut *w.tx)
        .await?;
        let mut entry =
            AuditEntry::new(actor, "ownership.set").record("service", format!("{practice}/{}", o.service));
        if let Some(before) = &before {
            entry = entry.before(before);
        }
        append(&mut w.tx, self.backend, entry.practice(practice).after(o)).await?;
        w.commit().await
    }

    pub async fn training(&self, practice: &OdsCode) -> Result<Vec<Training>, StoreError> {
        let rows = sqlx::query(
            "SELECT staff_id, service, trained_on, trainer, confidence FROM training WHERE practice = $1 \
             ORDER BY service, staff_id",
        )
        .bind(practice.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let confidence: String = row.try_get("confidence")?;
                Ok(Training {
                    staff_id: uuid(&row.try_get::<String, _>("staff_id")?)?,
                    service: row.try_get("service")?,
                    trained_on: date(Some(row.try_get("trained_on")?))?.unwrap_or_default(),
                    trainer: row.try_get("trainer")?,
                    confidence: Confidence::parse(&confidence)
                        .ok_or_else(|| StoreError::Corrupt(format!("confidence {confidence:?}")))?,
                })
            })
            .collect()
    }

    /// Records (or updates) that a member of staff is trained in a service.
    pub async fn record_training(
        &self,
        practice: &OdsCode,
        t: &Training,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let trainer = t.trainer.trim();
        if trainer.is_empty() || trainer.chars().count() > 120 {
            return Err(ValidationErrors::single(
                "trainer",
                "Say who trained them or which course, in up to 120 characters",
            )
            .into());
        }
        ValidationErrors::check(check_free_text("trainer", "The trainer", trainer, FreeText::LINE))?;
        if !self.staff(practice).await?.iter().any(|m| m.id == t.staff_id) {
            return Err(StoreError::NotFound(format!("staff member {} at {practice}", t.staff_id)));
        }
        if !self.services(practice).await?.iter().any(|s| s.code == t.service) {
            return Err(StoreError::NotFound(format!("service {} at {practice}", t.service)));
        }
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO training (practice, staff_id, service, trained_on, trainer, confidence) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (staff_id, service) DO UPDATE SET trained_on = excluded.trained_on, trainer = excluded.trainer, \
             confidence = excluded.confidence",
        )
        .bind(practice.to_string())
        .bind(t.staff_id.to_string())
        .bind(t.service.clone())
        .bind(t.trained_on.to_string())
        .bind(trainer.to_owned())
        .bind(t.confidence.code().to_owned())
        .execute(&mut *w.tx)
        .await?;
        let entry = AuditEntry::new(actor, "training.record").record("staff", t.staff_id).practice(practice);
        append(&mut w.tx, self.backend, entry.after(t)).await?;
        w.commit().await
    }
}

pub(crate) fn date(text: Option<String>) -> Result<Option<Date>, StoreError> {
    text.map(|t| t.parse().map_err(|_| StoreError::Corrupt(format!("date {t:?}")))).transpose()
}
