//! A session's timeline: the tasks, interruptions, notes and pauses its events add up to.
//!
//! The timeline keeps the set of accepted events, keyed by id, and rebuilds itself from that set in
//! time order whenever a batch arrives. So a device that syncs late, twice, or out of order ends with the
//! same timeline as one that never lost its connection, and checks such as "a task cannot end before it
//! starts" are made against the whole story rather than the order of arrival.

use super::event::{Event, EventKind, SessionError, SessionInfo, MAX_NOTE_CHARS};
use super::template::{Template, INTERRUPTION_SOURCES};
use crate::identity;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// The id of the event that started it.
    pub id: Uuid,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub values: BTreeMap<String, String>,
    /// Still running when the session ended, so closed there: the observer forgot to tap "end", or the
    /// task really did run on. Either way its duration is a lower bound.
    pub closed_at_session_end: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interruption {
    pub id: Uuid,
    pub at: Timestamp,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: Uuid,
    pub at: Timestamp,
    pub text: String,
}

/// A stretch of time, `start` inclusive and `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: Timestamp,
    pub end: Timestamp,
}

/// How a batch went: events new to the timeline, and events it already had.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub new: usize,
    pub duplicates: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    info: SessionInfo,
    template: Template,
    #[serde(skip)]
    events: HashMap<Uuid, Event>,
    tasks: Vec<Task>,
    interruptions: Vec<Interruption>,
    notes: Vec<Note>,
    pauses: Vec<Span>,
    paused_since: Option<Timestamp>,
    ended_at: Option<Timestamp>,
}

impl Timeline {
    /// An empty session coded against `template`.
    pub fn new(info: SessionInfo, template: Template) -> Self {
        Self {
            info,
            template,
            events: HashMap::new(),
            tasks: Vec::new(),
            interruptions: Vec::new(),
            notes: Vec::new(),
            pauses: Vec::new(),
            paused_since: None,
            ended_at: None,
        }
    }

