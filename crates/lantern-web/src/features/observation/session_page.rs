//! The capture page: what an observer taps during a session. The page carries the session's template
//! and the events stored so far; `assets/observe.js` records each tap on the device first and sends
//! the events to `/api/v1/sessions/{id}/events` in batches, resending until the server has them (it
//! keeps events by the id the device gave them, so nothing is counted twice). Without the script, or
//! for anyone but the session's own observer, the page shows the stored timeline only.

use super::studies_page::{staff_of, user_names, when};
use crate::access::reach::session_in_reach;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::failure::PageError;
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use jiff::Timestamp;
use lantern_core::observation::template::INTERRUPTION_SOURCES;
use lantern_core::observation::{Dimension, Event, EventKind, Template as Coding};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One line of the stored timeline, as the page shows it before the script takes over.
struct Line {
    time: String,
    text: String,
}

#[derive(Serialize)]
struct Source {
    code: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "observation/session.html")]
struct CapturePage {
    shell: Shell,
    id: Uuid,
    study_id: Uuid,
    study: String,
    practice: String,
    observer: String,
    started: String,
    ended: Option<String>,
    /// The signed-in person is this session's observer and it is still running: the controls show.
    capturing: bool,
    dimensions: Vec<Dimension>,
    sources: Vec<Source>,
    lines: Vec<Line>,
    /// For the script (HTML-escaped into attributes, which the browser unescapes).
    started_iso: String,
    now_iso: String,
    dimensions_json: String,
    sources_json: String,
    events_json: String,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(&page(&state, &user, &id).await?))
}

async fn page(state: &AppState, user: &CurrentUser, id: &str) -> Result<CapturePage, ApiError> {
    let (study, session) = session_in_reach(&state.store, user, id).await?;
    let stored = state.store.session_timeline(session.info.id).await?;
    let template = stored.timeline.template();
    let people = staff_of(&state.store, &study.study.practices).await?;
    let staff = people
        .get(&session.info.staff)
        .map_or_else(|| "someone no longer listed".to_owned(), |p| format!("{} ({})", p.name, p.role));
    let observer = user_names(&state.store)
        .await?
        .get(&session.info.observer)
        .cloned()
        .unwrap_or_else(|| "Unknown".into());
    let ended = stored.timeline.ended_at();
    let title = format!("Observing {staff}");
    let shell = Shell::for_user(state, user, &title, "/observe").await?;
    let events: Vec<&Event> = stored.timeline.events();
    let sources: Vec<Source> =
        INTERRUPTION_SOURCES.terms.iter().map(|t| Source { code: t.code, label: t.label }).collect();
    Ok(CapturePage {
        shell,
        id: session.info.id,
        study_id: study.study.id,
        study: study.study.name.clone(),
        practice: session.info.practice.to_string(),
        observer,
        started: when(session.info.started_at),
        ended: ended.map(when),
        capturing: ended.is_none() && session.info.observer == user.user.id,
        dimensions: template.dimensions().to_vec(),
        lines: events.iter().map(|e| line(e, template, &events)).collect(),
        started_iso: session.info.started_at.to_string(),
        now_iso: Timestamp::now().to_string(),
        dimensions_json: json(&template.dimensions()),
        sources_json: json(&sources),
        events_json: json(&events),
        sources,
    })
}

/// For the data attributes; none of these values can fail to serialise, and the script reads an empty
/// list if one did.
fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// What a stored event says, in words.
fn line(event: &Event, template: &Coding, all: &[&Event]) -> Line {
    let values = |values: &BTreeMap<String, String>| -> String {
        template
            .dimensions()
            .iter()
            .filter_map(|d| {
                values.get(&d.code).map(|v| d.category(v).map_or(v.as_str(), |c| c.label.as_str()))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = match &event.kind {
        EventKind::TaskStarted { values: v } => format!("Started: {}", values(v)),
        EventKind::TaskEnded { task } => {
            let started = all.iter().find(|e| e.id == *task).and_then(|e| match &e.kind {
                EventKind::TaskStarted { values: v } => Some(values(v)),
                _ => None,
            });
            format!("Ended: {}", started.unwrap_or_else(|| "a task".into()))
        }
        EventKind::Interruption { source } => {
            format!("Interruption: {}", INTERRUPTION_SOURCES.get(source).map_or(source.as_str(), |t| t.label))
        }
        EventKind::Note { text } => format!("Note: {text}"),
        EventKind::Paused => "Paused".into(),
        EventKind::Resumed => "Resumed".into(),
        EventKind::SessionEnded => "Session ended".into(),
    };
    Line { time: lantern_core::episode::local_time(event.at).strftime("%H:%M:%S").to_string(), text }
}
