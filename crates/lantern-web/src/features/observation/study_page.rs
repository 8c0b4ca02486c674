//! One study: who and where it observes, its coding template, its sessions, and the forms that start
//! a session (the observer picks whom to shadow) and pair two sessions for reliability.

use super::studies_page::{practice_names, sentence, staff_of, user_names, when, Person};
use crate::access::reach::study_in_reach;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::shell::Shell;
use crate::kit::{failure, render};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use lantern_core::access::Role;
use lantern_core::observation::{Dimension, SessionInfo};
use lantern_core::validation::FieldError;
use lantern_store::{ObservationError, StoreError, StudyRecord};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) struct SessionRow {
    pub id: Uuid,
    pub started: String,
    pub staff: String,
    pub practice: String,
    pub observer: String,
    pub ended: Option<String>,
    pub version: u32,
    /// "Pair 1", … when the session is in a reliability pair.
    pub pair: Option<String>,
    pub own: bool,
}

struct StaffGroup {
    practice: String,
    people: Vec<(Uuid, String)>,
}

#[derive(Template)]
#[template(path = "observation/study.html")]
struct StudyPage {
    shell: Shell,
    notice: Option<String>,
    errors: Vec<FieldError>,
    id: Uuid,
    name: String,
    practices: String,
    observers: String,
    dates: String,
    consent_note: String,
    version: u32,
    versions: String,
    dimensions: Vec<Dimension>,
    sessions: Vec<SessionRow>,
    observing: bool,
    staff: Vec<StaffGroup>,
    /// Sessions not yet in a pair, as (id, label), for the pairing form.
    unpaired: Vec<(Uuid, String)>,
    exports: bool,
}

impl StudyPage {
    fn error(&self, field: &str) -> Option<String> {
        crate::kit::field_errors::all(&self.errors, field)
    }
}

#[derive(Debug, Deserialize)]
pub struct StudyQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<StudyQuery>,
) -> Response {
    let notice = match query.done.as_deref() {
        Some("created") => {
            Some("The study is created. Start a session when you are with the member of staff.")
        }
        Some("template") => Some("The template is saved. New sessions are coded with it."),
        Some("unchanged") => Some("The template had no changes, so its version stays the same."),
        Some("paired") => Some("The two sessions are marked as a reliability pair."),
        _ => None,
    };
    respond(&state, &user, &id, StatusCode::OK, notice, Vec::new()).await
}

/// Opens a session observed by the person signed in, now, and goes to its capture page.
pub async fn start_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let record = study_in_reach(&state.store, &user, &id).await?;
    let people = staff_of(&state.store, &record.study.practices).await?;
    let chosen = form.one("staff").and_then(|s| Uuid::parse_str(&s).ok());
    let Some((staff, person)) = chosen.and_then(|s| people.get(&s).map(|p| (s, p))) else {
        let error = FieldError::new("staff", "Choose the member of staff you are observing");
        return Ok(respond(&state, &user, &id, StatusCode::UNPROCESSABLE_ENTITY, None, vec![error]).await);
    };
    let info = SessionInfo {
        id: Uuid::now_v7(),
        study: record.study.id,
        practice: person.practice.clone(),
        observer: user.user.id,
        staff,
        started_at: Timestamp::now(),
    };
    Ok(match state.store.start_session(info, &user.actor()).await {
        Ok((session, _)) => Redirect::to(&format!("/observe/sessions/{}", session.info.id)).into_response(),
        Err(error) => refused(&state, &user, &id, "staff", error).await,
    })
}

/// Marks two sessions as two observers shadowing the same person at the same time.
pub async fn pair(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let record = study_in_reach(&state.store, &user, &id).await?;
    let session = |field: &str| form.one(field).and_then(|s| Uuid::parse_str(&s).ok());
    let (Some(first), Some(second)) = (session("first"), session("second")) else {
        let error = FieldError::new("first", "Choose two sessions");
        return Ok(respond(&state, &user, &id, StatusCode::UNPROCESSABLE_ENTITY, None, vec![error]).await);
    };
    Ok(match state.store.pair_sessions(record.study.id, first, second, &user.actor()).await {
        Ok(_) => Redirect::to(&format!("/observe/studies/{id}?done=paired#sessions")).into_response(),
        Err(error) => refused(&state, &user, &id, "first", error).await,
    })
}

