//! Creating accounts, shared by the admin API and `lantern user add`.

use super::password::hash_password;
use crate::http::error::ApiError;
use lantern_core::access::{check_password, parse_username, Role, User};
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::Store;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    /// For practice staff: their staff record, so "their own" episodes are the ones they helped with.
    #[serde(default)]
    pub staff_id: Option<Uuid>,
    /// For analysts and researchers: the PCN or ICB ODS code whose practices they may see.
    #[serde(default)]
    pub organisation: Option<String>,
    /// For staff and practice leads: the practices they work in.
    #[serde(default)]
    pub practices: Vec<String>,
}

/// Checks every field, hashes the password and stores the account, returning it.
pub async fn create_account(store: &Store, input: NewUser, actor: &Actor) -> Result<User, ApiError> {
    let mut errors = Vec::new();
    let username = parse_username(&input.username).map_err(|e| errors.push(e)).unwrap_or_default();
    if let Err(ValidationErrors(found)) = check_password(&username, &input.password) {
        errors.extend(found);
    }
    let display_name = input.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 80 {
        errors.push(FieldError::new("display_name", "Enter a name of 1 to 80 characters"));
    }
    let known: Vec<OdsCode> = store.list_practices().await?.into_iter().map(|(p, _)| p.ods_code).collect();
    let mut practices = Vec::new();
    for raw in &input.practices {
        match OdsCode::parse(raw).ok().filter(|c| known.contains(c)) {
            Some(code) => practices.push(code),
            None => {
                errors.push(FieldError::new("practices", format!("No practice {raw} is set up in Lantern")))
            }
        }
    }
    let organisation = input.organisation.as_deref().filter(|o| !o.trim().is_empty()).and_then(|raw| {
        OdsCode::parse(raw).map_err(|e| errors.push(FieldError::new("organisation", e.to_string()))).ok()
    });
    match input.role {
        r if r.is_practice_based() && practices.is_empty() => {
            errors.push(FieldError::new("practices", "Name at least one practice this person works in"));
        }
        Role::Analyst | Role::Researcher if organisation.is_none() => {
            errors.push(FieldError::new(
                "organisation",
                "Name the PCN or ICB (ODS code) whose practices they may see",
            ));
        }
        _ => {}
    }
    if let Some(staff_id) = input.staff_id {
        let mut found = false;
        for practice in &practices {
            found |= store.staff(practice).await?.iter().any(|m| m.id == staff_id);
        }
        if !found {
            errors
                .push(FieldError::new("staff_id", "That staff member does not work at the practices named"));
        }
    }
    ValidationErrors::check(errors).map_err(ApiError::Invalid)?;
    let user = User {
        id: Uuid::now_v7(),
        username,
        display_name,
        role: input.role,
        staff_id: input.staff_id,
        organisation,
        practices,
        active: true,
    };
    let hash = hash_password(input.password).await;
    store.create_user(&user, &hash, actor).await?;
    Ok(user)
}
