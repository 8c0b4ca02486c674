//! Changing a study's coding template. Each dimension is a code, a label and its categories written one
//! a line ("code | Label", with "| digital help" for help with online services), which any researcher can
//! edit in a plain form. Saving a change makes a new version; sessions keep the version they began with.

use super::studies_page::sentence;
use crate::access::reach::study_in_reach;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::form::Form;
use crate::kit::shell::Shell;
use crate::kit::{failure, render};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_core::observation::{Category, Dimension, TemplateError};
use lantern_core::validation::FieldError;
use lantern_store::ObservationError;

const DIGITAL: &str = "digital help";

/// One dimension as the form shows it.
#[derive(Debug, Clone, Default)]
struct Fields {
    code: String,
    label: String,
    categories: String,
}

impl Fields {
    fn of(d: &Dimension) -> Self {
        let lines: Vec<String> = d
            .categories
            .iter()
            .map(|c| {
                let flag = if c.digital_help { format!(" | {DIGITAL}") } else { String::new() };
                format!("{} | {}{flag}", c.code, c.label)
            })
            .collect();
        Self { code: d.code.clone(), label: d.label.clone(), categories: lines.join("\n") }
    }

    fn is_blank(&self) -> bool {
        self.code.trim().is_empty() && self.label.trim().is_empty() && self.categories.trim().is_empty()
    }
}

#[derive(Template)]
#[template(path = "observation/template.html")]
struct TemplatePage {
    shell: Shell,
    errors: Vec<FieldError>,
    id: String,
    name: String,
    version: u32,
    dimensions: Vec<Fields>,
}

impl TemplatePage {
    fn error(&self, field: &str) -> Option<String> {
        crate::kit::field_errors::all(&self.errors, field)
    }
}

pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = study_in_reach(&state.store, &user, &id).await?;
    let mut dimensions: Vec<Fields> = record.study.template.dimensions().iter().map(Fields::of).collect();
    // One empty set of fields to add a dimension with.
    dimensions.push(Fields::default());
    Ok(respond(&state, &user, &id, StatusCode::OK, dimensions, Vec::new()).await)
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let record = study_in_reach(&state.store, &user, &id).await?;
    let fields = submitted(&form);
    let (dimensions, errors) = parse(&fields);
    if !errors.is_empty() {
        return Ok(respond(&state, &user, &id, StatusCode::UNPROCESSABLE_ENTITY, fields, errors).await);
    }
    let before = record.study.template.version();
    match state.store.revise_template(record.study.id, dimensions, &user.actor()).await {
        Ok(revised) => {
            let done = if revised.study.template.version() == before { "unchanged" } else { "template" };
            Ok(Redirect::to(&format!("/observe/studies/{id}?done={done}#done")).into_response())
        }
        Err(ObservationError::Template(error)) => {
            let errors = vec![FieldError::new(field_of(&error, &fields), sentence(&error.to_string()))];
            Ok(respond(&state, &user, &id, StatusCode::UNPROCESSABLE_ENTITY, fields, errors).await)
        }
        Err(other) => Err(ApiError::from(other).into()),
    }
}

/// The dimensions as typed, in order (`code-0`, `label-0`, `categories-0`, …), kept even when blank so
/// the form comes back exactly as it was sent.
fn submitted(form: &Form) -> Vec<Fields> {
    (0..)
        .map_while(|i| {
            let get = |name: &str| form.one(&format!("{name}-{i}")).unwrap_or_default();
            form_has(form, i).then(|| Fields {
                code: get("code").trim().to_owned(),
                label: get("label").trim().to_owned(),
                categories: get("categories").replace("\r\n", "\n"),
            })
        })
        .take(30)
        .collect()
}

/// Whether the form had fields for dimension `i` at all: each carries a marker, since fields left
/// empty are not told apart from fields never sent.
fn form_has(form: &Form, i: usize) -> bool {
    form.one(&format!("dimension-{i}")).is_some()
}

