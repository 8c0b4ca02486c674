//! `/strategy`: the practice's written digital support strategy. A lead drafts a version from
//! Lantern's figures, edits it, and signs it off; staff read and sign the version in force.

use super::facts as strategy_facts;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::shell::Shell;
use crate::kit::{markdown, message, render};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_core::access::Role;
use lantern_core::audit::AuditEntry;
use lantern_core::ods::OdsCode;
use lantern_core::strategy::StrategyVersion;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct StrategyQuery {
    practice: Option<String>,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "strategy/strategy.html")]
struct StrategyPage {
    shell: Shell,
    practice_code: String,
    practice_name: String,
    version: Option<StrategyVersion>,
    /// The document's own first-level heading, shown as the page's h1.
    title: String,
    html: String,
    in_force: bool,
    versions: Vec<StrategyVersion>,
    is_lead: bool,
    acknowledged: bool,
    acknowledgers: Vec<String>,
    notice: Option<&'static str>,
}

fn practice_for(user: &CurrentUser, requested: Option<&str>) -> Option<OdsCode> {
    match requested {
        Some(raw) => scope::practice(user, raw).ok(),
        None => user.current_practice.clone(),
    }
}

fn not_found() -> PageError {
    PageError::Page(message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no such strategy version at a practice you work with.",
    ))
}

/// The strategy in force, or a given version.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<StrategyQuery>,
) -> Result<Response, PageError> {
    page(&state, &user, query.practice.as_deref(), None, query.done.as_deref()).await
}

pub async fn show_version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(version): Path<i64>,
    Query(query): Query<StrategyQuery>,
) -> Result<Response, PageError> {
    page(&state, &user, query.practice.as_deref(), Some(version), query.done.as_deref()).await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    practice: Option<&str>,
    version: Option<i64>,
    done: Option<&str>,
) -> Result<Response, PageError> {
    let code = practice_for(user, practice).ok_or_else(not_found)?;
    let versions = state.store.strategy_versions(&code).await?;
    let settings = state.store.practice(&code).await?;
    let current = versions.iter().find(|v| v.signed_off_at.is_some()).cloned();
    let shown = match version {
        Some(n) => match versions.iter().find(|v| v.version == n) {
            Some(v) => Some(v.clone()),
            None => return Err(not_found()),
        },
        None => current.clone(),
    };
    let in_force =
        shown.is_some() && shown.as_ref().map(|v| v.version) == current.as_ref().map(|v| v.version);
    let (acknowledged, acknowledgers) = match &shown {
        Some(v) => {
            let acks = state.store.acknowledgements("strategy", code.as_str(), v.version).await?;
            let users = state.store.users().await.unwrap_or_default();
            let names = acks
                .iter()
                .map(|a| {
                    users
                        .iter()
                        .find(|u| u.id == a.user_id)
                        .map_or_else(|| "A former user".to_owned(), |u| u.display_name.clone())
                })
                .collect();
            (acks.iter().any(|a| a.user_id == user.user.id), names)
        }
        None => (false, Vec::new()),
    };
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    let shell = Shell::for_user(state, &viewer, "Digital support strategy", "/strategy").await?;
    let notice = match done {
        Some("drafted") => {
            Some("A new draft was written from this practice's settings and last quarter's figures.")
        }
        Some("saved") => Some("Your changes were saved as a new draft version."),
        Some("signed") => Some("This version is signed off and is now the practice's strategy."),
        Some("acknowledged") => Some("Thank you: you have signed this version."),
        _ => None,
    };
    // The document's "# Title" line becomes the page's h1; the rest renders below it.
    let (title, rest) = match shown.as_ref().map(|v| v.body.as_str()) {
        Some(body) => match body.strip_prefix("# ") {
            Some(after) => {
                let (first, rest) = after.split_once('\n').unwrap_or((after, ""));
                (first.trim().to_owned(), rest.to_owned())
            }
            None => ("Digital support strategy".to_owned(), body.to_owned()),
        },
        None => (String::new(), String::new()),
    };
    let html = markdown::render(&rest);
    Ok(render(&StrategyPage {
        shell,
        practice_code: code.to_string(),
        practice_name: settings.name,
        version: shown,
        title,
        html,
        in_force,
        versions,
        is_lead: matches!(user.role(), Role::PracticeLead | Role::Admin),
        acknowledged,
        acknowledgers,
        notice,
    }))
}

/// Writes a new draft from the practice's settings and figures.
pub async fn draft(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_for(&user, form.one("practice").as_deref()).ok_or_else(not_found)?;
    let facts = strategy_facts::gather(&state.store, &code).await?;
    let body = lantern_core::strategy::assemble(&facts);
    let version = state.store.save_strategy(&code, &body, facts.review_by, &user.actor()).await?;
    Ok(Redirect::to(&format!("/strategy/versions/{version}?practice={code}&done=drafted")).into_response())
}

/// Saves an edited body (and review date) as a new draft version.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_for(&user, form.one("practice").as_deref()).ok_or_else(not_found)?;
    let Some(review_by) = form.one("review_by").and_then(|d| d.trim().parse().ok()) else {
        return Ok(message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "There is a problem",
            "Enter a review date like 2027-03-31.",
        ));
    };
    let text = form.one("body").unwrap_or_default().replace("\r\n", "\n");
    let version = state.store.save_strategy(&code, &text, review_by, &user.actor()).await?;
    Ok(Redirect::to(&format!("/strategy/versions/{version}?practice={code}&done=saved")).into_response())
}

pub async fn sign_off(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(version): Path<i64>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_for(&user, form.one("practice").as_deref()).ok_or_else(not_found)?;
    state.store.sign_off_strategy(&code, version, &user.actor()).await?;
    Ok(Redirect::to(&format!("/strategy?practice={code}&done=signed")).into_response())
}

pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(version): Path<i64>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = practice_for(&user, form.one("practice").as_deref()).ok_or_else(not_found)?;
    let in_force = matches!(state.store.current_strategy(&code).await, Ok(Some(v)) if v.version == version);
    if !in_force {
        return Ok(message(
            StatusCode::CONFLICT,
            "That version is not in force",
            "Staff sign the strategy the practice has signed off.",
        ));
    }
    state
        .store
        .acknowledge(user.user.id, "strategy", code.as_str(), version, Some(&code), &user.actor())
        .await?;
    Ok(Redirect::to(&format!("/strategy?practice={code}&done=acknowledged")).into_response())
}

/// The version as Markdown, to keep or share; recorded as an export.
pub async fn markdown_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(version): Path<i64>,
    Query(query): Query<StrategyQuery>,
) -> Result<Response, PageError> {
    let code = practice_for(&user, query.practice.as_deref()).ok_or_else(not_found)?;
    let versions = state.store.strategy_versions(&code).await?;
    let shown = versions.into_iter().find(|v| v.version == version).ok_or_else(not_found)?;
    let entry = AuditEntry::new(&user.actor(), "export.strategy")
        .record("strategy", format!("{code}/{version}"))
        .practice(&code);
    state.store.audit(entry).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"strategy-{code}-v{version}.md\"")),
        ],
        shown.body,
    )
        .into_response())
}
