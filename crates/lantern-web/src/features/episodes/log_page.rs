//! The quick-log page: a receptionist logs an episode in one submit while the patient is still there.

use super::episode_form::{Mode, Notice, PageContext};
use super::submit;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::urls::urlencode;
use crate::kit::{message, render};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use lantern_core::episode::EpisodeInput;
use lantern_core::record::EpisodeRecord;
use lantern_core::validation::{FieldError, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

const HELPER_COOKIE: &str = "lantern_helper";
/// Undo is for the slip noticed at once; after that an episode is corrected by editing, with history.
const UNDO_WINDOW_MINUTES: i64 = 15;

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    practice: Option<String>,
    logged: Option<Uuid>,
    #[serde(default)]
    undone: bool,
    #[serde(default)]
    edited: bool,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Query(query): Query<LogQuery>,
) -> Result<Response, PageError> {
    let context = PageContext::load(&state, &user, query.practice.as_deref()).await?;
    // Looking at a practice makes it the one this session works in.
    if let (Some(hash), Some(_)) = (&user.session_hash, &query.practice) {
        state.store.touch_session(hash, Some(&context.settings.practice.ods_code), state.clock.now()).await?;
    }
    let helper = remembered_helper(&headers)
        .filter(|id| context.settings.staff.iter().any(|m| m.active && m.id.to_string() == *id))
        .or_else(|| user.user.staff_id.map(|id| id.to_string()));
    let blank = EpisodeInput {
        helpers: helper.into_iter().collect(),
        channel: "desk".into(),
        outcome: "resolved".into(),
        ..EpisodeInput::default()
    };
    let logged = match query.logged {
        Some(id) => state.store.episode(id).await.ok().filter(|r| {
            r.deleted.is_none() && r.episode.practice == context.settings.practice.ods_code && recent(r)
        }),
        None => None,
    };
    let notice = match (&logged, query.undone, query.edited) {
        (Some(record), _, _) => Notice::Logged(record),
        (None, true, _) => Notice::Undone,
        (None, false, true) => Notice::Edited,
        _ => Notice::None,
    };
    let page =
        context.page(&state.store, &blank, &ValidationErrors(Vec::new()), None, notice, Mode::New).await?;
    Ok(render(&page))
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let (input, duration_error) = form.to_input();
    let context = PageContext::load(&state, &user, Some(&input.practice)).await?;
    let errors = match (submit::validate(&state.store, &input, submit::Mode::New).await, duration_error) {
        (Ok(episode), None) => {
            let key = form.one("submission");
            let submitted = submit::create(&state.store, &user, &input, &episode, key.as_deref()).await?;
            // A form sent twice lands on the episode the first one logged.
            return Ok(logged_redirect(&state, &context, &submitted.record));
        }
        (Err(ApiError::Invalid(errors)), duration_error) => with_duration(errors, duration_error),
        (Ok(_), Some(message)) => ValidationErrors::single("duration_other", message),
        (Err(other), _) => return Err(other.into()),
    };
    let other_minutes = form.one("duration_other");
    let page = context.page(&state.store, &input, &errors, other_minutes, Notice::None, Mode::New).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

pub async fn undo(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let practice = form.one("practice").unwrap_or_default();
    let Some(id) = form.one("id").and_then(|id| Uuid::parse_str(&id).ok()) else {
        return Ok(message(
            StatusCode::BAD_REQUEST,
            "Nothing to undo",
            "The undo link did not name an episode.",
        ));
    };
    let undoable =
        match state.store.episode(id).await.map_err(ApiError::from).and_then(|r| scope::episode(&user, r)) {
            Ok(record) => {
                // Version 1 only: once someone has corrected it, undo would throw their work away.
                record.episode.practice.as_str() == practice
                    && record.version == 1
                    && recent(&record)
                    && scope::may_change(&user, &record).is_ok()
            }
            Err(_) => false,
        };
    if !undoable {
        return Ok(message(
            StatusCode::CONFLICT,
            "Nothing to undo",
            "Undo only works straight after logging, at the same practice, before anyone has corrected the \
             episode. To change it now, edit it.",
        ));
    }
    match state.store.delete_episode_at(id, Some(1), "Undone straight after logging", &user.actor()).await {
        Err(lantern_store::StoreError::Stale { .. }) => Ok(message(
            StatusCode::CONFLICT,
            "Nothing to undo",
            "Someone corrected this episode just now, so it was not undone. To change it now, edit it.",
        )),
        Ok(_) | Err(lantern_store::StoreError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/log?practice={}&undone=true", urlencode(&practice))).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub fn recent(record: &EpisodeRecord) -> bool {
    Timestamp::now().as_second() - record.created_at.as_second() <= UNDO_WINDOW_MINUTES * 60
}

pub fn with_duration(mut errors: ValidationErrors, duration_error: Option<String>) -> ValidationErrors {
    if let Some(message) = duration_error {
        errors.0.retain(|e| e.field != "duration_minutes");
        errors.0.push(FieldError::new("duration_other", message));
    }
    errors
}

fn logged_redirect(state: &AppState, context: &PageContext, record: &EpisodeRecord) -> Response {
    let location =
        format!("/log?practice={}&logged={}#logged", context.settings.practice.ods_code, record.id);
    let mut response = Redirect::to(&location).into_response();
    if let Some(helper) = record.episode.helpers.first() {
        let cookie = state.sessions.cookie(HELPER_COOKIE, &helper.to_string(), 2_592_000);
        if let Ok(value) = cookie.parse() {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// The person at this desk last time, so the commonest case (the same person logging again) is no taps.
fn remembered_helper(headers: &HeaderMap) -> Option<String> {
    crate::auth::session::cookie(headers, HELPER_COOKIE)
        .and_then(|v| Uuid::parse_str(&v).ok())
        .map(|id| id.to_string())
}
