//! Support offers: what a practice does to help patients online beyond ad hoc help at the desk (see
//! DOMAIN.md, "Support offers and their effect"). Each has a kind, which makes it *passive* (something
//! put in front of patients: a web page, leaflets, posters, texts, a waiting-room screen) or *active*
//! (a person helping: drop-in or booked sessions, a digital champion or volunteer, a referral to a
//! community partner, help with proxy access); a start date and perhaps an end; who runs it (a member of
//! staff, or a named organisation or role typed as free text and screened by the identity guard); and
//! whom it is for (age bands and groups; none named means everyone).

use crate::identity::{check_free_text, FreeText};
use crate::ods::OdsCode;
use crate::staff::{list, StaffMember};
use crate::taxonomy::{Vocabulary, AGE_BANDS};
use crate::validation::{FieldError, ValidationErrors};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_RUN_BY_CHARS: usize = 120;

/// Passive modes put information in front of patients; active modes put a person beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Passive,
    Active,
}

impl Mode {
    pub fn code(self) -> &'static str {
        match self {
            Mode::Passive => "passive",
            Mode::Active => "active",
        }
    }
}

/// The kinds of support offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    WebsitePage,
    Leaflet,
    Poster,
    TextMessage,
    WaitingRoomScreen,
    DropInSession,
    BookedHelp,
    DigitalChampion,
    CommunityReferral,
    ProxyAccessHelp,
}

impl OfferKind {
    pub const ALL: [OfferKind; 10] = [
        OfferKind::WebsitePage,
        OfferKind::Leaflet,
        OfferKind::Poster,
        OfferKind::TextMessage,
        OfferKind::WaitingRoomScreen,
        OfferKind::DropInSession,
        OfferKind::BookedHelp,
        OfferKind::DigitalChampion,
        OfferKind::CommunityReferral,
        OfferKind::ProxyAccessHelp,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OfferKind::WebsitePage => "website_page",
            OfferKind::Leaflet => "leaflet",
            OfferKind::Poster => "poster",
            OfferKind::TextMessage => "text_message",
            OfferKind::WaitingRoomScreen => "waiting_room_screen",
            OfferKind::DropInSession => "drop_in_session",
            OfferKind::BookedHelp => "booked_help",
            OfferKind::DigitalChampion => "digital_champion",
            OfferKind::CommunityReferral => "community_referral",
            OfferKind::ProxyAccessHelp => "proxy_access_help",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OfferKind::WebsitePage => "Website page",
            OfferKind::Leaflet => "Leaflets",
            OfferKind::Poster => "Posters",
            OfferKind::TextMessage => "Text messages",
            OfferKind::WaitingRoomScreen => "Waiting-room screen",
            OfferKind::DropInSession => "Drop-in sessions",
            OfferKind::BookedHelp => "Booked one-to-one help",
            OfferKind::DigitalChampion => "Digital champion or volunteer",
            OfferKind::CommunityReferral => "Referral to a community partner",
            OfferKind::ProxyAccessHelp => "Help with proxy access for carers",
        }
    }

    /// Passive for information put in front of patients, active where a person helps.
    pub fn mode(self) -> Mode {
        match self {
            OfferKind::WebsitePage
            | OfferKind::Leaflet
            | OfferKind::Poster
            | OfferKind::TextMessage
            | OfferKind::WaitingRoomScreen => Mode::Passive,
            OfferKind::DropInSession
            | OfferKind::BookedHelp
            | OfferKind::DigitalChampion
            | OfferKind::CommunityReferral
            | OfferKind::ProxyAccessHelp => Mode::Active,
        }
    }

    pub fn parse(code: &str) -> Option<OfferKind> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

const fn t(code: &'static str, label: &'static str) -> crate::taxonomy::Term {
    crate::taxonomy::Term { code, label }
}

/// The groups an offer can be meant for besides age bands: DOMAIN.md's underserved groups.
pub const OFFER_GROUPS: Vocabulary = Vocabulary {
    name: "group",
    terms: &[
        t("language", "People whose first language is not English"),
        t("carers", "Carers and people acting for someone else"),
        t("learning_disability", "People with a learning disability"),
        t("disability", "Disabled people (sight, hearing, dexterity)"),
        t("mental_health", "People with severe mental illness"),
        t("no_device_or_data", "People without a device or data"),
        t("housebound", "Housebound patients"),
        t("deprived_area", "People in deprived areas"),
        t("no_photo_id", "People who are homeless or without photo ID"),
        t("low_confidence", "People with little digital confidence"),
    ],
};

