//! Which CIS2 sign-in requests a person may see and decide on, shared by the page and the API.
//! Leads see only their own practices' requests, and only administrators decide on analysts and
//! researchers, whose reach spans many practices.

use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::AppState;
use lantern_core::access::Role;
use lantern_store::OidcIdentity;
use uuid::Uuid;

/// The requests this person may decide on.
pub async fn visible(state: &AppState, user: &CurrentUser) -> Result<Vec<OidcIdentity>, ApiError> {
    let all = match user.role() {
        Role::Admin => state.store.oidc_identities(None).await?,
        _ => state.store.oidc_identities(Some(user.practices.as_slice())).await?,
    };
    Ok(all.into_iter().filter(|i| user.role() == Role::Admin || i.role.is_practice_based()).collect())
}

/// The request, if this person may decide on it; otherwise "not found", as for any other practice's.
pub async fn decidable(state: &AppState, user: &CurrentUser, id: Uuid) -> Result<Uuid, ApiError> {
    visible(state, user)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .map(|i| i.id)
        .ok_or_else(|| ApiError::NotFound(format!("sign-in request {id}")))
}
