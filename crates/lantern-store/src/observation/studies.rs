//! Studies and their templates. Editing a template stores a new version beside the old ones, never
//! over them, because sessions already coded against a version must still be read with it.

use super::rows::{day, template, to_json, version};
use super::{actor_user, for_update, not_found, ObservationError, StudyRecord};
use crate::audit::append;
use crate::rows::{ods, time, uuid};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::observation::{Dimension, Study, Template};
use lantern_core::record::storage_time;
use sqlx::any::Any;
use sqlx::{Row, Transaction};
use uuid::Uuid;

impl Store {
    /// Stores a new study (checked like a form) with its template as the first stored version.
    pub async fn create_study(&self, study: Study, actor: &Actor) -> Result<StudyRecord, ObservationError> {
        let mut study = study.validate()?;
        study.practices = dedup(study.practices);
        study.observers = dedup(study.observers);
        let now = storage_time(Timestamp::now());
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO observation_studies (id, name, starts_on, ends_on, consent_note, template_version, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(study.id.to_string())
        .bind(study.name.clone())
        .bind(study.starts_on.to_string())
        .bind(study.ends_on.to_string())
        .bind(study.consent_note.clone())
        .bind(i64::from(study.template.version()))
        .bind(actor_user(actor).map(|id| id.to_string()))
        .bind(now.clone())
        .execute(&mut *w.tx)
        .await?;
        for (position, practice) in study.practices.iter().enumerate() {
            sqlx::query(
                "INSERT INTO observation_study_practices (study, practice, position) VALUES ($1, $2, $3)",
            )
            .bind(study.id.to_string())
            .bind(practice.to_string())
            .bind(position as i64)
            .execute(&mut *w.tx)
            .await?;
        }
        for (position, observer) in study.observers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO observation_study_observers (study, user_id, position) VALUES ($1, $2, $3)",
            )
            .bind(study.id.to_string())
            .bind(observer.to_string())
            .bind(position as i64)
            .execute(&mut *w.tx)
            .await?;
        }
        insert_template(&mut w.tx, study.id, &study.template, actor).await?;
        append(&mut w.tx, self.backend, study_entry(actor, &study, "observation.study.create")).await?;
        w.commit().await?;
        Ok(self.study(study.id).await?)
    }

    /// A study with its current template.
    pub async fn study(&self, id: Uuid) -> Result<StudyRecord, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, starts_on, ends_on, consent_note, template_version, created_by, created_at \
             FROM observation_studies WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| not_found("study", id))?;
        let practices = sqlx::query(
            "SELECT practice FROM observation_study_practices WHERE study = $1 ORDER BY position",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| ods(&r.try_get::<String, _>("practice")?))
        .collect::<Result<_, _>>()?;
        let observers =
            sqlx::query("SELECT user_id FROM observation_study_observers WHERE study = $1 ORDER BY position")
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| uuid(&r.try_get::<String, _>("user_id")?))
                .collect::<Result<_, _>>()?;
        let templates = self.templates(id).await?;
        let current = version(row.try_get("template_version")?)?;
        let template =
            templates.iter().find(|t| t.version() == current).cloned().ok_or_else(|| {
                StoreError::Corrupt(format!("study {id} has no template version {current}"))
            })?;
        let created_by: Option<String> = row.try_get("created_by")?;
        Ok(StudyRecord {
            study: Study {
                id,
                name: row.try_get("name")?,
                practices,
                observers,
                starts_on: day(row.try_get("starts_on")?)?,
                ends_on: day(row.try_get("ends_on")?)?,
                consent_note: row.try_get("consent_note")?,
                template,
            },
            created_by: created_by.as_deref().map(uuid).transpose()?,
            created_at: time(&row, "created_at")?,
            template_versions: templates.iter().map(Template::version).collect(),
        })
    }

    /// Every study, newest first. Callers keep to the studies whose practices the user may reach.
    pub async fn studies(&self) -> Result<Vec<StudyRecord>, StoreError> {
        let rows = sqlx::query("SELECT id FROM observation_studies ORDER BY created_at DESC, id DESC")
            .fetch_all(&self.pool)
            .await?;
        let mut studies = Vec::with_capacity(rows.len());
        for row in &rows {
            studies.push(self.study(uuid(&row.try_get::<String, _>("id")?)?).await?);
        }
        Ok(studies)
    }

    /// Every version of a study's template, oldest first.
    pub async fn templates(&self, study: Uuid) -> Result<Vec<Template>, StoreError> {
        let rows =
            sqlx::query("SELECT template_json FROM observation_templates WHERE study = $1 ORDER BY version")
                .bind(study.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| template(&r.try_get::<String, _>("template_json")?)).collect()
    }

    /// One version of a study's template.
    pub async fn template(&self, study: Uuid, version: u32) -> Result<Template, StoreError> {
        let row =
            sqlx::query("SELECT template_json FROM observation_templates WHERE study = $1 AND version = $2")
                .bind(study.to_string())
                .bind(i64::from(version))
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("template version {version} of study {study}"))
                })?;
        template(&row.try_get::<String, _>("template_json")?)
    }

    /// Replaces the study's dimensions as a new template version, which new sessions are coded with.
    /// Dimensions equal to the current ones change nothing.
    pub async fn revise_template(
        &self,
        study: Uuid,
        dimensions: Vec<Dimension>,
        actor: &Actor,
    ) -> Result<StudyRecord, ObservationError> {
        let mut w = self.begin_write().await?;
        let lock = for_update(self.backend);
        let row =
            sqlx::query(&format!("SELECT template_version FROM observation_studies WHERE id = $1{lock}"))
                .bind(study.to_string())
                .fetch_optional(&mut *w.tx)
                .await?
                .ok_or_else(|| not_found("study", study))?;
        let current_version = version(row.try_get("template_version")?)?;
        let current =
            sqlx::query("SELECT template_json FROM observation_templates WHERE study = $1 AND version = $2")
                .bind(study.to_string())
                .bind(i64::from(current_version))
                .fetch_one(&mut *w.tx)
                .await?;
        let current = template(&current.try_get::<String, _>("template_json")?)?;
        let revised = current.revise(dimensions)?;
        if revised.version() != current.version() {
            insert_template(&mut w.tx, study, &revised, actor).await?;
            sqlx::query("UPDATE observation_studies SET template_version = $1 WHERE id = $2")
                .bind(i64::from(revised.version()))
                .bind(study.to_string())
                .execute(&mut *w.tx)
                .await?;
            let codes: Vec<&str> = revised.dimensions().iter().map(|d| d.code.as_str()).collect();
            let entry = AuditEntry::new(actor, "observation.template.revise")
                .record("observation_study", study)
                .before(&serde_json::json!({ "version": current.version() }))
                .after(&serde_json::json!({ "version": revised.version(), "dimensions": codes }));
            append(&mut w.tx, self.backend, entry).await?;
            w.commit().await?;
        }
        Ok(self.study(study).await?)
    }
}

async fn insert_template(
    tx: &mut Transaction<'static, Any>,
    study: Uuid,
    template: &Template,
    actor: &Actor,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO observation_templates (study, version, template_json, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(study.to_string())
    .bind(i64::from(template.version()))
    .bind(to_json(template)?)
    .bind(actor.user_id.clone())
    .bind(storage_time(Timestamp::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the trail keeps of a study: who, where and when, not the wording of its consent note.
fn study_entry(actor: &Actor, study: &Study, action: &str) -> AuditEntry {
    let mut entry = AuditEntry::new(actor, action).record("observation_study", study.id);
    if let [only] = study.practices.as_slice() {
        entry = entry.practice(only);
    }
    entry.after(&serde_json::json!({
        "name": study.name,
        "practices": study.practices,
        "observers": study.observers,
        "starts_on": study.starts_on,
        "ends_on": study.ends_on,
        "consent_note_chars": study.consent_note.chars().count(),
        "template_version": study.template.version(),
        "dimensions": study.template.dimensions().len(),
    }))
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}
