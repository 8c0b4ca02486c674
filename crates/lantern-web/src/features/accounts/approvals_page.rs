//! People who signed in through NHS CIS2 for the first time wait here until a lead of their practice
//! (or an administrator) approves or refuses them. Leads see only their own practices' requests, and
//! only administrators decide on analysts and researchers, whose reach spans many practices.

use super::sign_in_requests::{decidable, visible};
use crate::auth::CurrentUser;
use crate::kit::csrf::CheckedForm;
use crate::kit::dates::long_time;
use crate::kit::failure::PageError;
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_store::{IdentityStatus, OidcIdentity};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "accounts/approvals.html")]
struct ApprovalsPage {
    shell: Shell,
    done: Option<&'static str>,
    pending: Vec<Row>,
    decided: Vec<Row>,
}

struct Row {
    id: Uuid,
    name: String,
    organisation: String,
    role: &'static str,
    rbac_role: String,
    asked: String,
    status: &'static str,
    /// They already use Lantern here with a lower role, and CIS2 now gives them this one.
    raise: bool,
}

impl From<&OidcIdentity> for Row {
    fn from(identity: &OidcIdentity) -> Self {
        Row {
            id: identity.id,
            name: identity.display_name.clone(),
            organisation: identity.organisation.to_string(),
            role: identity.role.label(),
            rbac_role: identity.rbac_role.clone(),
            asked: long_time(identity.created_at),
            status: match identity.status {
                IdentityStatus::Pending => "Waiting",
                IdentityStatus::Approved => "Approved",
                IdentityStatus::Refused => "Refused",
            },
            raise: identity.user_id.is_some(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<Done>,
) -> Result<Response, PageError> {
    let identities = visible(&state, &user).await?;
    let (pending, decided): (Vec<_>, Vec<_>) =
        identities.iter().partition(|i| i.status == IdentityStatus::Pending);
    let done = match query.done.as_deref() {
        Some("approved") => Some("Approved. They can sign in now."),
        Some("refused") => Some(
            "Refused. They will be told their access was refused when they sign in; anyone asking for a \
             higher role keeps the one they have.",
        ),
        _ => None,
    };
    Ok(render(&ApprovalsPage {
        shell: Shell::signed_in(&user, "Sign-in requests"),
        done,
        pending: pending.into_iter().map(Row::from).collect(),
        decided: decided.into_iter().map(Row::from).collect(),
    }))
}

pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    CheckedForm(_): CheckedForm,
) -> Result<Response, PageError> {
    let id = decidable(&state, &user, id).await?;
    state.store.approve_oidc_identity(id, &user.actor()).await?;
    Ok(Redirect::to("/sign-in-requests?done=approved").into_response())
}

pub async fn refuse(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    CheckedForm(_): CheckedForm,
) -> Result<Response, PageError> {
    let id = decidable(&state, &user, id).await?;
    state.store.refuse_oidc_identity(id, &user.actor()).await?;
    Ok(Redirect::to("/sign-in-requests?done=refused").into_response())
}