/// The study page again, with the store's reason on `field`; failures that are not about the form
/// get the error page.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    field: &str,
    error: ObservationError,
) -> Response {
    let message = match error {
        ObservationError::Study(e) => e.to_string(),
        ObservationError::Pair(e) => e.to_string(),
        ObservationError::Store(StoreError::Invalid(errors)) => {
            errors.0.into_iter().map(|e| e.message).collect::<Vec<_>>().join(". ")
        }
        ObservationError::Store(StoreError::Conflict(message) | StoreError::NotFound(message)) => message,
        other => return failure::page(other.into()),
    };
    let errors = vec![FieldError::new(field, sentence(&message))];
    respond(state, user, id, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await
}

async fn respond(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    status: StatusCode,
    notice: Option<&str>,
    errors: Vec<FieldError>,
) -> Response {
    let built = async {
        let record = study_in_reach(&state.store, user, id).await?;
        page(state, user, record, notice, errors).await
    };
    match built.await {
        Ok(page) => (status, render(&page)).into_response(),
        Err(error) => failure::page(error),
    }
}

/// The study's sessions as rows, oldest first, with pairs numbered in the order they first appear.
pub(super) async fn session_rows(
    state: &AppState,
    user: &CurrentUser,
    record: &StudyRecord,
    people: &HashMap<Uuid, Person>,
) -> Result<Vec<SessionRow>, ApiError> {
    let users = user_names(&state.store).await?;
    let mut pairs: Vec<Uuid> = Vec::new();
    let sessions = state.store.observation_sessions(record.study.id).await?;
    Ok(sessions
        .into_iter()
        .map(|s| {
            let pair = s.reliability_pair.map(|p| {
                let n = pairs.iter().position(|q| *q == p).unwrap_or_else(|| {
                    pairs.push(p);
                    pairs.len() - 1
                });
                format!("Pair {}", n + 1)
            });
            let staff = people.get(&s.info.staff).map_or_else(
                || "Someone no longer listed".to_owned(),
                |p| format!("{} ({})", p.name, p.role),
            );
            SessionRow {
                id: s.info.id,
                started: when(s.info.started_at),
                staff,
                practice: s.info.practice.to_string(),
                observer: users.get(&s.info.observer).cloned().unwrap_or_else(|| "Unknown".into()),
                ended: s.ended_at.map(when),
                version: s.template_version,
                pair,
                own: s.info.observer == user.user.id,
            }
        })
        .collect())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    record: StudyRecord,
    notice: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<StudyPage, ApiError> {
    let study = &record.study;
    let mut shell = Shell::for_user(state, user, &study.name, "/observe").await?;
    shell.has_errors = !errors.is_empty();
    shell.title_prefix = notice.map(|_| "Saved".to_owned()).unwrap_or_default();
    let names = practice_names(&state.store).await?;
    let users = user_names(&state.store).await?;
    let people = staff_of(&state.store, &study.practices).await?;
    let sessions = session_rows(state, user, &record, &people).await?;
    let mut staff = Vec::new();
    for code in &study.practices {
        let mut group: Vec<(Uuid, String)> = people
            .iter()
            .filter(|(_, p)| p.practice == *code && p.active)
            .map(|(id, p)| (*id, format!("{} ({})", p.name, p.role)))
            .collect();
        group.sort_by(|a, b| a.1.cmp(&b.1));
        let practice = names.get(code).map_or_else(|| code.to_string(), |n| format!("{n} ({code})"));
        staff.push(StaffGroup { practice, people: group });
    }
    let unpaired = sessions
        .iter()
        .filter(|s| s.pair.is_none())
        .map(|s| (s.id, format!("{}, {}, observed by {}", s.staff, s.started, s.observer)))
        .collect();
    let practices: Vec<String> = study
        .practices
        .iter()
        .map(|p| names.get(p).map_or_else(|| p.to_string(), |n| format!("{n} ({p})")))
        .collect();
    let observers: Vec<String> =
        study.observers.iter().map(|o| users.get(o).cloned().unwrap_or_else(|| o.to_string())).collect();
    let versions: Vec<String> = record.template_versions.iter().map(ToString::to_string).collect();
    Ok(StudyPage {
        shell,
        notice: notice.map(str::to_owned),
        errors,
        id: study.id,
        name: study.name.clone(),
        practices: practices.join(", "),
        observers: observers.join(", "),
        dates: format!("{} to {}", long_date(study.starts_on), long_date(study.ends_on)),
        consent_note: study.consent_note.clone(),
        version: study.template.version(),
        versions: versions.join(", "),
        dimensions: study.template.dimensions().to_vec(),
        sessions,
        observing: study.observers.contains(&user.user.id),
        staff,
        unpaired,
        exports: user.role() == Role::Researcher,
    })
}
