//! The account page over real HTTP: changing a password, and API tokens.

use crate::common::{between, enc, json_of, location, Browser, TestApp, PASSWORD};
use lantern_core::access::Role;
use lantern_store::testing;

const NEW_PASSWORD: &str = "lantern by the kettle";

fn password_form(current: &str, new: &str, confirm: &str) -> String {
    format!("current_password={}&new_password={}&confirm_password={}", enc(current), enc(new), enc(confirm))
}

#[tokio::test]
async fn a_password_change_ends_every_session_and_only_the_new_password_works() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::Staff).await;
    let elsewhere = app.browser_as(Role::Staff).await;
    let page = browser.get_html("/account").await;
    assert!(page.contains("<title>Your account – Lantern</title>") && page.contains("Practice staff"));
    assert!(page.contains("href=\"/account\" aria-current=\"page\""), "the menu marks where you are");

    let changed = browser
        .submit("/account", "/account/password", &password_form(PASSWORD, NEW_PASSWORD, NEW_PASSWORD))
        .await;
    assert_eq!(changed.status(), 303);
    assert!(location(&changed).starts_with("/sign-in?"), "{}", location(&changed));
    for (who, session) in [("this", &browser), ("another", &elsewhere)] {
        let response = session.get("/account").await;
        assert_eq!(response.status(), 303, "{who} session ended");
        assert!(location(&response).starts_with("/sign-in"));
    }
    let fresh = Browser::new(&app.base);
    assert_eq!(fresh.sign_in("staff", PASSWORD).await.status(), 401, "the old password fails");
    assert_eq!(fresh.sign_in("staff", NEW_PASSWORD).await.status(), 303, "the new one works");
    let audit = json_of(app.get("/api/v1/audit?action=user.password_change").await).await;
    assert_eq!(audit[0]["username"], "staff", "the change is in the audit trail");
}

#[tokio::test]
async fn a_wrong_current_password_or_a_mismatch_is_refused_inline() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::PracticeLead).await;
    let wrong = browser
        .submit("/account", "/account/password", &password_form("not my password", NEW_PASSWORD, "different"))
        .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.expect("html");
    assert!(page.contains("<title>Error: Your account"), "the title says there is an error");
    assert!(page.contains("href=\"#current_password\"") && page.contains("id=\"current_password-error\""));
    assert!(page.contains("href=\"#confirm_password\"") && page.contains("do not match"));
    assert!(!page.contains(NEW_PASSWORD), "passwords are never written back into the page");
    let short =
        browser.submit("/account", "/account/password", &password_form(PASSWORD, "short", "short")).await;
    assert_eq!(short.status(), 422);
    assert!(short.text().await.expect("html").contains("id=\"new_password-error\""));
    assert_eq!(browser.get("/account").await.status(), 200, "still signed in");
    assert_eq!(Browser::new(&app.base).sign_in("practice_lead", PASSWORD).await.status(), 303, "unchanged");
}

#[tokio::test]
async fn a_token_is_shown_once_works_as_a_bearer_and_stops_when_revoked() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::Analyst).await;
    let page = browser.get_html("/account").await;
    assert!(page.contains("never single episodes or notes"), "analysts are told what their role sees");
    assert!(page.contains("U89141"), "and their organisation");

    let blank = browser.submit("/account", "/account/tokens", "name=+").await;
    assert_eq!(blank.status(), 422);
    assert!(blank.text().await.expect("html").contains("id=\"name-error\""));

    let created = browser.submit("/account", "/account/tokens", "name=Monthly+report").await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["cache-control"], "no-store");
    let html = created.text().await.expect("html");
    assert!(html.contains("will not be shown again"));
    let token = format!("lantern_{}", between(&html, ">lantern_", "<").expect("token shown"));
    let later = browser.get_html("/account").await;
    assert!(!later.contains(&token), "shown once only");
    assert!(later.contains("Monthly report") && later.contains("Active"));

    let bearer = |token: &str| {
        let url = format!("{}/api/v1/me", app.base);
        reqwest::Client::new().get(url).bearer_auth(token.to_owned()).send()
    };
    let me = bearer(&token).await.expect("request");
    assert_eq!(me.status(), 200);
    assert_eq!(json_of(me).await["username"], "analyst");

    let id = between(&later, "action=\"/account/tokens/", "/revoke\"").expect("revoke form").to_owned();
    let revoked = browser.submit("/account", &format!("/account/tokens/{id}/revoke"), "").await;
    assert_eq!(revoked.status(), 303);
    let after = browser.get_html(&location(&revoked)).await;
    assert!(after.contains("was revoked") && after.contains("Revoked"));
    assert_eq!(bearer(&token).await.expect("request").status(), 401);
    let again = browser.submit("/account", &format!("/account/tokens/{id}/revoke"), "").await;
    assert_eq!(again.status(), 404, "already revoked");
}
