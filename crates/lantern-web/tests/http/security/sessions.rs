//! Sessions and forms: CSRF on every signed-in form, sign-in's own token, fixation, sign-out, expiry,
//! throttling, one answer for unknown users and wrong passwords, and no redirect off the site.

use super::matrix::{fill, Fixtures, Who};
use super::{
    episode_total, location, log_form, me_status, plain_client, post_with_session, raw_sign_in,
    raw_sign_in_to, serve, set_cookie, set_cookie_line, with_session, SignedIn, FORM, SESSION,
};
use crate::common::{hidden, json_of, TestApp, PASSWORD, PRACTICE};
use jiff::SignedDuration;
use lantern_core::access::Role;
use lantern_store::{testing, AuditFilter};
use lantern_web::{AppState, Clock, Kind, SessionConfig};
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::Method;

async fn audit_count(app: &TestApp, action: &str) -> usize {
    let filter = AuditFilter { action: Some(action.to_owned()), ..AuditFilter::default() };
    app.store.audit_records(&filter, 1_000).await.expect("audit").len()
}

#[tokio::test]
async fn signed_in_forms_refuse_missing_forged_and_foreign_csrf_tokens() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let fx = Fixtures::new(&app).await;
    let asha = app.staff[0].id.to_string();
    let staff = SignedIn::new(&app, Role::Staff).await;
    let lead = SignedIn::new(&app, Role::PracticeLead).await;
    let (staff_csrf, lead_csrf) = (staff.csrf(&app).await, lead.csrf(&app).await);
    assert_ne!(staff_csrf, lead_csrf, "each session has its own token");
    let logged = staff.post("/log", &format!("csrf={staff_csrf}&{}", log_form(PRACTICE, &asha))).await;
    assert_eq!(logged.status(), 303, "a form with the right token works");
    let just_logged = location(&logged)
        .split("logged=")
        .nth(1)
        .expect("logged id")
        .split('#')
        .next()
        .expect("id")
        .to_owned();
    let total = episode_total(&app).await;

    let forged = lantern_web::auth::new_secret();
    let mut problems = Vec::new();
    let posts = lantern_web::route_specs()
        .into_iter()
        .filter(|s| s.kind == Kind::Page && s.method == Method::POST && s.path != "/sign-in");
    for spec in posts {
        // The first role the route admits signs the form; another user's token comes from the other session.
        let role = [Role::Staff, Role::PracticeLead, Role::Admin, Role::Analyst, Role::Researcher]
            .into_iter()
            .find(|r| super::admits(spec.access, *r))
            .expect("some role may use it");
        let path = fill(&spec.path, Who::As(role), &fx).expect("sample values");
        let body = match spec.path.as_str() {
            "/log" => log_form(PRACTICE, &asha),
            "/log/undo" => format!("practice={PRACTICE}&id={just_logged}"),
            "/episodes/{id}/edit" => format!("version=1&{}&duration_other=30", log_form(PRACTICE, &asha)),
            _ => String::new(),
        };
        let (signer, foreign) = match role {
            Role::Staff => (SignedIn::new(&app, role).await, lead_csrf.clone()),
            _ => (SignedIn::new(&app, role).await, staff_csrf.clone()),
        };
        for (what, token) in [
            ("no token", None),
            ("an empty token", Some(String::new())),
            ("a forged token", Some(forged.clone())),
            ("another user's token", Some(foreign)),
        ] {
            let sent = match &token {
                Some(token) => format!("csrf={token}&{body}"),
                None => body.clone(),
            };
            let status = signer.post(&path, &sent).await.status();
            if status != 403 {
                problems.push(format!("{role} POST {path} with {what}: {status}, expected 403"));
            }
        }
        if me_status(&app.base, &signer.session).await != 200 {
            problems.push(format!("POST {path} with a bad token ended the session"));
        }
    }
    assert!(problems.is_empty(), "forms accepted without their session's token:\n{}", problems.join("\n"));
    assert_eq!(episode_total(&app).await, total, "nothing logged");
    let record = json_of(app.get(&format!("/api/v1/episodes/{just_logged}")).await).await;
    assert!(record["deleted"].is_null(), "nothing undone");
    let record = json_of(app.get(&format!("/api/v1/episodes/{}", fx.episode)).await).await;
    assert_eq!(record["version"], 1, "nothing edited");
    assert_eq!(me_status(&app.base, &staff.session).await, 200, "not signed out");
    let signed_out = staff.post("/sign-out", &format!("csrf={staff_csrf}")).await;
    assert_eq!(signed_out.status(), 303, "the right token signs out");
    assert_eq!(me_status(&app.base, &staff.session).await, 401);
}

