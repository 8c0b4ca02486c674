//! The episode: one occasion of helping one patient (or carer) with one or more online services.
//! No patient identity is ever part of it; the free-text note is screened by [`crate::identity`].

use crate::episode_offer;
use crate::identity;
use crate::ods::OdsCode;
use crate::offer::Offer;
use crate::practice::PracticeService;
use crate::staff::{list, StaffMember};
use crate::taxonomy::{Vocabulary, AGE_BANDS, APPROACHES, BARRIERS, CHANNELS, ESCALATED, OUTCOMES, TASKS};
use crate::validation::{FieldError, ValidationErrors};
use jiff::{civil, tz::TimeZone, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_DURATION_MINUTES: u16 = 240;
pub const MAX_NOTE_CHARS: usize = 1_000;
/// Practices are in England: times typed without an offset are UK local time.
pub const PRACTICE_TIME_ZONE: &str = "Europe/London";

/// What a person (form, API or CSV row) submits, unchecked. Every field is kept loose so that
/// validation can report all problems at once instead of stopping at the first type error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EpisodeInput {
    /// RFC 3339 (`2026-11-25T10:30:00Z`) or UK local time without offset (`2026-11-25T10:30`);
    /// absent means now.
    pub occurred_at: Option<String>,
    pub practice: String,
    /// Staff member ids (one or more).
    pub helpers: Vec<String>,
    pub duration_minutes: Option<i64>,
    pub channel: String,
    pub services: Vec<String>,
    pub tasks: Vec<String>,
    pub approach: String,
    pub barriers: Vec<String>,
    pub age_band: Option<String>,
    pub carer_proxy: bool,
    pub outcome: String,
    pub escalated_to: Option<String>,
    pub follow_up: bool,
    pub note: Option<String>,
    /// The support offer the help was part of (`GET /api/v1/practices/{ods}/offers`): one of the
    /// practice's, running on the day of the help; absent or empty for none. Anything else answers 422
    /// naming `offer_id`.
    // Left out of the input's JSON when absent, so a submission key's payload digest stays what it
    // was before episodes could name an offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
}

/// A validated episode: every code is known, every helper works at the practice, the note is clean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Episode {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub occurred_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "A81001"))]
    pub practice: OdsCode,
    pub helpers: Vec<Uuid>,
    pub duration_minutes: u16,
    pub channel: String,
    pub services: Vec<String>,
    pub tasks: Vec<String>,
    pub approach: String,
    pub barriers: Vec<String>,
    pub age_band: Option<String>,
    pub carer_proxy: bool,
    pub outcome: String,
    pub escalated_to: Option<Uuid>,
    pub follow_up: bool,
    pub note: Option<String>,
    /// The support offer the help was part of, if any: one of the practice's, running on the day of
    /// the help.
    // Checked by `crate::episode_offer`.
    #[serde(default)]
    pub offer_id: Option<Uuid>,
}

/// What validation needs to know about the practice the episode belongs to.
#[derive(Debug, Clone, Copy)]
pub struct PracticeContext<'a> {
    pub practice: &'a OdsCode,
    pub services: &'a [PracticeService],
    pub staff: &'a [StaffMember],
    /// The practice's support offers, ended ones included (past help may name them).
    pub offers: &'a [Offer],
    pub now: Timestamp,
}

/// Whether the episode is being logged now or records help given in the past (an edit or an import).
/// Past help may name staff who have since left and services since switched off: they were current
/// when the help was given, and refusing them would make old episodes impossible to correct or restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recording {
    New,
    Past,
}

impl EpisodeInput {
    /// Checks a newly logged episode against the practice, returning it or every problem found.
    pub fn validate(&self, ctx: &PracticeContext<'_>) -> Result<Episode, ValidationErrors> {
        self.validate_as(ctx, Recording::New)
    }

    /// Like [`Self::validate`] for an edit or an import, which may name leavers and services since
    /// switched off.
    pub fn validate_past(&self, ctx: &PracticeContext<'_>) -> Result<Episode, ValidationErrors> {
        self.validate_as(ctx, Recording::Past)
    }

