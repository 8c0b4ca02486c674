//! Ownership, training, guides, the strategy and acknowledgements, on both backends.

use lantern_core::access::{Role, User};
use lantern_core::audit::Actor;
use lantern_core::guides::GuideDraft;
use lantern_core::ods::OdsCode;
use lantern_core::ownership::{Confidence, Ownership, Training};
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::testing::TestDatabase;
use lantern_store::{AuditFilter, StoreError};

use lantern_store::contract;

contract!(
    database:
    ownership_and_training_round_trip,
    guides_are_versioned_approved_and_searchable,
    strategy_is_signed_off_and_acknowledged
);

fn actor() -> Actor {
    Actor::system("test")
}

async fn setup(db: &TestDatabase) -> (OdsCode, Vec<StaffMember>) {
    let code = OdsCode::parse("A81001").expect("valid");
    let practice =
        Practice { ods_code: code.clone(), name: "Test".into(), pcn: None, icb: None, list_size: 100 };
    db.store.upsert_practice(&practice, false, &actor()).await.expect("practice");
    let mut staff = Vec::new();
    for name in ["Asha", "Ben"] {
        let member = StaffMember::new(code.clone(), name, "receptionist").expect("valid");
        db.store.add_staff(&member, &actor()).await.expect("staff");
        staff.push(member);
    }
    (code, staff)
}

async fn ownership_and_training_round_trip(db: TestDatabase) {
    let (code, staff) = setup(&db).await;
    let arrangement = Ownership {
        service: "nhs_login".into(),
        owner: Some(staff[0].id),
        supporting: vec![staff[1].id],
        escalation_route: Some("Practice manager, then the PCN digital lead".into()),
        helpdesk: Some("Supplier helpdesk via the practice portal".into()),
        offline_alternative: Some("Paper request at reception".into()),
        reviewed_on: Some("2026-03-01".parse().expect("date")),
    };
    db.store.set_ownership(&code, &arrangement, &actor()).await.expect("set");
    assert_eq!(db.store.ownership(&code).await.expect("read"), vec![arrangement.clone()]);
    let other = StaffMember::new(OdsCode::parse("B82002").expect("valid"), "Zed", "gp").expect("valid");
    let outsider = Ownership { owner: Some(other.id), ..arrangement.clone() };
    assert!(matches!(db.store.set_ownership(&code, &outsider, &actor()).await, Err(StoreError::Invalid(_))));
    let training = Training {
        staff_id: staff[1].id,
        service: "nhs_login".into(),
        trained_on: "2026-02-02".parse().expect("date"),
        trainer: "NHS login e-learning".into(),
        confidence: Confidence::Medium,
    };
    db.store.record_training(&code, &training, &actor()).await.expect("train");
    let again = Training { confidence: Confidence::High, ..training.clone() };
    db.store.record_training(&code, &again, &actor()).await.expect("update");
    assert_eq!(db.store.training(&code).await.expect("read"), vec![again]);
    let audit = db.store.audit_records(&AuditFilter::default(), 50).await.expect("audit");
    assert!(
        audit.iter().any(|r| r.action == "ownership.set")
            && audit.iter().filter(|r| r.action == "training.record").count() == 2
    );
}

async fn guides_are_versioned_approved_and_searchable(db: TestDatabase) {
    let (code, _) = setup(&db).await;
    let today = "2026-03-01".parse().expect("date");
    let installed = db.store.install_starter_guides(&code, today, &actor()).await.expect("install");
    assert_eq!(installed, lantern_core::guides::STARTER_GUIDES.len());
    assert_eq!(
        db.store.install_starter_guides(&code, today, &actor()).await.expect("again"),
        0,
        "installed once"
    );
    let photo = db.store.guides(&code, Some("Photo proxy")).await.expect("search");
    assert!(!photo.is_empty());
    for g in &photo {
        let text = format!("{} {}", g.title, g.body).to_lowercase();
        assert!(text.contains("photo") && text.contains("proxy"), "every word matches: {}", g.title);
    }
    assert!(db.store.guides(&code, Some("zebra crossing")).await.expect("search").is_empty());
    assert!(photo[0].starter.is_some() && photo[0].approved_by.is_none(), "starters need review");
    let draft = GuideDraft {
        title: "Our NHS login help".into(),
        services: vec!["nhs_login".into()],
        tasks: vec!["verify_identity".into()],
        body: "1. Ask for the letter.\n\n<script>alert(1)</script>".into(),
        review_by: "2027-03-01".into(),
    };
    let first = db.store.save_guide(&code, None, &draft, &actor()).await.expect("save");
    assert_eq!(
        (first.version, first.body.contains("<script>")),
        (1, true),
        "stored as written; rendering makes it inert"
    );
    let approved = db
        .store
        .approve_guide(first.id, 1, "2027-06-01".parse().expect("date"), &actor())
        .await
        .expect("approve");
    assert_eq!(approved.approved_by.as_deref(), Some("system:test"));
    let second = db
        .store
        .save_guide(
            &code,
            Some(first.id),
            &GuideDraft { title: "Our NHS login help, v2".into(), ..draft.clone() },
            &actor(),
        )
        .await
        .expect("save");
    assert_eq!((second.version, second.approved_by), (2, None), "a new version needs approving again");
    assert!(matches!(
        db.store.approve_guide(first.id, 1, today, &actor()).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(db.store.guide_history(first.id).await.expect("history").len(), 2);
    let bad = GuideDraft { services: vec!["teleportation".into()], review_by: "soon".into(), ..draft };
    assert!(
        matches!(db.store.save_guide(&code, None, &bad, &actor()).await, Err(StoreError::Invalid(e)) if e.0.len() == 2)
    );
}

async fn strategy_is_signed_off_and_acknowledged(db: TestDatabase) {
    let (code, _) = setup(&db).await;
    assert!(db.store.current_strategy(&code).await.expect("read").is_none());
    let review = "2027-03-31".parse().expect("date");
    let v1 = db.store.save_strategy(&code, "# Strategy\n\nDraft one", review, &actor()).await.expect("save");
    let v2 = db.store.save_strategy(&code, "# Strategy\n\nDraft two", review, &actor()).await.expect("save");
    assert_eq!((v1, v2), (1, 2));
    assert!(db.store.current_strategy(&code).await.expect("read").is_none(), "drafts are not in force");
    db.store.sign_off_strategy(&code, 1, &actor()).await.expect("sign off");
    assert!(matches!(db.store.sign_off_strategy(&code, 1, &actor()).await, Err(StoreError::Conflict(_))));
    let current = db.store.current_strategy(&code).await.expect("read").expect("in force");
    assert_eq!((current.version, current.signed_off_by.as_deref()), (1, Some("system:test")));
    let user = User {
        id: uuid::Uuid::now_v7(),
        username: "asha".into(),
        display_name: "Asha".into(),
        role: Role::Staff,
        staff_id: None,
        organisation: None,
        practices: vec![code.clone()],
        active: true,
    };
    db.store.create_user(&user, "x", &actor()).await.expect("user");
    for _ in 0..2 {
        db.store
            .acknowledge(user.id, "strategy", code.as_str(), 1, Some(&code), &actor())
            .await
            .expect("ack");
    }
    let acks = db.store.acknowledgements("strategy", code.as_str(), 1).await.expect("read");
    assert_eq!(acks.len(), 1, "signed once");
    let audited = AuditFilter { action: Some("acknowledge".into()), ..AuditFilter::default() };
    assert_eq!(db.store.audit_records(&audited, 10).await.expect("audit").len(), 1);
}
