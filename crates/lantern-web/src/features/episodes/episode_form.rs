//! The episode form shared by the quick-log page and the edit page, and the context it is drawn in:
//! the practice's services and staff, with the commonest choices first.

use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::choices::{by_use, Choice, ChoiceGroup};
use crate::kit::message;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::{tz::TimeZone, Timestamp};
use lantern_core::access::Role;
use lantern_core::episode::{local_time, parse_occurred_at, EpisodeInput, PRACTICE_TIME_ZONE};
use lantern_core::episode_offer;
use lantern_core::ods::OdsCode;
use lantern_core::record::EpisodeRecord;
use lantern_core::taxonomy::{AGE_BANDS, APPROACHES, BARRIERS, CHANNELS, OUTCOMES, TASKS};
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::{EpisodeFilter, PracticeSettings, Store};
use std::collections::HashMap;
use uuid::Uuid;

const DURATION_PRESETS: [u16; 5] = [2, 5, 10, 15, 30];
/// How many of the commonest services and tasks show before "More".
const VISIBLE_CHOICES: usize = 6;

/// What the form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    New,
    /// Editing `id`, last seen at `version` (a newer version on saving is a conflict, not an overwrite).
    Edit {
        id: Uuid,
        version: i64,
    },
}

/// What just happened, shown above the form.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    None,
    Logged(&'a EpisodeRecord),
    Undone,
    Edited,
}

impl Notice<'_> {
    fn title(self) -> &'static str {
        match self {
            Notice::None => "",
            Notice::Logged(_) => "Episode logged",
            Notice::Undone => "Episode undone",
            Notice::Edited => "Episode saved",
        }
    }
}

pub struct Logged {
    id: Uuid,
    summary: String,
}

pub struct TodayRow {
    id: Uuid,
    editable: bool,
    time: String,
    helpers: String,
    services: String,
    tasks: String,
    minutes: u16,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "episodes/log.html")]
pub struct LogPage {
    shell: Shell,
    errors: Vec<FieldError>,
    logged: Option<Logged>,
    undone: bool,
    edited: bool,
    mode: Mode,
    /// A fresh one-time key per form shown: sending the same form twice stores one episode.
    submission: Uuid,
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
    /// The practice's offers running on the day of the help, "None" first; absent when none runs.
    offers: Option<ChoiceGroup>,
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
    /// "Guides for this": links to the practice's guides for the services and tasks in hand.
    guides: Vec<crate::services::guides::GuideLink>,
}

impl LogPage {
    pub fn editing(&self) -> Option<(Uuid, i64)> {
        match self.mode {
            Mode::Edit { id, version } => Some((id, version)),
            Mode::New => None,
        }
    }
}

pub struct PageContext {
    pub settings: PracticeSettings,
    user: CurrentUser,
    shell: Shell,
    practices: Vec<Choice>,
}

impl PageContext {
    /// The practice asked for (or the user's current one), if the user may reach it.
    pub async fn load(
        state: &AppState,
        user: &CurrentUser,
        requested: Option<&str>,
    ) -> Result<Self, Response> {
        let internal = crate::kit::failure::page;
        let chosen = match requested.map(OdsCode::parse) {
            Some(Ok(code)) if user.can_reach(&code) => Some(code),
            Some(_) => None,
            None => user.current_practice.clone(),
        };
        let Some(code) = chosen else {
            return Err(message(
                StatusCode::NOT_FOUND,
                "Practice not found",
                "You are not linked to that practice. Ask your practice manager if you should be.",
            ));
        };
        let settings = state.store.settings(&code).await.map_err(|e| internal(e.into()))?;
        let mut viewer = user.clone();
        viewer.current_practice = Some(code.clone());
        let shell = Shell::for_user(state, &viewer, "Log help given", "/log").await.map_err(internal)?;
        let all = state.store.list_practices().await.map_err(|e| internal(e.into()))?;
        let practices = all
            .iter()
            .filter(|(p, _)| user.can_reach(&p.ods_code))
            .map(|(p, _)| Choice {
                id: p.ods_code.to_string(),
                value: p.ods_code.to_string(),
                label: format!("{} ({})", p.name, p.ods_code),
                checked: p.ods_code == code,
            })
            .collect();
        Ok(Self { settings, user: viewer, shell, practices })
    }

