//! The written digital support strategy (versions, sign-off) and read-and-sign acknowledgements.

use crate::audit::append;
use crate::ownership::date;
use crate::rows::time;
use crate::{Store, StoreError};
use jiff::civil::Date;
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::identity::{check_free_text, FreeText};
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use lantern_core::strategy::StrategyVersion;
use lantern_core::validation::ValidationErrors;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

fn version(row: &AnyRow) -> Result<StrategyVersion, StoreError> {
    Ok(StrategyVersion {
        version: row.try_get("version")?,
        body: row.try_get("body")?,
        created_by: row.try_get("created_by")?,
        created_at: time(row, "created_at")?,
        review_by: date(Some(row.try_get("review_by")?))?.unwrap_or_default(),
        signed_off_by: row.try_get("signed_off_by")?,
        signed_off_at: match row.try_get::<Option<String>, _>("signed_off_at")? {
            Some(_) => Some(time(row, "signed_off_at")?),
            None => None,
        },
    })
}

/// Someone who has read and signed a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Acknowledgement {
    pub user_id: Uuid,
    pub at: Timestamp,
}

impl Store {
    /// Every version, newest first.
    pub async fn strategy_versions(&self, practice: &OdsCode) -> Result<Vec<StrategyVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, body, created_by, created_at, review_by, signed_off_by, signed_off_at \
             FROM strategy_versions WHERE practice = $1 ORDER BY version DESC",
        )
        .bind(practice.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version).collect()
    }

    /// The newest signed-off version: the practice's strategy in force.
    pub async fn current_strategy(&self, practice: &OdsCode) -> Result<Option<StrategyVersion>, StoreError> {
        Ok(self.strategy_versions(practice).await?.into_iter().find(|v| v.signed_off_at.is_some()))
    }

    /// Saves a draft version.
    pub async fn save_strategy(
        &self,
        practice: &OdsCode,
        body: &str,
        review_by: Date,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        if body.trim().is_empty() || body.chars().count() > 100_000 {
            return Err(
                ValidationErrors::single("body", "The strategy must have 1 to 100,000 characters").into()
            );
        }
        ValidationErrors::check(check_free_text("body", "The strategy", body, FreeText::DOCUMENT))?;
        let mut w = self.begin_write().await?;
        let row =
            sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM strategy_versions WHERE practice = $1")
                .bind(practice.to_string())
                .fetch_one(&mut *w.tx)
                .await?;
        let next = row.try_get::<i64, _>("v")? + 1;
        sqlx::query(
            "INSERT INTO strategy_versions (practice, version, body, created_by, created_at, review_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(practice.to_string())
        .bind(next)
        .bind(body.to_owned())
        .bind(actor.username.clone())
        .bind(storage_time(Timestamp::now()))
        .bind(review_by.to_string())
        .execute(&mut *w.tx)
        .await?;
        let entry = AuditEntry::new(actor, "strategy.save")
            .record("strategy", format!("{practice}/{next}"))
            .practice(practice);
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await?;
        Ok(next)
    }

    /// A practice manager signs a version off, making it the strategy in force.
    pub async fn sign_off_strategy(
        &self,
        practice: &OdsCode,
        version: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE strategy_versions SET signed_off_by = $1, signed_off_at = $2 \
             WHERE practice = $3 AND version = $4 AND signed_off_at IS NULL",
        )
        .bind(actor.username.clone())
        .bind(storage_time(Timestamp::now()))
        .bind(practice.to_string())
        .bind(version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "version {version} does not exist or is already signed off"
            )));
        }
        let entry =
            AuditEntry::new(actor, "strategy.sign_off").record("strategy", format!("{practice}/{version}"));
        append(&mut w.tx, self.backend, entry.practice(practice)).await?;
        w.commit().await
    }

    /// Records that a user has read and signed a document version (once; again is a no-op).
    pub async fn acknowledge(
        &self,
        user_id: Uuid,
        document_type: &str,
        document_id: &str,
        version: i64,
        practice: Option<&OdsCode>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO acknowledgements (user_id, document_type, document_id, version, at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id, document_type, document_id, version) DO NOTHING",
        )
        .bind(user_id.to_string())
        .bind(document_type.to_owned())
        .bind(document_id.to_owned())
        .bind(version)
        .bind(storage_time(Timestamp::now()))
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() > 0 {
            let mut entry = AuditEntry::new(actor, "acknowledge")
                .record(document_type, format!("{document_id}/{version}"));
            if let Some(practice) = practice {
                entry = entry.practice(practice);
            }
            append(&mut w.tx, self.backend, entry).await?;
        }
        w.commit().await
    }

    pub async fn acknowledgements(
        &self,
        document_type: &str,
        document_id: &str,
        version: i64,
    ) -> Result<Vec<Acknowledgement>, StoreError> {
        let rows = sqlx::query(
            "SELECT user_id, at FROM acknowledgements WHERE document_type = $1 AND document_id = $2 AND version = $3 ORDER BY at",
        )
        .bind(document_type.to_owned())
        .bind(document_id.to_owned())
        .bind(version)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Acknowledgement {
                    user_id: crate::rows::uuid(&row.try_get::<String, _>("user_id")?)?,
                    at: time(row, "at")?,
                })
            })
            .collect()
    }
}