    fn validate_as(
        &self,
        ctx: &PracticeContext<'_>,
        recording: Recording,
    ) -> Result<Episode, ValidationErrors> {
        let mut errors = Vec::new();
        let occurred_at = check_occurred_at(self.occurred_at.as_deref(), ctx.now, &mut errors);
        if OdsCode::parse(&self.practice).ok().as_ref() != Some(ctx.practice) {
            errors.push(FieldError::new(
                "practice",
                format!("Practice {:?} is not {}", self.practice, ctx.practice),
            ));
        }
        let helpers = check_staff_list("helpers", &self.helpers, ctx, recording, &mut errors);
        let duration_minutes = check_duration(self.duration_minutes, &mut errors);
        check_code("channel", &self.channel, CHANNELS, &mut errors);
        let enabled: Vec<&str> = ctx
            .services
            .iter()
            .filter(|s| s.enabled || recording == Recording::Past)
            .map(|s| s.code.as_str())
            .collect();
        let services = check_codes(
            "services",
            &self.services,
            |c| enabled.contains(&c),
            &enabled.join(", "),
            true,
            &mut errors,
        );
        let tasks = check_vocabulary_list("tasks", &self.tasks, TASKS, true, &mut errors);
        check_code("approach", &self.approach, APPROACHES, &mut errors);
        let barriers = check_vocabulary_list("barriers", &self.barriers, BARRIERS, false, &mut errors);
        let age_band = self.age_band.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(band) = age_band {
            check_code("age_band", band, AGE_BANDS, &mut errors);
        }
        check_code("outcome", &self.outcome, OUTCOMES, &mut errors);
        let escalated_to = check_escalation(self, ctx, recording, &mut errors);
        let note = check_note(self.note.as_deref(), &mut errors);
        let occurred_at =
            occurred_at.unwrap_or_else(|| Timestamp::from_second(ctx.now.as_second()).unwrap_or(ctx.now));
        // The offer is checked against the day of the help, so only once that day is known for sure.
        let time_ok = !errors.iter().any(|e| e.field == "occurred_at");
        let offer_id = if time_ok {
            let day = local_time(occurred_at).date();
            episode_offer::check(self.offer_id.as_deref(), ctx.practice, day, ctx.offers).unwrap_or_else(
                |error| {
                    errors.push(error);
                    None
                },
            )
        } else {
            None
        };
        ValidationErrors::check(errors)?;
        Ok(Episode {
            occurred_at,
            practice: ctx.practice.clone(),
            helpers,
            duration_minutes: duration_minutes.unwrap_or(1),
            channel: self.channel.trim().to_owned(),
            services,
            tasks,
            approach: self.approach.trim().to_owned(),
            barriers,
            age_band: age_band.map(str::to_owned),
            carer_proxy: self.carer_proxy,
            outcome: self.outcome.trim().to_owned(),
            escalated_to,
            follow_up: self.follow_up,
            note,
            offer_id,
        })
    }
}

impl From<&Episode> for EpisodeInput {
    fn from(e: &Episode) -> Self {
        Self {
            occurred_at: Some(e.occurred_at.to_string()),
            practice: e.practice.to_string(),
            helpers: e.helpers.iter().map(Uuid::to_string).collect(),
            duration_minutes: Some(i64::from(e.duration_minutes)),
            channel: e.channel.clone(),
            services: e.services.clone(),
            tasks: e.tasks.clone(),
            approach: e.approach.clone(),
            barriers: e.barriers.clone(),
            age_band: e.age_band.clone(),
            carer_proxy: e.carer_proxy,
            outcome: e.outcome.clone(),
            escalated_to: e.escalated_to.map(|id| id.to_string()),
            follow_up: e.follow_up,
            note: e.note.clone(),
            offer_id: e.offer_id.map(|id| id.to_string()),
        }
    }
}

/// Parses a time as RFC 3339, or as UK local time when no offset is given (what a browser's
/// `datetime-local` input sends).
pub fn parse_occurred_at(raw: &str) -> Result<Timestamp, String> {
    let raw = raw.trim();
    if let Ok(ts) = raw.parse::<Timestamp>() {
        return Ok(ts);
    }
    let civil: civil::DateTime =
        raw.parse().map_err(|_| format!("{raw:?} is not a date and time like 2026-11-25T10:30"))?;
    let tz = TimeZone::get(PRACTICE_TIME_ZONE).map_err(|e| e.to_string())?;
    tz.to_ambiguous_zoned(civil).compatible().map(|zoned| zoned.timestamp()).map_err(|e| e.to_string())
}

/// Shows a stored time as UK local time, the way staff think of it.
pub fn local_time(ts: Timestamp) -> civil::DateTime {
    TimeZone::get(PRACTICE_TIME_ZONE)
        .map_or_else(|_| ts.to_zoned(TimeZone::UTC).datetime(), |tz| ts.to_zoned(tz).datetime())
}

fn check_occurred_at(raw: Option<&str>, now: Timestamp, errors: &mut Vec<FieldError>) -> Option<Timestamp> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let earliest = Timestamp::from_second(1_420_070_400).unwrap_or(Timestamp::UNIX_EPOCH); // 2015-01-01
    match parse_occurred_at(raw) {
        Err(message) => errors.push(FieldError::new("occurred_at", message)),
        Ok(ts) if ts > now + 10.minutes() => {
            errors.push(FieldError::new("occurred_at", "The time of the episode cannot be in the future"));
        }
        Ok(ts) if ts < earliest => {
            errors.push(FieldError::new("occurred_at", "The time of the episode must be in 2015 or later"))
        }
        Ok(ts) => return Timestamp::from_second(ts.as_second()).ok(),
    }
    None
}

