//! The demo practices' ownership and training: one well organised, one where responsibility has
//! drifted, so the gap report has something true to say (a service with no owner, and one "owned" by
//! someone who does little of it while the work defaults to a receptionist).

use super::DemoPcn;
use crate::ownership::{Confidence, Ownership, Training};
use jiff::civil::Date;
use uuid::Uuid;

/// One service's plan: (service, owner, staff trained in it, escalation route); names are prefixes of
/// the demo staff's display names.
type Plan = (&'static str, Option<&'static str>, &'static [&'static str], Option<&'static str>);

/// (practice code, ownership records, training records) for every demo practice.
pub fn demo_arrangements(pcn: &DemoPcn, trained_on: Date) -> Vec<(String, Vec<Ownership>, Vec<Training>)> {
    pcn.practices
        .iter()
        .map(|practice| {
            let id =
                |name: &str| practice.staff.iter().find(|m| m.display_name.starts_with(name)).map(|m| m.id);
            let plan: &[Plan] = match practice.practice.ods_code.as_str() {
                // Riverside: the manager "owns" NHS login but Chloe does the work; several services unowned.
                "Y99901" => &[
                    ("nhs_login", Some("Margaret"), &["Chloe"], None),
                    ("nhs_app", Some("Chloe"), &["Chloe"], Some("Margaret (practice manager)")),
                    (
                        "repeat_prescriptions",
                        Some("Gary"),
                        &["Gary", "Sandra"],
                        Some("Duty pharmacist, then GP"),
                    ),
                    ("appointments", Some("Sandra"), &["Sandra"], None),
                ],
                // Millbrook: a digital champion owns the core services, with routes and cover.
                "Y99902" => &[
                    (
                        "nhs_login",
                        Some("Asha"),
                        &["Asha", "Kerry", "Tomasz"],
                        Some("Asha, then Paul (practice manager)"),
                    ),
                    (
                        "nhs_app",
                        Some("Asha"),
                        &["Asha", "Kerry", "Tomasz"],
                        Some("Asha, then Paul (practice manager)"),
                    ),
                    (
                        "repeat_prescriptions",
                        Some("Lewis"),
                        &["Lewis", "Kerry"],
                        Some("Prescriptions clerk, then GP"),
                    ),
                    ("appointments", Some("Kerry"), &["Kerry", "Tomasz"], Some("Paul (practice manager)")),
                    ("online_consultation", Some("Paul"), &["Kerry", "Lewis"], Some("Duty GP")),
                    ("proxy_access", Some("Paul"), &["Asha", "Paul"], Some("Safeguarding lead")),
                ],
                // Oakfield: the PCN digital lead owns several services from the back office.
                _ => &[
                    ("nhs_login", Some("Mo"), &["Mo", "Bethany"], Some("Sam (digital lead)")),
                    ("nhs_app", Some("Sam"), &["Sam", "Mo", "Bethany"], Some("Sam (digital lead)")),
                    ("record_access", Some("Dr Claire"), &["Dr Claire"], None),
                    ("online_consultation", Some("Joanne"), &["Eileen"], Some("Duty GP")),
                ],
            };
            let mut ownership = Vec::new();
            let mut training = Vec::new();
            for (service, owner, trained, route) in plan {
                let owner = owner.and_then(id);
                ownership.push(Ownership {
                    service: (*service).to_owned(),
                    owner,
                    supporting: Vec::new(),
                    escalation_route: route.map(str::to_owned),
                    helpdesk: None,
                    offline_alternative: Some("Offered the same help by phone or at the desk".to_owned()),
                    reviewed_on: Some(trained_on),
                });
                for name in trained.iter().copied() {
                    let Some(staff_id) = id(name) else { continue };
                    training.push(Training {
                        staff_id,
                        service: (*service).to_owned(),
                        trained_on,
                        trainer: "Practice induction (synthetic)".to_owned(),
                        confidence: if owner == Some(staff_id) {
                            Confidence::High
                        } else {
                            Confidence::Medium
                        },
                    });
                }
            }
            (practice.practice.ods_code.to_string(), ownership, training)
        })
        .collect()
}

/// Whether `id` belongs to the demo staff (used in tests).
pub fn is_demo_staff(pcn: &DemoPcn, id: Uuid) -> bool {
    pcn.practices.iter().any(|p| p.staff.iter().any(|m| m.id == id))
}

#[cfg(test)]
mod tests {
    use super::super::{demo_pcn, simulate_episodes, SimulationParameters};
    use super::*;
    use crate::episode::PracticeContext;
    use crate::gaps::{gap_report, GapInput, GapKind};

    #[test]
    fn the_gap_report_finds_an_unowned_service_and_an_owner_who_does_little() {
        let params = SimulationParameters::default();
        let pcn = demo_pcn(&params);
        let arrangements = demo_arrangements(&pcn, params.end);
        let riverside = &pcn.practices[0];
        let (_, ownership, training) = &arrangements[0];
        assert!(ownership.iter().all(|o| o.owner.is_some_and(|id| is_demo_staff(&pcn, id))));
        let services = riverside.services();
        let ctx = PracticeContext {
            practice: &riverside.practice.ods_code,
            services: &services,
            staff: &riverside.staff,
            offers: &[],
            now: params.after_end(),
        };
        let episodes: Vec<_> = simulate_episodes(&params, &pcn)
            .iter()
            .filter(|e| e.practice == riverside.practice.ods_code.as_str())
            .map(|e| e.validate(&ctx).expect("valid"))
            .collect();
        let input = GapInput {
            today: params.end,
            services: &services,
            staff: &riverside.staff,
            ownership,
            training,
            guides: &[],
            episodes: &episodes,
            strategy_review_by: None,
        };
        let findings = gap_report(&input);
        let found = |kind: GapKind, service: &str| {
            findings.iter().any(|f| f.kind == kind && f.service.as_deref() == Some(service))
        };
        assert!(found(GapKind::NoOwner, "proxy_access"), "{findings:#?}");
        assert!(found(GapKind::OwnerNotDoingIt, "nhs_login"), "{findings:#?}");
    }
}
