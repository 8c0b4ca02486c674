//! Signing in through NHS CIS2, against the local test provider (a real OpenID Connect peer over
//! HTTP): approval before access, the practice boundary, and every faulty token refused and audited.

use super::oidc_support::{
    actions, approve_as, manager, refused, request_access, spawn, through_provider, Setup, OTHER_PRACTICE,
};
use crate::common::{location, Browser, PRACTICE};
use lantern_core::access::Role;
use oidc_test_issuer::{Fault, Person};

with_provider!(
    an_approved_practice_manager_lands_on_the_practice_dashboard,
    a_pending_person_gets_no_access,
    a_wrong_audience_is_refused,
    an_expired_token_is_refused,
    a_bad_signature_is_refused,
    a_replayed_nonce_is_refused,
    a_replayed_state_is_refused,
    an_unknown_organisation_is_refused,
    another_organisations_person_sees_nothing_of_this_practice,
    a_cis2_only_account_answers_a_password_like_a_wrong_one,
);

#[tokio::test]
async fn with_passwords_off_the_form_is_gone_and_password_sign_in_refused() {
    passwords_off(spawn(lantern_store::testing::sqlite().await, false).await).await;
}

#[tokio::test]
async fn with_passwords_off_the_form_is_gone_and_password_sign_in_refused_postgres() {
    if let Some(db) = lantern_store::testing::postgres().await {
        passwords_off(spawn(db, false).await).await;
    }
}

async fn an_approved_practice_manager_lands_on_the_practice_dashboard(s: Setup) {
    let browser = request_access(&s, manager()).await;
    assert_eq!(actions(&s.app, "oidc.requested").await.len(), 1);
    assert_eq!(actions(&s.app, "oidc.sign_in_pending").await.len(), 1);
    let lead = s.app.browser_as(Role::PracticeLead).await;
    let requests = lead.get_html("/sign-in-requests").await;
    assert!(requests.contains("Pat Manager") && requests.contains("R8008"), "{requests}");
    let approved = approve_as(&s, Role::PracticeLead, "555000000001").await;
    assert_eq!(approved.status(), 303);
    assert_eq!(actions(&s.app, "oidc.approved").await.len(), 1);

    let (answer, _) = through_provider(&browser, "/dashboard").await;
    assert_eq!(answer.status(), 200);
    let refresh =
        answer.headers().get("refresh").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(refresh, "0; url=/dashboard");
    let dashboard = browser.get("/dashboard").await;
    assert_eq!(dashboard.status(), 200, "the session works");
    let html = dashboard.text().await.expect("html");
    assert!(html.contains("Test Surgery"), "{html}");
    assert_eq!(s.issuer.assertions_accepted(), 2, "each code was exchanged with a client assertion");
    let signed_in = actions(&s.app, "sign_in").await;
    assert!(signed_in.iter().any(|r| r.actor.username == "cis2:555000000001"), "{signed_in:?}");
}

async fn a_pending_person_gets_no_access(s: Setup) {
    let browser = request_access(&s, manager()).await;
    for path in ["/dashboard", "/log", "/account"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert!(location(&response).starts_with("/sign-in"), "{path} sends them to sign in");
    }
    let again = request_access(&s, manager()).await;
    assert_eq!(again.get("/dashboard").await.status(), 303, "asking twice grants nothing");
    assert_eq!(actions(&s.app, "oidc.requested").await.len(), 1, "one request, however many sign-ins");
}

async fn a_wrong_audience_is_refused(s: Setup) {
    s.issuer.sign_in_as(manager());
    refused(&s, Fault::WrongAudience, "issued for another service").await;
}

async fn an_expired_token_is_refused(s: Setup) {
    s.issuer.sign_in_as(manager());
    refused(&s, Fault::Expired, "has expired").await;
}

async fn a_bad_signature_is_refused(s: Setup) {
    s.issuer.sign_in_as(manager());
    refused(&s, Fault::BadSignature, "signature is not the provider").await;
}

async fn a_replayed_nonce_is_refused(s: Setup) {
    request_access(&s, manager()).await;
    refused(&s, Fault::StaleNonce, "nonce mismatch").await;
}

