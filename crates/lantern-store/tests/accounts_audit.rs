//! Accounts, sessions, tokens and the audit trail, against SQLite and PostgreSQL.

use jiff::{SignedDuration, Timestamp};
use lantern_core::access::{Role, User};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::ods::OdsCode;
use lantern_core::staff::StaffMember;
use lantern_store::testing::{self, TestDatabase};
use lantern_store::{AuditFilter, StoreError};
use uuid::Uuid;

use lantern_store::contract;

contract!(
    database:
    every_write_is_audited_in_a_verifiable_chain,
    audit_records_cannot_be_updated_or_deleted,
    accounts_and_sessions_round_trip,
    tokens_are_revocable_and_scoped_to_their_owner,
    sign_in_failures_are_counted_per_user_and_client,
);

fn actor(name: &str) -> Actor {
    Actor { client: Some("192.0.2.7".into()), ..Actor::system(name) }
}

fn user(practice: &OdsCode) -> User {
    User {
        id: Uuid::now_v7(),
        username: "asha".into(),
        display_name: "Asha".into(),
        role: Role::Staff,
        staff_id: None,
        organisation: None,
        practices: vec![practice.clone()],
        active: true,
    }
}

async fn every_write_is_audited_in_a_verifiable_chain(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let member = StaffMember::new(code.clone(), "Ben", "gp").expect("valid");
    db.store.add_staff(&member, &actor("setup")).await.expect("staff");
    db.store.set_service_enabled(&code, "sms_links", false, &actor("setup")).await.expect("switch");
    db.store.audit(AuditEntry::new(&actor("someone"), "export.episodes")).await.expect("audit");
    let records = db.store.audit_records(&AuditFilter::default(), 100).await.expect("records");
    let actions: Vec<&str> = records.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["practice.save", "staff.add", "service.disable", "export.episodes"]);
    assert_eq!(records[0].actor.client.as_deref(), Some("192.0.2.7"));
    assert_eq!(records[1].practice.as_deref(), Some("A81001"));
    assert!(records[2].after.as_deref().is_some_and(|a| a.contains("\"display_name\":\"Ben\"")));
    assert_eq!(db.store.verify_audit().await.expect("verify"), Ok(4));
    let only_staff = AuditFilter { action: Some("staff.add".into()), ..AuditFilter::default() };
    assert_eq!(db.store.audit_records(&only_staff, 10).await.expect("records").len(), 1);
    let elsewhere = AuditFilter { practices: Some(vec!["B82002".into()]), ..AuditFilter::default() };
    assert!(db.store.audit_records(&elsewhere, 10).await.expect("records").is_empty());
}

async fn audit_records_cannot_be_updated_or_deleted(db: TestDatabase) {
    db.practice("A81001").await;
    assert!(db.execute_raw("UPDATE audit_events SET username = 'mallory'").await.is_err(), "append-only");
    assert!(db.execute_raw("DELETE FROM audit_events").await.is_err(), "append-only");
    assert_eq!(db.store.verify_audit().await.expect("verify"), Ok(1));
}