fn check_duration(minutes: Option<i64>, errors: &mut Vec<FieldError>) -> Option<u16> {
    match minutes {
        None => errors.push(FieldError::new("duration_minutes", "Enter how many minutes the help took")),
        Some(m) if !(1..=i64::from(MAX_DURATION_MINUTES)).contains(&m) => errors.push(FieldError::new(
            "duration_minutes",
            format!("Duration must be between 1 and {MAX_DURATION_MINUTES} minutes, not {m}"),
        )),
        Some(m) => return u16::try_from(m).ok(),
    }
    None
}

fn check_code(field: &str, code: &str, vocabulary: Vocabulary, errors: &mut Vec<FieldError>) {
    let code = code.trim();
    if code.is_empty() {
        let article = if vocabulary.name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        errors.push(FieldError::new(field, format!("Choose {article} {}", vocabulary.name)));
    } else if !vocabulary.contains(code) {
        errors.push(FieldError::new(
            field,
            format!("{code:?} is not a {}; choose one of {}", vocabulary.name, list(vocabulary.codes())),
        ));
    }
}

fn check_vocabulary_list(
    field: &str,
    codes: &[String],
    vocabulary: Vocabulary,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let known = list(vocabulary.codes());
    check_codes(field, codes, |c| vocabulary.contains(c), &known, required, errors)
}

/// Checks a multi-valued field: trims, drops duplicates (keeping first order), rejects unknown codes.
fn check_codes(
    field: &str,
    codes: &[String],
    known: impl Fn(&str) -> bool,
    choices: &str,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !known(code) {
            errors
                .push(FieldError::new(field, format!("{code:?} is not allowed here; choose from {choices}")));
        } else if !out.iter().any(|c| c == code) {
            out.push(code.to_owned());
        }
    }
    if required && codes.iter().all(|c| c.trim().is_empty()) {
        let what = match field {
            "services" => "online service",
            "tasks" => "thing that was done",
            other => other,
        };
        errors.push(FieldError::new(field, format!("Choose at least one {what}")));
    }
    out
}

fn check_staff_list(
    field: &str,
    ids: &[String],
    ctx: &PracticeContext<'_>,
    recording: Recording,
    errors: &mut Vec<FieldError>,
) -> Vec<Uuid> {
    let mut out = Vec::new();
    for raw in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match find_staff(raw, ctx, recording) {
            Ok(id) if !out.contains(&id) => out.push(id),
            Ok(_) => {}
            Err(message) => errors.push(FieldError::new(field, message)),
        }
    }
    if out.is_empty() && !errors.iter().any(|e| e.field == field) {
        errors.push(FieldError::new(field, "Choose at least one helper"));
    }
    out
}

fn find_staff(raw: &str, ctx: &PracticeContext<'_>, recording: Recording) -> Result<Uuid, String> {
    let id = Uuid::parse_str(raw).map_err(|_| format!("{raw:?} is not a staff member id"))?;
    match ctx.staff.iter().find(|s| s.id == id) {
        Some(member)
            if member.practice == *ctx.practice && (member.active || recording == Recording::Past) =>
        {
            Ok(id)
        }
        Some(member) if member.practice == *ctx.practice => {
            Err(format!("{} is no longer active", member.display_name))
        }
        _ => Err(format!("No staff member {id} at practice {}", ctx.practice)),
    }
}

fn check_escalation(
    input: &EpisodeInput,
    ctx: &PracticeContext<'_>,
    recording: Recording,
    errors: &mut Vec<FieldError>,
) -> Option<Uuid> {
    let target = input.escalated_to.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let escalated = input.outcome.trim() == ESCALATED;
    match (escalated, target) {
        (true, None) => {
            errors.push(FieldError::new("escalated_to", "Choose who the episode was escalated to"))
        }
        (false, Some(_)) => errors
            .push(FieldError::new("escalated_to", "Only an escalated episode names who it was escalated to")),
        (true, Some(raw)) => match find_staff(raw, ctx, recording) {
            Ok(id) => return Some(id),
            Err(message) => errors.push(FieldError::new("escalated_to", message)),
        },
        (false, None) => {}
    }
    None
}

fn check_note(note: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let note = note.map(str::trim).filter(|s| !s.is_empty())?;
    let chars = note.chars().count();
    if chars > MAX_NOTE_CHARS {
        errors.push(FieldError::new(
            "note",
            format!("The note must be {MAX_NOTE_CHARS} characters or fewer; it has {chars}"),
        ));
        return None;
    }
    let problems = identity::check_free_text("note", "The note", note, identity::FreeText::NOTE);
    let clean = problems.is_empty();
    errors.extend(problems);
    clean.then(|| note.to_owned())
}

#[cfg(test)]
#[path = "episode_tests.rs"]
mod tests;
