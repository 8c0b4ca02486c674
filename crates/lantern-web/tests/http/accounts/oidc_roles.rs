//! The Lantern role follows CIS2 at every sign-in: lower at once, higher only once a lead approves,
//! none at all ends access, another organisation starts a new request.

use super::oidc_support::{
    actions, approve_as, manager, refused, request_access, signed_in, Setup, OTHER_PRACTICE,
};
use crate::common::{location, PRACTICE};
use lantern_core::access::Role;
use oidc_test_issuer::{Fault, Person};

with_provider!(
    a_lower_role_in_cis2_takes_effect_at_once,
    a_higher_role_waits_for_approval_and_keeps_the_lower_meanwhile,
    a_role_cis2_no_longer_maps_is_refused_and_ends_the_session,
    a_role_not_in_the_table_is_refused_and_audited,
    a_move_to_another_organisation_needs_its_own_approval,
);

const SUBJECT: &str = "555000000001";

fn as_receptionist(org: &str) -> Person {
    Person::at(SUBJECT, "Pat Manager", org, "S8000:G8000:R8009")
}

/// Only leads and administrators reach the sign-in requests page: a plain sign of the role in force.
async fn is_lead(browser: &crate::common::Browser) -> bool {
    match browser.get("/sign-in-requests").await.status().as_u16() {
        200 => true,
        403 => false,
        other => panic!("the requests page answered {other}"),
    }
}

async fn approved(s: &Setup, person: Person) {
    request_access(s, person).await;
    assert_eq!(approve_as(s, Role::PracticeLead, SUBJECT).await.status(), 303);
}

async fn a_lower_role_in_cis2_takes_effect_at_once(s: Setup) {
    approved(&s, manager()).await;
    let earlier = signed_in(&s, manager()).await;
    assert!(is_lead(&earlier).await, "approved as a lead");
    let now = signed_in(&s, as_receptionist(PRACTICE)).await;
    assert!(!is_lead(&now).await, "CIS2 says receptionist now: staff");
    assert!(!is_lead(&earlier).await, "and so is the session from before");
    let lowered = actions(&s.app, "oidc.role_lowered").await;
    assert_eq!(lowered.len(), 1, "{lowered:?}");
    assert_eq!(lowered[0].practice.as_deref(), Some(PRACTICE));
}

async fn a_higher_role_waits_for_approval_and_keeps_the_lower_meanwhile(s: Setup) {
    approved(&s, as_receptionist(PRACTICE)).await;
    let browser = signed_in(&s, manager()).await;
    assert!(!is_lead(&browser).await, "signed in, but as the staff they were approved as");
    assert_eq!(actions(&s.app, "oidc.role_raise_requested").await.len(), 1);
    let lead = s.app.browser_as(Role::PracticeLead).await;
    let requests = lead.get_html("/sign-in-requests").await;
    assert!(requests.contains("Pat Manager") && requests.contains("a higher role"), "{requests}");
    assert_eq!(approve_as(&s, Role::PracticeLead, SUBJECT).await.status(), 303);
    assert!(is_lead(&browser).await, "approved: the same session is a lead's now");
    let accounts = s.app.store.users().await.expect("users");
    assert_eq!(accounts.iter().filter(|u| u.username.starts_with("cis2-")).count(), 1, "one account");
}

async fn a_role_cis2_no_longer_maps_is_refused_and_ends_the_session(s: Setup) {
    approved(&s, as_receptionist(PRACTICE)).await;
    let browser = signed_in(&s, as_receptionist(PRACTICE)).await;
    assert_eq!(browser.get("/log").await.status(), 200);
    s.issuer.sign_in_as(Person::at(SUBJECT, "Pat Manager", PRACTICE, "S0080:G0450:R5080"));
    refused(&s, Fault::None, "R5080 does not give access").await;
    let after = browser.get("/log").await;
    assert_eq!(after.status(), 303, "the session from before has ended");
    assert!(location(&after).starts_with("/sign-in"));
    let withdrawn = actions(&s.app, "oidc.role_withdrawn").await;
    assert_eq!(withdrawn.len(), 1, "{withdrawn:?}");
    assert!(
        withdrawn[0].after.as_deref().is_some_and(|a| a.contains("\"sessions_ended\":1")),
        "{withdrawn:?}"
    );
}

async fn a_role_not_in_the_table_is_refused_and_audited(s: Setup) {
    s.issuer.sign_in_as(Person::at("555000000007", "Sam Porter", PRACTICE, "S0080:G0450:R5080"));
    refused(&s, Fault::None, "does not give access to Lantern").await;
    let audited = actions(&s.app, "oidc.sign_in_refused").await;
    assert_eq!(audited[0].practice.as_deref(), Some(PRACTICE), "recorded against the practice they chose");
    assert!(s.app.store.oidc_identities(None).await.expect("identities").is_empty(), "no request made");
    assert!(actions(&s.app, "oidc.role_withdrawn").await.is_empty(), "nothing held to withdraw");
}

async fn a_move_to_another_organisation_needs_its_own_approval(s: Setup) {
    approved(&s, manager()).await;
    let moved = Person::practice_manager(SUBJECT, "Pat Manager", OTHER_PRACTICE);
    let browser = request_access(&s, moved).await;
    assert_eq!(browser.get("/dashboard").await.status(), 303, "no session at the new practice");
    let identities = s.app.store.oidc_identities(None).await.expect("identities");
    let at = |org: &str| identities.iter().find(|i| i.organisation.to_string() == org).map(|i| i.status);
    assert_eq!(at(OTHER_PRACTICE), Some(lantern_store::IdentityStatus::Pending), "a new request there");
    assert_eq!(at(PRACTICE), Some(lantern_store::IdentityStatus::Approved));
    let account =
        s.app.store.users().await.expect("users").into_iter().find(|u| u.username.starts_with("cis2-"));
    let practices: Vec<String> =
        account.expect("the first account").practices.iter().map(ToString::to_string).collect();
    assert_eq!(practices, [PRACTICE], "the account reaches no further than before");
}
