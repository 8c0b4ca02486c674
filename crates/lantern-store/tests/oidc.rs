//! CIS2 sign-in requests in the store, against SQLite and PostgreSQL: a decision and its audit
//! record commit together, and the account's role follows what CIS2 maps at each sign-in.

use jiff::{SignedDuration, Timestamp};
use lantern_core::access::Role;
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_store::testing::TestDatabase;
use lantern_store::{contract, AuditFilter, Backend, IdentityStatus, OidcIdentity, SignInClaim};

contract!(
    database:
    an_approval_and_its_audit_record_commit_together_or_not_at_all,
    a_refusal_and_its_audit_record_commit_together_or_not_at_all,
    roles_follow_cis2_lower_at_once_higher_only_when_approved,
    a_withdrawn_role_ends_the_accounts_sessions_and_tokens,
);

const ISSUER: &str = "https://cis2.example";

fn actor(name: &str) -> Actor {
    Actor::system(name)
}

fn claim(practice: &OdsCode, role: Role) -> SignInClaim {
    SignInClaim {
        issuer: ISSUER.into(),
        subject: "555000000001".into(),
        organisation: practice.clone(),
        display_name: "Pat Manager".into(),
        role,
        rbac_role: if role == Role::PracticeLead { "S8000:G8000:R8008" } else { "S8000:G8000:R8009" }.into(),
    }
}

async fn request(db: &TestDatabase, practice: &OdsCode, role: Role) -> OidcIdentity {
    db.store.oidc_identity_for(&claim(practice, role), &actor("cis2:555000000001")).await.expect("request")
}

async fn count(db: &TestDatabase, action: &str) -> usize {
    let filter = AuditFilter { action: Some(action.into()), ..AuditFilter::default() };
    db.store.audit_records(&filter, 100).await.expect("audit").len()
}

