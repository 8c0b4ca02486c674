//! "Who owns what": each switched-on service with its named owner, supporting staff, escalation route
//! and offline alternative. Staff read it to know who to go to; leads change it.

use crate::access::reach::chosen_or_current as chosen;
use crate::access::roles::SETTINGS_ROLES;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::practice::shown_practice;
use crate::kit::practice::{frame, practice_choice, PracticeChoice};
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::services::ownership::Arrangements;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lantern_core::ods::OdsCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "ownership/services.html")]
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
) -> Result<Response, PageError> {
    let requested = query.practice.as_deref();
    let code = shown_practice(&state, &user, chosen(&user, requested), requested).await?;
    Ok(respond(StatusCode::OK, page(&state, &user, &code, query.done.as_deref()).await))
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

pub(super) fn may_edit(user: &CurrentUser) -> bool {
    SETTINGS_ROLES.contains(&user.role())
}
