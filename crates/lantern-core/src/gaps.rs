//! The gap report, "Who owns this?": where a practice's arrangements for online services do not
//! match what the episode log shows. Each finding says why it matters and what to do.

use crate::episode::{local_time, Episode};
use crate::ownership::{GuideCoverage, Ownership, Training};
use crate::practice::PracticeService;
use crate::staff::StaffMember;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Where a finding is fixed; the web layer turns this into a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "at", content = "service", rename_all = "snake_case")]
pub enum FixAt {
    Ownership(String),
    Training(String),
    Guides(String),
    Strategy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    NoOwner,
    OwnerInactive,
    OwnerNotDoingIt,
    FewTrained,
    MostlyUntrained,
    NoGuide,
    GuidePastReview,
    EscalationsWithoutRoute,
    NoStrategy,
    StrategyPastReview,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapFinding {
    pub kind: GapKind,
    /// The service concerned (absent for practice-wide findings).
    pub service: Option<String>,
    pub finding: String,
    pub why_it_matters: String,
    pub what_to_do: String,
    pub fix_at: FixAt,
}

/// Everything the report weighs, for one practice.
pub struct GapInput<'a> {
    pub today: Date,
    pub services: &'a [PracticeService],
    pub staff: &'a [StaffMember],
    pub ownership: &'a [Ownership],
    pub training: &'a [Training],
    pub guides: &'a [GuideCoverage],
    /// The practice's recent episodes (the report looks at the last 90 days).
    pub episodes: &'a [Episode],
    /// When the current strategy is due for review; None when there is no strategy.
    pub strategy_review_by: Option<Date>,
}

/// Someone else carrying more than half of a service's help while its owner gives less than a fifth.
const OTHERS_SHARE: f64 = 0.5;
const OWNER_SHARE: f64 = 0.2;
/// Fewer trained staff than this leaves the service with no cover for leave or sickness.
const MIN_TRAINED: usize = 2;