#[tokio::test]
async fn signing_in_needs_the_sign_in_forms_own_token() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let client = plain_client();
    let page = client.get(format!("{}/sign-in", app.base)).send().await.expect("page");
    let cookie = set_cookie(&page, "lantern_sign_in").expect("sign-in cookie");
    let line = set_cookie_line(&page, "lantern_sign_in").expect("cookie");
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Strict"), "{line}");
    let csrf = hidden(&page.text().await.expect("html"), "csrf").expect("field");
    let credentials = format!("next=%2Flog&username=staff&password={}", super::enc(PASSWORD));
    let forged = lantern_web::auth::new_secret();
    for (what, cookie, field) in [
        ("no cookie", None, Some(csrf.clone())),
        ("no field", Some(cookie.clone()), None),
        ("an empty field", Some(cookie.clone()), Some(String::new())),
        ("a field that does not match", Some(cookie.clone()), Some(forged.clone())),
        ("an empty cookie and no field", Some(String::new()), None),
    ] {
        let body = match field {
            Some(field) => format!("csrf={field}&{credentials}"),
            None => credentials.clone(),
        };
        let mut request = client.post(format!("{}/sign-in", app.base)).header(CONTENT_TYPE, FORM).body(body);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, format!("lantern_sign_in={cookie}"));
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 400, "sign-in with {what}");
        assert_eq!(set_cookie(&response, SESSION), None, "no session from a sign-in with {what}");
    }
    assert_eq!(audit_count(&app, "sign_in").await, 0, "nobody signed in");
}

#[tokio::test]
async fn a_session_cookie_chosen_before_sign_in_is_never_the_session() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let base = &app.base;
    let chosen = "a".repeat(64);
    let response = raw_sign_in(base, "staff", PASSWORD, &format!("{SESSION}={chosen}")).await;
    assert_eq!(response.status(), 303);
    let line = set_cookie_line(&response, SESSION).expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(line.contains(attribute), "session cookie lacks {attribute}: {line}");
    }
    let session = set_cookie(&response, SESSION).expect("session");
    assert_ne!(session, chosen, "a fresh token after sign-in");
    assert_eq!(me_status(base, &chosen).await, 401, "the planted value signs nobody in");
    assert_eq!(me_status(base, &session).await, 200);

    // A real session planted in a victim's browser (the attacker's own) ends when the victim signs in.
    let planted = set_cookie(&raw_sign_in(base, "analyst", PASSWORD, "").await, SESSION).expect("session");
    let victim = raw_sign_in(base, "practice_lead", PASSWORD, &format!("{SESSION}={planted}")).await;
    let victims = set_cookie(&victim, SESSION).expect("session");
    assert_ne!(victims, planted);
    assert_eq!(me_status(base, &planted).await, 401, "the planted session was ended");
    let me = json_of(with_session(base, Method::GET, "/api/v1/me", &victims).await).await;
    assert_eq!(me["username"], "practice_lead", "the victim is themselves, not the attacker");

    // After signing out, the old cookie is worth nothing, to pages or the API.
    let page = with_session(base, Method::GET, "/log", &session).await.text().await.expect("html");
    let csrf = hidden(&page, "csrf").expect("csrf");
    let out = post_with_session(base, "/sign-out", &session, &format!("csrf={csrf}")).await;
    assert_eq!(out.status(), 303);
    assert!(set_cookie_line(&out, SESSION).is_some_and(|l| l.contains("Max-Age=0")), "cookie cleared");
    assert_eq!(me_status(base, &session).await, 401);
    let page = with_session(base, Method::GET, "/log", &session).await;
    assert_eq!((page.status().as_u16(), location(&page)), (303, "/sign-in?next=%2Flog".to_owned()));
}

/// A server with the default session limits whose clock the test moves on, and a session on it.
async fn clocked_session() -> (TestApp, Clock, String, String) {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let clock = Clock::default();
    let state = AppState { clock: clock.clone(), ..AppState::new(app.store.clone()) };
    let base = serve(state).await;
    // The cookie is sent by hand: its Max-Age would make a browser drop it before the server could judge it.
    let session = set_cookie(&raw_sign_in(&base, "staff", PASSWORD, "").await, SESSION).expect("session");
    assert_eq!(me_status(&base, &session).await, 200, "the session works at first");
    (app, clock, base, session)
}

/// The session no longer works, for pages or the API, here or on another server, and its end was
/// audited once.
async fn has_expired(app: &TestApp, base: &str, session: &str) {
    let page = with_session(base, Method::GET, "/log", session).await;
    assert_eq!((page.status().as_u16(), location(&page)), (303, "/sign-in?next=%2Flog".to_owned()));
    assert_eq!(me_status(base, session).await, 401, "nor for the API");
    assert_eq!(me_status(&app.base, session).await, 401, "nor on another server");
    let filter = AuditFilter { action: Some("session.expired".into()), ..AuditFilter::default() };
    let records = app.store.audit_records(&filter, 10).await.expect("audit");
    assert_eq!(records.len(), 1, "the expiry is audited once");
    assert_eq!(records[0].actor.username, "staff");
}

