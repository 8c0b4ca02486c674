//! Signing in through NHS CIS2 (or any OpenID Connect provider): `/sign-in/oidc` sends the person to
//! the provider; `/sign-in/oidc/callback` checks what comes back. A person new to an organisation
//! waits for its lead's approval; an approved one gets the same session a password sign-in gives.

use super::sign_in_page::safe_next;
use crate::auth::oidc::{selected_role, Cis2Claims, Oidc, OidcError};
use crate::auth::session::{cookie, Client};
use crate::auth::{hash_secret, new_secret, SESSION_COOKIE};
use crate::kit::failure::PageError;
use crate::kit::message;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use lantern_core::access::Role;
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_store::{IdentityStatus, PendingLogin, SignInClaim};
use serde::Deserialize;
use std::sync::Arc;

/// Binds a sign-in to the browser that started it. `SameSite=Lax`, unlike the session cookie: the
/// provider's redirect back is a cross-site navigation, on which a `Strict` cookie is not sent.
const STATE_COOKIE: &str = "lantern_oidc";
/// Long enough to choose a role and tap a smartcard, short enough that a stolen link goes stale.
const LOGIN_WINDOW: SignedDuration = SignedDuration::from_mins(10);

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

fn not_set_up() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Sign-in with NHS Care Identity Service is not set up",
        "This Lantern is not connected to an identity provider. Sign in with your username and password.",
    )
}