/// The non-blank dimensions, or what is wrong with the lines of categories.
fn parse(fields: &[Fields]) -> (Vec<Dimension>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut dimensions = Vec::new();
    for (i, f) in fields.iter().enumerate().filter(|(_, f)| !f.is_blank()) {
        let mut categories = Vec::new();
        for (n, line) in f.categories.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            match parts.as_slice() {
                [code, label] => categories.push(Category::new(code, label)),
                [code, label, flag] if flag.eq_ignore_ascii_case(DIGITAL) => {
                    categories.push(Category::digital_help(code, label))
                }
                _ => errors.push(FieldError::new(
                    format!("categories-{i}"),
                    format!(
                        "Line {} of {}: write the code, a |, then the label, and \"| {DIGITAL}\" to mark it",
                        n + 1,
                        if f.label.is_empty() { "the new dimension" } else { &f.label }
                    ),
                )),
            }
        }
        dimensions.push(Dimension { code: f.code.clone(), label: f.label.clone(), categories });
    }
    (dimensions, errors)
}

/// The field a template error is about: the dimension it names, or the first dimension's code.
fn field_of(error: &TemplateError, fields: &[Fields]) -> String {
    let by_code = |code: &str| fields.iter().position(|f| f.code == code);
    let holding = |category: &str| {
        fields
            .iter()
            .position(|f| f.categories.lines().any(|l| l.split('|').next().map(str::trim) == Some(category)))
    };
    match error {
        TemplateError::NoDimensions => "code-0".into(),
        TemplateError::NoCategories { dimension } | TemplateError::DuplicateCategory { dimension, .. } => {
            format!("categories-{}", by_code(dimension).unwrap_or(0))
        }
        TemplateError::DuplicateDimension(code) => {
            format!("code-{}", fields.iter().rposition(|f| f.code == *code).unwrap_or(0))
        }
        TemplateError::BadCode(code)
        | TemplateError::ReservedCode(code)
        | TemplateError::NoLabel(code)
        | TemplateError::Label { code, .. } => {
            let label = matches!(error, TemplateError::NoLabel(_) | TemplateError::Label { .. });
            match (by_code(code), holding(code)) {
                (Some(i), _) if label => format!("label-{i}"),
                (Some(i), _) => format!("code-{i}"),
                (None, Some(i)) => format!("categories-{i}"),
                (None, None) => "code-0".into(),
            }
        }
    }
}

async fn respond(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    status: StatusCode,
    dimensions: Vec<Fields>,
    errors: Vec<FieldError>,
) -> Response {
    let built = async {
        let record = study_in_reach(&state.store, user, id).await?;
        let title = "Change the coding template";
        let mut shell = Shell::for_user(state, user, title, "/observe").await?;
        shell.has_errors = !errors.is_empty();
        Ok::<_, ApiError>(TemplatePage {
            shell,
            errors,
            id: id.to_owned(),
            name: record.study.name,
            version: record.study.template.version(),
            dimensions,
        })
    };
    match built.await {
        Ok(page) => (status, render(&page)).into_response(),
        Err(error) => failure::page(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_categories_and_blank_dimensions_are_dropped() {
        let fields = vec![
            Fields {
                code: "what".into(),
                label: "What".into(),
                categories: "a | A\r\nb | B | Digital help\n\n".into(),
            },
            Fields::default(),
        ];
        let (dimensions, errors) = parse(&fields);
        assert!(errors.is_empty());
        assert_eq!(dimensions.len(), 1);
        assert_eq!(dimensions[0].categories, [Category::new("a", "A"), Category::digital_help("b", "B")]);
        let written = Fields::of(&dimensions[0]);
        assert_eq!(written.categories, "a | A\nb | B | digital help");
    }

    #[test]
    fn a_line_without_a_label_names_its_line() {
        let fields = vec![Fields { code: "how".into(), label: "How".into(), categories: "a | A\nb".into() }];
        let (_, errors) = parse(&fields);
        assert_eq!(errors[0].field, "categories-0");
        assert!(errors[0].message.starts_with("Line 2 of How"), "{}", errors[0].message);
    }

    #[test]
    fn template_errors_point_at_their_dimension() {
        let fields = vec![
            Fields { code: "what".into(), label: "What".into(), categories: "a | A".into() },
            Fields { code: "Bad Code".into(), label: "X".into(), categories: "b | B".into() },
        ];
        assert_eq!(field_of(&TemplateError::BadCode("Bad Code".into()), &fields), "code-1");
        assert_eq!(field_of(&TemplateError::BadCode("a".into()), &fields), "categories-0");
        let none = TemplateError::NoCategories { dimension: "what".into() };
        assert_eq!(field_of(&none, &fields), "categories-0");
    }
}