async fn a_replayed_state_is_refused(s: Setup) {
    s.issuer.sign_in_as(manager());
    let browser = Browser::new(&s.app.base);
    let (first, callback) = through_provider(&browser, "/dashboard").await;
    assert_eq!(first.status(), 403, "waiting for approval");
    let replayed = browser.client.get(&callback).send().await.expect("replay");
    assert_eq!(replayed.status(), 403);
    let html = replayed.text().await.expect("html");
    assert!(html.contains("expired or was already used"), "{html}");
    // A callback planted in another browser (login CSRF) has no state cookie there.
    let start = browser.get("/sign-in/oidc").await;
    let at_provider = browser.client.get(location(&start)).send().await.expect("authorize");
    let planted = Browser::new(&s.app.base).client.get(location(&at_provider)).send().await.expect("plant");
    assert_eq!(planted.status(), 403);
    let audited = actions(&s.app, "oidc.sign_in_refused").await;
    assert_eq!(audited.len(), 2, "both refusals audited: {audited:?}");
}

async fn an_unknown_organisation_is_refused(s: Setup) {
    s.issuer.sign_in_as(Person::practice_manager("555000000009", "Una Known", "Y99999"));
    refused(&s, Fault::None, "Y99999 is not set up in Lantern").await;
    assert!(s.app.store.oidc_identities(None).await.expect("identities").is_empty(), "nothing kept");
}

async fn another_organisations_person_sees_nothing_of_this_practice(s: Setup) {
    let subject = "555000000002";
    let browser = request_access(&s, Person::practice_manager(subject, "Olu Other", OTHER_PRACTICE)).await;
    let lead = s.app.browser_as(Role::PracticeLead).await;
    let requests = lead.get_html("/sign-in-requests").await;
    assert!(!requests.contains("Olu Other"), "a lead of {PRACTICE} does not see {OTHER_PRACTICE}'s requests");
    assert_eq!(approve_as(&s, Role::PracticeLead, subject).await.status(), 404, "nor decide on them");
    assert_eq!(approve_as(&s, Role::Admin, subject).await.status(), 303);

    let (answer, _) = through_provider(&browser, "/dashboard").await;
    assert_eq!(answer.status(), 200);
    let own = browser.get_html("/dashboard").await;
    assert!(own.contains("Other Surgery") && !own.contains("Test Surgery"), "{own}");
    let theirs = browser.get(&format!("/dashboard?practice={PRACTICE}")).await;
    assert_eq!(theirs.status(), 404, "{PRACTICE} is not found for them");
    let episodes = browser.get(&format!("/api/v1/practices/{PRACTICE}/role-costs")).await;
    assert_eq!(episodes.status(), 404);
}

async fn passwords_off(s: Setup) {
    let browser = Browser::new(&s.app.base);
    let html = browser.get_html("/sign-in").await;
    assert!(!html.contains("name=\"password\""), "no password form: {html}");
    assert!(html.contains("Sign in with NHS Care Identity Service"), "{html}");
    let password = crate::common::enc(crate::common::PASSWORD);
    let response = browser.post("/sign-in", &format!("username=admin&password={password}")).await;
    assert_eq!(response.status(), 403);
    assert_eq!(browser.get("/account").await.status(), 303, "not signed in");
}

/// An account made for a CIS2 person has no password. Asked for one, it answers as a wrong password
/// does, and the failure counts against it. (That it costs the same argon2 work as a wrong password
/// is shown where the hash is chosen: `auth::password`'s tests, without measuring time.)
async fn a_cis2_only_account_answers_a_password_like_a_wrong_one(s: Setup) {
    request_access(&s, manager()).await;
    assert_eq!(approve_as(&s, Role::PracticeLead, "555000000001").await.status(), 303);
    let username = format!("cis2-555000000001-{}", PRACTICE.to_lowercase());
    for password in [crate::common::PASSWORD, lantern_store::NO_PASSWORD, ""] {
        let browser = Browser::new(&s.app.base);
        let answer = browser.sign_in(&username, password).await;
        assert_eq!(answer.status(), 401, "{password:?}");
        let html = answer.text().await.expect("html");
        assert!(html.contains("The username or password is incorrect"), "{html}");
        assert_eq!(browser.get("/account").await.status(), 303, "not signed in");
    }
    assert_eq!(actions(&s.app, "sign_in.failed").await.len(), 3, "each audited");
    // Counted under the account itself, as wrong passwords are (an unknown name is kept as a hash):
    // the sign-in found the account and checked the password against it.
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(15);
    let (by_user, _) = s.app.store.recent_sign_in_failures(&username, "", since).await.expect("count");
    assert_eq!(by_user, 3);
}