pub fn gap_report(input: &GapInput<'_>) -> Vec<GapFinding> {
    let mut findings = Vec::new();
    let name = |id: &Uuid| {
        input.staff.iter().find(|m| m.id == *id).map_or("someone who has left", |m| m.display_name.as_str())
    };
    let recent: Vec<&Episode> = input
        .episodes
        .iter()
        .filter(|e| (input.today - local_time(e.occurred_at).date()).get_days() <= 90)
        .collect();
    for service in input.services.iter().filter(|s| s.enabled) {
        let code = service.code.as_str();
        let label = service.label.as_str();
        let ownership = input.ownership.iter().find(|o| o.service == code);
        let minutes = helper_minutes(&recent, code);
        let total: i64 = minutes.values().sum();
        let trained: Vec<Uuid> =
            input.training.iter().filter(|t| t.service == code).map(|t| t.staff_id).collect();
        let active_trained =
            trained.iter().filter(|id| input.staff.iter().any(|m| m.id == **id && m.active)).count();
        match ownership.and_then(|o| o.owner) {
            None => findings.push(GapFinding {
                kind: GapKind::NoOwner,
                service: Some(code.to_owned()),
                finding: format!("{label} has no owner."),
                why_it_matters:
                    "When nobody is accountable, the work falls to whoever is nearest and nobody plans it."
                        .into(),
                what_to_do: format!("Name one member of staff as the owner of {label}."),
                fix_at: FixAt::Ownership(code.to_owned()),
            }),
            Some(owner) if !input.staff.iter().any(|m| m.id == owner && m.active) => {
                findings.push(GapFinding {
                    kind: GapKind::OwnerInactive,
                    service: Some(code.to_owned()),
                    finding: format!("The owner of {label} ({}) has left or is inactive.", name(&owner)),
                    why_it_matters: "An owner who has gone owns nothing: the service is unowned in practice."
                        .into(),
                    what_to_do: format!("Name a current member of staff as the owner of {label}."),
                    fix_at: FixAt::Ownership(code.to_owned()),
                })
            }
            Some(owner) if total > 0 => {
                let owner_share = share(minutes.get(&owner).copied().unwrap_or(0), total);
                let (top, top_minutes) =
                    minutes.iter().max_by_key(|(id, m)| (**m, **id)).map_or((owner, 0), |(id, m)| (*id, *m));
                let top_share = share(top_minutes, total);
                if top != owner && top_share > OTHERS_SHARE && owner_share < OWNER_SHARE {
                    findings.push(GapFinding {
                        kind: GapKind::OwnerNotDoingIt,
                        service: Some(code.to_owned()),
                        finding: format!(
                            "{} gave {:.0}% of the help with {label} in the last 90 days; its owner, {}, gave {:.0}%.",
                            name(&top),
                            top_share * 100.0,
                            name(&owner),
                            owner_share * 100.0
                        ),
                        why_it_matters: "The work has defaulted to someone who is not accountable for it, so it stays unplanned and unrecognised.".into(),
                        what_to_do: format!("Either make {} the owner, or share the work out and train others.", name(&top)),
                        fix_at: FixAt::Ownership(code.to_owned()),
                    });
                }
            }
            Some(_) => {}
        }
        if active_trained < MIN_TRAINED {
            findings.push(GapFinding {
                kind: GapKind::FewTrained,
                service: Some(code.to_owned()),
                finding: match active_trained {
                    0 => format!("Nobody on the current staff is trained in {label}."),
                    1 => format!("Only one current member of staff is trained in {label}."),
                    n => format!("{n} current members of staff are trained in {label}."),
                },
                why_it_matters: "With fewer than two trained, the service has no cover for leave, sickness or a busy desk.".into(),
                what_to_do: format!("Train at least {MIN_TRAINED} members of staff in {label} and record it."),
                fix_at: FixAt::Training(code.to_owned()),
            });
        }
        if total > 0 {
            let untrained: i64 = minutes.iter().filter(|(id, _)| !trained.contains(id)).map(|(_, m)| m).sum();
            if share(untrained, total) > 0.5 {
                findings.push(GapFinding {
                    kind: GapKind::MostlyUntrained,
                    service: Some(code.to_owned()),
                    finding: format!("{:.0}% of the help with {label} was given by staff with no training recorded.", share(untrained, total) * 100.0),
                    why_it_matters: "Staff are working it out for themselves, as the study found: help varies and mistakes go unnoticed.".into(),
                    what_to_do: format!("Train the staff who actually help with {label}, and record it."),
                    fix_at: FixAt::Training(code.to_owned()),
                });
            }
        }
        let guides: Vec<&GuideCoverage> =
            input.guides.iter().filter(|g| g.services.iter().any(|s| s == code)).collect();
        if guides.is_empty() {
            findings.push(GapFinding {
                kind: GapKind::NoGuide,
                service: Some(code.to_owned()),
                finding: format!("There is no guide for {label}."),
                why_it_matters: "Without a written procedure each member of staff helps differently.".into(),
                what_to_do: format!("Write or adopt a guide for {label}."),
                fix_at: FixAt::Guides(code.to_owned()),
            });
        } else if guides.iter().all(|g| g.review_by < input.today || !g.approved) {
            findings.push(GapFinding {
                kind: GapKind::GuidePastReview,
                service: Some(code.to_owned()),
                finding: format!(
                    "Every guide for {label} is past its review date or not yet approved for this practice."
                ),
                why_it_matters:
                    "Online services change often; an unreviewed guide may send staff the wrong way.".into(),
                what_to_do:
                    "Review the guide, update it for the practice, and approve it with a new review date."
                        .into(),
                fix_at: FixAt::Guides(code.to_owned()),
            });
        }
        let escalations = recent
            .iter()
            .filter(|e| e.outcome == "escalated" && e.services.iter().any(|s| s == code))
            .count();
        let has_route =
            ownership.is_some_and(|o| o.escalation_route.as_deref().is_some_and(|r| !r.trim().is_empty()));
        if escalations > 0 && !has_route {
            findings.push(GapFinding {
                kind: GapKind::EscalationsWithoutRoute,
                service: Some(code.to_owned()),
                finding: format!("{escalations} episode(s) with {label} were escalated in the last 90 days, but it has no escalation route."),
                why_it_matters: "Staff escalate to whoever they can find; problems bounce or are dropped.".into(),
                what_to_do: format!("Write down who {label} problems go to, and tell the team."),
                fix_at: FixAt::Ownership(code.to_owned()),
            });
        }
    }
    match input.strategy_review_by {
        None => findings.push(GapFinding {
            kind: GapKind::NoStrategy,
            service: None,
            finding: "The practice has no signed-off digital support strategy.".into(),
            why_it_matters: "The study found practices without a written strategy left help to chance and to a few willing staff.".into(),
            what_to_do: "Draft the strategy from Lantern's figures and have the practice manager sign it off.".into(),
            fix_at: FixAt::Strategy,
        }),
        Some(review_by) if review_by < input.today => findings.push(GapFinding {
            kind: GapKind::StrategyPastReview,
            service: None,
            finding: format!("The digital support strategy was due for review on {review_by}."),
            why_it_matters: "Services, staff and the help patients need change; an old strategy describes a practice that no longer exists.".into(),
            what_to_do: "Review the strategy against this quarter's figures and sign off a new version.".into(),
            fix_at: FixAt::Strategy,
        }),
        Some(_) => {}
    }
    findings
}

/// Staff-minutes per helper for episodes involving `service`.
fn helper_minutes(episodes: &[&Episode], service: &str) -> HashMap<Uuid, i64> {
    let mut minutes = HashMap::new();
    for e in episodes.iter().filter(|e| e.services.iter().any(|s| s == service)) {
        for helper in &e.helpers {
            *minutes.entry(*helper).or_insert(0) += i64::from(e.duration_minutes);
        }
    }
    minutes
}

fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
#[path = "gaps_tests.rs"]
mod tests;
