//! Signing in and out. Unknown usernames and wrong passwords get the same answer after the same work,
//! and repeated failures from one username or one address are refused for a while.

use crate::auth::session::{cookie, Client, MaybeUser};
use crate::auth::{hash_secret, new_secret, verify_password, CurrentUser, SESSION_COOKIE};
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::form::Form;
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use lantern_core::audit::Actor;
use serde::Deserialize;
use sha2::Digest;

const SIGN_IN_COOKIE: &str = "lantern_sign_in";
/// Five wrong passwords in fifteen minutes for one username pauses sign-in for it. A practice's staff
/// often share one public address (NAT), so an address is paused only after many more.
const MAX_FAILURES: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 30;
const MAX_USERNAME_CHARS: usize = 254;
const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInPage {
    shell: Shell,
    csrf: String,
    next: String,
    username: String,
    problem: Option<&'static str>,
    signed_out: bool,
    password_changed: bool,
    /// Offer "sign in with NHS Care Identity Service" (a provider is set up).
    oidc: bool,
    /// Offer the username and password form (not switched off).
    passwords: bool,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    #[serde(default)]
    signed_out: bool,
    #[serde(default)]
    password_changed: bool,
}

pub async fn show(State(state): State<AppState>, Query(query): Query<SignInQuery>) -> Response {
    let notice = Notice { signed_out: query.signed_out, password_changed: query.password_changed };
    page(&state, StatusCode::OK, safe_next(query.next.as_deref()), String::new(), None, notice)
}

/// A fresh form with a fresh sign-in CSRF token (double-submitted: cookie and hidden field).
/// Why someone is looking at the sign-in form, if they were just sent there.
#[derive(Debug, Clone, Copy, Default)]
struct Notice {
    signed_out: bool,
    password_changed: bool,
}

fn page(
    state: &AppState,
    status: StatusCode,
    next: String,
    username: String,
    problem: Option<&'static str>,
    notice: Notice,
) -> Response {
    let csrf = new_secret();
    let mut shell = Shell::public("Sign in");
    shell.has_errors = problem.is_some();
    let html = render(&SignInPage {
        shell,
        csrf: csrf.clone(),
        next,
        username,
        problem,
        signed_out: notice.signed_out,
        password_changed: notice.password_changed,
        oidc: state.oidc.is_some(),
        passwords: state.local_passwords,
    });
    let mut response = (status, html).into_response();
    if let Ok(value) = state.sessions.cookie(SIGN_IN_COOKIE, &csrf, 1800).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Only paths on this site, so a crafted link cannot send people elsewhere after signing in.
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become "//evil.example".
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// How an unknown username is kept: enough to count repeated tries of the same name, nothing more.
fn unknown_username(typed: &str) -> String {
    let digest = sha2::Sha256::digest(typed.as_bytes());
    format!("unknown:{}", &hex::encode(digest)[..16])
}

pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    if !state.local_passwords {
        return Ok(crate::kit::message(
            StatusCode::FORBIDDEN,
            "Sign in with NHS Care Identity Service",
            "This Lantern does not accept passwords: sign in with your smartcard or authenticator.",
        ));
    }
    let form = Form::parse(&body);
    let next = safe_next(form.one("next").as_deref());
    let typed = form.one("username").unwrap_or_default().trim().to_lowercase();
    // No account has a longer name; anything longer is echoed back cut short and matches nobody.
    let too_long = typed.chars().count() > MAX_USERNAME_CHARS;
    let username: String = typed.chars().take(MAX_USERNAME_CHARS).collect();
    let password = form.one("password").unwrap_or_default();
    let expected = cookie(&headers, SIGN_IN_COOKIE);
    if expected.is_none() || expected != form.one("csrf") {
        return Ok(page(
            &state,
            StatusCode::BAD_REQUEST,
            next,
            username,
            Some("The sign-in form had expired. Try again."),
            Notice::default(),
        ));
    }
    let lookup = if too_long { Ok(None) } else { state.store.user_for_sign_in(&username).await };
    let found = lookup?.filter(|(user, _)| user.active);
    // What failures are counted and audited under: the username of a real account, but for anything
    // else (a typo, a password typed in the wrong box, 60,000 characters) only a short hash, so no
    // secret or junk is kept for good in the append-only trail.
    let recorded_as = match &found {
        Some((user, _)) => user.username.clone(),
        None => unknown_username(&typed),
    };
    let client_key = client.0.clone().unwrap_or_default();
    let since = Timestamp::now() - FAILURE_WINDOW;
    let (by_user, by_address) = state.store.recent_sign_in_failures(&recorded_as, &client_key, since).await?;
    if by_user >= MAX_FAILURES || by_address >= MAX_FAILURES_PER_ADDRESS {
        let actor = Actor { client: client.0.clone(), ..Actor::system("sign-in") };
        state.store.record_sign_in_throttled(&recorded_as, &actor).await?;
        let problem = "Too many failed attempts. Wait 15 minutes, then try again.";
        return Ok(page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            username,
            Some(problem),
            Notice::default(),
        ));
    }
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let valid = verify_password(password, hash).await;
    let Some(user) = user.filter(|_| valid) else {
        let actor = Actor { client: client.0, ..Actor::system("sign-in") };
        state.store.record_sign_in_failure(&recorded_as, &actor).await?;
        return Ok(page(
            &state,
            StatusCode::UNAUTHORIZED,
            next,
            username,
            Some("The username or password is incorrect"),
            Notice::default(),
        ));
    };
    // A session cookie from before signing in is never reused: a fresh token defeats session fixation.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        let actor = Actor { client: client.0.clone(), ..Actor::system("sign-in") };
        let _ = state.store.end_session(&hash_secret(&old), &actor, "session.replaced").await;
    }
    let token = new_secret();
    let actor = Actor {
        user_id: Some(user.id.to_string()),
        username: user.username.clone(),
        role: user.role.code().to_owned(),
        organisation: user.organisation.as_ref().or(user.practices.first()).map(ToString::to_string),
        client: client.0,
    };
    let now = state.clock.now();
    let expires = now + state.sessions.absolute;
    state.store.create_session(&hash_secret(&token), &user, &new_secret(), now, expires, &actor).await?;
    let mut response = Redirect::to(&next).into_response();
    let max_age = state.sessions.absolute.as_secs();
    for cookie in
        [state.sessions.cookie(SESSION_COOKIE, &token, max_age), state.sessions.cookie(SIGN_IN_COOKIE, "", 0)]
    {
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(_): CheckedForm,
) -> Result<Response, PageError> {
    if let Some(hash) = &user.session_hash {
        state.store.end_session(hash, &user.actor(), "sign_out").await?;
    }
    let mut response = Redirect::to("/sign-in?signed_out=true").into_response();
    if let Ok(value) = state.sessions.cookie(SESSION_COOKIE, "", 0).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Signed-out visitors to `/` go to sign in; signed-in ones to the first page their role has.
pub async fn home(MaybeUser(user): MaybeUser) -> Response {
    match user.map(|u| u.role()) {
        None => Redirect::to("/sign-in").into_response(),
        Some(lantern_core::access::Role::Analyst) => Redirect::to("/network").into_response(),
        Some(lantern_core::access::Role::Researcher) => Redirect::to("/account").into_response(),
        Some(_) => Redirect::to("/log").into_response(),
    }
}
