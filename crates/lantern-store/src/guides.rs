//! The practice's staff guides: versioned, each version with its author, and approved with a review date.

use crate::audit::append;
use crate::ownership::date;
use crate::rows::{time, uuid};
use crate::sql::{join_codes, split_codes};
use crate::{Store, StoreError};
use jiff::civil::Date;
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::guides::STARTER_GUIDES;
use lantern_core::guides::{Guide, GuideDraft};
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

const COLUMNS: &str = "g.id, g.starter_slug, v.version, v.title, v.services, v.tasks, v.body, v.author, \
    v.written_at, v.review_by, v.approved_by, v.approved_at";

fn guide(row: &AnyRow) -> Result<Guide, StoreError> {
    Ok(Guide {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        version: row.try_get("version")?,
        title: row.try_get("title")?,
        services: split_codes(&row.try_get::<String, _>("services")?),
        tasks: split_codes(&row.try_get::<String, _>("tasks")?),
        body: row.try_get("body")?,
        author: row.try_get("author")?,
        written_at: time(row, "written_at")?,
        review_by: date(Some(row.try_get("review_by")?))?.unwrap_or_default(),
        approved_by: row.try_get("approved_by")?,
        approved_at: match row.try_get::<Option<String>, _>("approved_at")? {
            Some(_) => Some(time(row, "approved_at")?),
            None => None,
        },
        starter: row.try_get("starter_slug")?,
    })
}

impl Store {
    /// Copies Lantern's starter guides into the practice (once each), unapproved and due for review
    /// today, so they show as "review for your practice" until someone approves them.
    pub async fn install_starter_guides(
        &self,
        practice: &OdsCode,
        today: Date,
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        let services: Vec<String> = self.services(practice).await?.into_iter().map(|s| s.code).collect();
        let mut w = self.begin_write().await?;
        let mut installed = 0;
        for starter in STARTER_GUIDES {
            let exists = sqlx::query("SELECT 1 AS x FROM guides WHERE practice = $1 AND starter_slug = $2")
                .bind(practice.to_string())
                .bind(starter.slug.to_owned())
                .fetch_optional(&mut *w.tx)
                .await?;
            if exists.is_some() {
                continue;
            }
            let id = Uuid::now_v7();
            let now = storage_time(Timestamp::now());
            sqlx::query("INSERT INTO guides (id, practice, current_version, starter_slug, created_at) VALUES ($1, $2, 1, $3, $4)")
                .bind(id.to_string())
                .bind(practice.to_string())
                .bind(starter.slug.to_owned())
                .bind(now.clone())
                .execute(&mut *w.tx)
                .await?;
            let services: Vec<&str> =
                starter.services.iter().copied().filter(|s| services.iter().any(|p| p == s)).collect();
            insert_version(
                &mut w,
                id,
                1,
                starter.title,
                &services,
                starter.tasks,
                starter.body,
                "Lantern",
                today,
            )
            .await?;
            installed += 1;
        }
        if installed > 0 {
            let entry = AuditEntry::new(actor, "guides.install_starters").practice(practice);
            append(&mut w.tx, self.backend, entry.after(&serde_json::json!({ "installed": installed })))
                .await?;
        }
        w.commit().await?;
        Ok(installed)
    }