/// Behind the store's back: the audit trail refuses records of `action`, as a full disk or a
/// broken connection could fail that one statement. Whatever the same transaction wrote must go too.
async fn refuse_audit_of(db: &TestDatabase, action: &str) {
    let statements = match db.store.backend() {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events WHEN NEW.action = '{action}' \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN \
                 IF NEW.action = '{action}' THEN RAISE EXCEPTION 'audit refused'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                .to_owned(),
        ],
    };
    for sql in statements {
        db.execute_raw(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

async fn allow_audit(db: &TestDatabase) {
    let sql = match db.store.backend() {
        Backend::Sqlite => "DROP TRIGGER refuse_audit",
        Backend::Postgres => "DROP TRIGGER refuse_audit ON audit_events",
    };
    db.execute_raw(sql).await.expect("drop trigger");
}

async fn an_approval_and_its_audit_record_commit_together_or_not_at_all(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let asked = request(&db, &code, Role::PracticeLead).await;
    refuse_audit_of(&db, "oidc.approved").await;
    let failed = db.store.approve_oidc_identity(asked.id, &actor("lead")).await;
    assert!(failed.is_err(), "the approval fails when its audit record cannot be written");
    let after = db.store.oidc_identity(asked.id).await.expect("identity");
    assert_eq!((after.status, after.user_id), (IdentityStatus::Pending, None), "still waiting, no account");
    assert!(db.store.users().await.expect("users").is_empty(), "the account made on the way was undone");
    assert_eq!(count(&db, "user.create").await, 0, "and so was its record");

    allow_audit(&db).await;
    let user = db.store.approve_oidc_identity(asked.id, &actor("lead")).await.expect("approve");
    let after = db.store.oidc_identity(asked.id).await.expect("identity");
    assert_eq!((after.status, after.user_id), (IdentityStatus::Approved, Some(user.id)));
    assert_eq!((user.role, user.practices.clone()), (Role::PracticeLead, vec![code]));
    assert_eq!((count(&db, "oidc.approved").await, count(&db, "user.create").await), (1, 1));
    assert!(db.store.verify_audit().await.expect("verify").is_ok(), "the chain has no gap");
    let again = db.store.approve_oidc_identity(asked.id, &actor("lead")).await;
    assert!(matches!(again, Err(lantern_store::StoreError::Conflict(_))), "decided once: {again:?}");
}

async fn a_refusal_and_its_audit_record_commit_together_or_not_at_all(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let asked = request(&db, &code, Role::Staff).await;
    refuse_audit_of(&db, "oidc.request_refused").await;
    assert!(db.store.refuse_oidc_identity(asked.id, &actor("lead")).await.is_err());
    let after = db.store.oidc_identity(asked.id).await.expect("identity");
    assert_eq!(after.status, IdentityStatus::Pending, "not refused without its record");
    allow_audit(&db).await;
    db.store.refuse_oidc_identity(asked.id, &actor("lead")).await.expect("refuse");
    let after = db.store.oidc_identity(asked.id).await.expect("identity");
    assert_eq!((after.status, after.user_id), (IdentityStatus::Refused, None));
    assert_eq!(count(&db, "oidc.request_refused").await, 1);
}

async fn roles_follow_cis2_lower_at_once_higher_only_when_approved(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let asked = request(&db, &code, Role::PracticeLead).await;
    let user = db.store.approve_oidc_identity(asked.id, &actor("lead")).await.expect("approve");
    let id = asked.id;
    let follow = |role: Role| {
        let (store, claim) = (db.store.clone(), claim(&code, role));
        async move { store.follow_oidc_role(id, &claim, &actor("cis2:555000000001")).await.expect("follow") }
    };
    assert_eq!(follow(Role::PracticeLead).await.role, Role::PracticeLead, "unchanged");
    assert_eq!(count(&db, "oidc.role_lowered").await, 0, "nothing to record");

    let lowered = follow(Role::Staff).await;
    assert_eq!((lowered.id, lowered.role), (user.id, Role::Staff), "a lower role takes effect at once");
    assert_eq!(db.store.user(user.id).await.expect("user").role, Role::Staff, "and is kept");
    assert_eq!(count(&db, "oidc.role_lowered").await, 1);

    let raised = follow(Role::PracticeLead).await;
    assert_eq!(raised.role, Role::Staff, "a higher role is not taken: the lower of approved and mapped");
    let waiting = db.store.oidc_identity(asked.id).await.expect("identity");
    assert_eq!(
        (waiting.status, waiting.role),
        (IdentityStatus::Pending, Role::PracticeLead),
        "it is asked for"
    );
    follow(Role::PracticeLead).await;
    assert_eq!(count(&db, "oidc.role_raise_requested").await, 1, "asked once, however often they sign in");

    db.store.refuse_oidc_identity(asked.id, &actor("lead")).await.expect("refuse the raise");
    assert_eq!(
        db.store.user(user.id).await.expect("user").role,
        Role::Staff,
        "a refused raise keeps the account"
    );
    assert_eq!(follow(Role::PracticeLead).await.role, Role::Staff);
    assert_eq!(count(&db, "oidc.role_raise_requested").await, 1, "a refusal is not asked again");

    follow(Role::Staff).await;
    assert_eq!(db.store.oidc_identity(asked.id).await.expect("identity").status, IdentityStatus::Approved);
    assert_eq!(count(&db, "oidc.role_request_withdrawn").await, 1, "back to their role: nothing to decide");
    follow(Role::PracticeLead).await;
    let approved = db.store.approve_oidc_identity(asked.id, &actor("lead")).await.expect("approve the raise");
    assert_eq!((approved.id, approved.role), (user.id, Role::PracticeLead), "the same account, raised");
    assert_eq!(count(&db, "user.create").await, 1, "no second account");
    assert!(db.store.verify_audit().await.expect("verify").is_ok());
}

async fn a_withdrawn_role_ends_the_accounts_sessions_and_tokens(db: TestDatabase) {
    let code = db.practice("A81001").await;
    let asked = request(&db, &code, Role::Staff).await;
    let user = db.store.approve_oidc_identity(asked.id, &actor("lead")).await.expect("approve");
    let expires = Timestamp::now() + SignedDuration::from_hours(1);
    db.store
        .create_session("s-1", &user, "c-1", Timestamp::now(), expires, &actor("x"))
        .await
        .expect("session");
    db.store.create_api_token(&user, "script", "t-1", &actor("x")).await.expect("token");
    let someone_else = OdsCode::parse("B82002").expect("valid");
    db.store
        .withdraw_oidc_access(ISSUER, "555000000001", &someone_else, "R5080", &actor("cis2"))
        .await
        .expect("nothing held there");
    assert!(
        db.store.session("s-1").await.expect("lookup").is_some(),
        "another organisation's role is another matter"
    );

    db.store
        .withdraw_oidc_access(ISSUER, "555000000001", &code, "R5080", &actor("cis2"))
        .await
        .expect("withdraw");
    assert!(db.store.session("s-1").await.expect("lookup").is_none(), "the session ends now");
    assert!(db.store.api_token_user("t-1").await.expect("lookup").is_none(), "and the token");
    let filter = AuditFilter { action: Some("oidc.role_withdrawn".into()), ..AuditFilter::default() };
    let records = db.store.audit_records(&filter, 10).await.expect("audit");
    assert_eq!(records.len(), 1);
    let after = records[0].after.clone().unwrap_or_default();
    assert!(after.contains("\"sessions_ended\":1") && after.contains("\"api_tokens_revoked\":1"), "{after}");
}