fn state_cookie(state: &AppState, value: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if state.sessions.secure_cookies { "; Secure" } else { "" };
    format!("{STATE_COOKIE}={value}; Path=/sign-in/oidc; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
        .parse()
        .ok()
}

fn anonymous(client: &Client) -> Actor {
    Actor { client: client.0.clone(), ..Actor::system("oidc sign-in") }
}

pub async fn start(
    State(state): State<AppState>,
    client: Client,
    Query(query): Query<StartQuery>,
) -> Result<Response, PageError> {
    let Some(oidc) = state.oidc.clone() else { return Ok(not_set_up()) };
    let (login_state, nonce, verifier) = (new_secret(), new_secret(), new_secret());
    let login = PendingLogin { nonce, verifier, next: safe_next(query.next.as_deref()) };
    let target = match oidc.authorize_url(&login_state, &login.nonce, &login.verifier).await {
        Ok(target) => target,
        Err(error) => return refuse(&state, &anonymous(&client), None, &error).await,
    };
    state.store.start_oidc_login(&hash_secret(&login_state), &login, state.clock.now()).await?;
    let mut response = Redirect::to(&target).into_response();
    if let Some(value) = state_cookie(&state, &login_state, LOGIN_WINDOW.as_secs()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The refusal page, after recording the reason in the audit trail.
async fn refuse(
    state: &AppState,
    actor: &Actor,
    organisation: Option<&OdsCode>,
    error: &OidcError,
) -> Result<Response, PageError> {
    let reason = error.to_string();
    tracing::warn!(%reason, "sign-in through the identity provider refused");
    state.store.record_oidc_outcome("oidc.sign_in_refused", &reason, organisation, actor).await?;
    let body = format!(
        "You could not be signed in: {reason}. Try again from the sign-in page; if it happens again, \
         tell your practice's Lantern administrator."
    );
    let mut response = message(StatusCode::FORBIDDEN, "You could not be signed in", &body);
    if let Some(value) = state_cookie(state, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let Some(oidc) = state.oidc.clone() else { return Ok(not_set_up()) };
    let actor = anonymous(&client);
    let sent_state = query.state.unwrap_or_default();
    // The state must be the one this browser was given, and unused: a replayed or planted callback
    // (someone else's code, or this one's again) finds nothing.
    let login = match cookie(&headers, STATE_COOKIE) {
        Some(expected) if !sent_state.is_empty() && expected == sent_state => {
            let not_before = state.clock.now() - LOGIN_WINDOW;
            state.store.take_oidc_login(&hash_secret(&sent_state), not_before).await?
        }
        _ => None,
    };
    let Some(login) = login else { return refuse(&state, &actor, None, &OidcError::UnknownState).await };
    if let Some(error) = query.error {
        let said = format!("{error} {}", query.error_description.unwrap_or_default());
        return refuse(&state, &actor, None, &OidcError::Refused(said.trim().to_owned())).await;
    }
    let code = query.code.unwrap_or_default();
    let found = match identify(&state, &oidc, &code, &login, &actor).await {
        Ok(found) => found,
        Err((error, org)) => return refuse(&state, &actor, org.as_ref(), &error).await,
    };
    let actor = Actor {
        username: format!("cis2:{}", found.subject),
        role: found.role.code().to_owned(),
        organisation: Some(found.organisation.to_string()),
        ..actor
    };
    let identity = state.store.oidc_identity_for(&found, &actor).await?;
    match (identity.status, identity.user_id) {
        (IdentityStatus::Pending, None) => {
            let reason = "waiting for a practice lead or administrator to approve";
            state
                .store
                .record_oidc_outcome("oidc.sign_in_pending", reason, Some(&found.organisation), &actor)
                .await?;
            Ok(message(
                StatusCode::FORBIDDEN,
                "Your access is waiting for approval",
                &format!(
                    "You are known to NHS Care Identity Service, but not yet to Lantern at {}. Your practice \
                     manager or Lantern administrator has been asked to approve you: sign in again once they have.",
                    found.organisation
                ),
            ))
        }
        (IdentityStatus::Refused, None) => {
            let error = OidcError::Refused(format!(
                "access to Lantern at {} was refused by a lead",
                found.organisation
            ));
            refuse(&state, &actor, Some(&found.organisation), &error).await
        }
        (IdentityStatus::Approved, None) => {
            let error = OidcError::Refused("approved without an account".into());
            refuse(&state, &actor, None, &error).await
        }
        // An account exists: it signs in at the role CIS2 maps now, lowered at once or kept while a
        // higher one waits for a lead (see lantern_store's oidc_roles).
        (_, Some(_)) => {
            let user = state.store.follow_oidc_role(identity.id, &found, &actor).await?;
            if !user.active {
                let error = OidcError::Refused("the Lantern account is switched off".into());
                return refuse(&state, &actor, Some(&found.organisation), &error).await;
            }
            let actor = Actor { role: user.role.code().to_owned(), ..actor };
            start_session(&state, &headers, user, actor, &login.next).await
        }
    }
}

/// Exchanges the code, checks the tokens and reads who the person is and for whom they work now.
async fn identify(
    state: &AppState,
    oidc: &Arc<Oidc>,
    code: &str,
    login: &PendingLogin,
    actor: &Actor,
) -> Result<SignInClaim, (OidcError, Option<OdsCode>)> {
    let tokens = oidc.exchange(code, &login.verifier).await.map_err(|e| (e, None))?;
    let id = oidc.verify(&tokens.id_token, &login.nonce).await.map_err(|e| (e, None))?;
    let info = oidc.userinfo(&tokens.access_token).await.map_err(|e| (e, None))?;
    let info: Cis2Claims = serde_json::from_value(info)
        .map_err(|e| (OidcError::Provider(format!("userinfo unreadable: {e}")), None))?;
    let selected = selected_role(&info, &id).map_err(|e| (e, None))?;
    let unknown = || OidcError::UnknownOrganisation(selected.org_code.clone());
    let organisation = OdsCode::parse(&selected.org_code).map_err(|_| (unknown(), None))?;
    let Some(role) = oidc.config.roles.role_for(&selected.role_code) else {
        // CIS2 no longer gives them a role Lantern maps here: whatever they were approved for at this
        // organisation stops now, not when its sessions would have expired.
        let actor = Actor { username: format!("cis2:{}", id.sub), ..actor.clone() };
        state
            .store
            .withdraw_oidc_access(&oidc.config.issuer, &id.sub, &organisation, &selected.role_code, &actor)
            .await
            .map_err(|e| (OidcError::Provider(e.to_string()), Some(organisation.clone())))?;
        return Err((OidcError::UnmappedRole(selected.role_code.clone()), Some(organisation)));
    };
    let practices =
        state.store.practices_cached().await.map_err(|e| (OidcError::Provider(e.to_string()), None))?;
    // Practice staff belong to a practice Lantern has; analysts to a PCN or ICB one of them is in.
    let known = practices.iter().any(|(p, _)| match role {
        Role::Staff | Role::PracticeLead => p.ods_code == organisation,
        _ => p.pcn.as_ref() == Some(&organisation) || p.icb.as_ref() == Some(&organisation),
    });
    if !known {
        return Err((unknown(), None));
    }
    Ok(SignInClaim {
        issuer: oidc.config.issuer.clone(),
        subject: id.sub,
        organisation,
        display_name: info.display_name(),
        role,
        rbac_role: selected.role_code,
    })
}

/// The same session a password sign-in makes. The page answers with a link and a `Refresh` rather
/// than a redirect: after the provider's cross-site redirect, browsers would not send the new
/// `SameSite=Strict` session cookie on a redirect in the same chain.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: lantern_core::access::User,
    actor: Actor,
    next: &str,
) -> Result<Response, PageError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        let _ = state.store.end_session(&hash_secret(&old), &actor, "session.replaced").await;
    }
    let actor = Actor { user_id: Some(user.id.to_string()), ..actor };
    let token = new_secret();
    let now = state.clock.now();
    let expires = now + state.sessions.absolute;
    state.store.create_session(&hash_secret(&token), &user, &new_secret(), now, expires, &actor).await?;
    let mut response = crate::kit::continue_to(next, "You are signed in");
    let max_age = state.sessions.absolute.as_secs();
    if let Ok(value) = state.sessions.cookie(SESSION_COOKIE, &token, max_age).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    if let Some(value) = state_cookie(state, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
