//! The practice's staff guides: a searchable list, and what the other guide pages share (status tags
//! and service names). The study found reception staff "work it out for
//! themselves"; a guide that is findable from the desk in a few keystrokes is the alternative.

use crate::access::reach::chosen_practice;
use crate::access::roles::SETTINGS_ROLES;
use crate::auth::CurrentUser;
use crate::clock::today;
use crate::http::error::ApiError;
use crate::kit::choices::Choice;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::practice::{practice_choices, practice_not_found};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use lantern_core::guides::Guide;
use lantern_core::ods::OdsCode;
use lantern_core::practice::PracticeService;
use lantern_core::taxonomy::SERVICES;
use serde::Deserialize;
use uuid::Uuid;

/// How a guide stands: shown as a coloured tag wherever the guide is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub label: String,
    /// The NHS.UK tag colour modifier.
    pub colour: &'static str,
}

/// Unapproved comes first: a starter (or a new version) has not been checked by anyone at the
/// practice, whatever its review date says.
pub fn status(guide: &Guide, today: Date) -> Status {
    if guide.approved_by.is_none() {
        Status { label: "Review for your practice".into(), colour: "nhsuk-tag--yellow" }
    } else if guide.review_by < today {
        Status { label: "Past review".into(), colour: "nhsuk-tag--red" }
    } else {
        Status {
            label: format!("Approved — review by {}", long_date(guide.review_by)),
            colour: "nhsuk-tag--green",
        }
    }
}

/// The practice's name for a service, falling back to the catalogue's and then the code, so a
/// service switched off since still reads well.
pub fn service_label(services: &[PracticeService], code: &str) -> String {
    services
        .iter()
        .find(|s| s.code == code)
        .map(|s| s.label.clone())
        .unwrap_or_else(|| SERVICES.get(code).map_or_else(|| code.to_owned(), |t| t.label.to_owned()))
}

pub fn may_write(user: &CurrentUser) -> bool {
    SETTINGS_ROLES.contains(&user.role())
}

pub struct GuideRow {
    id: Uuid,
    title: String,
    services: String,
    status: Status,
}

#[derive(Template)]
#[template(path = "guides/guides.html")]
struct GuidesPage {
    shell: Shell,
    practice_code: String,
    practice_name: String,
    practices: Vec<Choice>,
    q: String,
    service_options: Vec<Choice>,
    filtered: bool,
    rows: Vec<GuideRow>,
    can_write: bool,
}

#[derive(Debug, Deserialize)]
pub struct GuidesQuery {
    practice: Option<String>,
    q: Option<String>,
    service: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GuidesQuery>,
) -> Result<Response, PageError> {
    let code = chosen_practice(&user, query.practice.as_deref()).ok_or_else(practice_not_found)?;
    Ok(render(&list_page(&state, &user, &code, &query).await?))
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    query: &GuidesQuery,
) -> Result<GuidesPage, ApiError> {
    let settings = state.store.settings(code).await?;
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    let shell = Shell::for_user(state, &viewer, "Guides", "/guides").await?;
    let q = query.q.clone().unwrap_or_default();
    let service = query.service.clone().filter(|s| !s.is_empty()).unwrap_or_default();
    let search = Some(q.trim()).filter(|q| !q.is_empty());
    let today = today();
    let rows = state
        .store
        .guides(code, search)
        .await?
        .into_iter()
        .filter(|g| service.is_empty() || g.services.contains(&service))
        .map(|g| GuideRow {
            id: g.id,
            services: g
                .services
                .iter()
                .map(|s| service_label(&settings.services, s))
                .collect::<Vec<_>>()
                .join(", "),
            status: status(&g, today),
            title: g.title,
        })
        .collect();
    let all = std::iter::once(("".to_owned(), "All services".to_owned()));
    let service_options = all
        .chain(settings.services.iter().filter(|s| s.enabled).map(|s| (s.code.clone(), s.label.clone())))
        .map(|(value, label)| Choice { id: value.clone(), checked: value == service, value, label })
        .collect();
    Ok(GuidesPage {
        shell,
        practice_code: code.to_string(),
        practice_name: settings.practice.name.clone(),
        practices: practice_choices(&state.store, user, code).await?,
        filtered: search.is_some() || !service.is_empty(),
        q,
        service_options,
        rows,
        can_write: may_write(user),
    })
}

/// Where a form goes after it is accepted, so reloading does not send it again.
pub fn back_to(id: Uuid, done: &str) -> Response {
    axum::response::Redirect::to(&format!("/guides/{id}?done={done}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn guide(approved: bool, review_by: &str) -> Guide {
        Guide {
            id: Uuid::nil(),
            version: 1,
            title: "T".into(),
            services: Vec::new(),
            tasks: Vec::new(),
            body: String::new(),
            author: "Lantern".into(),
            written_at: Timestamp::UNIX_EPOCH,
            review_by: review_by.parse().expect("date"),
            approved_by: approved.then(|| "lead".to_owned()),
            approved_at: approved.then_some(Timestamp::UNIX_EPOCH),
            starter: None,
        }
    }

    #[test]
    fn status_puts_approval_before_the_review_date() {
        let today: Date = "2026-03-01".parse().expect("date");
        assert_eq!(status(&guide(false, "2020-01-01"), today).label, "Review for your practice");
        assert_eq!(status(&guide(true, "2026-02-28"), today).label, "Past review");
        assert_eq!(status(&guide(true, "2027-05-01"), today).label, "Approved — review by 1 May 2027");
        assert_eq!(status(&guide(true, "2026-03-01"), today).colour, "nhsuk-tag--green", "due today");
    }
}