    /// The practice's guides, current versions, optionally only those whose title or text contains
    /// every word of `search` (case-insensitive).
    pub async fn guides(&self, practice: &OdsCode, search: Option<&str>) -> Result<Vec<Guide>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM guides g JOIN guide_versions v ON v.guide_id = g.id AND v.version = g.current_version \
             WHERE g.practice = $1 ORDER BY v.title"
        );
        let rows = sqlx::query(&sql).bind(practice.to_string()).fetch_all(&self.pool).await?;
        let all = rows.iter().map(guide).collect::<Result<Vec<_>, _>>()?;
        let words: Vec<String> =
            search.unwrap_or_default().split_whitespace().map(str::to_lowercase).collect();
        Ok(all
            .into_iter()
            .filter(|g| {
                let text = format!("{} {}", g.title, g.body).to_lowercase();
                words.iter().all(|w| text.contains(w))
            })
            .collect())
    }

    /// One guide with the practice it belongs to.
    pub async fn guide(&self, id: Uuid) -> Result<(OdsCode, Guide), StoreError> {
        let sql = format!(
            "SELECT g.practice, {COLUMNS} FROM guides g JOIN guide_versions v ON v.guide_id = g.id \
             AND v.version = g.current_version WHERE g.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("guide {id}")))?;
        let practice = crate::rows::ods(&row.try_get::<String, _>("practice")?)?;
        Ok((practice, guide(&row)?))
    }

    pub async fn guide_history(&self, id: Uuid) -> Result<Vec<Guide>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM guides g JOIN guide_versions v ON v.guide_id = g.id WHERE g.id = $1 ORDER BY v.version"
        );
        let rows = sqlx::query(&sql).bind(id.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(guide).collect()
    }

    /// Writes a new guide, or a new version of `id`; a new version needs approving again.
    pub async fn save_guide(
        &self,
        practice: &OdsCode,
        id: Option<Uuid>,
        draft: &GuideDraft,
        actor: &Actor,
    ) -> Result<Guide, StoreError> {
        let review_by = draft.check(&self.services(practice).await?)?;
        let mut w = self.begin_write().await?;
        let (id, version) = match id {
            Some(id) => {
                let row = sqlx::query("SELECT practice, current_version FROM guides WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&mut *w.tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("guide {id}")))?;
                if row.try_get::<String, _>("practice")? != practice.as_str() {
                    return Err(StoreError::NotFound(format!("guide {id}")));
                }
                let version = row.try_get::<i64, _>("current_version")? + 1;
                sqlx::query("UPDATE guides SET current_version = $1 WHERE id = $2")
                    .bind(version)
                    .bind(id.to_string())
                    .execute(&mut *w.tx)
                    .await?;
                (id, version)
            }
            None => {
                let id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO guides (id, practice, current_version, created_at) VALUES ($1, $2, 1, $3)",
                )
                .bind(id.to_string())
                .bind(practice.to_string())
                .bind(storage_time(Timestamp::now()))
                .execute(&mut *w.tx)
                .await?;
                (id, 1)
            }
        };
        let services: Vec<&str> = draft.services.iter().map(String::as_str).collect();
        let tasks: Vec<&str> = draft.tasks.iter().map(String::as_str).collect();
        insert_version(
            &mut w,
            id,
            version,
            draft.title.trim(),
            &services,
            &tasks,
            &draft.body,
            &actor.username,
            review_by,
        )
        .await?;
        let entry = AuditEntry::new(actor, "guide.save").record("guide", id).practice(practice);
        append(
            &mut w.tx,
            self.backend,
            entry.after(&serde_json::json!({ "version": version, "title": draft.title })),
        )
        .await?;
        w.commit().await?;
        Ok(self.guide(id).await?.1)
    }

    /// Approves the current version (it must be `version`) with a review date.
    pub async fn approve_guide(
        &self,
        id: Uuid,
        version: i64,
        review_by: Date,
        actor: &Actor,
    ) -> Result<Guide, StoreError> {
        let (practice, current) = self.guide(id).await?;
        if current.version != version {
            return Err(StoreError::Conflict(format!(
                "guide {id} is at version {}, not {version}",
                current.version
            )));
        }
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE guide_versions SET approved_by = $1, approved_at = $2, review_by = $3 WHERE guide_id = $4 AND version = $5")
            .bind(actor.username.clone())
            .bind(storage_time(Timestamp::now()))
            .bind(review_by.to_string())
            .bind(id.to_string())
            .bind(version)
            .execute(&mut *w.tx)
            .await?;
        let entry = AuditEntry::new(actor, "guide.approve").record("guide", id).practice(&practice);
        append(
            &mut w.tx,
            self.backend,
            entry.after(&serde_json::json!({ "version": version, "review_by": review_by })),
        )
        .await?;
        w.commit().await?;
        Ok(self.guide(id).await?.1)
    }
}

#[expect(clippy::too_many_arguments, reason = "one column each; a struct would only rename them")]
async fn insert_version(
    w: &mut crate::WriteTx<'_>,
    id: Uuid,
    version: i64,
    title: &str,
    services: &[&str],
    tasks: &[&str],
    body: &str,
    author: &str,
    review_by: Date,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO guide_versions (guide_id, version, title, services, tasks, body, author, written_at, review_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(version)
    .bind(title.to_owned())
    .bind(join_codes(services))
    .bind(join_codes(tasks))
    .bind(body.to_owned())
    .bind(author.to_owned())
    .bind(storage_time(Timestamp::now()))
    .bind(review_by.to_string())
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}