async fn accounts_and_sessions_round_trip(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let asha = user(&code);
    db.store.create_user(&asha, "$argon2id$fake", &actor("setup")).await.expect("user");
    let again =
        db.store.create_user(&User { id: Uuid::now_v7(), ..asha.clone() }, "x", &actor("setup")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "usernames are unique");
    let (found, hash) = db.store.user_for_sign_in("asha").await.expect("lookup").expect("exists");
    assert_eq!((found, hash.as_str()), (asha.clone(), "$argon2id$fake"));
    let expires = Timestamp::now() + SignedDuration::from_hours(1);
    db.store
        .create_session("hash-1", &asha, "csrf-1", Timestamp::now(), expires, &actor("asha"))
        .await
        .expect("session");
    let session = db.store.session("hash-1").await.expect("lookup").expect("exists");
    assert_eq!((session.user.id, session.csrf_token.as_str()), (asha.id, "csrf-1"));
    assert_eq!(session.current_practice, Some(code.clone()));
    db.store
        .set_password(asha.id, "$argon2id$new", &actor("admin"), "user.password_reset")
        .await
        .expect("reset");
    assert!(db.store.session("hash-1").await.expect("lookup").is_none(), "a password reset ends sessions");
    db.store
        .create_session("hash-2", &asha, "csrf-2", Timestamp::now(), expires, &actor("asha"))
        .await
        .expect("session");
    db.store.end_session("hash-2", &actor("asha"), "sign_out").await.expect("end");
    assert!(db.store.session("hash-2").await.expect("lookup").is_none());
    let actions: Vec<String> = db
        .store
        .audit_records(&AuditFilter::default(), 20)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
    for expected in ["user.create", "sign_in", "user.password_reset", "sign_out"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
}

async fn tokens_are_revocable_and_scoped_to_their_owner(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let asha = user(&code);
    db.store.create_user(&asha, "x", &actor("setup")).await.expect("user");
    let id = db.store.create_api_token(&asha, "script", "token-hash", &actor("asha")).await.expect("token");
    assert_eq!(db.store.api_token_user("token-hash").await.expect("lookup").map(|u| u.id), Some(asha.id));
    assert!(matches!(
        db.store.revoke_api_token(Uuid::now_v7(), id, &actor("x")).await,
        Err(StoreError::NotFound(_))
    ));
    db.store.revoke_api_token(asha.id, id, &actor("asha")).await.expect("revoke");
    assert!(db.store.api_token_user("token-hash").await.expect("lookup").is_none());
    let listed = db.store.api_tokens(asha.id).await.expect("list");
    assert!(listed[0].revoked_at.is_some() && listed[0].last_used_at.is_some());
}

async fn sign_in_failures_are_counted_per_user_and_client(db: TestDatabase) {
    db.practice("A81001").await;
    let since = Timestamp::now() - SignedDuration::from_mins(15);
    for _ in 0..3 {
        db.store.record_sign_in_failure("nobody", &actor("sign-in")).await.expect("failure");
    }
    let count =
        |user: &'static str, client: &'static str| db.store.recent_sign_in_failures(user, client, since);
    assert_eq!(count("nobody", "203.0.113.1").await.expect("count"), (3, 0), "by username");
    assert_eq!(count("someone", "192.0.2.7").await.expect("count"), (0, 3), "by client");
    assert_eq!(count("someone", "203.0.113.1").await.expect("count"), (0, 0));
    let failures = AuditFilter { action: Some("sign_in.failed".into()), ..AuditFilter::default() };
    assert_eq!(db.store.audit_records(&failures, 10).await.expect("audit").len(), 3);

    // Whatever is typed as a username stays in the audit trail for good: a patient identifier or
    // something that could never be a username is withheld; a staff email address is kept.
    for typed in ["943 476 5919", "07700 900123", "Asha\u{202E}K", "not a username"] {
        db.store.record_sign_in_failure(typed, &actor("sign-in")).await.expect("failure");
        let records = db.store.audit_records(&failures, 1).await.expect("audit");
        let after = records[0].after.clone().unwrap_or_default();
        assert!(
            after.contains("withheld") && !after.contains("5919") && !after.contains("900123"),
            "{after}"
        );
    }
    db.store.record_sign_in_failure("asha.k@nhs.net", &actor("sign-in")).await.expect("failure");
    let records = db.store.audit_records(&failures, 1).await.expect("audit");
    assert!(records[0].after.as_deref().unwrap_or_default().contains("asha.k@nhs.net"));
}

mod role_costs {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        costs(testing::sqlite().await).await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(db) = testing::postgres().await {
            costs(db).await;
        }
    }

    async fn costs(db: TestDatabase) {
        let code = db.practice("A81001").await;
        let defaults = db.store.role_costs(&code).await.expect("costs");
        assert_eq!(defaults.get("receptionist"), Some(&1_612), "Agenda for Change band 3 default");
        db.store.set_role_cost(&code, "receptionist", 1_800, &actor("lead")).await.expect("set");
        assert_eq!(db.store.role_costs(&code).await.expect("costs").get("receptionist"), Some(&1_800));
        assert!(db.store.set_role_cost(&code, "wizard", 1, &actor("lead")).await.is_err());
        assert!(db.store.set_role_cost(&code, "gp", -1, &actor("lead")).await.is_err());
        let set = AuditFilter { action: Some("role_cost.set".into()), ..AuditFilter::default() };
        assert_eq!(db.store.audit_records(&set, 10).await.expect("audit").len(), 1);
    }
}
