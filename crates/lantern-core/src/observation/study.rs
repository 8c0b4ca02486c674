//! An observation study: which practices, which observers, over which dates, with consent noted, and
//! the template its sessions are coded against. Checked like a form, so every problem is reported at
//! once.

use super::event::SessionInfo;
use super::template::Template;
use crate::episode::local_time;
use crate::identity;
use crate::ods::OdsCode;
use crate::validation::{FieldError, ValidationErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_CONSENT_NOTE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Study {
    pub id: Uuid,
    pub name: String,
    pub practices: Vec<OdsCode>,
    /// Users who may record sessions.
    pub observers: Vec<Uuid>,
    pub starts_on: Date,
    pub ends_on: Date,
    /// How consent was obtained (staff observed, patient notices), in the researcher's words; a study
    /// cannot be created without it.
    pub consent_note: String,
    pub template: Template,
}

impl Study {
    /// Checks a new or edited study.
    pub fn validate(self) -> Result<Self, ValidationErrors> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 120 {
            errors.push(FieldError::new("name", "Enter a name of 1 to 120 characters"));
        }
        if self.practices.is_empty() {
            errors.push(FieldError::new("practices", "Choose at least one practice"));
        }
        if self.observers.is_empty() {
            errors.push(FieldError::new("observers", "Choose at least one observer"));
        }
        if self.ends_on < self.starts_on {
            errors.push(FieldError::new("ends_on", "The study cannot end before it starts"));
        }
        let consent_note = self.consent_note.trim().to_owned();
        if consent_note.is_empty() {
            errors.push(FieldError::new("consent_note", "Note how consent was obtained"));
        } else if consent_note.chars().count() > MAX_CONSENT_NOTE_CHARS {
            errors.push(FieldError::new(
                "consent_note",
                format!("The consent note must be {MAX_CONSENT_NOTE_CHARS} characters or fewer"),
            ));
        }
        errors.extend(identity::check_free_text("name", "The name", &name, identity::FreeText::LINE));
        errors.extend(identity::check_free_text(
            "consent_note",
            "The consent note",
            &consent_note,
            identity::FreeText::NOTE,
        ));
        ValidationErrors::check(errors)?;
        Ok(Self { name, consent_note, ..self })
    }

    /// Whether a session belongs to this study: one of its observers, at one of its practices, on one of
    /// its days (UK local date), coded with its current template.
    pub fn check_session(&self, session: &SessionInfo, template_version: u32) -> Result<(), StudyError> {
        if session.study != self.id {
            return Err(StudyError::OtherStudy);
        }
        if !self.observers.contains(&session.observer) {
            return Err(StudyError::NotAnObserver);
        }
        if !self.practices.contains(&session.practice) {
            return Err(StudyError::OtherPractice(session.practice.clone()));
        }
        let day = local_time(session.started_at).date();
        if day < self.starts_on || day > self.ends_on {
            return Err(StudyError::OutsideDates(day));
        }
        if template_version != self.template.version() {
            return Err(StudyError::TemplateVersion {
                expected: self.template.version(),
                found: template_version,
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StudyError {
    #[error("the session belongs to another study")]
    OtherStudy,
    #[error("the observer is not one of the study's observers")]
    NotAnObserver,
    #[error("practice {0} is not in the study")]
    OtherPractice(OdsCode),
    #[error("{0} is outside the study's dates")]
    OutsideDates(Date),
    #[error("the study's template is version {expected}, not {found}")]
    TemplateVersion { expected: u32, found: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::test_support::Session;
    use jiff::civil::date;

    fn study(s: &Session) -> Study {
        Study {
            id: s.info.study,
            name: "  Reception, spring 2026 ".into(),
            practices: vec![s.info.practice.clone()],
            observers: vec![s.info.observer],
            starts_on: date(2026, 3, 1),
            ends_on: date(2026, 3, 31),
            consent_note: "Staff consented in writing; notices in the waiting room.".into(),
            template: Template::default_template(),
        }
    }

    #[test]
    fn a_study_is_checked_like_a_form() {
        let s = Session::new();
        let ok = study(&s).validate().expect("valid");
        assert_eq!(ok.name, "Reception, spring 2026");
        let bad = Study {
            name: " ".into(),
            practices: vec![],
            observers: vec![],
            ends_on: date(2026, 2, 1),
            consent_note: "Asked Jo on 07700 900123".into(),
            ..study(&s)
        };
        let errors = bad.validate().expect_err("invalid");
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "practices", "observers", "ends_on", "consent_note"]);
    }

    #[test]
    fn sessions_must_fit_the_study() {
        let s = Session::new();
        let st = study(&s);
        assert_eq!(st.check_session(&s.info, 1), Ok(()));
        assert_eq!(st.check_session(&s.info, 2), Err(StudyError::TemplateVersion { expected: 1, found: 2 }));
        let other = Session::new().second_observer();
        assert_eq!(st.check_session(&other.info, 1), Err(StudyError::NotAnObserver));
        let st = Study { starts_on: date(2026, 4, 1), ends_on: date(2026, 4, 30), ..st };
        assert_eq!(st.check_session(&s.info, 1), Err(StudyError::OutsideDates(date(2026, 3, 2))));
    }
}
