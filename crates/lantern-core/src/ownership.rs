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

/// A staff guide (procedure) as currently written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Guide {
    pub id: Uuid,
    pub version: i64,
    pub title: String,
    pub services: Vec<String>,
    pub tasks: Vec<String>,
    /// Markdown; rendered with any raw HTML shown as text, never run.
    pub body: String,
    /// Who wrote this version (a username, or "Lantern" for starter guides).
    pub author: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub written_at: jiff::Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub review_by: Date,
    pub approved_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub approved_at: Option<jiff::Timestamp>,
    /// The starter guide it came from, if any ("review for your practice" until approved).
    pub starter: Option<String>,
}

/// What someone submits to write or rewrite a guide.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideDraft {
    pub title: String,
    pub services: Vec<String>,
    pub tasks: Vec<String>,
    pub body: String,
    /// `YYYY-MM-DD`.
    pub review_by: String,
}

pub const MAX_GUIDE_CHARS: usize = 20_000;

impl GuideDraft {
    /// Checks the draft against the practice's services; returns the review date.
    pub fn check(&self, services: &[crate::practice::PracticeService]) -> Result<Date, ValidationErrors> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 120 {
            errors.push(FieldError::new("title", "Give the guide a title of 1 to 120 characters"));
        }
        if self.body.trim().is_empty() || self.body.chars().count() > MAX_GUIDE_CHARS {
            errors.push(FieldError::new(
                "body",
                format!("Write the guide in 1 to {MAX_GUIDE_CHARS} characters"),
            ));
        }
        errors.extend(check_free_text("title", "The title", title, FreeText::LINE));
        errors.extend(check_free_text("body", "The guide", &self.body, FreeText::DOCUMENT));
        for code in &self.services {
            if !services.iter().any(|s| s.code == *code) {
                errors.push(FieldError::new(
                    "services",
                    format!("{code:?} is not one of the practice's services"),
                ));
            }
        }
        for code in &self.tasks {
            if !crate::taxonomy::TASKS.contains(code) {
                errors.push(FieldError::new("tasks", format!("{code:?} is not a task")));
            }
        }
        let review_by = self.review_by.trim().parse::<Date>();
        if review_by.is_err() {
            errors.push(FieldError::new("review_by", "Enter a review date like 2027-03-31"));
        }
        ValidationErrors::check(errors)?;
        review_by.map_err(|_| ValidationErrors::single("review_by", "Enter a review date like 2027-03-31"))
    }
}

/// One version of the practice's written digital support strategy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrategyVersion {
    pub version: i64,
    /// Markdown, assembled from the practice's settings and figures and then edited.
    pub body: String,
    pub created_by: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: jiff::Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub review_by: Date,
    pub signed_off_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub signed_off_at: Option<jiff::Timestamp>,
}
