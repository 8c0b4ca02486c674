//! "Practice settings": which online services staff can pick when they log help, and who the practice's
//! staff are. Practice leads change their own practices, administrators any; a practice outside the
//! user's reach is "not found", as everywhere else.

use crate::access::reach::chosen_practice;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::choices::{Choice, ChoiceGroup};
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::form::Form;
use crate::kit::practice::{practice_choices, shown_practice};
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::kit::urls::urlencode;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_core::ods::OdsCode;
use lantern_core::practice::PracticeService;
use lantern_core::staff::StaffMember;
use lantern_core::taxonomy::STAFF_ROLES;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::{PracticeSettings, StoreError};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "settings/settings.html")]
struct SettingsPage {
    shell: Shell,
    errors: Vec<FieldError>,
    notice: Option<String>,
    practice_code: String,
    practice_name: String,
    practices: Vec<Choice>,
    services: Vec<PracticeService>,
    staff: Vec<StaffRow>,
    typed: Typed,
    roles: ChoiceGroup,
}

impl SettingsPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

struct StaffRow {
    id: Uuid,
    name: String,
    role: &'static str,
    active: bool,
}

/// What was typed into the "add" forms, kept when they come back with errors.
#[derive(Debug, Default)]
struct Typed {
    label: String,
    display_name: String,
    role: String,
}

#[derive(Debug, Deserialize)]
pub struct SettingsQuery {
    practice: Option<String>,
    /// What just changed (after a redirect), and the service code or staff id it changed.
    done: Option<String>,
    item: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SettingsQuery>,
) -> Result<Response, PageError> {
    let requested = query.practice.as_deref();
    let code = shown_practice(&state, &user, chosen_practice(&user, requested), requested).await?;
    let done = query.done.as_deref().zip(query.item.as_deref());
    Ok(respond(StatusCode::OK, page(&state, &user, &code, Vec::new(), Typed::default(), done).await))
}

pub async fn switch_service(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_of(&user, &form)?;
    let service = form.one("code").unwrap_or_default();
    let enabled = form.one("enabled").as_deref() == Some("true");
    state.store.set_service_enabled(&code, &service, enabled, &user.actor()).await?;
    Ok(done(&code, if enabled { "service-enabled" } else { "service-disabled" }, &service))
}

pub async fn add_service(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_of(&user, &form)?;
    let label = form.one("label").unwrap_or_default();
    let errors = match state.store.add_service(&code, &label, &user.actor()).await {
        Ok(service) => return Ok(done(&code, "service-added", &service.code)),
        Err(StoreError::Invalid(ValidationErrors(errors))) => errors,
        Err(StoreError::Conflict(_)) => vec![FieldError::new(
            "label",
            format!("This practice already has a service called {}", label.trim()),
        )],
        Err(error) => return Err(error.into()),
    };
    let typed = Typed { label, ..Typed::default() };
    Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, &code, errors, typed, None).await))
}

pub async fn add_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_of(&user, &form)?;
    let typed = Typed {
        display_name: form.one("display_name").unwrap_or_default(),
        role: form.one("role").unwrap_or_default(),
        ..Typed::default()
    };
    let errors = match StaffMember::new(code.clone(), &typed.display_name, &typed.role) {
        Ok(member) => {
            state.store.add_staff(&member, &user.actor()).await?;
            return Ok(done(&code, "staff-added", &member.id.to_string()));
        }
        // The select offers only real roles, so a bad one means none was chosen.
        Err(ValidationErrors(errors)) => errors
            .into_iter()
            .map(|e| match e.field.as_str() {
                "role" => FieldError::new("role", "Select the person's role"),
                "display_name" if typed.display_name.trim().is_empty() => {
                    FieldError::new("display_name", "Enter the person's name")
                }
                _ => e,
            })
            .collect(),
    };
    Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, &code, errors, typed, None).await))
}

pub async fn switch_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_of(&user, &form)?;
    let active = form.one("active").as_deref() == Some("true");
    let id = form
        .one("id")
        .and_then(|id| Uuid::parse_str(&id).ok())
        .ok_or_else(|| ApiError::NotFound("staff member".into()))?;
    state.store.set_staff_active(&code, id, active, &user.actor()).await?;
    Ok(done(&code, if active { "staff-returned" } else { "staff-left" }, &id.to_string()))
}

/// The practice the form names, if the user may reach it.
fn practice_of(user: &CurrentUser, form: &Form) -> Result<OdsCode, ApiError> {
    scope::practice(user, &form.one("practice").unwrap_or_default())
}

/// After a change, back to the page (so reloading does not repeat it), saying what changed.
fn done(code: &OdsCode, what: &str, item: &str) -> Response {
    Redirect::to(&format!("/settings?practice={code}&done={what}&item={}", urlencode(item))).into_response()
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    errors: Vec<FieldError>,
    typed: Typed,
    done: Option<(&str, &str)>,
) -> Result<SettingsPage, ApiError> {
    let settings = state.store.settings(code).await?;
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    let mut shell = Shell::for_user(state, &viewer, "Practice settings", "/settings").await?;
    let notice = done.and_then(|(what, item)| notice(&settings, what, item));
    shell.has_errors = !errors.is_empty();
    shell.title_prefix = notice.as_ref().map(|(title, _)| (*title).to_owned()).unwrap_or_default();
    let practices = practice_choices(&state.store, user, code).await?;
    let choose = std::iter::once((String::new(), "Choose a role".to_owned()));
    let options = choose.chain(STAFF_ROLES.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned())));
    let roles = ChoiceGroup::new("role", "Role", options, std::slice::from_ref(&typed.role), usize::MAX)
        .with_error(errors.iter().find(|e| e.field == "role").map(|e| e.message.as_str()));
    Ok(SettingsPage {
        shell,
        errors,
        notice: notice.map(|(_, text)| text),
        practice_code: code.to_string(),
        practice_name: settings.practice.name.clone(),
        practices,
        staff: settings
            .staff
            .iter()
            .map(|m| StaffRow {
                id: m.id,
                name: m.display_name.clone(),
                role: STAFF_ROLES.label(&m.role),
                active: m.active,
            })
            .collect(),
        services: settings.services,
        typed,
        roles,
    })
}

/// The title prefix and sentence for what just changed; nothing for an unknown or stale link.
fn notice(settings: &PracticeSettings, what: &str, item: &str) -> Option<(&'static str, String)> {
    let service = || settings.services.iter().find(|s| s.code == item).map(|s| s.label.clone());
    let person = || settings.staff.iter().find(|m| m.id.to_string() == item).map(|m| m.display_name.clone());
    Some(match what {
        "service-disabled" => (
            "Service switched off",
            format!(
                "{} is switched off. Staff no longer see it when they log help; past episodes keep it.",
                service()?
            ),
        ),
        "service-enabled" => (
            "Service switched on",
            format!("{} is switched on. Staff can choose it when they log help.", service()?),
        ),
        "service-added" => ("Service added", format!("{} was added and is switched on.", service()?)),
        "staff-added" => {
            ("Staff member added", format!("{} was added and can now be chosen as a helper.", person()?))
        }
        "staff-left" => (
            "Staff member marked as left",
            format!(
                "{} is marked as left. They stay on past episodes but can no longer be chosen.",
                person()?
            ),
        ),
        "staff-returned" => {
            ("Staff member marked as returned", format!("{} can be chosen as a helper again.", person()?))
        }
        _ => return None,
    })
}
