//! Correcting an episode: the same form, filled in, saving a new version (the old one is kept).

use super::episode_form::{Mode, Notice, PageContext};
use super::log_page::with_duration;
use super::submit;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::urls::urlencode;
use crate::kit::{message, render};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_core::episode::EpisodeInput;
use lantern_core::record::EpisodeRecord;
use lantern_core::validation::ValidationErrors;
use uuid::Uuid;

/// The episode, if this user may change it; otherwise the page to show instead.
async fn editable(state: &AppState, user: &CurrentUser, id: &str) -> Result<EpisodeRecord, Response> {
    let not_found = || {
        message(
            StatusCode::NOT_FOUND,
            "Episode not found",
            "It may have been deleted, or belong to another practice.",
        )
    };
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let record = state.store.episode(id).await.map_err(|_| not_found())?;
    let record = scope::episode(user, record).map_err(|_| not_found())?;
    if record.deleted.is_some() {
        return Err(not_found());
    }
    scope::may_change(user, &record).map_err(|_| {
        message(
            StatusCode::FORBIDDEN,
            "You cannot edit this episode",
            "Staff edit the episodes they logged or helped with. Ask your practice manager to correct it.",
        )
    })?;
    Ok(record)
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = editable(&state, &user, &id).await?;
    let context = PageContext::load(&state, &user, Some(record.episode.practice.as_str())).await?;
    let mut input = EpisodeInput::from(&record.episode);
    input.occurred_at = Some(
        lantern_core::episode::local_time(record.episode.occurred_at).strftime("%Y-%m-%dT%H:%M").to_string(),
    );
    let mode = Mode::Edit { id: record.id, version: record.version };
    let page =
        context.page(&state.store, &input, &ValidationErrors(Vec::new()), None, Notice::None, mode).await?;
    Ok(render(&page))
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let record = editable(&state, &user, &id).await?;
    let (mut input, duration_error) = form.to_input();
    input.practice = record.episode.practice.to_string();
    // Without the version the form was filled from, saving could silently overwrite a later edit.
    let Some(mut version) = form.one("version").and_then(|v| v.parse::<i64>().ok()) else {
        return Ok(message(
            StatusCode::PRECONDITION_REQUIRED,
            "Open the episode again to edit it",
            "The form did not say which version of the episode it was filled from, so nothing was saved. \
             Go back to the log and choose Edit on the episode again.",
        ));
    };
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let context = PageContext::load(&state, &user, Some(&input.practice)).await?;
    let errors = match (submit::validate(&state.store, &input, submit::Mode::Edit).await, duration_error) {
        (Ok(episode), None) => {
            match state.store.update_episode(record.id, Some(version), &episode, &user.actor()).await {
                Ok(_) => {
                    let to = format!("/log?practice={}&edited=true", urlencode(&input.practice));
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(lantern_store::StoreError::Stale { current, .. }) => {
                    // Their typing is kept and shown against the latest version: saving again is a
                    // choice made knowing someone else changed it, never a silent overwrite.
                    status = StatusCode::CONFLICT;
                    version = current;
                    ValidationErrors::single("helpers", stale_message(current))
                }
                Err(lantern_store::StoreError::Conflict(reason)) => {
                    ValidationErrors::single("helpers", reason)
                }
                Err(error) => return Err(error.into()),
            }
        }
        (Err(ApiError::Invalid(errors)), duration_error) => with_duration(errors, duration_error),
        (Ok(_), Some(message)) => ValidationErrors::single("duration_other", message),
        (Err(other), _) => return Err(other.into()),
    };
    let mode = Mode::Edit { id: record.id, version };
    let page =
        context.page(&state.store, &input, &errors, form.one("duration_other"), Notice::None, mode).await?;
    Ok((status, render(&page)).into_response())
}

fn stale_message(current: i64) -> String {
    format!(
        "Someone else saved a change to this episode after you opened it (it is now version {current}), so \
         your changes were not saved. They are shown below: save again to replace that change with yours (both \
         versions are kept), or cancel to keep theirs."
    )
}