// Stored times are whole seconds, so a session can look up to a second older than it is: each step
// stays two seconds clear of the limit it is testing.
#[tokio::test]
async fn an_idle_session_expires_after_an_hour_and_use_restarts_the_hour() {
    let (app, clock, base, session) = clocked_session().await;
    let idle = SessionConfig::default().idle;
    assert_eq!(idle, SignedDuration::from_mins(60));
    for _ in 0..3 {
        clock.advance(idle - SignedDuration::from_secs(2));
        assert_eq!(me_status(&base, &session).await, 200, "used within the hour, it goes on");
    }
    clock.advance(idle + SignedDuration::from_secs(2));
    has_expired(&app, &base, &session).await;
}

#[tokio::test]
async fn every_session_ends_at_its_absolute_limit_however_busy() {
    let (app, clock, base, session) = clocked_session().await;
    let limits = SessionConfig::default();
    assert_eq!(limits.absolute, SignedDuration::from_hours(10));
    let step = SignedDuration::from_mins(50);
    let mut used = SignedDuration::ZERO;
    while used + step < limits.absolute - SignedDuration::from_secs(2) {
        clock.advance(step);
        used += step;
        assert_eq!(me_status(&base, &session).await, 200, "busy, {used:?} after signing in");
    }
    let last = limits.absolute - used - SignedDuration::from_secs(2);
    clock.advance(last);
    assert_eq!(me_status(&base, &session).await, 200, "two seconds before the limit");
    clock.advance(SignedDuration::from_secs(4));
    has_expired(&app, &base, &session).await;
}

#[tokio::test]
async fn five_wrong_passwords_pause_sign_in_even_with_the_right_one() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    for attempt in 1..=5 {
        let response = raw_sign_in(&app.base, "staff", "wrong horse battery staple", "").await;
        assert_eq!(response.status(), 401, "wrong password {attempt}");
    }
    let sixth = raw_sign_in(&app.base, "staff", PASSWORD, "").await;
    assert_eq!(sixth.status(), 429, "paused, even with the right password");
    assert_eq!(set_cookie(&sixth, SESSION), None, "no session");
    assert!(sixth.text().await.expect("html").contains("Too many failed attempts"));
    assert_eq!(audit_count(&app, "sign_in").await, 0);
    assert_eq!(audit_count(&app, "sign_in.failed").await, 5, "each failure audited");
}

/// The page with what differs between two answers by design (the fresh CSRF token, the echoed
/// username) replaced by placeholders.
fn normalised(html: &str, username: &str) -> String {
    let csrf = hidden(html, "csrf").expect("csrf");
    html.replace(&csrf, "CSRF").replace(&format!("value=\"{username}\""), "value=\"USERNAME\"")
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let unknown = raw_sign_in(&app.base, "nosuchperson", "wrong horse battery staple", "").await;
    let wrong = raw_sign_in(&app.base, "staff", "wrong horse battery staple", "").await;
    assert_eq!(unknown.status(), wrong.status());
    assert_eq!(unknown.status(), 401);
    let cookies = |r: &reqwest::Response| {
        let mut names: Vec<String> = r
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()?.split('=').next().map(str::to_owned))
            .collect();
        names.sort();
        names
    };
    assert_eq!(cookies(&unknown), cookies(&wrong), "the same cookies are set");
    let unknown = normalised(&unknown.text().await.expect("html"), "nosuchperson");
    let wrong = normalised(&wrong.text().await.expect("html"), "staff");
    assert!(unknown.contains("value=\"USERNAME\""), "the username is echoed back");
    assert_eq!(unknown, wrong, "the pages differ only in the token and the username typed");
}

#[tokio::test]
async fn after_signing_in_nobody_is_sent_off_the_site() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let mut problems = Vec::new();
    for next in [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/evil.example/",
        " //evil.example/",
    ] {
        let response = raw_sign_in_to(&app.base, "staff", PASSWORD, "", next).await;
        let status = response.status().as_u16();
        let to = location(&response);
        // Browsers drop tabs and newlines from URLs, and read a leading "//" or "/\" as another host.
        let resolved: String = to.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let trimmed = resolved.trim_start();
        let off_site = !trimmed.starts_with('/') || trimmed.starts_with("//") || trimmed.starts_with("/\\");
        if status != 303 || off_site {
            problems.push(format!("next={next:?}: {status} → {to:?}"));
        }
    }
    assert!(problems.is_empty(), "sign-in redirects that leave the site (or fail):\n{}", problems.join("\n"));
}

#[tokio::test]
async fn the_api_takes_writes_with_a_session_cookie_only_as_json() {
    // A cross-site form can send a cookie with a urlencoded or text body, never application/json.
    let app = TestApp::spawn(testing::sqlite().await).await;
    let session = SignedIn::new(&app, Role::Staff).await.session;
    let body = serde_json::to_string(&app.episode_json()).expect("json");
    for content_type in [FORM, "text/plain", "multipart/form-data; boundary=x"] {
        let response = plain_client()
            .post(format!("{}/api/v1/episodes", app.base))
            .header(COOKIE, format!("{SESSION}={session}"))
            .header(CONTENT_TYPE, content_type)
            .body(body.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 415, "{content_type}");
    }
    assert_eq!(episode_total(&app).await, 0, "nothing logged");
}
