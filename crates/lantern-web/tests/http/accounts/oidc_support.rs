//! What the CIS2 sign-in tests share: Lantern wired to the local test provider, the trip through it,
//! and the audit records a sign-in leaves.

use crate::common::{actor, location, Browser, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_core::audit::AuditRecord;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_store::testing::TestDatabase;
use lantern_store::AuditFilter;
use lantern_web::auth::oidc::{Oidc, OidcConfig, RoleMap, DEFAULT_SCOPES};
use oidc_test_issuer::{Fault, Issuer, Person};
use reqwest::Response;
use std::sync::Arc;
use std::time::Duration;

const CLIENT_ID: &str = "lantern-test";
pub const OTHER_PRACTICE: &str = "B82002";

pub struct Setup {
    pub app: TestApp,
    pub issuer: Issuer,
}

pub async fn spawn(db: TestDatabase, local_passwords: bool) -> Setup {
    spawn_with_gap(db, local_passwords, None).await
}

/// [`spawn`], with the least time between two fetches of the provider's keys set (`None`: Lantern's own).
pub async fn spawn_with_gap(db: TestDatabase, local_passwords: bool, gap: Option<Duration>) -> Setup {
    let issuer = Issuer::start(CLIENT_ID, 0).await.expect("start the test provider");
    let private_key_pem = std::fs::read(oidc_test_issuer::CLIENT_PRIVATE_KEY_PATH).expect("client key");
    let issuer_url = issuer.url.clone();
    let app = TestApp::spawn_with(db, |base, state| {
        let config = OidcConfig {
            issuer: issuer_url,
            client_id: CLIENT_ID.into(),
            private_key_pem,
            key_id: None,
            redirect_url: format!("{base}/sign-in/oidc/callback"),
            scopes: DEFAULT_SCOPES.into(),
            roles: RoleMap::default_map(),
        };
        let oidc = Oidc::new(config).expect("client key is an RSA key");
        let oidc = match gap {
            Some(gap) => oidc.with_jwks_refetch_gap(gap),
            None => oidc,
        };
        state.oidc = Some(Arc::new(oidc));
        state.local_passwords = local_passwords;
    })
    .await;
    let other = Practice {
        ods_code: OdsCode::parse(OTHER_PRACTICE).expect("valid"),
        name: "Other Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 5_000,
    };
    app.store.upsert_practice(&other, false, &actor()).await.expect("second practice");
    Setup { app, issuer }
}

pub fn manager() -> Person {
    Person::practice_manager("555000000001", "Pat Manager", PRACTICE)
}

/// Goes to Lantern's CIS2 sign-in, through the provider and back: the callback's answer and address.
pub async fn through_provider(browser: &Browser, next: &str) -> (Response, String) {
    let start = browser.get(&format!("/sign-in/oidc?next={}", crate::common::enc(next))).await;
    assert_eq!(start.status(), 303, "Lantern sends the person to the provider");
    let authorize = location(&start);
    assert!(authorize.contains("code_challenge_method=S256"), "{authorize}");
    let at_provider = browser.client.get(&authorize).send().await.expect("authorize");
    assert_eq!(at_provider.status(), 303, "the provider sends the person back");
    let callback = location(&at_provider);
    let answer = browser.client.get(&callback).send().await.expect("callback");
    (answer, callback)
}

pub async fn actions(app: &TestApp, action: &str) -> Vec<AuditRecord> {
    let filter = AuditFilter { action: Some(action.into()), ..Default::default() };
    app.store.audit_records(&filter, 100).await.expect("audit")
}

/// The person's first sign-in: waits for approval, with no session.
pub async fn request_access(s: &Setup, person: Person) -> Browser {
    s.issuer.sign_in_as(person);
    let browser = Browser::new(&s.app.base);
    let (answer, _) = through_provider(&browser, "/dashboard").await;
    assert_eq!(answer.status(), 403);
    let html = answer.text().await.expect("html");
    assert!(html.contains("waiting for approval"), "{html}");
    browser
}

pub async fn approve_as(s: &Setup, role: Role, subject: &str) -> Response {
    let identity = s
        .app
        .store
        .oidc_identities(None)
        .await
        .expect("identities")
        .into_iter()
        .find(|i| i.subject == subject)
        .expect("the request is stored");
    let lead = s.app.browser_as(role).await;
    lead.submit("/sign-in-requests", &format!("/sign-in-requests/{}/approve", identity.id), "").await
}

/// Signs in with the provider misbehaving and checks the refusal page, its audit record and that no
/// session was made.
pub async fn refused(s: &Setup, fault: Fault, words: &str) {
    s.issuer.fault(fault);
    let browser = Browser::new(&s.app.base);
    let (answer, _) = through_provider(&browser, "/dashboard").await;
    assert_eq!(answer.status(), 403, "{fault:?}");
    let html = answer.text().await.expect("html");
    assert!(html.contains("You could not be signed in") && html.contains(words), "{fault:?}: {html}");
    assert_eq!(browser.get("/dashboard").await.status(), 303, "no session after {fault:?}");
    let audited = actions(&s.app, "oidc.sign_in_refused").await;
    assert!(
        audited.iter().any(|r| r.after.as_deref().is_some_and(|a| a.contains(words))),
        "{fault:?} is audited with its reason: {audited:?}"
    );
}

/// Signs `person` in through the provider, expecting a session.
pub async fn signed_in(s: &Setup, person: Person) -> Browser {
    s.issuer.sign_in_as(person);
    let browser = Browser::new(&s.app.base);
    let (answer, _) = through_provider(&browser, "/dashboard").await;
    assert_eq!(answer.status(), 200, "signed in");
    browser
}
