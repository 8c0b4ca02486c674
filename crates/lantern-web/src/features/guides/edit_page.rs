//! Writing a guide, or a new version of one. Every save is a new version that needs approving again,
//! so a change nobody has checked never reads as the practice's approved procedure.

use super::list_page::back_to;
use crate::access::reach::{chosen_practice, guide_in_reach as reachable};
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::clock::today;
use crate::http::error::ApiError;
use crate::kit::choices::ChoiceGroup;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::form::Form;
use crate::kit::message;
use crate::kit::practice::practice_not_found;
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lantern_core::guides::{GuideDraft, MAX_GUIDE_CHARS};
use lantern_core::ods::OdsCode;
use lantern_core::taxonomy::TASKS;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "guides/guide_edit.html")]
struct EditPage {
    shell: Shell,
    errors: Vec<FieldError>,
    action: String,
    cancel: String,
    practice_code: String,
    practice_name: String,
    /// The version being replaced (none for a new guide).
    version: Option<i64>,
    draft: GuideDraft,
    services: ChoiceGroup,
    tasks: ChoiceGroup,
    /// The length limit as people write it ("20,000").
    max_chars: String,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

/// The form's fields top to bottom, the order the error summary lists problems in.
const FORM_ORDER: [&str; 5] = ["title", "services", "tasks", "body", "review_by"];

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    practice: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NewQuery>,
) -> Response {
    let Some(code) = chosen_practice(&user, query.practice.as_deref()) else {
        return practice_not_found();
    };
    let review_by = today().checked_add(jiff::Span::new().years(1)).map(|d| d.to_string());
    let draft = GuideDraft { review_by: review_by.unwrap_or_default(), ..GuideDraft::default() };
    respond(StatusCode::OK, page(&state, &user, &code, None, draft, Vec::new()).await)
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = scope::practice(&user, &form.one("practice").unwrap_or_default())?;
    save_draft(&state, &user, &code, None, draft(&form)).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (code, guide) = reachable(&state.store, &user, &id).await?;
    let draft = GuideDraft {
        title: guide.title,
        services: guide.services,
        tasks: guide.tasks,
        body: guide.body,
        review_by: guide.review_by.to_string(),
    };
    let editing = Some((guide.id, guide.version));
    Ok(respond(StatusCode::OK, page(&state, &user, &code, editing, draft, Vec::new()).await))
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let (code, guide) = reachable(&state.store, &user, &id).await?;
    // Saving over a version the editor never saw would silently discard a colleague's change.
    if form.one("version").and_then(|v| v.parse::<i64>().ok()) != Some(guide.version) {
        return Ok(message(
            StatusCode::CONFLICT,
            "This guide has changed",
            "Someone saved a new version while you were editing. Copy your text, reload the guide and edit the new version.",
        ));
    }
    save_draft(&state, &user, &code, Some((guide.id, guide.version)), draft(&form)).await
}

fn draft(form: &Form) -> GuideDraft {
    GuideDraft {
        title: form.one("title").unwrap_or_default(),
        services: form.all("services"),
        tasks: form.all("tasks"),
        // Browsers send a textarea's lines with CRLF; guides are stored with plain newlines.
        body: form.one("body").unwrap_or_default().replace("\r\n", "\n"),
        review_by: form.one("review_by").unwrap_or_default(),
    }
}

async fn save_draft(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    editing: Option<(Uuid, i64)>,
    draft: GuideDraft,
) -> Result<Response, PageError> {
    let errors = match state.store.save_guide(code, editing.map(|(id, _)| id), &draft, &user.actor()).await {
        Ok(guide) => return Ok(back_to(guide.id, "saved")),
        Err(StoreError::Invalid(ValidationErrors(errors))) => errors,
        Err(error) => return Err(error.into()),
    };
    Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page(state, user, code, editing, draft, errors).await))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    editing: Option<(Uuid, i64)>,
    draft: GuideDraft,
    mut errors: Vec<FieldError>,
) -> Result<EditPage, ApiError> {
    let settings = state.store.settings(code).await?;
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    let title = if editing.is_some() { "Edit a guide" } else { "Write a guide" };
    let mut shell = Shell::for_user(state, &viewer, title, "/guides").await?;
    shell.has_errors = !errors.is_empty();
    errors.sort_by_key(|e| FORM_ORDER.iter().position(|f| *f == e.field).unwrap_or(FORM_ORDER.len()));
    let error = |field: &str| {
        let found: Vec<&str> =
            errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
        (!found.is_empty()).then(|| found.join(". "))
    };
    // Switched-off services stay offered when the guide already names them, so saving keeps them.
    let services = settings
        .services
        .iter()
        .filter(|s| s.enabled || draft.services.contains(&s.code))
        .map(|s| (s.code.clone(), s.label.clone()));
    let tasks = TASKS.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned()));
    Ok(EditPage {
        shell,
        action: editing.map_or_else(|| "/guides/new".to_owned(), |(id, _)| format!("/guides/{id}/edit")),
        cancel: editing.map_or_else(|| format!("/guides?practice={code}"), |(id, _)| format!("/guides/{id}")),
        practice_code: code.to_string(),
        practice_name: settings.practice.name.clone(),
        version: editing.map(|(_, version)| version),
        services: ChoiceGroup::new(
            "services",
            "Online services it covers",
            services,
            &draft.services,
            usize::MAX,
        )
        .with_error(error("services").as_deref()),
        tasks: ChoiceGroup::new("tasks", "Tasks it covers", tasks, &draft.tasks, usize::MAX)
            .with_error(error("tasks").as_deref()),
        errors,
        draft,
        max_chars: format!("{},{:03}", MAX_GUIDE_CHARS / 1000, MAX_GUIDE_CHARS % 1000),
    })
}
