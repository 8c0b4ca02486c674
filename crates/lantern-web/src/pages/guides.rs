//! The practice's staff guides: a searchable list, and what the other guide pages share (the practice
//! boundary, status tags, dates and service names). The study found reception staff "work it out for
//! themselves"; a guide that is findable from the desk in a few keystrokes is the alternative.

use super::form::LogForm as Form;
use super::shell::Shell;
use super::view::Choice;
use super::{csrf, failure, message, render};
use crate::api::{scope, SETTINGS_ROLES};
use crate::auth::CurrentUser;
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use lantern_core::episode::PRACTICE_TIME_ZONE;
use lantern_core::ods::OdsCode;
use lantern_core::ownership::Guide;
use lantern_core::practice::PracticeService;
use lantern_core::taxonomy::SERVICES;
use lantern_store::Store;
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

/// Today at the practices (UK time), which decides whether a review date has passed.
pub fn today() -> Date {
    let tz = TimeZone::get(PRACTICE_TIME_ZONE).unwrap_or(TimeZone::UTC);
    Timestamp::now().to_zoned(tz).date()
}

pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

pub fn long_time(at: Timestamp) -> String {
    lantern_core::episode::local_time(at).strftime("%-d %B %Y at %H:%M").to_string()
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

/// The guide and its practice, if the user may reach that practice; "not found" otherwise, so nobody
/// learns that another practice's guide exists.
pub async fn reachable(store: &Store, user: &CurrentUser, id: &str) -> Result<(OdsCode, Guide), ApiError> {
    let not_found = || ApiError::NotFound(format!("guide {id}"));
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let (practice, guide) = store.guide(id).await?;
    if user.can_reach(&practice) {
        Ok((practice, guide))
    } else {
        Err(not_found())
    }
}

/// The practice asked for, or the one the user is working in; `None` when neither is in reach.
pub fn chosen_practice(user: &CurrentUser, requested: Option<&str>) -> Option<OdsCode> {
    match requested {
        Some(raw) => scope::practice(user, raw).ok(),
        None => user.current_practice.clone(),
    }
}

pub fn practice_not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Practice not found",
        "You are not linked to that practice. Ask your practice manager if you should be.",
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

/// The form, if it carries this session's CSRF token; otherwise the refusal to send.
pub fn checked_form(user: &CurrentUser, body: &[u8]) -> (Form, Option<Response>) {
    let form = Form::parse(body);
    let refusal = csrf::rejected(user, &form);
    (form, refusal)
}

/// A link to a guide, as offered beside the quick-log form.
#[derive(Debug, Clone)]
pub struct GuideLink {
    pub id: Uuid,
    pub title: String,
}

/// The guides that cover any of `services` or `tasks`, those covering most first, at most five: a short
/// list the helper can take in while the patient waits.
pub async fn links_for(
    store: &Store,
    practice: &OdsCode,
    services: &[String],
    tasks: &[String],
) -> Result<Vec<GuideLink>, ApiError> {
    let mut scored: Vec<(usize, Guide)> = store
        .guides(practice, None)
        .await?
        .into_iter()
        .map(|g| {
            let score = g.services.iter().filter(|s| services.contains(s)).count()
                + g.tasks.iter().filter(|t| tasks.contains(t)).count();
            (score, g)
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    // Stable: ties keep the store's alphabetical order.
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    Ok(scored.into_iter().take(5).map(|(_, g)| GuideLink { id: g.id, title: g.title }).collect())
}

pub struct GuideRow {
    id: Uuid,
    title: String,
    services: String,
    status: Status,
}

#[derive(Template)]
#[template(path = "guides.html")]
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
) -> Response {
    let Some(code) = chosen_practice(&user, query.practice.as_deref()) else {
        return practice_not_found();
    };
    match list_page(&state, &user, &code, &query).await {
        Ok(page) => render(&page),
        Err(error) => failure::page(error),
    }
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
