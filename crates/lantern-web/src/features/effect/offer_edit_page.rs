//! Registering, editing and ending a support offer. The store checks every field (the same check the
//! API's writes get), free text included: a name or a patient's details in the title or "run by" are
//! refused with the reason, and the form comes back as it was sent.

use super::offer_form::{self, Fields};
use crate::access::reach::{chosen_or_current, offer_in_reach};
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::practice::{frame, not_linked, practice_choice, PracticeChoice};
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_core::ods::OdsCode;
use lantern_core::offer::{Offer, OfferDraft};
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "effect/offer_form.html")]
struct FormPage {
    shell: Shell,
    errors: Vec<FieldError>,
    practice: PracticeChoice,
    heading: &'static str,
    action: String,
    button: &'static str,
    draft: OfferDraft,
    fields: Fields,
    /// The offer being edited, when it is still running: it can be ended from this page.
    end_action: Option<String>,
    today: String,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    practice: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NewQuery>,
) -> Response {
    let Some(code) = chosen_or_current(&user, query.practice.as_deref()) else { return not_linked() };
    let draft = OfferDraft { started_on: crate::clock::today().to_string(), ..OfferDraft::default() };
    respond(StatusCode::OK, page(&state, &user, &code, None, draft, Vec::new()).await)
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    // The practice comes with the form, so a page left open on another practice cannot change this one.
    let code = scope::practice(&user, &form.one("practice").unwrap_or_default())?;
    let draft = offer_form::read(&form);
    let errors = match state.store.create_offer(&code, &draft, &user.actor()).await {
        Ok(_) => return Ok(back(&code, "registered")),
        Err(StoreError::Invalid(ValidationErrors(errors))) => errors,
        Err(error) => return Err(error.into()),
    };
    Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, &code, None, draft, errors).await))
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let offer = offer_in_reach(&state.store, &user, &id).await?;
    let draft = offer_form::draft_of(&offer);
    let code = offer.practice.clone();
    Ok(respond(StatusCode::OK, page(&state, &user, &code, Some(&offer), draft, Vec::new()).await))
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let offer = offer_in_reach(&state.store, &user, &id).await?;
    let code = offer.practice.clone();
    let draft = offer_form::read(&form);
    let errors = match state.store.edit_offer(&code, offer.id, &draft, &user.actor()).await {
        Ok(_) => return Ok(back(&code, "saved")),
        Err(StoreError::Invalid(ValidationErrors(errors))) => errors,
        Err(error) => return Err(error.into()),
    };
    Ok(respond(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&state, &user, &code, Some(&offer), draft, errors).await,
    ))
}

/// Ends a running offer on the day given (today unless another is typed).
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let offer = offer_in_reach(&state.store, &user, &id).await?;
    let code = offer.practice.clone();
    let typed = form.one("end_on").unwrap_or_default();
    let errors = match typed.trim().parse() {
        Err(_) => vec![FieldError::new("end_on", "Enter the day it ended like 2026-04-01")],
        Ok(day) => match state.store.end_offer(&code, offer.id, day, &user.actor()).await {
            Ok(_) => return Ok(back(&code, "ended")),
            Err(StoreError::Invalid(ValidationErrors(errors))) => {
                errors.into_iter().map(|e| FieldError::new("end_on", e.message)).collect()
            }
            Err(error) => return Err(error.into()),
        },
    };
    let draft = offer_form::draft_of(&offer);
    let page = page(&state, &user, &code, Some(&offer), draft, errors).await.map(|mut p| {
        p.today = typed;
        p
    });
    Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page))
}

fn back(code: &OdsCode, done: &str) -> Response {
    Redirect::to(&format!("/offers?practice={code}&done={done}#done")).into_response()
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    editing: Option<&Offer>,
    draft: OfferDraft,
    errors: Vec<FieldError>,
) -> Result<FormPage, ApiError> {
    let (heading, action, button) = match editing {
        Some(offer) => ("Edit a support offer", format!("/offers/{}/edit", offer.id), "Save the offer"),
        None => ("Register a support offer", "/offers/new".to_owned(), "Register the offer"),
    };
    let mut shell = frame(state, user, code, heading, "/offers").await?;
    shell.has_errors = !errors.is_empty();
    let staff = state.store.staff(code).await?;
    let fields = offer_form::fields(&draft, &staff, errors);
    Ok(FormPage {
        shell,
        errors: fields.errors.clone(),
        practice: practice_choice(state, user, code).await?,
        heading,
        action,
        button,
        draft,
        fields,
        end_action: editing.filter(|o| o.ended_on.is_none()).map(|o| format!("/offers/{}/end", o.id)),
        today: crate::clock::today().to_string(),
    })
}
