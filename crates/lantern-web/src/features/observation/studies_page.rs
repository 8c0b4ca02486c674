//! Observation studies, as pages: the researcher's studies and a form to start one, and what the other
//! observation pages share (the study boundary, names for people, times as the practice reads them).
//! The capture page itself records through the JSON API; these pages only open and describe.

use crate::auth::CurrentUser;
use crate::clock::today;
use crate::http::error::ApiError;
use crate::kit::choices::ChoiceGroup;
use crate::kit::csrf::CheckedForm;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use lantern_core::access::Role;
use lantern_core::observation::{Study, Template as Coding};
use lantern_core::ods::OdsCode;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::{ObservationError, Store, StoreError};
use std::collections::HashMap;
use uuid::Uuid;

/// A member of staff who can be observed, with the practice they work at.
pub(super) struct Person {
    pub name: String,
    pub role: String,
    pub practice: OdsCode,
    pub active: bool,
}

/// Everyone on the staff lists of these practices, by id: sessions name who was observed.
pub(super) async fn staff_of(
    store: &Store,
    practices: &[OdsCode],
) -> Result<HashMap<Uuid, Person>, ApiError> {
    let mut people = HashMap::new();
    for code in practices {
        for m in store.settings(code).await?.staff {
            let role = lantern_core::taxonomy::STAFF_ROLES.label(&m.role).to_owned();
            people
                .insert(m.id, Person { name: m.display_name, role, practice: m.practice, active: m.active });
        }
    }
    Ok(people)
}

/// Display names of Lantern's users, by id: studies name their observers.
pub(super) async fn user_names(store: &Store) -> Result<HashMap<Uuid, String>, ApiError> {
    Ok(store.users().await?.into_iter().map(|u| (u.id, u.display_name)).collect())
}

/// Practice names by code, for the practices a study covers.
pub(super) async fn practice_names(store: &Store) -> Result<HashMap<OdsCode, String>, ApiError> {
    Ok(store.list_practices().await?.into_iter().map(|(p, _)| (p.ods_code, p.name)).collect())
}

/// "2 March 2026 at 09:15".
pub(super) fn when(at: Timestamp) -> String {
    crate::kit::dates::long_time(at)
}

/// The store's reasons start in lower case, to sit inside longer messages; alone they start a sentence.
pub(super) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Researchers and administrators who reach every one of `practices`: those a study may name as
/// observers, since an observer who could not open the study could not record its sessions.
async fn possible_observers(store: &Store, practices: &[OdsCode]) -> Result<Vec<(Uuid, String)>, ApiError> {
    let all: Vec<_> = store.list_practices().await?.into_iter().map(|(p, _)| p).collect();
    Ok(store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && matches!(u.role, Role::Researcher | Role::Admin))
        .filter(|u| {
            let reach = u.visible_practices(&all);
            practices.iter().all(|p| reach.contains(p))
        })
        .map(|u| (u.id, u.display_name))
        .collect())
}

struct StudyRow {
    id: Uuid,
    name: String,
    practices: String,
    dates: String,
    sessions: usize,
    observing: bool,
}

/// What the create form was given, kept to show again beside its errors.
#[derive(Default)]
struct Draft {
    name: String,
    practices: Vec<String>,
    observers: Vec<String>,
    starts_on: String,
    ends_on: String,
    consent_note: String,
}

#[derive(Template)]
#[template(path = "observation/studies.html")]
struct ListPage {
    shell: Shell,
    studies: Vec<StudyRow>,
    errors: Vec<FieldError>,
    draft: Draft,
    practices: ChoiceGroup,
    observers: ChoiceGroup,
}

impl ListPage {
    fn error(&self, field: &str) -> Option<String> {
        crate::kit::field_errors::all(&self.errors, field)
    }
}

/// The form's fields top to bottom, the order the error summary lists problems in.
const FORM_ORDER: [&str; 6] = ["name", "practices", "observers", "starts_on", "ends_on", "consent_note"];

pub async fn list(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
) -> Response {
    let draft = Draft {
        observers: vec![user.user.id.to_string()],
        starts_on: today().to_string(),
        ends_on: today().checked_add(4.weeks()).map(|d| d.to_string()).unwrap_or_default(),
        practices: match user.practices.as_slice() {
            [only] => vec![only.to_string()],
            _ => Vec::new(),
        },
        ..Draft::default()
    };
    respond(StatusCode::OK, page(&state, &user, draft, Vec::new()).await)
}

pub async fn create(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let draft = Draft {
        name: form.one("name").unwrap_or_default(),
        practices: form.all("practices"),
        observers: form.all("observers"),
        starts_on: form.one("starts_on").unwrap_or_default(),
        ends_on: form.one("ends_on").unwrap_or_default(),
        consent_note: form.one("consent_note").unwrap_or_default().replace("\r\n", "\n"),
    };
    match save(&state, &user, &draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/observe/studies/{id}?done=created")).into_response()),
        Err(ApiError::Invalid(ValidationErrors(errors))) => {
            Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, draft, errors).await))
        }
        Err(error) => Err(error.into()),
    }
}

