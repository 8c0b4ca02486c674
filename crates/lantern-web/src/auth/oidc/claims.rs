//! CIS2's claims about a person: their national RBAC roles (`nhsid_nrbac_roles`) and the one they
//! chose at sign-in (`selected_roleid`), which names the organisation they are working for now.

use super::client::IdClaims;
use super::OidcError;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct NrbacRole {
    pub person_roleid: String,
    pub org_code: String,
    pub role_code: String,
    #[serde(default)]
    pub role_name: String,
}

/// The userinfo answer, as much of it as Lantern keeps or needs.
#[derive(Debug, Clone, Deserialize)]
pub struct Cis2Claims {
    pub sub: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub nhsid_nrbac_roles: Vec<NrbacRole>,
    #[serde(default)]
    pub selected_roleid: Option<String>,
}

impl Cis2Claims {
    pub fn display_name(&self) -> String {
        let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let name = self.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or(joined);
        let trimmed: String = name.trim().chars().take(80).collect();
        if trimmed.is_empty() {
            "Unnamed CIS2 user".to_owned()
        } else {
            trimmed
        }
    }
}

/// The role the person chose at the provider.
#[derive(Debug, Clone)]
pub struct SelectedRole {
    pub org_code: String,
    pub role_code: String,
    pub role_name: String,
}

/// The chosen role, from userinfo (or the id_token), which must be one of the person's own roles,
/// and userinfo must describe the same person as the id_token.
pub fn selected_role(info: &Cis2Claims, id: &IdClaims) -> Result<SelectedRole, OidcError> {
    if info.sub != id.sub {
        return Err(OidcError::SubjectMismatch);
    }
    let chosen =
        info.selected_roleid.as_deref().or(id.selected_roleid.as_deref()).ok_or(OidcError::NoSelectedRole)?;
    let role =
        info.nhsid_nrbac_roles.iter().find(|r| r.person_roleid == chosen).ok_or(OidcError::NoSelectedRole)?;
    Ok(SelectedRole {
        org_code: role.org_code.trim().to_uppercase(),
        role_code: role.role_code.clone(),
        role_name: role.role_name.clone(),
    })
}
