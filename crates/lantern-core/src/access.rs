//! Who may see and do what. Roles are coarse on purpose: practices understand "staff", "practice lead",
//! "analyst"; the finer rules live next to each route in the web crate.

use crate::ods::OdsCode;
use crate::practice::Practice;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reception, admin and clinical staff: log episodes and see their practice's; edit their own.
    Staff,
    /// Practice manager or digital lead: everything within their practices, staff and service settings.
    PracticeLead,
    /// PCN or ICB analyst: aggregates across the organisation's practices only; no episode, no note.
    Analyst,
    /// Researcher: observation studies and de-identified exports they are granted.
    Researcher,
    /// System administrator: accounts and every practice.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Staff, Role::PracticeLead, Role::Analyst, Role::Researcher, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::PracticeLead => "practice_lead",
            Role::Analyst => "analyst",
            Role::Researcher => "researcher",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "Practice staff",
            Role::PracticeLead => "Practice manager or digital lead",
            Role::Analyst => "PCN or ICB analyst",
            Role::Researcher => "Researcher",
            Role::Admin => "System administrator",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// Roles that work inside named practices (and so are linked to practices, not an organisation).
    pub fn is_practice_based(self) -> bool {
        matches!(self, Role::Staff | Role::PracticeLead)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A person who signs in. Practice-based users are linked to practices (and usually to their staff
/// record); analysts and researchers to an organisation (PCN or ICB ODS code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub staff_id: Option<Uuid>,
    pub organisation: Option<OdsCode>,
    pub practices: Vec<OdsCode>,
    pub active: bool,
}

impl User {
    /// The practices whose data this user may reach, given every practice Lantern holds. Analysts reach
    /// the practices of their PCN or ICB; administrators all; everyone else the practices they are linked to.
    pub fn visible_practices(&self, all: &[Practice]) -> Vec<OdsCode> {
        match self.role {
            Role::Admin => all.iter().map(|p| p.ods_code.clone()).collect(),
            Role::Analyst | Role::Researcher => match &self.organisation {
                Some(org) => all
                    .iter()
                    .filter(|p| p.pcn.as_ref() == Some(org) || p.icb.as_ref() == Some(org))
                    .map(|p| p.ods_code.clone())
                    .collect(),
                None => Vec::new(),
            },
            Role::Staff | Role::PracticeLead => all
                .iter()
                .filter(|p| self.practices.contains(&p.ods_code))
                .map(|p| p.ods_code.clone())
                .collect(),
        }
    }
}

/// Usernames are how people sign in: lower-case letters, digits, dots, hyphens, underscores and @.
pub fn parse_username(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(name)
    } else {
        Err(FieldError::new("username", "Use 3 to 64 letters, digits, dots, hyphens, underscores or @"))
    }
}

pub use crate::password::{check_password, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(code: &str, pcn: &str, icb: &str) -> Practice {
        Practice {
            ods_code: OdsCode::parse(code).expect("valid"),
            name: code.into(),
            pcn: OdsCode::parse(pcn).ok(),
            icb: OdsCode::parse(icb).ok(),
            list_size: 1,
        }
    }

    fn user(role: Role, organisation: Option<&str>, practices: &[&str]) -> User {
        User {
            id: Uuid::nil(),
            username: "u".into(),
            display_name: "U".into(),
            role,
            staff_id: None,
            organisation: organisation.map(|o| OdsCode::parse(o).expect("valid")),
            practices: practices.iter().map(|p| OdsCode::parse(p).expect("valid")).collect(),
            active: true,
        }
    }

    #[test]
    fn each_role_sees_its_own_organisation() {
        let all = [
            practice("A00001", "U00001", "QAA"),
            practice("A00002", "U00001", "QAA"),
            practice("B00001", "U00002", "QBB"),
        ];
        let codes = |u: &User| u.visible_practices(&all).iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(codes(&user(Role::Staff, None, &["A00002"])), ["A00002"]);
        assert_eq!(codes(&user(Role::Analyst, Some("U00001"), &[])), ["A00001", "A00002"]);
        assert_eq!(codes(&user(Role::Analyst, Some("QBB"), &[])), ["B00001"]);
        assert_eq!(codes(&user(Role::Analyst, None, &[])), Vec::<String>::new());
        assert_eq!(codes(&user(Role::Admin, None, &[])).len(), 3);
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn passwords_are_judged_by_length() {
        assert!(check_password("asha", "correct horse battery").is_ok());
        assert!(check_password("asha", "short").is_err());
        assert!(check_password("asha.k@example", "asha.k@example").is_err());
        assert!(check_password("asha", &"x".repeat(129)).is_err());
        assert_eq!(parse_username(" Asha.K@Practice ").ok().as_deref(), Some("asha.k@practice"));
        assert!(parse_username("a b").is_err());
    }
}
