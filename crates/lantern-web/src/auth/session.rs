//! Finding the person behind a request: a session cookie (browsers) or a bearer token (programs).

use super::secrets::hash_secret;
use crate::http::error::ApiError;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use lantern_core::access::{Role, User};
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "lantern_session";

/// How long sessions last. A reception desk is used all day in bursts, so the idle limit is an hour
/// rather than minutes; the absolute limit ends every session within a working day.
#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    pub idle: SignedDuration,
    pub absolute: SignedDuration,
    /// Mark cookies `Secure` (set when Lantern is served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle: SignedDuration::from_mins(60),
            absolute: SignedDuration::from_hours(10),
            secure_cookies: false,
        }
    }
}

impl SessionConfig {
    pub fn cookie(&self, name: &str, value: &str, max_age_seconds: i64) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{secure}")
    }
}

/// The signed-in person, their reach, and how they proved who they are.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// Practices whose data they may reach.
    pub practices: Vec<OdsCode>,
    /// The practice they are working in now (multi-practice staff can switch).
    pub current_practice: Option<OdsCode>,
    /// The session's CSRF token; absent for bearer tokens, which browsers never send by themselves.
    pub csrf: Option<String>,
    pub session_hash: Option<String>,
    pub client: Option<String>,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn can_reach(&self, practice: &OdsCode) -> bool {
        self.practices.contains(practice)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id.to_string()),
            username: self.user.username.clone(),
            role: self.user.role.code().to_owned(),
            organisation: self
                .user
                .organisation
                .as_ref()
                .or(self.current_practice.as_ref())
                .map(ToString::to_string),
            client: self.client.clone(),
        }
    }
}

/// The client's address, for audit records of people not (yet) signed in.
#[derive(Debug, Clone, Default)]
pub struct Client(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Client>().cloned().unwrap_or_default())
    }
}

/// Handlers behind a guard that admits only signed-in users take this; it is never missing there.
impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CurrentUser>().cloned().ok_or(ApiError::Unauthorised)
    }
}

/// The signed-in user on routes open to everyone, where there may be none.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// Attaches the [`CurrentUser`] (if any) and [`Client`] to every request. An invalid bearer token is
/// refused outright; an expired session simply counts as signed out.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = peer.map(|ip| state.proxies.client(ip, request.headers()).to_string());
    request.extensions_mut().insert(Client(client.clone()));
    let found = match bearer(request.headers()) {
        Some(token) => match from_token(&state, &token, client).await {
            Ok(Some(user)) => Some(user),
            Ok(None) => return ApiError::Unauthorised.into_response(),
            Err(error) => return error.into_response(),
        },
        None => match cookie(request.headers(), SESSION_COOKIE) {
            Some(token) => match from_session(&state, &token, client).await {
                Ok(user) => user,
                Err(error) => return error.into_response(),
            },
            None => None,
        },
    };
    if let Some(user) = found {
        request.extensions_mut().insert(user);
    }
    next.run(request).await
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

async fn with_reach(state: &AppState, user: User) -> Result<Vec<OdsCode>, ApiError> {
    let all: Vec<_> = state.store.practices_cached().await?.iter().map(|(p, _)| p.clone()).collect();
    Ok(user.visible_practices(&all))
}

async fn from_token(
    state: &AppState,
    token: &str,
    client: Option<String>,
) -> Result<Option<CurrentUser>, ApiError> {
    let Some(user) = state.store.api_token_user(&hash_secret(token)).await? else { return Ok(None) };
    if !user.active {
        return Ok(None);
    }
    let practices = with_reach(state, user.clone()).await?;
    let current_practice = practices.first().cloned();
    Ok(Some(CurrentUser { user, practices, current_practice, csrf: None, session_hash: None, client }))
}

async fn from_session(
    state: &AppState,
    token: &str,
    client: Option<String>,
) -> Result<Option<CurrentUser>, ApiError> {
    let hash = hash_secret(token);
    let Some(session) = state.store.session(&hash).await? else { return Ok(None) };
    let now = state.clock.now();
    let idle_expired = now.duration_since(session.last_seen_at) > state.sessions.idle;
    if now >= session.expires_at || idle_expired || !session.user.active {
        let actor = Actor { client: client.clone(), ..Actor::system("session expiry") };
        let actor = Actor {
            user_id: Some(session.user.id.to_string()),
            username: session.user.username.clone(),
            ..actor
        };
        state.store.end_session(&hash, &actor, "session.expired").await?;
        return Ok(None);
    }
    // Touching on every request would turn reads into writes; once a minute keeps the idle clock honest.
    if now.duration_since(session.last_seen_at) > SignedDuration::from_secs(60) {
        state.store.touch_session(&hash, None, now).await?;
    }
    let practices = with_reach(state, session.user.clone()).await?;
    let current_practice =
        session.current_practice.filter(|p| practices.contains(p)).or_else(|| practices.first().cloned());
    Ok(Some(CurrentUser {
        user: session.user,
        practices,
        current_practice,
        csrf: Some(session.csrf_token),
        session_hash: Some(hash),
        client,
    }))
}
