//! "Your account": who you are and what your role sees, changing your own password, and the API tokens
//! you have made for programs.

use crate::auth::session::Client;
use crate::auth::{hash_password, hash_secret, new_secret, verify_password, CurrentUser, SESSION_COOKIE};
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::message;
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use lantern_core::access::{check_password, Role};
use lantern_core::episode::local_time;
use lantern_core::validation::{FieldError, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

const REVOKED: &str = "API token revoked";

/// The sign-in throttle's limits: a wrong current password counts as a failed sign-in, so this form
/// cannot be used to guess the password of someone who left their screen unlocked.
const MAX_FAILURES: i64 = 5;
const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    shell: Shell,
    errors: Vec<FieldError>,
    /// A token was just revoked (the page after the redirect).
    revoked: bool,
    details: Vec<(&'static str, String)>,
    role_note: String,
    tokens: Vec<TokenRow>,
    token_name: String,
    new_token: Option<String>,
}

impl AccountPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

struct TokenRow {
    id: Uuid,
    name: String,
    created: String,
    last_used: String,
    active: bool,
}

#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AccountQuery>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("token-revoked") => Some(REVOKED),
        _ => None,
    };
    respond(StatusCode::OK, page(&state, &user, Vec::new(), String::new(), None, notice).await)
}

pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    client: Client,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let username = user.user.username.clone();
    let (current, new) = (form.one("current_password"), form.one("new_password"));
    let since = Timestamp::now() - FAILURE_WINDOW;
    let client_key = client.0.clone().unwrap_or_default();
    let mut errors = Vec::new();
    let (failures, _) = state.store.recent_sign_in_failures(&username, &client_key, since).await?;
    match current {
        _ if failures >= MAX_FAILURES => errors.push(FieldError::new(
            "current_password",
            "Too many wrong passwords. Wait 15 minutes, then try again",
        )),
        None => errors.push(FieldError::new("current_password", "Enter your current password")),
        Some(current) => {
            let hash = state.store.user_for_sign_in(&username).await?.map(|(_, hash)| hash);
            if !verify_password(current, hash).await {
                state.store.record_sign_in_failure(&username, &user.actor()).await?;
                errors.push(FieldError::new("current_password", "Your current password is not right"));
            }
        }
    }
    match &new {
        None => errors.push(FieldError::new("new_password", "Enter a new password")),
        Some(new) => match check_password(&username, new) {
            Err(ValidationErrors(found)) => {
                errors.extend(found.into_iter().map(|e| FieldError::new("new_password", e.message)));
            }
            Ok(()) if form.one("confirm_password").as_ref() != Some(new) => errors.push(FieldError::new(
                "confirm_password",
                "The passwords do not match: type the same new password twice",
            )),
            Ok(()) => {}
        },
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        let page = page(&state, &user, errors, String::new(), None, None).await;
        return Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page));
    };
    let hash = hash_password(new).await;
    // This ends every session of the account, this one included: signing in again proves the new password.
    state.store.set_password(user.user.id, &hash, &user.actor(), "user.password_change").await?;
    let mut response = Redirect::to("/sign-in?next=%2Faccount&password_changed=true").into_response();
    if let Ok(value) = state.sessions.cookie(SESSION_COOKIE, "", 0).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Makes a token and shows it on this response only: Lantern keeps just its hash.
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let name = form.one("name").unwrap_or_default().trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        let errors = vec![FieldError::new("name", "Name the token in 1 to 80 characters")];
        return Ok(respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&state, &user, errors, name, None, None).await,
        ));
    }
    let token = format!("lantern_{}", new_secret());
    match state.store.create_api_token(&user.user, &name, &hash_secret(&token), &user.actor()).await {
        Ok(_) => {}
        Err(lantern_store::StoreError::Invalid(errors)) => {
            return Ok(respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &user, errors.0, name, None, None).await,
            ));
        }
        Err(error) => return Err(error.into()),
    }
    let page = page(&state, &user, Vec::new(), String::new(), Some(token), Some("API token created")).await;
    let mut response = respond(StatusCode::CREATED, page);
    // The secret must not linger in a cache or the browser's history.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(_): CheckedForm,
) -> Result<Response, PageError> {
    let not_found = || message(StatusCode::NOT_FOUND, "API token not found", "It may already be revoked.");
    let Ok(id) = Uuid::parse_str(&id) else { return Ok(not_found()) };
    match state.store.revoke_api_token(user.user.id, id, &user.actor()).await {
        Ok(()) => Ok(Redirect::to("/account?done=token-revoked").into_response()),
        Err(lantern_store::StoreError::NotFound(_)) => Ok(not_found()),
        Err(error) => Err(error.into()),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<FieldError>,
    token_name: String,
    new_token: Option<String>,
    notice: Option<&'static str>,
) -> Result<AccountPage, ApiError> {
    let mut shell = Shell::for_user(state, user, "Your account", "/account").await?;
    shell.has_errors = !errors.is_empty();
    shell.title_prefix = notice.unwrap_or_default().to_owned();
    let practices = state.store.list_practices().await?;
    let reach: Vec<String> = practices
        .iter()
        .filter(|(p, _)| user.can_reach(&p.ods_code))
        .map(|(p, _)| format!("{} ({})", p.name, p.ods_code))
        .collect();
    let mut details = vec![
        ("Name", user.user.display_name.clone()),
        ("Username", user.user.username.clone()),
        ("Role", user.role().label().to_owned()),
    ];
    if let Some(org) = &user.user.organisation {
        details.push(("Organisation (PCN or ICB)", org.to_string()));
    }
    details.push(match user.role() {
        Role::Admin => ("Practices", format!("All practices ({})", reach.len())),
        _ if reach.is_empty() => ("Practices", "None yet".to_owned()),
        _ => ("Practices", reach.join(", ")),
    });
    let when = |t: Timestamp| local_time(t).strftime("%-d %B %Y, %H:%M").to_string();
    let tokens = state
        .store
        .api_tokens(user.user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: when(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "Never".to_owned(), when),
            active: t.revoked_at.is_none(),
        })
        .collect();
    Ok(AccountPage {
        shell,
        errors,
        revoked: notice == Some(REVOKED),
        details,
        role_note: role_note(user),
        tokens,
        token_name,
        new_token,
    })
}

/// What the person's role lets them see, in a sentence: analysts and researchers land here, and
/// should know why there is little else yet.
fn role_note(user: &CurrentUser) -> String {
    let org =
        user.user.organisation.as_ref().map_or_else(|| "your organisation".to_owned(), |o| o.to_string());
    match user.role() {
        Role::Staff => {
            "You log the help you give patients and see your practice's episodes. You can correct \
            the episodes you logged or helped with."
                .to_owned()
        }
        Role::PracticeLead => "You see everything within your practices, choose their online services and \
            staff, and read their audit trail."
            .to_owned(),
        Role::Analyst => format!(
            "Your role sees totals across the practices of {org}, never single episodes or notes. Reports \
             for your role are not in Lantern yet; here you can change your password and make API tokens."
        ),
        Role::Researcher => format!(
            "Your role sees observation studies and de-identified exports you are granted for the practices \
             of {org}. Those are not in Lantern yet; here you can change your password and make API tokens."
        ),
        Role::Admin => "You manage accounts and can reach every practice, its settings and the whole audit \
            trail."
            .to_owned(),
    }
}