    /// The form filled with `input`, showing `errors` and the outcome of the last action.
    pub async fn page(
        &self,
        store: &Store,
        input: &EpisodeInput,
        errors: &ValidationErrors,
        duration_other: Option<String>,
        notice: Notice<'_>,
        mode: Mode,
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
        let services: Vec<(String, String)> =
            s.services.iter().filter(|x| x.enabled).map(|x| (x.code.clone(), x.label.clone())).collect();
        // What was just logged, what is being corrected, or else the three commonest services.
        let (picked, picked_tasks) = match notice {
            Notice::Logged(r) => (r.episode.services.clone(), r.episode.tasks.clone()),
            _ if !errors.0.is_empty() => (input.services.clone(), input.tasks.clone()),
            _ => {
                (by_use(services.clone(), &service_use).into_iter().take(3).map(|(c, _)| c).collect(), vec![])
            }
        };
        let guides = match mode {
            Mode::New => crate::services::guides::links_for(store, &code, &picked, &picked_tasks).await?,
            Mode::Edit { .. } => Vec::new(),
        };
        let tasks = TASKS.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned())).collect();
        let durations = DURATION_PRESETS.iter().map(|d| (d.to_string(), format!("{d} min")));
        let selected_duration: Vec<String> =
            input.duration_minutes.map(|d| d.to_string()).into_iter().collect();
        let age = std::iter::once(none("Not recorded"))
            .chain(AGE_BANDS.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned())));
        let mut shell = self.shell.clone();
        shell.has_errors = !errors.0.is_empty();
        shell.title_prefix = notice.title().to_owned();
        if let Mode::Edit { .. } = mode {
            shell.title = "Edit an episode".into();
        }
        Ok(LogPage {
            shell,
            errors: in_page_order(errors),
            logged: match notice {
                Notice::Logged(r) => Some(Logged { id: r.id, summary: self.summary(r) }),
                _ => None,
            },
            undone: matches!(notice, Notice::Undone),
            edited: matches!(notice, Notice::Edited),
            mode,
            submission: Uuid::new_v4(),
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
            offers: offer_choices(s, input).map(|g| g.with_error(error(episode_offer::FIELD).as_deref())),
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
            guides,
            today: match mode {
                Mode::New => self.today(store).await?,
                Mode::Edit { .. } => Vec::new(),
            },
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
        let offer = e
            .offer_id
            .and_then(|id| self.settings.offers.iter().find(|o| o.id == id))
            .map(|o| format!(" Part of {}.", o.title))
            .unwrap_or_default();
        format!(
            "{} minutes helping with {} ({}), by {}, at {}.{offer}",
            e.duration_minutes,
            services.join(", "),
            tasks.join(", ").to_lowercase(),
            helpers.join(" and "),
            local_time(e.occurred_at).strftime("%H:%M")
        )
    }

    async fn today(&self, store: &Store) -> Result<Vec<TodayRow>, ApiError> {
        let me = self.user.user.id.to_string();
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
                id: r.id,
                editable: self.user.role() != Role::Staff
                    || r.created_by.as_deref() == Some(me.as_str())
                    || self.user.user.staff_id.is_some_and(|s| r.episode.helpers.contains(&s)),
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

/// The offers the help could have been part of: those running on its day (today while logging, the
/// episode's day while editing, the typed day when one was typed), and the one already chosen even
/// if it was not running then, so the form comes back as sent beside its error. None when the practice
/// has no offer running, so the quick log shows nothing extra.
fn offer_choices(s: &PracticeSettings, input: &EpisodeInput) -> Option<ChoiceGroup> {
    let when =
        input.occurred_at.as_deref().and_then(|t| parse_occurred_at(t).ok()).unwrap_or_else(Timestamp::now);
    let day = local_time(when).date();
    let chosen = input.offer_id.as_deref().map(str::trim).unwrap_or_default();
    let offers: Vec<(String, String)> = s
        .offers
        .iter()
        .filter(|o| o.practice == s.practice.ods_code && (o.running_on(day) || o.id.to_string() == chosen))
        .map(|o| (o.id.to_string(), format!("{} ({})", o.title, o.kind.label())))
        .collect();
    if offers.is_empty() {
        return None;
    }
    let options = std::iter::once((String::new(), "None".to_owned())).chain(offers);
    let selected = [chosen.to_owned()];
    Some(ChoiceGroup::new(
        episode_offer::FIELD,
        "Part of a support offer (optional)",
        options,
        &selected,
        usize::MAX,
    ))
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
const FORM_ORDER: [&str; 16] = [
    "practice",
    "helpers",
    "second_helper",
    "services",
    "tasks",
    "duration_minutes",
    "duration_other",
    "channel",
    "offer_id",
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
