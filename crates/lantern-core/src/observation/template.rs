//! The coding template of an observation study: the dimensions an observer codes each task on, and the
//! categories of each. A study may edit its template, but every edit makes a new version, because data
//! coded against different category lists cannot be pooled or compared slice by slice.

use crate::identity::{check_free_text, FreeText};
use crate::taxonomy::{Term, Vocabulary, TASKS};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The label a time slice gets, in any dimension, when no task is running. Reserved so that it can never
/// be confused with a category.
pub const NO_TASK: &str = "no_task";

/// Where an interruption came from. Fixed rather than per study: interruption rates are compared across
/// studies, and the list is short enough that "other" catches the rest.
pub const INTERRUPTION_SOURCES: Vocabulary = Vocabulary {
    name: "interruption source",
    terms: &[
        Term { code: "patient", label: "Patient or carer in person" },
        Term { code: "phone", label: "Phone call" },
        Term { code: "colleague", label: "Colleague" },
        Term { code: "clinician", label: "Clinician" },
        Term { code: "system", label: "Computer or system problem" },
        Term { code: "other", label: "Other" },
    ],
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub label: String,
    /// Time spent on a task with this category counts as helping a patient online, the work Lantern's
    /// episodes are meant to log (see [`super::gap`]).
    #[serde(default)]
    pub digital_help: bool,
}

impl Category {
    pub fn new(code: &str, label: &str) -> Self {
        Self { code: code.to_owned(), label: label.to_owned(), digital_help: false }
    }

    pub fn digital_help(code: &str, label: &str) -> Self {
        Self { digital_help: true, ..Self::new(code, label) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    pub code: String,
    pub label: String,
    pub categories: Vec<Category>,
}

impl Dimension {
    pub fn new(code: &str, label: &str, categories: Vec<Category>) -> Self {
        Self { code: code.to_owned(), label: label.to_owned(), categories }
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("a template needs at least one dimension")]
    NoDimensions,
    #[error("dimension {dimension:?} needs at least one category")]
    NoCategories { dimension: String },
    #[error("dimension {0:?} appears twice")]
    DuplicateDimension(String),
    #[error("category {category:?} appears twice in dimension {dimension:?}")]
    DuplicateCategory { dimension: String, category: String },
    #[error("{0:?} is not a usable code: use lower-case letters, digits, '_', '-' or '+'")]
    BadCode(String),
    #[error("{0:?} is reserved for slices when no task is running")]
    ReservedCode(String),
    #[error("{0:?} needs a label")]
    NoLabel(String),
    /// Labels are shown to observers and exported with the data, so they are screened like any text.
    #[error("{code:?}: {reason}")]
    Label { code: String, reason: String },
}

/// Why the dimension values of a task do not fit the template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValuesError {
    #[error("no value for dimension {0:?}")]
    Missing(String),
    #[error("{0:?} is not a dimension of this template")]
    UnknownDimension(String),
    #[error("{category:?} is not a category of dimension {dimension:?}")]
    UnknownCategory { dimension: String, category: String },
}

/// A checked, versioned template. Fields are private so that no edit can skip validation or the new
/// version; loading one (serde) validates it too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TemplateParts", into = "TemplateParts")]
pub struct Template {
    version: u32,
    dimensions: Vec<Dimension>,
}

#[derive(Serialize, Deserialize)]
struct TemplateParts {
    version: u32,
    dimensions: Vec<Dimension>,
}

impl TryFrom<TemplateParts> for Template {
    type Error = TemplateError;
    fn try_from(parts: TemplateParts) -> Result<Self, TemplateError> {
        validate(&parts.dimensions)?;
        Ok(Self { version: parts.version, dimensions: parts.dimensions })
    }
}

impl From<Template> for TemplateParts {
    fn from(t: Template) -> Self {
        Self { version: t.version, dimensions: t.dimensions }
    }
}

impl Template {
    /// Version 1 of a study's own template.
    pub fn new(dimensions: Vec<Dimension>) -> Result<Self, TemplateError> {
        validate(&dimensions)?;
        Ok(Self { version: 1, dimensions })
    }

