//! What the ownership API and pages share: one practice's arrangements read in one go, the gap report
//! built from the store, where each finding is fixed, and the CSV layouts.

use crate::services::measures::csv::escape;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use lantern_core::episode::Episode;
use lantern_core::gaps::{gap_report, FixAt, GapFinding, GapInput};
use lantern_core::ods::OdsCode;
use lantern_core::ownership::{GuideCoverage, Ownership, Training};
use lantern_core::practice::PracticeService;
use lantern_core::staff::StaffMember;
use lantern_core::validation::FieldError;
use lantern_store::{EpisodeFilter, Store, StoreError};
use std::fmt::Write;
use uuid::Uuid;

/// The gap report weighs the last 90 days; one day more covers the difference between UTC and UK time.
const RECENT_DAYS: i64 = 91;
const PAGE: i64 = 2_000;

/// One practice's services, staff, ownership and training.
pub(crate) struct Arrangements {
    pub services: Vec<PracticeService>,
    pub staff: Vec<StaffMember>,
    pub ownership: Vec<Ownership>,
    pub training: Vec<Training>,
}

impl Arrangements {
    pub async fn load(store: &Store, code: &OdsCode) -> Result<Self, StoreError> {
        Ok(Self {
            services: store.services(code).await?,
            staff: store.staff(code).await?,
            ownership: store.ownership(code).await?,
            training: store.training(code).await?,
        })
    }

    /// The services switched on: the ones staff pick when they log help, so the ones that need an owner.
    pub fn enabled(&self) -> impl Iterator<Item = &PracticeService> {
        self.services.iter().filter(|s| s.enabled)
    }

    pub fn service(&self, code: &str) -> Option<&PracticeService> {
        self.services.iter().find(|s| s.code == code)
    }

    /// The recorded arrangements for a service, or blank ones (no owner) when none are recorded.
    pub fn of(&self, service: &str) -> Ownership {
        self.ownership
            .iter()
            .find(|o| o.service == service)
            .cloned()
            .unwrap_or_else(|| Ownership { service: service.to_owned(), ..Ownership::default() })
    }

    /// One entry per switched-on service, blank where nothing is recorded.
    pub fn per_service(&self) -> Vec<Ownership> {
        self.enabled().map(|s| self.of(&s.code)).collect()
    }

    pub fn member(&self, id: &Uuid) -> Option<&StaffMember> {
        self.staff.iter().find(|m| m.id == *id)
    }

    pub fn name(&self, id: &Uuid) -> String {
        self.member(id)
            .map_or_else(|| "Someone no longer on the staff list".to_owned(), |m| m.display_name.clone())
    }

    /// Current staff trained in `service`: the count the gap report holds against its minimum.
    pub fn trained(&self, service: &str) -> usize {
        self.training
            .iter()
            .filter(|t| t.service == service && self.member(&t.staff_id).is_some_and(|m| m.active))
            .count()
    }

    /// Problems with a training record that the store does not check, named by field.
    pub fn training_errors(
        &self,
        staff_id: Option<Uuid>,
        service: &str,
        trained_on: Option<Date>,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if staff_id.is_none_or(|id| self.member(&id).is_none()) {
            errors.push(FieldError::new("staff_id", "Select a member of staff at this practice"));
        }
        if self.service(service).is_none() {
            errors.push(FieldError::new("service", "Select one of the practice's services"));
        }
        if trained_on.is_some_and(|d| d > crate::clock::today()) {
            errors.push(FieldError::new("trained_on", "The training date must be today or in the past"));
        }
        errors
    }
}

/// A review date in the future would make an old arrangement look freshly checked.
pub(crate) fn reviewed_on_error(reviewed_on: Option<Date>) -> Option<FieldError> {
    reviewed_on
        .filter(|d| *d > crate::clock::today())
        .map(|_| FieldError::new("reviewed_on", "The review date must be today or in the past"))
}