/// Who runs the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RunBy {
    /// A member of the practice's staff.
    Staff(Uuid),
    /// A role or organisation, e.g. "PCN digital lead" or "Central Library": screened free text.
    Named(String),
}

/// A support offer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "A81001"))]
    pub practice: OdsCode,
    pub kind: OfferKind,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub started_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ended_on: Option<Date>,
    pub run_by: RunBy,
    /// Codes from [`AGE_BANDS`]; empty means every age.
    pub age_bands: Vec<String>,
    /// Codes from [`OFFER_GROUPS`]; empty means no group in particular.
    pub groups: Vec<String>,
}

impl Offer {
    pub fn mode(&self) -> Mode {
        self.kind.mode()
    }

    /// Whether the offer ran on `day` (its start and end days included).
    pub fn running_on(&self, day: Date) -> bool {
        day >= self.started_on && self.ended_on.is_none_or(|end| day <= end)
    }
}

/// What someone submits to register or edit an offer, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct OfferDraft {
    /// An [`OfferKind`] code.
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub started_on: String,
    /// `YYYY-MM-DD`, or absent while it runs.
    pub ended_on: Option<String>,
    /// A staff member's id, or…
    pub run_by_staff: Option<String>,
    /// …a role or organisation (one of the two).
    pub run_by_name: Option<String>,
    pub age_bands: Vec<String>,
    pub groups: Vec<String>,
}

/// A checked draft: everything of an [`Offer`] but its id and practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferFields {
    pub kind: OfferKind,
    pub title: String,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub run_by: RunBy,
    pub age_bands: Vec<String>,
    pub groups: Vec<String>,
}

impl OfferFields {
    pub fn into_offer(self, id: Uuid, practice: OdsCode) -> Offer {
        Offer {
            id,
            practice,
            kind: self.kind,
            title: self.title,
            started_on: self.started_on,
            ended_on: self.ended_on,
            run_by: self.run_by,
            age_bands: self.age_bands,
            groups: self.groups,
        }
    }
}

fn date(errors: &mut Vec<FieldError>, field: &str, what: &str, text: &str) -> Option<Date> {
    match text.trim().parse::<Date>() {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, format!("Enter the date {what} like 2026-04-01")));
            None
        }
    }
}

fn codes(errors: &mut Vec<FieldError>, field: &str, vocabulary: Vocabulary, given: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for code in given.iter().map(|c| c.trim()) {
        if !vocabulary.contains(code) {
            errors.push(FieldError::new(
                field,
                format!("{code:?} is not a {}; choose from {}", vocabulary.name, list(vocabulary.codes())),
            ));
        } else if !kept.iter().any(|k| k == code) {
            kept.push(code.to_owned());
        }
    }
    // In the vocabulary's order, so an offer reads the same however the form listed them.
    kept.sort_by_key(|c| vocabulary.codes().position(|v| v == c));
    kept
}