/// Checks the form as the API checks a new study (every problem at once) and stores it with the
/// default template, which the study page can then revise.
async fn save(state: &AppState, user: &CurrentUser, draft: &Draft) -> Result<Uuid, ApiError> {
    let mut errors = Vec::new();
    let practices: Vec<OdsCode> = draft
        .practices
        .iter()
        .filter_map(|raw| OdsCode::parse(raw).ok().filter(|p| user.can_reach(p)))
        .collect();
    if practices.len() != draft.practices.len() {
        errors.push(FieldError::new("practices", "Choose only practices you are linked to"));
    }
    let allowed = possible_observers(&state.store, &practices).await?;
    let mut observers = Vec::new();
    for raw in &draft.observers {
        match Uuid::parse_str(raw).ok().filter(|id| allowed.iter().any(|(a, _)| a == id)) {
            Some(id) => observers.push(id),
            None => errors.push(FieldError::new(
                "observers",
                "Choose observers who are researchers able to see every practice of the study",
            )),
        }
    }
    let mut date = |field: &str, raw: &str| match raw.trim().parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(field, "Enter a date like 2026-03-31"));
            None
        }
    };
    let (starts_on, ends_on) = (date("starts_on", &draft.starts_on), date("ends_on", &draft.ends_on));
    let study = Study {
        id: Uuid::now_v7(),
        name: draft.name.clone(),
        practices,
        observers,
        starts_on: starts_on.unwrap_or_default(),
        ends_on: ends_on.or(starts_on).unwrap_or_default(),
        consent_note: draft.consent_note.clone(),
        template: Coding::default_template(),
    };
    if !errors.is_empty() {
        if let Err(more) = study.validate() {
            let reported: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
            errors.extend(more.0.into_iter().filter(|e| !reported.contains(&e.field)));
        }
        return Err(ApiError::Invalid(ValidationErrors(errors)));
    }
    match state.store.create_study(study, &user.actor()).await {
        Ok(record) => Ok(record.study.id),
        Err(ObservationError::Store(StoreError::Invalid(errors))) => Err(ApiError::Invalid(errors)),
        Err(other) => Err(other.into()),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    draft: Draft,
    mut errors: Vec<FieldError>,
) -> Result<ListPage, ApiError> {
    let mut shell = Shell::for_user(state, user, "Observation studies", "/observe").await?;
    shell.has_errors = !errors.is_empty();
    errors.sort_by_key(|e| FORM_ORDER.iter().position(|f| *f == e.field).unwrap_or(FORM_ORDER.len()));
    let names = practice_names(&state.store).await?;
    let mut studies = Vec::new();
    for record in state.store.studies().await? {
        if !crate::access::reach::may_read(user, &record) {
            continue;
        }
        let s = &record.study;
        let practices: Vec<String> =
            s.practices.iter().map(|p| names.get(p).map_or_else(|| p.to_string(), Clone::clone)).collect();
        studies.push(StudyRow {
            id: s.id,
            name: s.name.clone(),
            practices: practices.join(", "),
            dates: format!("{} to {}", long_date(s.starts_on), long_date(s.ends_on)),
            sessions: state.store.observation_sessions(s.id).await?.len(),
            observing: s.observers.contains(&user.user.id),
        });
    }
    let mut reachable: Vec<(OdsCode, String)> =
        names.into_iter().filter(|(code, _)| user.can_reach(code)).collect();
    reachable.sort();
    let options = reachable.iter().map(|(code, name)| (code.to_string(), format!("{name} ({code})")));
    let practices =
        ChoiceGroup::new("practices", "Practices observed", options, &draft.practices, usize::MAX);
    // Anyone who reaches at least one of the user's practices may be picked; the save checks they
    // reach every practice chosen.
    let mut candidates = Vec::new();
    for (code, _) in &reachable {
        for found in possible_observers(&state.store, std::slice::from_ref(code)).await? {
            if !candidates.contains(&found) {
                candidates.push(found);
            }
        }
    }
    let options = candidates.into_iter().map(|(id, name)| {
        let label = if id == user.user.id { format!("{name} (you)") } else { name };
        (id.to_string(), label)
    });
    let observers = ChoiceGroup::new("observers", "Observers", options, &draft.observers, usize::MAX);
    let error = |field: &str| {
        let found: Vec<&str> =
            errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
        (!found.is_empty()).then(|| found.join(". "))
    };
    let practices = practices.with_error(error("practices").as_deref());
    let observers = observers.with_error(error("observers").as_deref());
    Ok(ListPage { shell, studies, errors, draft, practices, observers })
}
