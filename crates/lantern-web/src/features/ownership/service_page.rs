//! One service's arrangements: leads name its owner and supporting staff, its escalation route, the
//! supplier's helpdesk and the offline alternative; staff see the same read-only, to know where to go.

use super::services_page::may_edit;
use crate::access::reach::chosen_or_current as chosen;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::choices::ChoiceGroup;
use crate::kit::csrf::CheckedForm;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::form::Form;
use crate::kit::practice::{frame, not_linked, practice_choice, PracticeChoice};
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::services::ownership::{reviewed_on_error, Arrangements};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_core::ods::OdsCode;
use lantern_core::ownership::Ownership;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "ownership/service.html")]
struct EditPage {
    shell: Shell,
    errors: Vec<FieldError>,
    practice: PracticeChoice,
    service_code: String,
    service_label: String,
    can_edit: bool,
    owner: ChoiceGroup,
    supporting: ChoiceGroup,
    draft: Draft,
    /// The arrangements as text, for those who may only read them.
    summary: Vec<(&'static str, String)>,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

/// The form's values as typed, so a form with errors comes back as it was sent.
#[derive(Debug, Default)]
struct Draft {
    owner: String,
    supporting: Vec<String>,
    escalation_route: String,
    helpdesk: String,
    offline_alternative: String,
    reviewed_on: String,
}

impl Draft {
    fn from(o: &Ownership) -> Self {
        Self {
            owner: o.owner.map(|id| id.to_string()).unwrap_or_default(),
            supporting: o.supporting.iter().map(ToString::to_string).collect(),
            escalation_route: o.escalation_route.clone().unwrap_or_default(),
            helpdesk: o.helpdesk.clone().unwrap_or_default(),
            offline_alternative: o.offline_alternative.clone().unwrap_or_default(),
            reviewed_on: o.reviewed_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn read(form: &Form) -> Self {
        let text = |key: &str| form.one(key).map(|v| v.trim().to_owned()).unwrap_or_default();
        Self {
            owner: text("owner"),
            supporting: form.all("supporting"),
            escalation_route: text("escalation_route"),
            helpdesk: text("helpdesk"),
            offline_alternative: text("offline_alternative"),
            reviewed_on: text("reviewed_on"),
        }
    }

    /// The arrangements, or what is wrong with the form (the store checks the rest).
    fn to_ownership(&self, service: &str) -> Result<Ownership, ValidationErrors> {
        let mut errors = Vec::new();
        let owner = match self.owner.as_str() {
            "" => None,
            raw => Uuid::parse_str(raw).ok().or_else(|| {
                errors.push(FieldError::new("owner", "Select the owner from the list"));
                None
            }),
        };
        let supporting: Vec<Uuid> =
            self.supporting.iter().filter_map(|raw| Uuid::parse_str(raw).ok()).collect();
        if supporting.len() != self.supporting.len() {
            errors.push(FieldError::new("supporting", "Select supporting staff from the list"));
        }
        let reviewed_on = match self.reviewed_on.as_str() {
            "" => None,
            raw => raw.parse().ok().or_else(|| {
                errors.push(FieldError::new("reviewed_on", "Enter the date like 2026-03-31"));
                None
            }),
        };
        errors.extend(reviewed_on_error(reviewed_on));
        ValidationErrors::check(errors)?;
        let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        Ok(Ownership {
            service: service.to_owned(),
            owner,
            supporting,
            escalation_route: optional(&self.escalation_route),
            helpdesk: optional(&self.helpdesk),
            offline_alternative: optional(&self.offline_alternative),
            reviewed_on,
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    practice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(service): Path<String>,
    Query(query): Query<EditQuery>,
) -> Response {
    let Some(code) = chosen(&user, query.practice.as_deref()) else { return not_linked() };
    respond(StatusCode::OK, page(&state, &user, &code, &service, None, Vec::new()).await)
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(service): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    // The practice comes with the form, so a page left open on another practice cannot change this one.
    let code = scope::practice(&user, &form.one("practice").unwrap_or_default())?;
    let draft = Draft::read(&form);
    let errors = match draft.to_ownership(&service) {
        Ok(ownership) => match state.store.set_ownership(&code, &ownership, &user.actor()).await {
            Ok(()) => {
                let to = format!("/services?practice={code}&done={service}#done");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(StoreError::Invalid(ValidationErrors(errors))) => errors,
            Err(error) => return Err(error.into()),
        },
        Err(ValidationErrors(errors)) => errors,
    };
    Ok(respond(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&state, &user, &code, &service, Some(draft), errors).await,
    ))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    service: &str,
    draft: Option<Draft>,
    errors: Vec<FieldError>,
) -> Result<EditPage, ApiError> {
    let a = Arrangements::load(&state.store, code).await?;
    let Some(found) = a.service(service) else {
        return Err(ApiError::NotFound(format!("service {service}")));
    };
    let current = a.of(service);
    let draft = draft.unwrap_or_else(|| Draft::from(&current));
    let title = format!("Arrangements for {}", found.label);
    let mut shell = frame(state, user, code, &title, "/services").await?;
    shell.has_errors = !errors.is_empty();
    // Current staff can be chosen; someone who has left stays listed only while already chosen, so
    // saving the form never silently drops them.
    let listed = |id: Uuid, chosen: bool| a.member(&id).is_some_and(|m| m.active || chosen);
    let people = |selected: &[String]| -> Vec<(String, String)> {
        a.staff
            .iter()
            .filter(|m| listed(m.id, selected.contains(&m.id.to_string())))
            .map(|m| {
                let left = if m.active { "" } else { " (has left)" };
                (m.id.to_string(), format!("{}{left}", m.display_name))
            })
            .collect()
    };
    let owner_options = std::iter::once((String::new(), "No owner".to_owned()))
        .chain(people(std::slice::from_ref(&draft.owner)));
    let field_error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let owner =
        ChoiceGroup::new("owner", "Owner", owner_options, std::slice::from_ref(&draft.owner), usize::MAX)
            .with_error(field_error("owner").as_deref());
    let supporting = ChoiceGroup::new(
        "supporting",
        "Supporting staff",
        people(&draft.supporting),
        &draft.supporting,
        usize::MAX,
    )
    .with_error(field_error("supporting").as_deref());
    let or = |text: &Option<String>, none: &str| text.clone().unwrap_or_else(|| none.to_owned());
    let supporters: Vec<String> = current.supporting.iter().map(|id| a.name(id)).collect();
    let summary = vec![
        ("Owner", current.owner.map_or_else(|| "No owner".to_owned(), |id| a.name(&id))),
        ("Supporting staff", if supporters.is_empty() { "None".to_owned() } else { supporters.join(", ") }),
        ("Escalation route", or(&current.escalation_route, "Not recorded: ask the practice manager")),
        ("Supplier helpdesk", or(&current.helpdesk, "Not recorded")),
        ("Offline alternative", or(&current.offline_alternative, "Not recorded")),
        ("Last reviewed", current.reviewed_on.map_or_else(|| "Never".to_owned(), long_date)),
        ("Trained staff", a.trained(service).to_string()),
    ];
    Ok(EditPage {
        shell,
        errors,
        practice: practice_choice(state, user, code).await?,
        service_code: found.code.clone(),
        service_label: found.label.clone(),
        can_edit: may_edit(user),
        owner,
        supporting,
        draft,
        summary,
    })
}
