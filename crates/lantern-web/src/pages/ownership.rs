//! "Who owns what": each switched-on service with its named owner, supporting staff, escalation route
//! and offline alternative. Staff read it to know who to go to; leads change it. Also the pieces the
//! training and gap pages share: which practice a page is about, and the practice switch.

use super::shell::Shell;
use super::view::Choice;
use super::{failure, message, render};
use crate::api::ownership::Arrangements;
use crate::api::{scope, SETTINGS_ROLES};
use crate::auth::CurrentUser;
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use lantern_core::ods::OdsCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "ownership.html")]
struct ServicesPage {
    shell: Shell,
    notice: Option<String>,
    practice: PracticeChoice,
    can_edit: bool,
    rows: Vec<ServiceRow>,
    unowned: usize,
}

struct ServiceRow {
    code: String,
    label: String,
    owner: Option<String>,
    owner_left: bool,
    supporting: String,
    escalation: String,
    offline: String,
    reviewed: String,
    trained: usize,
}

/// The practice a page is about, and the others the person may switch to.
pub(super) struct PracticeChoice {
    pub code: String,
    pub name: String,
    /// Empty when the person reaches only one practice (no switch shown).
    pub others: Vec<Choice>,
}

#[derive(Debug, Deserialize)]
pub struct ServicesQuery {
    practice: Option<String>,
    /// The service whose arrangements were just saved (after the redirect).
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ServicesQuery>,
) -> Response {
    let Some(code) = chosen(&user, query.practice.as_deref()) else { return not_linked() };
    if let Some(failed) = remember(&state, &user, &code, query.practice.as_deref()).await {
        return failed;
    }
    respond(StatusCode::OK, page(&state, &user, &code, query.done.as_deref()).await)
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    done: Option<&str>,
) -> Result<ServicesPage, ApiError> {
    let a = Arrangements::load(&state.store, code).await?;
    let notice =
        done.and_then(|s| a.service(s)).map(|s| format!("The arrangements for {} are saved.", s.label));
    let mut shell = frame(state, user, code, "Who owns what", "/services").await?;
    shell.title_prefix = if notice.is_some() { "Arrangements saved".to_owned() } else { String::new() };
    let rows: Vec<ServiceRow> = a
        .enabled()
        .map(|s| {
            let o = a.of(&s.code);
            let owner = o.owner.map(|id| a.member(&id).map(|m| (m.display_name.clone(), !m.active)));
            let owner =
                owner.map(|found| found.unwrap_or_else(|| ("Someone no longer listed".to_owned(), true)));
            let supporting: Vec<String> = o.supporting.iter().map(|id| a.name(id)).collect();
            ServiceRow {
                code: s.code.clone(),
                label: s.label.clone(),
                owner_left: owner.as_ref().is_some_and(|(_, left)| *left),
                owner: owner.map(|(name, _)| name),
                supporting: supporting.join(", "),
                escalation: o.escalation_route.unwrap_or_default(),
                offline: o.offline_alternative.unwrap_or_default(),
                reviewed: o.reviewed_on.map(long_date).unwrap_or_default(),
                trained: a.trained(&s.code),
            }
        })
        .collect();
    Ok(ServicesPage {
        shell,
        notice,
        practice: practice_choice(state, user, code).await?,
        can_edit: may_edit(user),
        unowned: rows.iter().filter(|r| r.owner.is_none() || r.owner_left).count(),
        rows,
    })
}

/// The practice asked for (if within reach) or the one the session works in; `None` answers "not found".
pub(super) fn chosen(user: &CurrentUser, requested: Option<&str>) -> Option<OdsCode> {
    match requested.map(str::trim).filter(|p| !p.is_empty()) {
        Some(raw) => scope::practice(user, raw).ok(),
        None => user.current_practice.clone(),
    }
}

pub(super) fn not_linked() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Practice not found",
        "You are not linked to that practice. Ask your Lantern administrator if you should be.",
    )
}

/// Looking at a practice makes it the one this session works in, as on the other practice pages;
/// `Some` is the error page when that could not be saved.
pub(super) async fn remember(
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

/// The page frame with `code` as the practice shown in the header.
pub(super) async fn frame(
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

pub(super) async fn practice_choice(
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

pub(super) fn may_edit(user: &CurrentUser) -> bool {
    SETTINGS_ROLES.contains(&user.role())
}

pub(super) fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

pub(super) fn respond<T: Template>(status: StatusCode, page: Result<T, ApiError>) -> Response {
    match page {
        Ok(page) => (status, render(&page)).into_response(),
        Err(error) => failure::page(error),
    }
}
