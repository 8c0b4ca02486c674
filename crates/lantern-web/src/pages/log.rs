//! The quick-log page: a receptionist logs an episode in one submit while the patient is still there.

use super::form::LogForm;
use super::view::{by_use, Choice, ChoiceGroup};
use super::{message, render};
use crate::{submit, ApiError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{tz::TimeZone, Timestamp};
use lantern_core::episode::{local_time, EpisodeInput, PRACTICE_TIME_ZONE};
use lantern_core::ods::OdsCode;
use lantern_core::record::EpisodeRecord;
use lantern_core::taxonomy::{AGE_BANDS, APPROACHES, BARRIERS, CHANNELS, OUTCOMES, TASKS};
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::{EpisodeFilter, PracticeSettings, Store};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

const HELPER_COOKIE: &str = "lantern_helper";
const DURATION_PRESETS: [u16; 5] = [2, 5, 10, 15, 30];
/// How many of the commonest services and tasks show before "More".
const VISIBLE_CHOICES: usize = 6;

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    practice: Option<String>,
    logged: Option<Uuid>,
    #[serde(default)]
    undone: bool,
}

pub struct Logged {
    id: Uuid,
    summary: String,
}

pub struct TodayRow {
    time: String,
    helpers: String,
    services: String,
    tasks: String,
    minutes: u16,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "log.html")]
pub struct LogPage {
    title: &'static str,
    /// "Episode logged" after a successful submit, so the outcome is the first thing a screen reader says.
    title_prefix: &'static str,
    organisation: String,
    synthetic: bool,
    has_errors: bool,
    errors: Vec<FieldError>,
    logged: Option<Logged>,
    undone: bool,
    practice_code: String,
    practice_name: String,
    practices: Vec<Choice>,
    helpers: ChoiceGroup,
    second_helper: ChoiceGroup,
    services: ChoiceGroup,
    tasks: ChoiceGroup,
    duration: ChoiceGroup,
    duration_other: String,
    channels: ChoiceGroup,
    approaches: ChoiceGroup,
    outcomes: ChoiceGroup,
    escalated_to: ChoiceGroup,
    barriers: ChoiceGroup,
    age_bands: ChoiceGroup,
    carer_proxy: bool,
    follow_up: bool,
    occurred_at: String,
    occurred_at_error: Option<String>,
    note: String,
    note_error: Option<String>,
    today: Vec<TodayRow>,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LogQuery>,
) -> Response {
    let context = match PageContext::load(&state.store, query.practice.as_deref()).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let blank = EpisodeInput {
        helpers: remembered_helper(&headers).into_iter().collect(),
        channel: "desk".into(),
        outcome: "resolved".into(),
        ..EpisodeInput::default()
    };
    let logged = match query.logged {
        Some(id) => state.store.episode(id).await.ok().filter(|r| {
            r.deleted.is_none() && r.episode.practice == context.settings.practice.ods_code && recent(r)
        }),
        None => None,
    };
    match context
        .page(&state.store, &blank, &ValidationErrors(Vec::new()), None, logged.as_ref(), query.undone)
        .await
    {
        Ok(page) => render(&page),
        Err(error) => error.into_response(),
    }
}

