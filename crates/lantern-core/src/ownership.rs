//! Who owns each online service at a practice, who is trained in it, and which guides cover it: the
//! answer to the "collusion of anonymity" the study found, where responsibility was so spread that
//! nobody held it.

use crate::identity::{check_free_text, FreeText};
use crate::validation::{FieldError, ValidationErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The arrangements for one online service at one practice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ownership {
    /// A service code of the practice's catalogue.
    pub service: String,
    /// The accountable owner: one named member of staff.
    pub owner: Option<Uuid>,
    /// Staff who support the owner.
    pub supporting: Vec<Uuid>,
    /// Who a problem goes to when the desk cannot solve it (a person, team or route).
    pub escalation_route: Option<String>,
    /// The supplier's helpdesk (how the practice reaches it, not a patient contact).
    pub helpdesk: Option<String>,
    /// What patients are offered instead of the online service.
    pub offline_alternative: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub reviewed_on: Option<Date>,
}

/// How confident a member of staff says they are with a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn parse(code: &str) -> Option<Confidence> {
        match code {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// One member of staff trained in one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Training {
    pub staff_id: Uuid,
    pub service: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub trained_on: Date,
    /// Who trained them, or which course.
    pub trainer: String,
    pub confidence: Confidence,
}

/// What the gap report needs to know about a guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideCoverage {
    pub id: Uuid,
    pub title: String,
    pub services: Vec<String>,
    pub review_by: Date,
    /// Approved for this practice (starter guides start unapproved).
    pub approved: bool,
}

/// Checks free-text arrangements: short, and never a patient identifier.
pub fn check_ownership(o: &Ownership) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    // A supplier helpdesk number is expected in its field; a patient's details never are.
    for (field, subject, text, rule) in [
        ("escalation_route", "The escalation route", &o.escalation_route, FreeText::NOTE),
        ("helpdesk", "The helpdesk", &o.helpdesk, FreeText::HELPDESK),
        ("offline_alternative", "The offline alternative", &o.offline_alternative, FreeText::NOTE),
    ] {
        let Some(text) = text else { continue };
        if text.chars().count() > 500 {
            errors.push(FieldError::new(field, "Keep this to 500 characters or fewer"));
        }
        errors.extend(check_free_text(field, subject, text, rule));
    }
    if o.owner.is_some_and(|owner| o.supporting.contains(&owner)) {
        errors.push(FieldError::new(
            "supporting",
            "The owner is already accountable; list other staff as support",
        ));
    }
    ValidationErrors::check(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrangements_are_checked() {
        let owner = Uuid::now_v7();
        let ok = Ownership {
            service: "nhs_login".into(),
            owner: Some(owner),
            helpdesk: Some("Supplier helpdesk 0300 123 4567".into()),
            offline_alternative: Some("Paper repeat slip at reception".into()),
            ..Ownership::default()
        };
        assert!(check_ownership(&ok).is_ok(), "a helpdesk number is fine");
        let leaky =
            Ownership { escalation_route: Some("Ring the patient on 07700 900123".into()), ..ok.clone() };
        assert!(check_ownership(&leaky).is_err());
        let doubled = Ownership { supporting: vec![owner], ..ok };
        assert!(check_ownership(&doubled).is_err());
        assert_eq!(Confidence::parse("medium").map(Confidence::code), Some("medium"));
    }
}
