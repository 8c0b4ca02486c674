//! Behind a reverse proxy Lantern trusts, the audit trail and sign-in throttling see the person's own
//! address; the same header from anyone else changes nothing.

use super::{enc, hidden, plain_client, serve, set_cookie, FORM};
use crate::common::TestApp;
use lantern_store::{testing, AuditFilter};
use lantern_web::{AppState, TrustedProxies};
use reqwest::header::{CONTENT_TYPE, COOKIE};

/// A failed sign-in at `base`, claiming to come from `claimed`.
async fn fail_sign_in(base: &str, claimed: &str) {
    let client = plain_client();
    let form = client.get(format!("{base}/sign-in")).send().await.expect("sign-in page");
    let cookie = set_cookie(&form, "lantern_sign_in").expect("sign-in cookie");
    let csrf = hidden(&form.text().await.expect("html"), "csrf").expect("csrf field");
    let answer = client
        .post(format!("{base}/sign-in"))
        .header(COOKIE, format!("lantern_sign_in={cookie}"))
        .header(CONTENT_TYPE, FORM)
        .header("x-forwarded-for", claimed)
        .body(format!("csrf={csrf}&next=%2Flog&username=staff&password={}", enc("not the password")))
        .send()
        .await
        .expect("sign in");
    assert_eq!(answer.status(), 401);
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_nobody_else_can() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let loopback = "127.0.0.1".parse().expect("address");
    let behind_proxy =
        serve(AppState { proxies: TrustedProxies::new([loopback]), ..AppState::new(app.store.clone()) })
            .await;
    fail_sign_in(&behind_proxy, "203.0.113.7").await;
    fail_sign_in(&app.base, "198.51.100.9").await;

    let filter = AuditFilter { action: Some("sign_in.failed".into()), ..AuditFilter::default() };
    let mut clients: Vec<String> = app
        .store
        .audit_records(&filter, 10)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.actor.client.unwrap_or_default())
        .collect();
    clients.sort();
    assert_eq!(clients, ["127.0.0.1", "203.0.113.7"], "the proxy's word is taken, a client's is not");
}
