//! One guide: its text, who wrote and approved it, its versions, and read-and-sign. Approval and
//! signing name a version, so nobody approves or signs text they have not seen.

use super::list_page::{back_to, may_write, service_label, status, Status};
use crate::access::reach::guide_in_reach as reachable;
use crate::auth::CurrentUser;
use crate::clock::today;
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::dates::{long_date, long_time};
use crate::kit::failure::PageError;
use crate::kit::markdown;
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::kit::{message, render};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use lantern_core::guides::Guide;
use lantern_core::ods::OdsCode;
use lantern_core::taxonomy::TASKS;
use lantern_core::validation::FieldError;
use lantern_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "guides/guide.html")]
struct GuidePage {
    shell: Shell,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
    guide: Guide,
    practice_code: String,
    practice_name: String,
    status: Status,
    body_html: String,
    details: Vec<(&'static str, String)>,
    can_write: bool,
    signed_on: Option<String>,
    signatures: Vec<(String, String)>,
    review_by: String,
}

impl GuidePage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "guides/guide_history.html")]
struct HistoryPage {
    shell: Shell,
    guide: Guide,
    practice_name: String,
    versions: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct GuideQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<GuideQuery>,
) -> Response {
    let notice = match query.done.as_deref() {
        Some("saved") => {
            Some(("Guide saved", "Guide saved. This version needs approving before staff rely on it."))
        }
        Some("approved") => Some(("Guide approved", "This version is approved for the practice.")),
        Some("signed") => Some(("Guide signed", "Your signature is recorded.")),
        _ => None,
    };
    respond(StatusCode::OK, page(&state, &user, &id, notice, Vec::new(), None).await)
}

pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let built = async {
        let (code, guide) = reachable(&state.store, &user, &id).await?;
        let practice = state.store.practice(&code).await?;
        let shell = shell(&state, &user, &code, &format!("Versions of {}", guide.title)).await?;
        let versions = state
            .store
            .guide_history(guide.id)
            .await?
            .into_iter()
            .rev()
            .map(|v| {
                let approved = match (&v.approved_by, v.approved_at) {
                    (Some(who), Some(at)) => format!("{who}, {}", long_time(at)),
                    _ => "Not approved".to_owned(),
                };
                vec![v.version.to_string(), v.title, v.author, long_time(v.written_at), approved]
            })
            .collect();
        Ok::<_, ApiError>(HistoryPage { shell, guide, practice_name: practice.name, versions })
    };
    Ok(render(&built.await?))
}

pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let (_, guide) = reachable(&state.store, &user, &id).await?;
    let typed = form.one("review_by").unwrap_or_default();
    let error = match typed.trim().parse::<Date>() {
        Ok(date) if date > today() => None,
        Ok(_) => Some("The review date must be in the future"),
        Err(_) => Some("Enter a review date like 2027-03-31"),
    };
    if let Some(text) = error {
        let errors = vec![FieldError::new("review_by", text)];
        let page = page(&state, &user, &id, None, errors, Some(typed)).await;
        return Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let version = form.one("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let review_by = typed.trim().parse().unwrap_or_default();
    match state.store.approve_guide(guide.id, version, review_by, &user.actor()).await {
        Ok(_) => Ok(back_to(guide.id, "approved")),
        Err(StoreError::Conflict(_)) => Ok(changed()),
        Err(error) => Err(error.into()),
    }
}

/// Read-and-sign: records, once, that this person has read the version they were shown.
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let (code, guide) = reachable(&state.store, &user, &id).await?;
    if form.one("version").and_then(|v| v.parse::<i64>().ok()) != Some(guide.version) {
        return Ok(changed());
    }
    let id = guide.id.to_string();
    state.store.acknowledge(user.user.id, "guide", &id, guide.version, Some(&code), &user.actor()).await?;
    Ok(back_to(guide.id, "signed"))
}

fn changed() -> Response {
    message(
        StatusCode::CONFLICT,
        "This guide has changed",
        "Someone saved a new version after you opened it. Go back, reload the page and read the new version.",
    )
}

async fn shell(state: &AppState, user: &CurrentUser, code: &OdsCode, title: &str) -> Result<Shell, ApiError> {
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    Shell::for_user(state, &viewer, title, "/guides").await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    notice: Option<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
    review_by: Option<String>,
) -> Result<GuidePage, ApiError> {
    let (code, guide) = reachable(&state.store, user, id).await?;
    let settings = state.store.settings(&code).await?;
    let mut shell = shell(state, user, &code, &guide.title).await?;
    shell.has_errors = !errors.is_empty();
    shell.title_prefix = notice.map(|(title, _)| title).unwrap_or_default().to_owned();
    let document = guide.id.to_string();
    let signed = state.store.acknowledgements("guide", &document, guide.version).await?;
    let signed_on = signed.iter().find(|a| a.user_id == user.user.id).map(|a| long_time(a.at));
    let can_write = may_write(user);
    let signatures = if can_write {
        let users = state.store.users().await?;
        signed
            .iter()
            .map(|a| {
                let name = users.iter().find(|u| u.id == a.user_id).map(|u| u.display_name.clone());
                (name.unwrap_or_else(|| "A former user".to_owned()), long_time(a.at))
            })
            .collect()
    } else {
        Vec::new()
    };
    let services: Vec<String> = guide.services.iter().map(|s| service_label(&settings.services, s)).collect();
    let tasks: Vec<&str> = guide.tasks.iter().map(|t| TASKS.label(t)).collect();
    let approved = match (&guide.approved_by, guide.approved_at) {
        (Some(who), Some(at)) => format!("{who}, {}", long_time(at)),
        _ => "Not yet approved for this practice".to_owned(),
    };
    let none = |list: String| if list.is_empty() { "None".to_owned() } else { list };
    let details = vec![
        ("Version", guide.version.to_string()),
        ("Online services", none(services.join(", "))),
        ("Tasks", none(tasks.join(", "))),
        ("Written by", guide.author.clone()),
        ("Written", long_time(guide.written_at)),
        ("Approved by", approved),
        ("Review by", long_date(guide.review_by)),
    ];
    let default_review = today().checked_add(jiff::Span::new().years(1)).unwrap_or(guide.review_by);
    Ok(GuidePage {
        shell,
        notice: notice.map(|(_, sentence)| sentence),
        errors,
        practice_code: code.to_string(),
        practice_name: settings.practice.name,
        status: status(&guide, today()),
        body_html: markdown::render(&guide.body),
        details,
        can_write,
        signed_on,
        signatures,
        review_by: review_by.unwrap_or_else(|| default_review.to_string()),
        guide,
    })
}
