//! Creating, listing and reading studies, and revising their templates.

use super::{SessionView, StudyView};
use crate::access::reach::{may_read, study_in_reach};
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::http::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use jiff::civil::Date;
use lantern_core::access::Role;
use lantern_core::observation::{Dimension, Study, Template};
use lantern_core::ods::OdsCode;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::Store;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStudy {
    name: String,
    /// ODS codes of the practices observed; all must be in the caller's reach.
    practices: Vec<String>,
    /// User ids of the observers: researchers (or administrators) who reach every practice.
    observers: Vec<Uuid>,
    /// `YYYY-MM-DD`, UK local dates; sessions must start within them.
    starts_on: String,
    ends_on: String,
    /// How consent was obtained (staff observed, patient notices). Screened for patient identifiers.
    consent_note: String,
    /// The template's dimensions; by default What, With whom, How and Where.
    #[schema(value_type = Option<Vec<Object>>)]
    dimensions: Option<Vec<Dimension>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRevision {
    /// Each `{code, label, categories: [{code, label, digital_help}]}`. Codes use lower-case letters,
    /// digits, `_`, `-` or `+`; `no_task` is reserved.
    #[schema(value_type = Vec<Object>)]
    dimensions: Vec<Dimension>,
}

#[utoipa::path(get, path = "/api/v1/studies", tag = "observation",
    responses((status = 200, body = [StudyView], description = "Studies the caller made or observes (every study for administrators) whose practices are all in reach, newest first")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<StudyView>>, ApiError> {
    let studies = state.store.studies().await?;
    Ok(Json(studies.into_iter().filter(|r| may_read(&user, r)).map(|r| StudyView::new(r, None)).collect()))
}

#[utoipa::path(post, path = "/api/v1/studies", tag = "observation", request_body = NewStudy,
    description = "Creates a study with its template as version 1.",
    responses((status = 201, body = StudyView), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewStudy>,
) -> Result<impl IntoResponse, ApiError> {
    let mut errors = Vec::new();
    let mut practices = Vec::new();
    for raw in &input.practices {
        match scope::practice(&user, raw) {
            Ok(code) => practices.push(code),
            Err(_) => {
                errors.push(FieldError::new("practices", format!("No practice {raw} is set up for you")))
            }
        }
    }
    check_observers(&state.store, &input.observers, &practices, &mut errors).await?;
    let mut date = |field: &str, raw: &str| match raw.trim().parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(field, "Enter a date like 2026-03-31"));
            None
        }
    };
    let (starts_on, ends_on) = (date("starts_on", &input.starts_on), date("ends_on", &input.ends_on));
    let template = match input.dimensions {
        Some(dimensions) => Template::new(dimensions)
            .map_err(|e| errors.push(FieldError::new("dimensions", e.to_string())))
            .ok(),
        None => Some(Template::default_template()),
    };
    let study = Study {
        id: Uuid::now_v7(),
        name: input.name,
        practices,
        observers: input.observers,
        starts_on: starts_on.unwrap_or_default(),
        ends_on: ends_on.or(starts_on).unwrap_or_default(),
        consent_note: input.consent_note,
        template: template.unwrap_or_else(Template::default_template),
    };
    if !errors.is_empty() {
        // Report the form's own problems too, so everything can be put right at once.
        if let Err(more) = study.validate() {
            let reported: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
            errors.extend(more.0.into_iter().filter(|e| !reported.contains(&e.field)));
        }
        return Err(ApiError::Invalid(ValidationErrors(errors)));
    }
    let record = state.store.create_study(study, &user.actor()).await?;
    let location = format!("/api/v1/studies/{}", record.study.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(StudyView::new(record, Some(Vec::new())))))
}

/// Observers must be able to reach the study themselves, or they could not record its sessions.
async fn check_observers(
    store: &Store,
    observers: &[Uuid],
    practices: &[OdsCode],
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    let all: Vec<_> = store.list_practices().await?.into_iter().map(|(p, _)| p).collect();
    for id in observers {
        let user = match store.user(*id).await {
            Ok(user) => user,
            Err(lantern_store::StoreError::NotFound(_)) => {
                errors.push(FieldError::new("observers", format!("No user {id}")));
                continue;
            }
            Err(other) => return Err(other.into()),
        };
        let reach = user.visible_practices(&all);
        if !user.active || !matches!(user.role, Role::Researcher | Role::Admin) {
            errors
                .push(FieldError::new("observers", format!("{} is not an active researcher", user.username)));
        } else if !practices.iter().all(|p| reach.contains(p)) {
            let message = format!("{} cannot reach every practice of the study", user.username);
            errors.push(FieldError::new("observers", message));
        }
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/studies/{id}", tag = "observation", params(("id" = Uuid, Path)),
    responses((status = 200, body = StudyView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<StudyView>, ApiError> {
    let record = study_in_reach(&state.store, &user, &id).await?;
    let sessions = state.store.observation_sessions(record.study.id).await?;
    Ok(Json(StudyView::new(record, Some(sessions.iter().map(SessionView::from).collect()))))
}

#[utoipa::path(put, path = "/api/v1/studies/{id}/template", tag = "observation", request_body = TemplateRevision,
    params(("id" = Uuid, Path)),
    description = "Saves the dimensions as the next template version, which new sessions are coded with; sessions already started keep theirs. Unchanged dimensions keep the version.",
    responses((status = 200, body = StudyView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revise_template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TemplateRevision>,
) -> Result<Json<StudyView>, ApiError> {
    let record = study_in_reach(&state.store, &user, &id).await?;
    let revised = state.store.revise_template(record.study.id, input.dimensions, &user.actor()).await?;
    Ok(Json(StudyView::new(revised, None)))
}
