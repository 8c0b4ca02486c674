//! "Training": who is trained in which online service, as a staff × service table, and a form to record
//! training. The study found staff "work it out for themselves"; a service with fewer than two trained
//! people has no cover, and the gap report says so.

use crate::access::reach::chosen_or_current as chosen;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::choices::ChoiceGroup;
use crate::kit::csrf::CheckedForm;
use crate::kit::failure::PageError;
use crate::kit::practice::shown_practice;
use crate::kit::practice::{frame, practice_choice, PracticeChoice};
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::services::ownership::Arrangements;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use lantern_core::ods::OdsCode;
use lantern_core::ownership::{Confidence, Training};
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

/// Fewer trained than this is flagged in the table, as the gap report does.
const MIN_TRAINED: usize = 2;

#[derive(Template)]
#[template(path = "ownership/training.html")]
struct TrainingPage {
    shell: Shell,
    errors: Vec<FieldError>,
    notice: Option<String>,
    practice: PracticeChoice,
    columns: Vec<Column>,
    rows: Vec<MatrixRow>,
    staff: ChoiceGroup,
    services: ChoiceGroup,
    confidence: ChoiceGroup,
    typed: Typed,
}

impl TrainingPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }
}

struct Column {
    label: String,
    trained: usize,
    few: bool,
}

struct MatrixRow {
    name: String,
    /// Per service: when trained and how confident, or `None` when not trained.
    cells: Vec<Option<String>>,
}

/// What was typed into the form, kept when it comes back with errors.
#[derive(Debug, Default)]
struct Typed {
    staff_id: String,
    service: String,
    trained_on: String,
    trainer: String,
    confidence: String,
}

#[derive(Debug, Deserialize)]
pub struct TrainingQuery {
    practice: Option<String>,
    /// Chosen in the form (links from the gap report name the service).
    service: Option<String>,
    /// The staff member whose training was just recorded (after the redirect).
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TrainingQuery>,
) -> Result<Response, PageError> {
    let requested = query.practice.as_deref();
    let code = shown_practice(&state, &user, chosen(&user, requested), requested).await?;
    let service = query.service.unwrap_or_default();
    let notice = query.done.as_deref().zip(Some(service.as_str()));
    let typed =
        Typed { service: service.clone(), trained_on: crate::clock::today().to_string(), ..Typed::default() };
    Ok(respond(StatusCode::OK, page(&state, &user, &code, typed, Vec::new(), notice).await))
}

pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(form): CheckedForm,
) -> Result<Response, PageError> {
    let code = scope::practice(&user, &form.one("practice").unwrap_or_default())?;
    let text = |key: &str| form.one(key).map(|v| v.trim().to_owned()).unwrap_or_default();
    let typed = Typed {
        staff_id: text("staff_id"),
        service: text("service"),
        trained_on: text("trained_on"),
        trainer: text("trainer"),
        confidence: text("confidence"),
    };
    let arrangements = Arrangements::load(&state.store, &code).await?;
    let errors = match check(&typed, &arrangements) {
        Ok(training) => match state.store.record_training(&code, &training, &user.actor()).await {
            Ok(()) => {
                let (staff, service) = (training.staff_id, training.service);
                let to = format!("/training?practice={code}&service={service}&done={staff}#done");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(StoreError::Invalid(ValidationErrors(errors))) => errors,
            Err(error) => return Err(error.into()),
        },
        Err(errors) => errors,
    };
    Ok(respond(StatusCode::UNPROCESSABLE_ENTITY, page(&state, &user, &code, typed, errors, None).await))
}

/// Every problem with the form at once, or the training record to store.
fn check(typed: &Typed, a: &Arrangements) -> Result<Training, Vec<FieldError>> {
    let staff_id = Uuid::parse_str(&typed.staff_id).ok();
    let trained_on = typed.trained_on.parse::<Date>().ok();
    let mut errors = a.training_errors(staff_id, &typed.service, trained_on);
    if trained_on.is_none() {
        errors.push(FieldError::new("trained_on", "Enter the date they were trained, like 2026-03-31"));
    }
    if typed.trainer.is_empty() || typed.trainer.chars().count() > 120 {
        errors.push(FieldError::new(
            "trainer",
            "Say who trained them or which course, in up to 120 characters",
        ));
    }
    let confidence = Confidence::parse(&typed.confidence);
    if confidence.is_none() {
        errors.push(FieldError::new("confidence", "Select how confident they are with the service"));
    }
    match (staff_id, trained_on, confidence) {
        (Some(staff_id), Some(trained_on), Some(confidence)) if errors.is_empty() => Ok(Training {
            staff_id,
            service: typed.service.clone(),
            trained_on,
            trainer: typed.trainer.clone(),
            confidence,
        }),
        _ => Err(errors),
    }
}

fn confidence_label(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "Low: needs support to help patients",
        Confidence::Medium => "Medium: can help most patients",
        Confidence::High => "High: can train colleagues",
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    typed: Typed,
    errors: Vec<FieldError>,
    done: Option<(&str, &str)>,
) -> Result<TrainingPage, ApiError> {
    let a = Arrangements::load(&state.store, code).await?;
    // Training sits under "Who owns what" in the menu, so that item stays marked.
    let mut shell = frame(state, user, code, "Training", "/services").await?;
    shell.has_errors = !errors.is_empty();
    let notice = done.and_then(|(id, service)| {
        let person = a.staff.iter().find(|m| m.id.to_string() == id)?;
        let service = a.service(service)?;
        Some(format!("Training recorded: {} in {}.", person.display_name, service.label))
    });
    if notice.is_some() {
        shell.title_prefix = "Training recorded".to_owned();
    }
    let enabled: Vec<_> = a.enabled().collect();
    let active: Vec<_> = a.staff.iter().filter(|m| m.active).collect();
    let columns = enabled
        .iter()
        .map(|s| {
            let trained = a.trained(&s.code);
            Column { label: s.label.clone(), trained, few: trained < MIN_TRAINED }
        })
        .collect();
    let rows = active
        .iter()
        .map(|m| MatrixRow {
            name: m.display_name.clone(),
            cells: enabled
                .iter()
                .map(|s| {
                    let t = a.training.iter().find(|t| t.staff_id == m.id && t.service == s.code)?;
                    Some(format!(
                        "{}, {} confidence",
                        t.trained_on.strftime("%-d %b %Y"),
                        t.confidence.code()
                    ))
                })
                .collect(),
        })
        .collect();
    let field_error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let choose = |text: &str| std::iter::once((String::new(), text.to_owned()));
    let people =
        choose("Choose a person").chain(active.iter().map(|m| (m.id.to_string(), m.display_name.clone())));
    let staff = ChoiceGroup::new(
        "staff_id",
        "Member of staff",
        people,
        std::slice::from_ref(&typed.staff_id),
        usize::MAX,
    )
    .with_error(field_error("staff_id").as_deref());
    let options = choose("Choose a service").chain(enabled.iter().map(|s| (s.code.clone(), s.label.clone())));
    let services =
        ChoiceGroup::new("service", "Service", options, std::slice::from_ref(&typed.service), usize::MAX)
            .with_error(field_error("service").as_deref());
    let levels = [Confidence::Low, Confidence::Medium, Confidence::High]
        .map(|c| (c.code().to_owned(), confidence_label(c).to_owned()));
    let confidence = ChoiceGroup::new(
        "confidence",
        "How confident are they with it?",
        levels,
        std::slice::from_ref(&typed.confidence),
        usize::MAX,
    )
    .with_error(field_error("confidence").as_deref());
    Ok(TrainingPage {
        shell,
        errors,
        notice,
        practice: practice_choice(state, user, code).await?,
        columns,
        rows,
        staff,
        services,
        confidence,
        typed,
    })
}
