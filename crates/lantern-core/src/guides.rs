//! The starter set of staff guides ("procedures") that ships with Lantern.
//!
//! The study behind Lantern found that practices have no written procedures for helping patients online:
//! reception staff work it out for themselves, and the work defaults to whoever seems "tech-savvy". A
//! practice that starts with a blank page is unlikely to write guides at all, so Lantern ships a small set
//! covering the help staff give most often. A practice copies them, adapts them and takes ownership.
//!
//! Each starter is written from public NHS guidance, not from any one practice's policy, so every body
//! opens with [`REVIEW_NOTE`]: a practice must review a starter before relying on it. The text is compiled
//! in from `guides/*.md` so the set needs no files at run time. Bodies are Markdown without raw HTML, and
//! carry nothing the patient-identity guard would flag.

use crate::identity::{check_free_text, FreeText};
use crate::validation::{FieldError, ValidationErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

/// One starter guide. `services` and `tasks` are codes from [`crate::taxonomy::SERVICES`] and
/// [`crate::taxonomy::TASKS`], so a guide can be offered for the episode in front of the helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StarterGuide {
    pub slug: &'static str,
    pub title: &'static str,
    pub services: &'static [&'static str],
    pub tasks: &'static [&'static str],
    /// Markdown, opening with [`REVIEW_NOTE`] as its first paragraph.
    pub body: &'static str,
}

/// The first paragraph of every starter body.
pub const REVIEW_NOTE: &str =
    "Starter guide written from public NHS guidance — review it for your practice before use.";

