use super::*;
use crate::ods::OdsCode;
use crate::ownership::Confidence;
use jiff::Timestamp;

struct World {
    staff: Vec<StaffMember>,
    services: Vec<PracticeService>,
    today: Date,
}

fn world() -> World {
    let practice = OdsCode::parse("A81001").expect("valid");
    let staff = ["Asha", "Ben", "Cara"]
        .iter()
        .map(|n| StaffMember::new(practice.clone(), n, "receptionist").expect("valid"))
        .collect();
    let services =
        crate::practice::default_services().into_iter().filter(|s| s.code == "nhs_login").collect();
    World { staff, services, today: "2026-03-31".parse().expect("date") }
}

fn episode(helper: Uuid, minutes: u16, outcome: &str) -> Episode {
    Episode {
        occurred_at: "2026-03-10T10:00:00Z".parse::<Timestamp>().expect("time"),
        practice: OdsCode::parse("A81001").expect("valid"),
        helpers: vec![helper],
        duration_minutes: minutes,
        channel: "desk".into(),
        services: vec!["nhs_login".into()],
        tasks: vec!["verify_identity".into()],
        approach: "with".into(),
        barriers: Vec::new(),
        age_band: None,
        carer_proxy: false,
        outcome: outcome.into(),
        escalated_to: None,
        follow_up: false,
        note: None,
        offer_id: None,
    }
}

fn kinds(findings: &[GapFinding]) -> Vec<GapKind> {
    findings.iter().map(|f| f.kind).collect()
}

fn trained(w: &World, who: usize) -> Training {
    Training {
        staff_id: w.staff[who].id,
        service: "nhs_login".into(),
        trained_on: "2026-01-05".parse().expect("date"),
        trainer: "NHS login e-learning".into(),
        confidence: Confidence::High,
    }
}

fn guide(review_by: &str) -> GuideCoverage {
    GuideCoverage {
        id: Uuid::now_v7(),
        title: "Verify identity".into(),
        services: vec!["nhs_login".into()],
        review_by: review_by.parse().expect("date"),
        approved: true,
    }
}

#[test]
fn an_unowned_untrained_unguided_service_is_found_with_reasons() {
    let w = world();
    let episodes = [episode(w.staff[0].id, 10, "escalated")];
    let input = GapInput {
        today: w.today,
        services: &w.services,
        staff: &w.staff,
        ownership: &[],
        training: &[],
        guides: &[],
        episodes: &episodes,
        strategy_review_by: None,
    };
    let findings = gap_report(&input);
    assert_eq!(
        kinds(&findings),
        [
            GapKind::NoOwner,
            GapKind::FewTrained,
            GapKind::MostlyUntrained,
            GapKind::NoGuide,
            GapKind::EscalationsWithoutRoute,
            GapKind::NoStrategy
        ]
    );
    assert!(findings.iter().all(|f| !f.why_it_matters.is_empty() && !f.what_to_do.is_empty()));
    assert_eq!(findings[0].fix_at, FixAt::Ownership("nhs_login".into()));
}

#[test]
fn an_owner_who_does_little_while_someone_else_carries_it_is_flagged() {
    let w = world();
    // Asha 90 minutes, owner Ben 10: Asha 90% > 50%, Ben 10% < 20%.
    let episodes = [episode(w.staff[0].id, 90, "resolved"), episode(w.staff[1].id, 10, "resolved")];
    let ownership = [Ownership {
        service: "nhs_login".into(),
        owner: Some(w.staff[1].id),
        escalation_route: Some("Practice manager".into()),
        ..Ownership::default()
    }];
    let training = [trained(&w, 0), trained(&w, 1)];
    let guides = [guide("2027-01-01")];
    let input = GapInput {
        today: w.today,
        services: &w.services,
        staff: &w.staff,
        ownership: &ownership,
        training: &training,
        guides: &guides,
        episodes: &episodes,
        strategy_review_by: Some("2027-01-01".parse().expect("date")),
    };
    let findings = gap_report(&input);
    assert_eq!(kinds(&findings), [GapKind::OwnerNotDoingIt]);
    assert!(
        findings[0].finding.contains("Asha gave 90%") && findings[0].finding.contains("Ben, gave 10%"),
        "{}",
        findings[0].finding
    );
    // Making the person who does it the owner clears it.
    let ownership = [Ownership { owner: Some(w.staff[0].id), ..ownership[0].clone() }];
    assert!(gap_report(&GapInput { ownership: &ownership, ..input }).is_empty());
}

#[test]
fn assigning_an_owner_and_training_a_second_person_clears_those_findings() {
    let w = world();
    let episodes = [episode(w.staff[0].id, 10, "resolved")];
    let guides = [guide("2027-01-01")];
    let one_trained = [trained(&w, 0)];
    let before = GapInput {
        today: w.today,
        services: &w.services,
        staff: &w.staff,
        ownership: &[],
        training: &one_trained,
        guides: &guides,
        episodes: &episodes,
        strategy_review_by: Some("2027-01-01".parse().expect("date")),
    };
    assert_eq!(kinds(&gap_report(&before)), [GapKind::NoOwner, GapKind::FewTrained]);
    let ownership =
        [Ownership { service: "nhs_login".into(), owner: Some(w.staff[0].id), ..Ownership::default() }];
    let two_trained = [trained(&w, 0), trained(&w, 2)];
    let after = GapInput { ownership: &ownership, training: &two_trained, ..before };
    assert!(gap_report(&after).is_empty());
}

#[test]
fn leavers_stale_guides_and_stale_strategies_are_found() {
    let mut w = world();
    w.staff[1].active = false;
    let ownership =
        [Ownership { service: "nhs_login".into(), owner: Some(w.staff[1].id), ..Ownership::default() }];
    let training = [trained(&w, 0), trained(&w, 1)];
    let guides = [guide("2026-01-01")];
    let input = GapInput {
        today: w.today,
        services: &w.services,
        staff: &w.staff,
        ownership: &ownership,
        training: &training,
        guides: &guides,
        episodes: &[],
        strategy_review_by: Some("2026-02-01".parse().expect("date")),
    };
    assert_eq!(
        kinds(&gap_report(&input)),
        [GapKind::OwnerInactive, GapKind::FewTrained, GapKind::GuidePastReview, GapKind::StrategyPastReview],
        "a trained leaver does not count as cover"
    );
}
