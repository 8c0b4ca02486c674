//! The practice switch: which practice a page is about, the others the person may switch to, and
//! remembering the choice for the session.

use super::choices::Choice;
use super::failure::{self, PageError};
use super::message;
use super::shell::Shell;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use lantern_core::ods::OdsCode;
use lantern_store::Store;

/// The practice a page is about, and the others the person may switch to.
pub struct PracticeChoice {
    pub code: String,
    pub name: String,
    /// Empty when the person reaches only one practice (no switch shown).
    pub others: Vec<Choice>,
}

pub async fn practice_choice(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
) -> Result<PracticeChoice, ApiError> {
    let reach: Vec<_> = state
        .store
        .list_practices()
        .await?
        .into_iter()
        .filter(|(p, _)| user.can_reach(&p.ods_code))
        .collect();
    let name =
        reach.iter().find(|(p, _)| p.ods_code == *code).map_or_else(String::new, |(p, _)| p.name.clone());
    let others = if reach.len() > 1 {
        reach
            .iter()
            .map(|(p, _)| Choice {
                id: String::new(),
                value: p.ods_code.to_string(),
                label: format!("{} ({})", p.name, p.ods_code),
                checked: p.ods_code == *code,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(PracticeChoice { code: code.to_string(), name, others })
}

/// The page frame with `code` as the practice shown in the header.
pub async fn frame(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    title: &str,
    path: &str,
) -> Result<Shell, ApiError> {
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    Shell::for_user(state, &viewer, title, path).await
}

/// Looking at a practice makes it the one this session works in, as on the other practice pages;
/// `Some` is the error page when that could not be saved.
async fn remember(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    requested: Option<&str>,
) -> Option<Response> {
    let hash = user.session_hash.as_ref()?;
    requested.filter(|p| !p.trim().is_empty())?;
    state
        .store
        .touch_session(hash, Some(code), state.clock.now())
        .await
        .err()
        .map(|error| failure::page(error.into()))
}

pub fn not_linked() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Practice not found",
        "You are not linked to that practice. Ask your Lantern administrator if you should be.",
    )
}

/// The practices the user may switch between, the chosen one marked.
pub async fn practice_choices(
    store: &Store,
    user: &CurrentUser,
    chosen: &OdsCode,
) -> Result<Vec<Choice>, ApiError> {
    Ok(store
        .list_practices()
        .await?
        .into_iter()
        .filter(|(p, _)| user.can_reach(&p.ods_code))
        .map(|(p, _)| Choice {
            id: p.ods_code.to_string(),
            value: p.ods_code.to_string(),
            label: format!("{} ({})", p.name, p.ods_code),
            checked: p.ods_code == *chosen,
        })
        .collect())
}

pub fn practice_not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Practice not found",
        "You are not linked to that practice. Ask your practice manager if you should be.",
    )
}

/// The practice a page shows, once chosen: "not linked" when there is none, and made the one this
/// session works in when the page asked for it by name.
pub async fn shown_practice(
    state: &AppState,
    user: &CurrentUser,
    chosen: Option<OdsCode>,
    requested: Option<&str>,
) -> Result<OdsCode, PageError> {
    let code = chosen.ok_or_else(not_linked)?;
    match remember(state, user, &code, requested).await {
        Some(failed) => Err(failed.into()),
        None => Ok(code),
    }
}