pub const STARTER_GUIDES: &[StarterGuide] = &[
    StarterGuide {
        slug: "verify-identity-without-photo-id",
        title: "Help a patient prove their identity for NHS login without photo ID",
        services: &["nhs_login", "nhs_app"],
        tasks: &["verify_identity", "issue_registration_details", "link_account"],
        body: include_str!("../guides/verify-identity-without-photo-id.md"),
    },
    StarterGuide {
        slug: "set-up-nhs-app",
        title: "Help a patient set up the NHS App",
        services: &["nhs_app", "nhs_login"],
        tasks: &["install_app", "create_account", "verify_identity", "link_account", "show_feature"],
        body: include_str!("../guides/set-up-nhs-app.md"),
    },
    StarterGuide {
        slug: "reset-nhs-login-password",
        title: "Help a patient who has forgotten their NHS login password or is locked out",
        services: &["nhs_login", "nhs_app"],
        tasks: &["reset_password", "troubleshoot", "signpost"],
        body: include_str!("../guides/reset-nhs-login-password.md"),
    },
    StarterGuide {
        slug: "order-repeat-prescriptions",
        title: "Show a patient how to order repeat prescriptions online and nominate a pharmacy",
        services: &["repeat_prescriptions", "nominated_pharmacy", "nhs_app"],
        tasks: &["show_feature", "explain_offline"],
        body: include_str!("../guides/order-repeat-prescriptions.md"),
    },
    StarterGuide {
        slug: "book-or-cancel-appointments",
        title: "Help a patient book or cancel an appointment online",
        services: &["appointments", "nhs_app", "sms_links"],
        tasks: &["show_feature", "troubleshoot"],
        body: include_str!("../guides/book-or-cancel-appointments.md"),
    },
    StarterGuide {
        slug: "use-online-consultation-form",
        title: "Help a patient use the practice's online consultation form",
        services: &["online_consultation", "practice_website"],
        tasks: &["show_feature", "complete_form", "signpost"],
        body: include_str!("../guides/use-online-consultation-form.md"),
    },
    StarterGuide {
        slug: "set-up-proxy-access",
        title: "Set up proxy access for a carer or parent",
        services: &["proxy_access", "nhs_app", "nhs_login"],
        tasks: &["setup_proxy", "verify_identity", "link_account"],
        body: include_str!("../guides/set-up-proxy-access.md"),
    },
    StarterGuide {
        slug: "enable-record-access",
        title: "Enable online access to a patient's GP record",
        services: &["record_access", "nhs_app"],
        tasks: &["enable_record_access", "show_feature", "explain_offline"],
        body: include_str!("../guides/enable-record-access.md"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{SERVICES, TASKS};

    /// The text of each Markdown heading in `body`, without its `#` marks.
    fn headings(body: &str) -> Vec<&str> {
        body.lines()
            .filter(|line| line.starts_with('#'))
            .map(|line| line.trim_start_matches('#').trim())
            .collect()
    }

    #[test]
    fn there_are_eight_starters() {
        assert_eq!(STARTER_GUIDES.len(), 8);
    }

    #[test]
    fn services_and_tasks_are_valid_codes() {
        for guide in STARTER_GUIDES {
            assert!(!guide.services.is_empty(), "{} lists no services", guide.slug);
            assert!(!guide.tasks.is_empty(), "{} lists no tasks", guide.slug);
            for code in guide.services {
                assert!(SERVICES.contains(code), "{}: unknown service {code}", guide.slug);
            }
            for code in guide.tasks {
                assert!(TASKS.contains(code), "{}: unknown task {code}", guide.slug);
            }
        }
    }

    #[test]
    fn slugs_are_unique_and_url_safe() {
        let mut slugs: Vec<_> = STARTER_GUIDES.iter().map(|guide| guide.slug).collect();
        for slug in &slugs {
            assert!(!slug.is_empty() && !slug.starts_with('-') && !slug.ends_with('-'), "{slug}");
            assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{slug}");
        }
        let total = slugs.len();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), total, "duplicate slug");
    }

    #[test]
    fn titles_are_present_and_unique() {
        let mut titles: Vec<_> = STARTER_GUIDES.iter().map(|guide| guide.title).collect();
        assert!(titles.iter().all(|title| !title.trim().is_empty()));
        let total = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), total, "duplicate title");
    }

    #[test]
    fn bodies_open_with_the_review_note_as_their_own_paragraph() {
        for guide in STARTER_GUIDES {
            assert!(guide.body.starts_with(REVIEW_NOTE), "{} does not open with the review note", guide.slug);
            let rest = guide.body.get(REVIEW_NOTE.len()..).unwrap_or_default();
            assert!(
                rest.starts_with("\n\n"),
                "{}: the review note must be a paragraph of its own",
                guide.slug
            );
        }
    }

    #[test]
    fn bodies_have_no_raw_html() {
        for guide in STARTER_GUIDES {
            assert!(!guide.body.contains('<'), "{} contains '<'", guide.slug);
        }
    }

    #[test]
    fn bodies_end_with_escalation_and_offline_sections() {
        for guide in STARTER_GUIDES {
            let headings = headings(guide.body);
            let escalate = headings.iter().position(|h| *h == "When to escalate");
            let offline = headings.iter().position(|h| *h == "Offline alternative");
            assert!(escalate.is_some(), "{} has no 'When to escalate' heading", guide.slug);
            assert_eq!(
                offline,
                Some(headings.len() - 1),
                "{}: 'Offline alternative' must be last",
                guide.slug
            );
            assert!(escalate < offline, "{}: escalation comes before the offline alternative", guide.slug);
        }
    }

    #[test]
    fn bodies_have_numbered_steps() {
        for guide in STARTER_GUIDES {
            assert!(
                guide.body.lines().any(|line| line.starts_with("1. ")),
                "{} has no numbered steps",
                guide.slug
            );
        }
    }

    #[test]
    fn bodies_are_a_readable_length() {
        for guide in STARTER_GUIDES {
            let words = guide.body.split_whitespace().count();
            assert!((250..=600).contains(&words), "{} has {words} words", guide.slug);
        }
    }

    #[test]
    fn bodies_pass_the_patient_identity_guard() {
        for guide in STARTER_GUIDES {
            let findings = crate::identity::screen(guide.body);
            assert!(findings.is_empty(), "{}: {findings:?}", guide.slug);
        }
    }
}