/// The gap report for a practice today, from its arrangements, guides, strategy and recent episodes.
pub(crate) async fn gap_findings(
    store: &Store,
    code: &OdsCode,
    arrangements: &Arrangements,
) -> Result<Vec<GapFinding>, StoreError> {
    let guides: Vec<GuideCoverage> = store
        .guides(code, None)
        .await?
        .into_iter()
        .map(|g| GuideCoverage {
            id: g.id,
            title: g.title,
            services: g.services,
            review_by: g.review_by,
            approved: g.approved_by.is_some(),
        })
        .collect();
    let strategy_review_by = store.current_strategy(code).await?.map(|s| s.review_by);
    let filter = EpisodeFilter {
        practices: vec![code.clone()],
        from: Some(Timestamp::now() - SignedDuration::from_hours(24 * RECENT_DAYS)),
        ..EpisodeFilter::default()
    };
    // Walked in pages so a busy practice's quarter never has to fit in one query.
    let mut episodes: Vec<Episode> = Vec::new();
    let mut last = None;
    loop {
        let batch = store.episodes_after(&filter, last.as_ref(), PAGE).await?;
        let full = batch.len() as i64 == PAGE;
        last = batch.last().cloned();
        episodes.extend(batch.into_iter().map(|r| r.episode));
        if !full {
            break;
        }
    }
    Ok(gap_report(&GapInput {
        today: crate::clock::today(),
        services: &arrangements.services,
        staff: &arrangements.staff,
        ownership: &arrangements.ownership,
        training: &arrangements.training,
        guides: &guides,
        episodes: &episodes,
        strategy_review_by,
    }))
}

/// Where a finding is fixed, as a link within Lantern.
pub(crate) fn fix_href(fix: &FixAt, code: &OdsCode) -> String {
    let encode = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    match fix {
        FixAt::Ownership(s) => format!("/services/{}?practice={code}", encode(s)),
        FixAt::Training(s) => format!("/training?practice={code}&service={}#record", encode(s)),
        FixAt::Guides(s) => format!("/guides?service={}", encode(s)),
        FixAt::Strategy => "/strategy".to_owned(),
    }
}

/// The words on the link to the fix.
pub(crate) fn fix_label(fix: &FixAt, arrangements: &Arrangements) -> String {
    let label = |s: &str| arrangements.service(s).map_or_else(|| s.to_owned(), |s| s.label.clone());
    match fix {
        FixAt::Ownership(s) => format!("Change who owns {}", label(s)),
        FixAt::Training(s) => format!("Record training in {}", label(s)),
        FixAt::Guides(s) => format!("Guides for {}", label(s)),
        FixAt::Strategy => "The digital support strategy".to_owned(),
    }
}

/// The finding's kind as its stable code (`no_owner`, `few_trained`…), as serialised.
pub(crate) fn kind_code(finding: &GapFinding) -> String {
    serde_json::to_value(finding.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn line(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
    let _ = writeln!(out, "{}", cells.join(","));
}

pub(crate) fn ownership_csv(code: &OdsCode, a: &Arrangements) -> String {
    let mut out = String::new();
    line(
        &mut out,
        &[
            "practice",
            "service",
            "service_label",
            "owner",
            "supporting",
            "escalation_route",
            "helpdesk",
            "offline_alternative",
            "reviewed_on",
            "trained_staff",
        ],
    );
    for service in a.enabled() {
        let o = a.of(&service.code);
        let owner = o.owner.map(|id| a.name(&id)).unwrap_or_default();
        let supporting: Vec<String> = o.supporting.iter().map(|id| a.name(id)).collect();
        let reviewed = o.reviewed_on.map(|d| d.to_string()).unwrap_or_default();
        let trained = a.trained(&service.code).to_string();
        line(
            &mut out,
            &[
                code.as_str(),
                &service.code,
                &service.label,
                &owner,
                &supporting.join("; "),
                o.escalation_route.as_deref().unwrap_or_default(),
                o.helpdesk.as_deref().unwrap_or_default(),
                o.offline_alternative.as_deref().unwrap_or_default(),
                &reviewed,
                &trained,
            ],
        );
    }
    out
}

pub(crate) fn training_csv(code: &OdsCode, a: &Arrangements) -> String {
    let mut out = String::new();
    line(&mut out, &["practice", "staff_id", "staff", "service", "trained_on", "trainer", "confidence"]);
    for t in &a.training {
        let (id, date) = (t.staff_id.to_string(), t.trained_on.to_string());
        let cells =
            [code.as_str(), &id, &a.name(&t.staff_id), &t.service, &date, &t.trainer, t.confidence.code()];
        line(&mut out, &cells);
    }
    out
}

pub(crate) fn gaps_csv(code: &OdsCode, findings: &[GapFinding]) -> String {
    let mut out = String::new();
    line(&mut out, &["practice", "kind", "service", "finding", "why_it_matters", "what_to_do", "fix_at"]);
    for f in findings {
        let (kind, fix) = (kind_code(f), fix_href(&f.fix_at, code));
        let service = f.service.as_deref().unwrap_or_default();
        line(&mut out, &[code.as_str(), &kind, service, &f.finding, &f.why_it_matters, &f.what_to_do, &fix]);
    }
    out
}