    /// What, With whom, How and Where; What lists the episode tasks (marked as digital help) and the
    /// non-digital work reception staff do between them.
    pub fn default_template() -> Self {
        let c = Category::new;
        let mut what: Vec<Category> =
            TASKS.terms.iter().map(|t| Category::digital_help(t.code, t.label)).collect();
        what.extend([
            c("phone_triage", "Phone triage"),
            c("prescriptions_admin", "Prescriptions admin"),
            c("registration", "Registration of new patients"),
            c("appointments_admin", "Appointments admin"),
            c("other", "Other"),
        ]);
        let dimensions = vec![
            Dimension::new("what", "What", what),
            Dimension::new(
                "with_whom",
                "With whom",
                vec![
                    c("patient", "Patient"),
                    c("carer", "Carer"),
                    c("colleague", "Colleague"),
                    c("none", "No one"),
                ],
            ),
            Dimension::new(
                "how",
                "How",
                vec![
                    c("face_to_face", "Face to face"),
                    c("phone", "Phone"),
                    c("clinical_system", "Computer or clinical system"),
                    c("patient_device", "Patient's own device"),
                    c("paper", "Paper"),
                ],
            ),
            Dimension::new(
                "where",
                "Where",
                vec![c("front_desk", "Front desk"), c("back_office", "Back office"), c("other", "Other")],
            ),
        ];
        Self { version: 1, dimensions }
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    pub fn dimension(&self, code: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.code == code)
    }

    /// The template with its dimensions replaced, as the next version. An edit that changes nothing
    /// keeps the version, so saving an untouched form does not split a study's data in two.
    pub fn revise(&self, dimensions: Vec<Dimension>) -> Result<Self, TemplateError> {
        validate(&dimensions)?;
        if dimensions == self.dimensions {
            return Ok(self.clone());
        }
        Ok(Self { version: self.version.saturating_add(1), dimensions })
    }

    /// Checks a task's values: exactly one known category for every dimension. Every dimension is
    /// required so that each one's slices split into categories plus "no task" with nothing left over.
    pub fn check_values(&self, values: &BTreeMap<String, String>) -> Result<(), ValuesError> {
        if let Some(unknown) = values.keys().find(|k| self.dimension(k).is_none()) {
            return Err(ValuesError::UnknownDimension(unknown.clone()));
        }
        for dimension in &self.dimensions {
            let value =
                values.get(&dimension.code).ok_or_else(|| ValuesError::Missing(dimension.code.clone()))?;
            if dimension.category(value).is_none() {
                return Err(ValuesError::UnknownCategory {
                    dimension: dimension.code.clone(),
                    category: value.clone(),
                });
            }
        }
        Ok(())
    }

    /// Whether a task with these values is helping a patient online.
    pub fn is_digital_help(&self, values: &BTreeMap<String, String>) -> bool {
        self.dimensions.iter().any(|d| {
            values.get(&d.code).and_then(|v| d.category(v)).is_some_and(|category| category.digital_help)
        })
    }
}

fn validate(dimensions: &[Dimension]) -> Result<(), TemplateError> {
    if dimensions.is_empty() {
        return Err(TemplateError::NoDimensions);
    }
    let mut seen = HashSet::new();
    for dimension in dimensions {
        check_term(&dimension.code, &dimension.label)?;
        if !seen.insert(dimension.code.as_str()) {
            return Err(TemplateError::DuplicateDimension(dimension.code.clone()));
        }
        if dimension.categories.is_empty() {
            return Err(TemplateError::NoCategories { dimension: dimension.code.clone() });
        }
        let mut categories = HashSet::new();
        for category in &dimension.categories {
            check_term(&category.code, &category.label)?;
            if category.code == NO_TASK {
                return Err(TemplateError::ReservedCode(category.code.clone()));
            }
            if !categories.insert(category.code.as_str()) {
                return Err(TemplateError::DuplicateCategory {
                    dimension: dimension.code.clone(),
                    category: category.code.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Codes go into CSV exports and URLs, so they keep to the same characters as the taxonomy's.
fn check_term(code: &str, label: &str) -> Result<(), TemplateError> {
    let safe = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-+".contains(c);
    if code.is_empty() || code.len() > 40 || !code.chars().all(safe) {
        return Err(TemplateError::BadCode(code.to_owned()));
    }
    if label.trim().is_empty() {
        return Err(TemplateError::NoLabel(code.to_owned()));
    }
    match check_free_text("label", "The label", label, FreeText::LINE).into_iter().next() {
        Some(problem) => Err(TemplateError::Label { code: code.to_owned(), reason: problem.message }),
        None => Ok(()),
    }
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