impl OfferDraft {
    /// Checks every field, reporting every problem: a known kind, a title of 1 to 120 characters, dates
    /// (an end not before the start), exactly one of a staff member of the practice (active, unless the
    /// offer already names them) or a name, and known age bands and groups. Free text goes through the
    /// identity guard. `current` is the offer being edited, if any.
    pub fn check(
        &self,
        practice: &OdsCode,
        staff: &[StaffMember],
        current: Option<&Offer>,
    ) -> Result<OfferFields, ValidationErrors> {
        let mut errors = Vec::new();
        let kind = OfferKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                format!(
                    "{:?} is not a kind of offer; choose from {}",
                    self.kind,
                    list(OfferKind::ALL.iter().map(|k| k.code()))
                ),
            ));
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            errors.push(FieldError::new(
                "title",
                format!("Give the offer a name of 1 to {MAX_TITLE_CHARS} characters"),
            ));
        }
        errors.extend(check_free_text("title", "The name", title, FreeText::LINE));
        let started_on = date(&mut errors, "started_on", "it started", &self.started_on);
        let ended_on = match self.ended_on.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => date(&mut errors, "ended_on", "it ended", text).map(Some),
            None => Some(None),
        };
        if let (Some(start), Some(Some(end))) = (started_on, ended_on) {
            if end < start {
                errors.push(FieldError::new("ended_on", "The end date must not be before the start date"));
            }
        }
        let staff_id = self.run_by_staff.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let name = self.run_by_name.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let run_by = match (staff_id, name) {
            (Some(_), Some(_)) | (None, None) => {
                errors.push(FieldError::new(
                    "run_by",
                    "Say who runs the offer: a member of staff, or a role or organisation, not both",
                ));
                None
            }
            (Some(id), None) => {
                let member = Uuid::parse_str(id).ok().and_then(|id| staff.iter().find(|m| m.id == id));
                let already = |m: &StaffMember| current.is_some_and(|o| o.run_by == RunBy::Staff(m.id));
                match member {
                    Some(m) if m.practice == *practice && (m.active || already(m)) => {
                        Some(RunBy::Staff(m.id))
                    }
                    _ => {
                        errors.push(FieldError::new(
                            "run_by_staff",
                            "Choose a current member of this practice's staff",
                        ));
                        None
                    }
                }
            }
            (None, Some(name)) => {
                if name.chars().count() > MAX_RUN_BY_CHARS {
                    errors.push(FieldError::new(
                        "run_by_name",
                        format!("Name who runs it in at most {MAX_RUN_BY_CHARS} characters"),
                    ));
                }
                errors.extend(check_free_text("run_by_name", "Who runs it", name, FreeText::LINE));
                Some(RunBy::Named(name.to_owned()))
            }
        };
        let age_bands = codes(&mut errors, "age_bands", AGE_BANDS, &self.age_bands);
        let groups = codes(&mut errors, "groups", OFFER_GROUPS, &self.groups);
        ValidationErrors::check(errors)?;
        match (kind, started_on, ended_on, run_by) {
            (Some(kind), Some(started_on), Some(ended_on), Some(run_by)) => Ok(OfferFields {
                kind,
                title: title.to_owned(),
                started_on,
                ended_on,
                run_by,
                age_bands,
                groups,
            }),
            _ => Err(ValidationErrors::single("offer", "The offer could not be read")),
        }
    }
}

/// Checks the day an offer ends: not before it started.
pub fn check_end(offer: &Offer, ended_on: Date) -> Result<(), ValidationErrors> {
    if ended_on < offer.started_on {
        return Err(ValidationErrors::single("ended_on", "The end date must not be before the start date"));
    }
    Ok(())
}

#[cfg(test)]
#[path = "offer_tests.rs"]
mod tests;

/// Whether the help logged for an offer reached the patients it was meant for: of its episodes, how many
/// were with someone in one of its age bands, and how many met a barrier (or were for a carer) that
/// matches one of its groups. Groups no episode field records (housebound, deprived area) match none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reach {
    pub episodes: usize,
    /// Episodes with an age band recorded.
    pub with_age_band: usize,
    /// Of those, in one of the offer's age bands (all of them when it names none).
    pub in_age_bands: usize,
    /// Episodes matching one of the offer's groups (None when it names no group an episode records).
    pub in_groups: Option<usize>,
}

/// The episode barriers (and the carer flag, as `carers`) that show a group.
fn group_markers(group: &str) -> &'static [&'static str] {
    match group {
        "language" => &["language"],
        "carers" => &["carers"],
        "learning_disability" => &["learning_disability"],
        "disability" => &["sight", "hearing", "dexterity"],
        "mental_health" => &["mental_health"],
        "no_device_or_data" => &["no_device", "no_data"],
        "no_photo_id" => &["no_photo_id"],
        "low_confidence" => &["low_confidence"],
        _ => &[],
    }
}

pub fn reach(offer: &Offer, episodes: &[crate::episode::Episode]) -> Reach {
    let markers: Vec<&str> = offer.groups.iter().flat_map(|g| group_markers(g).iter().copied()).collect();
    let mut r =
        Reach { episodes: episodes.len(), in_groups: (!markers.is_empty()).then_some(0), ..Reach::default() };
    for e in episodes {
        if let Some(band) = &e.age_band {
            r.with_age_band += 1;
            r.in_age_bands += usize::from(offer.age_bands.is_empty() || offer.age_bands.contains(band));
        }
        let marked = e.barriers.iter().any(|b| markers.contains(&b.as_str()))
            || (e.carer_proxy && markers.contains(&"carers"));
        if let Some(n) = r.in_groups.as_mut() {
            *n += usize::from(marked);
        }
    }
    r
}
