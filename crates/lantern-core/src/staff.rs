//! Staff members: the helpers who do the hidden work.

use crate::identity::{check_free_text, FreeText};
use crate::ods::OdsCode;
use crate::taxonomy::STAFF_ROLES;
use crate::validation::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "A81001"))]
    pub practice: OdsCode,
    pub display_name: String,
    /// A code from [`STAFF_ROLES`].
    pub role: String,
    /// Staff who have left stay on record (their episodes keep their helper) but cannot be picked.
    pub active: bool,
}

impl StaffMember {
    /// Builds a new active staff member, checking the name and role.
    pub fn new(practice: OdsCode, display_name: &str, role: &str) -> Result<Self, ValidationErrors> {
        let mut errors = Vec::new();
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 80 {
            errors.push(FieldError::new("display_name", "Enter a name of 1 to 80 characters"));
        }
        errors.extend(check_free_text("display_name", "The name", display_name, FreeText::LINE));
        if !STAFF_ROLES.contains(role) {
            errors.push(FieldError::new(
                "role",
                format!("{role:?} is not a staff role; choose one of {}", list(STAFF_ROLES.codes())),
            ));
        }
        ValidationErrors::check(errors)?;
        Ok(Self {
            id: Uuid::now_v7(),
            practice,
            display_name: display_name.to_owned(),
            role: role.to_owned(),
            active: true,
        })
    }
}

pub(crate) fn list<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(", ")
}