    /// Rebuilds a timeline from stored events.
    pub fn from_events(
        info: SessionInfo,
        template: Template,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Self, SessionError> {
        let mut timeline = Self::new(info, template);
        timeline.apply_all(events)?;
        Ok(timeline)
    }

    /// Applies one event; see [`Self::apply_all`].
    pub fn apply(&mut self, event: Event) -> Result<Applied, SessionError> {
        self.apply_all([event])
    }

    /// Adds a batch of events. An event whose id is already recorded is skipped if it is the same event
    /// and refused if it is not. If any event is refused, none is applied.
    pub fn apply_all(&mut self, events: impl IntoIterator<Item = Event>) -> Result<Applied, SessionError> {
        let mut merged = self.events.clone();
        let mut applied = Applied::default();
        for event in events {
            match merged.get(&event.id) {
                Some(known) if *known == event => applied.duplicates += 1,
                Some(_) => return Err(SessionError::ConflictingEvent { event: event.id }),
                None => {
                    self.check_content(&event)?;
                    merged.insert(event.id, event);
                    applied.new += 1;
                }
            }
        }
        if applied.new > 0 {
            let mut rebuilt = Self::new(self.info.clone(), self.template.clone());
            rebuilt.replay(&merged)?;
            rebuilt.events = merged;
            *self = rebuilt;
        }
        Ok(applied)
    }

    /// Checks what an event says, whatever else happened around it.
    fn check_content(&self, event: &Event) -> Result<(), SessionError> {
        let id = event.id;
        match &event.kind {
            EventKind::TaskStarted { values } => {
                self.template.check_values(values).map_err(|error| SessionError::Values { event: id, error })
            }
            EventKind::Interruption { source } if !INTERRUPTION_SOURCES.contains(source) => {
                Err(SessionError::UnknownInterruptionSource { event: id, given: source.clone() })
            }
            EventKind::Note { text } => check_note(id, text).map(|_| ()),
            _ => Ok(()),
        }
    }

    /// Plays the events in time order into this (empty) timeline.
    fn replay(&mut self, events: &HashMap<Uuid, Event>) -> Result<(), SessionError> {
        let mut ordered: Vec<&Event> = events.values().collect();
        ordered.sort_by_key(|e| (e.at, e.kind.rank(), e.id));
        let mut open: HashMap<Uuid, usize> = HashMap::new();
        for event in ordered {
            let (id, at) = (event.id, event.at);
            if at < self.info.started_at {
                return Err(SessionError::BeforeSessionStart { event: id });
            }
            if self.ended_at.is_some() {
                return Err(SessionError::AfterSessionEnd { event: id });
            }
            let paused = self.paused_since.is_some();
            match &event.kind {
                EventKind::TaskStarted { .. } | EventKind::Interruption { .. } if paused => {
                    return Err(SessionError::WhilePaused { event: id });
                }
                EventKind::TaskStarted { values } => {
                    open.insert(id, self.tasks.len());
                    self.tasks.push(Task {
                        id,
                        started_at: at,
                        ended_at: None,
                        values: values.clone(),
                        closed_at_session_end: false,
                    });
                }
                EventKind::TaskEnded { task } => {
                    let index = open.remove(task).ok_or_else(|| ending_error(events, id, *task))?;
                    if let Some(t) = self.tasks.get_mut(index) {
                        t.ended_at = Some(at);
                    }
                }
                EventKind::Interruption { source } => {
                    self.interruptions.push(Interruption { id, at, source: source.clone() })
                }
                // Already screened on arrival; only the trimming is repeated.
                EventKind::Note { text } => self.notes.push(Note { id, at, text: text.trim().to_owned() }),
                EventKind::Paused if paused => return Err(SessionError::AlreadyPaused { event: id }),
                EventKind::Paused => self.paused_since = Some(at),
                EventKind::Resumed => {
                    let start = self.paused_since.take().ok_or(SessionError::NotPaused { event: id })?;
                    self.pauses.push(Span { start, end: at });
                }
                EventKind::SessionEnded => {
                    if let Some(start) = self.paused_since.take() {
                        self.pauses.push(Span { start, end: at });
                    }
                    for task in self.tasks.iter_mut().filter(|t| t.ended_at.is_none()) {
                        task.ended_at = Some(at);
                        task.closed_at_session_end = true;
                    }
                    self.ended_at = Some(at);
                }
            }
        }
        Ok(())
    }

    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    /// Tasks in the order they started.
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub fn interruptions(&self) -> &[Interruption] {
        &self.interruptions
    }

    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// Finished pauses; a pause still running is [`Self::paused_since`].
    pub fn pauses(&self) -> &[Span] {
        &self.pauses
    }

    pub fn paused_since(&self) -> Option<Timestamp> {
        self.paused_since
    }

    pub fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }

    /// Every accepted event in time order, for storage or for a device catching up.
    pub fn events(&self) -> Vec<&Event> {
        let mut events: Vec<&Event> = self.events.values().collect();
        events.sort_by_key(|e| (e.at, e.kind.rank(), e.id));
        events
    }

    /// The latest instant any event mentions, or the session's start.
    pub fn last_event_at(&self) -> Timestamp {
        self.events.values().map(|e| e.at).max().unwrap_or(self.info.started_at)
    }
}

/// Says why a task could not be ended: it starts later (the end was recorded with a wrong clock, or
/// tapped on the wrong task), or no such task was ever started.
fn ending_error(events: &HashMap<Uuid, Event>, event: Uuid, task: Uuid) -> SessionError {
    match events.get(&task) {
        Some(Event { kind: EventKind::TaskStarted { .. }, at, .. })
            if events.get(&event).is_some_and(|end| end.at < *at) =>
        {
            SessionError::EndBeforeStart { task }
        }
        Some(Event { kind: EventKind::TaskStarted { .. }, .. }) => SessionError::TaskAlreadyEnded { task },
        _ => SessionError::UnknownTask { event, task },
    }
}

fn check_note(event: Uuid, text: &str) -> Result<String, SessionError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SessionError::EmptyNote { event });
    }
    let chars = text.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(SessionError::NoteTooLong { event, chars });
    }
    let findings = identity::screen(text);
    if !findings.is_empty() {
        return Err(SessionError::NoteIdentifiesPatient { event, findings });
    }
    if let Some(problem) =
        identity::check_free_text("text", "The note", text, identity::FreeText::NOTE).into_iter().next()
    {
        return Err(SessionError::NoteRefused { event, reason: problem.message });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