pub async fn submit(State(state): State<AppState>, body: Bytes) -> Response {
    let form = LogForm::parse(&body);
    let (input, duration_error) = form.to_input();
    let context = match PageContext::load(&state.store, Some(&input.practice)).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let errors = match (submit::validate(&state.store, &input, submit::Mode::New).await, duration_error) {
        (Ok(episode), None) => match state.store.create_episode(&episode).await {
            Ok(record) => return logged_redirect(&context, &record),
            Err(error) => return ApiError::from(error).into_response(),
        },
        (Err(ApiError::Invalid(errors)), duration_error) => with_duration(errors, duration_error),
        (Ok(_), Some(message)) => ValidationErrors::single("duration_other", message),
        (Err(other), _) => return other.into_response(),
    };
    let other_minutes = form.one("duration_other");
    match context.page(&state.store, &input, &errors, other_minutes, None, false).await {
        Ok(page) => (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response(),
        Err(error) => error.into_response(),
    }
}

pub async fn undo(State(state): State<AppState>, body: Bytes) -> Response {
    let form = LogForm::parse(&body);
    let practice = form.one("practice").unwrap_or_default();
    let Some(id) = form.one("id").and_then(|id| Uuid::parse_str(&id).ok()) else {
        return message(StatusCode::BAD_REQUEST, "Nothing to undo", "The undo link did not name an episode.");
    };
    let undoable = match state.store.episode(id).await {
        Ok(record) => record.episode.practice.as_str() == practice && recent(&record),
        Err(_) => false,
    };
    if !undoable {
        return message(
            StatusCode::CONFLICT,
            "Nothing to undo",
            "Undo only works straight after logging, at the same practice. To correct an older episode, edit or delete it.",
        );
    }
    match state.store.delete_episode(id, "Undone straight after logging").await {
        Ok(_) | Err(lantern_store::StoreError::Conflict(_)) => {
            Redirect::to(&format!("/log?practice={}&undone=true", urlencode(&practice))).into_response()
        }
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Undo is for the slip noticed at once; after that an episode is corrected by editing, with history.
const UNDO_WINDOW_MINUTES: i64 = 15;

fn recent(record: &EpisodeRecord) -> bool {
    Timestamp::now().as_second() - record.created_at.as_second() <= UNDO_WINDOW_MINUTES * 60
}

fn with_duration(mut errors: ValidationErrors, duration_error: Option<String>) -> ValidationErrors {
    if let Some(message) = duration_error {
        errors.0.retain(|e| e.field != "duration_minutes");
        errors.0.push(FieldError::new("duration_other", message));
    }
    errors
}

fn logged_redirect(context: &PageContext, record: &EpisodeRecord) -> Response {
    let location =
        format!("/log?practice={}&logged={}#logged", context.settings.practice.ods_code, record.id);
    let mut response = Redirect::to(&location).into_response();
    if let Some(helper) = record.episode.helpers.first() {
        let cookie = format!("{HELPER_COOKIE}={helper}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict");
        if let Ok(value) = cookie.parse() {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// The person at this desk last time, so the commonest case (the same person logging again) is no taps.
fn remembered_helper(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == HELPER_COOKIE)
        .and_then(|(_, value)| Uuid::parse_str(value).ok())
        .map(|id| id.to_string())
}

fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

struct PageContext {
    settings: PracticeSettings,
    synthetic: bool,
    practices: Vec<Choice>,
}

impl PageContext {
    async fn load(store: &Store, requested: Option<&str>) -> Result<Self, Response> {
        let all = store.list_practices().await.map_err(|e| ApiError::from(e).into_response())?;
        let requested = requested.and_then(|r| OdsCode::parse(r).ok());
        let chosen = match &requested {
            Some(code) => all.iter().find(|(p, _)| p.ods_code == *code),
            None => all.first(),
        };
        let Some((practice, synthetic)) = chosen else {
            return Err(message(
                StatusCode::NOT_FOUND,
                "No such practice",
                "Lantern has no practice with that code. Set practices up with `lantern demo` or the API.",
            ));
        };
        let settings =
            store.settings(&practice.ods_code).await.map_err(|e| ApiError::from(e).into_response())?;
        let practices = all
            .iter()
            .map(|(p, _)| Choice {
                id: p.ods_code.to_string(),
                value: p.ods_code.to_string(),
                label: format!("{} ({})", p.name, p.ods_code),
                checked: p.ods_code == practice.ods_code,
            })
            .collect();
        Ok(Self { settings, synthetic: *synthetic, practices })
    }

    async fn page(
        &self,
        store: &Store,
        input: &EpisodeInput,
        errors: &ValidationErrors,
        duration_other: Option<String>,
        logged: Option<&EpisodeRecord>,
        undone: bool,
    ) -> Result<LogPage, ApiError> {
        let s = &self.settings;
        let code = s.practice.ods_code.clone();
        let recent = store
            .list_episodes(
                &EpisodeFilter { practices: vec![code.clone()], ..EpisodeFilter::default() },
                200,
                0,
            )
            .await?;
        let (service_use, task_use) = usage(&recent.episodes);
        let error = |field: &str| joined_errors(errors, field);
        let active: Vec<(String, String)> =
            s.staff.iter().filter(|m| m.active).map(|m| (m.id.to_string(), m.display_name.clone())).collect();
        let none = |label: &str| (String::new(), label.to_owned());
        let second: Vec<String> = input.helpers.iter().skip(1).cloned().collect();
        let services =
            s.services.iter().filter(|x| x.enabled).map(|x| (x.code.clone(), x.label.clone())).collect();
        let tasks = TASKS.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned())).collect();
        let durations = DURATION_PRESETS.iter().map(|d| (d.to_string(), format!("{d} min")));
        let selected_duration: Vec<String> =
            input.duration_minutes.map(|d| d.to_string()).into_iter().collect();
        let age = std::iter::once(none("Not recorded"))
            .chain(AGE_BANDS.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned())));
        Ok(LogPage {
            title: "Log help given",
            title_prefix: if logged.is_some() {
                "Episode logged"
            } else if undone {
                "Episode undone"
            } else {
                ""
            },
            organisation: format!("{} ({})", s.practice.name, s.practice.ods_code),
            synthetic: self.synthetic,
            has_errors: !errors.0.is_empty(),
            errors: in_page_order(errors),
            logged: logged.map(|r| Logged { id: r.id, summary: self.summary(r) }),
            undone,
            practice_code: code.to_string(),
            practice_name: s.practice.name.clone(),
            practices: self.practices.clone(),
            helpers: ChoiceGroup::new(
                "helpers",
                "Who helped",
                std::iter::once(none("Choose who helped")).chain(active.clone()),
                &input.helpers[..input.helpers.len().min(1)],
                usize::MAX,
            )
            .with_error(error("helpers").as_deref()),
            second_helper: ChoiceGroup::new(
                "second_helper",
                "Someone else helped too (optional)",
                std::iter::once(none("Nobody else")).chain(active.clone()),
                &second,
                usize::MAX,
            ),
            services: ChoiceGroup::new(
                "services",
                "Which online services",
                by_use(services, &service_use),
                &input.services,
                VISIBLE_CHOICES,
            )
            .with_more("services")
            .with_error(error("services").as_deref()),
            tasks: ChoiceGroup::new(
                "tasks",
                "What was done",
                by_use(tasks, &task_use),
                &input.tasks,
                VISIBLE_CHOICES,
            )
            .with_more("tasks")
            .with_error(error("tasks").as_deref()),
            duration: ChoiceGroup::new(
                "duration_minutes",
                "How long it took",
                durations,
                &selected_duration,
                usize::MAX,
            )
            .with_error(error("duration_minutes").as_deref()),
            duration_other: duration_other.unwrap_or_default(),
            channels: ChoiceGroup::from_vocabulary(
                "channel",
                "How",
                CHANNELS,
                std::slice::from_ref(&input.channel),
            )
            .with_error(error("channel").as_deref()),
            approaches: ChoiceGroup::from_vocabulary(
                "approach",
                "Approach",
                APPROACHES,
                std::slice::from_ref(&input.approach),
            )
            .with_error(error("approach").as_deref()),
            outcomes: ChoiceGroup::from_vocabulary(
                "outcome",
                "Outcome",
                OUTCOMES,
                std::slice::from_ref(&input.outcome),
            )
            .with_error(error("outcome").as_deref()),
            escalated_to: ChoiceGroup::new(
                "escalated_to",
                "Escalated to",
                std::iter::once(none("Not escalated")).chain(active),
                &input.escalated_to.clone().into_iter().collect::<Vec<_>>(),
                usize::MAX,
            )
            .with_error(error("escalated_to").as_deref()),
            barriers: ChoiceGroup::new(
                "barriers",
                "Barriers met (if any)",
                BARRIERS.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned())),
                &input.barriers,
                0,
            )
            .with_more("barriers")
            .with_error(error("barriers").as_deref()),
            age_bands: ChoiceGroup::new(
                "age_band",
                "Patient's age band",
                age,
                &[input.age_band.clone().unwrap_or_default()],
                usize::MAX,
            )
            .with_error(error("age_band").as_deref()),
            carer_proxy: input.carer_proxy,
            follow_up: input.follow_up,
            occurred_at: input.occurred_at.clone().unwrap_or_default(),
            occurred_at_error: error("occurred_at"),
            note: input.note.clone().unwrap_or_default(),
            note_error: error("note"),
            today: self.today(store).await?,
        })
    }

    fn staff_name(&self, id: &Uuid) -> String {
        self.settings
            .staff
            .iter()
            .find(|m| m.id == *id)
            .map_or_else(|| "someone".to_owned(), |m| m.display_name.clone())
    }

    fn service_label(&self, code: &str) -> String {
        self.settings
            .services
            .iter()
            .find(|s| s.code == code)
            .map_or_else(|| code.to_owned(), |s| s.label.clone())
    }

    fn summary(&self, r: &EpisodeRecord) -> String {
        let e = &r.episode;
        let services: Vec<String> = e.services.iter().map(|c| self.service_label(c)).collect();
        let tasks: Vec<&str> = e.tasks.iter().map(|t| TASKS.label(t)).collect();
        let helpers: Vec<String> = e.helpers.iter().map(|h| self.staff_name(h)).collect();
        format!(
            "{} minutes helping with {} ({}), by {}, at {}.",
            e.duration_minutes,
            services.join(", "),
            tasks.join(", ").to_lowercase(),
            helpers.join(" and "),
            local_time(e.occurred_at).strftime("%H:%M")
        )
    }

    async fn today(&self, store: &Store) -> Result<Vec<TodayRow>, ApiError> {
        let tz = TimeZone::get(PRACTICE_TIME_ZONE).unwrap_or(TimeZone::UTC);
        let start =
            Timestamp::now().to_zoned(tz).start_of_day().map_err(|e| ApiError::Internal(Box::new(e)))?;
        let filter = EpisodeFilter {
            practices: vec![self.settings.practice.ods_code.clone()],
            from: Some(start.timestamp()),
            ..EpisodeFilter::default()
        };
        let page = store.list_episodes(&filter, 100, 0).await?;
        Ok(page
            .episodes
            .iter()
            .map(|r| TodayRow {
                time: local_time(r.episode.occurred_at).strftime("%H:%M").to_string(),
                helpers: r.episode.helpers.iter().map(|h| self.staff_name(h)).collect::<Vec<_>>().join(", "),
                services: r
                    .episode
                    .services
                    .iter()
                    .map(|c| self.service_label(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                tasks: r.episode.tasks.iter().map(|t| TASKS.label(t)).collect::<Vec<_>>().join(", "),
                minutes: r.episode.duration_minutes,
                outcome: OUTCOMES.label(&r.episode.outcome),
            })
            .collect())
    }
}

fn usage(recent: &[EpisodeRecord]) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut services = HashMap::new();
    let mut tasks = HashMap::new();
    for record in recent {
        for s in &record.episode.services {
            *services.entry(s.clone()).or_insert(0) += 1;
        }
        for t in &record.episode.tasks {
            *tasks.entry(t.clone()).or_insert(0) += 1;
        }
    }
    (services, tasks)
}

/// The form's fields top to bottom: the error summary lists problems in the order a person meets them.
const FORM_ORDER: [&str; 15] = [
    "practice",
    "helpers",
    "second_helper",
    "services",
    "tasks",
    "duration_minutes",
    "duration_other",
    "channel",
    "approach",
    "outcome",
    "escalated_to",
    "barriers",
    "age_band",
    "occurred_at",
    "note",
];

fn in_page_order(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut sorted = errors.0.clone();
    sorted.sort_by_key(|e| FORM_ORDER.iter().position(|f| *f == e.field).unwrap_or(FORM_ORDER.len()));
    sorted
}

fn joined_errors(errors: &ValidationErrors, field: &str) -> Option<String> {
    let messages: Vec<&str> =
        errors.0.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
    (!messages.is_empty()).then(|| messages.join(". "))
}
