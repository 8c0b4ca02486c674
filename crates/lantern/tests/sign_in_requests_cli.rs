//! `lantern accounts sign-in-requests|approve|refuse` as an administrator runs them, on SQLite and
//! PostgreSQL: the list, each decision once, and the audit trail naming the command.

mod support;

use lantern_core::access::Role;
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_store::testing::TestDatabase;
use lantern_store::{AuditFilter, DatabaseLocation, SignInClaim};
use support::{lantern, lantern_with, ok, text};

lantern_store::contract!(database: the_command_line_lists_approves_and_refuses_sign_in_requests);

fn claim(subject: &str, name: &str, role: Role, rbac_role: &str) -> SignInClaim {
    SignInClaim {
        issuer: "https://cis2.example".into(),
        subject: subject.into(),
        organisation: OdsCode::parse("A81001").expect("valid"),
        display_name: name.into(),
        role,
        rbac_role: rbac_role.into(),
    }
}

async fn the_command_line_lists_approves_and_refuses_sign_in_requests(db: TestDatabase) {
    let url = match &db.location {
        DatabaseLocation::Sqlite(path) => path.to_string_lossy().into_owned(),
        DatabaseLocation::Postgres(url) => url.clone(),
    };
    let setup = Actor::system("test");
    db.practice("A81001").await;
    let pat = claim("555000000001", "Pat Manager", Role::PracticeLead, "S8000:G8000:R8008");
    let kim = claim("555000000003", "Kim Clerk", Role::Staff, "S8000:G8000:R8010");
    let pat = db.store.oidc_identity_for(&pat, &setup).await.expect("request").id.to_string();
    let kim = db.store.oidc_identity_for(&kim, &setup).await.expect("request").id.to_string();

    let listed = ok(&["accounts", "sign-in-requests", "--database", &url]);
    let line = |listing: &str, id: &str| listing.lines().find(|l| l.starts_with(id)).map(str::to_owned);
    assert_eq!(
        line(&listed, &pat).as_deref(),
        Some(format!("{pat}\twaiting\tA81001\tpractice_lead\tS8000:G8000:R8008\tPat Manager").as_str())
    );
    assert!(line(&listed, &kim).is_some_and(|l| l.contains("\twaiting\t")), "{listed}");

    let approved = ok(&["accounts", "approve", &pat, "--database", &url]);
    assert_eq!(approved.trim(), "approved: Pat Manager signs in as cis2-555000000001-a81001 (practice_lead)");
    let again = lantern(&["accounts", "approve", &pat, "--database", &url]);
    assert!(!again.status.success(), "a request is decided once");
    assert!(text(&again.stderr).contains("already decided"), "{}", text(&again.stderr));
    let refused = ok(&["accounts", "refuse", &kim, "--database", &url]);
    assert_eq!(refused.trim(), "refused: Kim Clerk at A81001");
    let unknown =
        lantern(&["accounts", "refuse", "00000000-0000-7000-8000-000000000000", "--database", &url]);
    assert!(text(&unknown.stderr).contains("not found"), "{}", text(&unknown.stderr));

    let listed = ok(&["accounts", "sign-in-requests", "--database", &url]);
    assert!(line(&listed, &pat).is_some_and(|l| l.contains("\tapproved\t")), "{listed}");
    assert!(line(&listed, &kim).is_some_and(|l| l.contains("\trefused\t")), "{listed}");
    let account = db.store.user_for_sign_in("cis2-555000000001-a81001").await.expect("lookup");
    assert_eq!(account.as_ref().map(|(u, _)| u.role), Some(Role::PracticeLead));
    // An account made for a CIS2 person gets no local password from the command line either.
    let reset = lantern_with(
        &["user", "reset-password", "--username", "cis2-555000000001-a81001", "--database", &url],
        &[("LANTERN_PASSWORD", "a long enough passphrase here")],
    );
    assert!(!reset.status.success(), "a CIS2-only account was given a password");
    assert!(text(&reset.stderr).contains("signs in through NHS CIS2"), "{}", text(&reset.stderr));
    let after = db.store.user_for_sign_in("cis2-555000000001-a81001").await.expect("lookup");
    assert_eq!(after.map(|(_, hash)| hash), account.map(|(_, hash)| hash), "the password hash is unchanged");
    for (action, by) in [
        ("oidc.approved", "system:lantern accounts approve"),
        ("oidc.request_refused", "system:lantern accounts refuse"),
    ] {
        let filter = AuditFilter { action: Some(action.into()), ..AuditFilter::default() };
        let records = db.store.audit_records(&filter, 10).await.expect("audit");
        let who: Vec<&str> = records.iter().map(|r| r.actor.username.as_str()).collect();
        assert_eq!(who, [by], "{action}");
    }
}
