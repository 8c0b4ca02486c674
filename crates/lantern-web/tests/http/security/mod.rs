//! Security over real HTTP: every route against every role, practice boundaries, sessions and CSRF,
//! and hostile input. Helpers shared by those files live here.

mod boundaries;
mod injection;
pub(crate) mod matrix;
mod probes;
mod proxies;
mod resubmit;
mod sessions;

use crate::common::{actor, hidden, Browser, TestApp, PASSWORD};
use lantern_core::access::Role;
use lantern_web::{Access, AppState, RouteSpec};
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Client, Method, Response};
use serde_json::Value;
use std::net::SocketAddr;

pub const FORM: &str = "application/x-www-form-urlencoded";
pub const SESSION: &str = "lantern_session";

/// A client that keeps no cookies and follows no redirects: it sends exactly what the test says.
pub fn plain_client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

pub fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub fn location(response: &Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The value a response sets for cookie `name`, if it sets one.
pub fn set_cookie(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.trim().strip_prefix(&prefix).map(str::to_owned))
}

/// The whole `Set-Cookie` line for cookie `name`, attributes included.
pub fn set_cookie_line(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .map(str::to_owned)
}

/// Serves the app over `state` on a port of its own (for session settings other than the default).
pub async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let app = lantern_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    base
}

/// Signs in through the form with no cookie jar, sending `extra_cookies` (e.g. `lantern_session=…`)
/// besides the sign-in cookie, to `next`. The answer is the form's response.
pub async fn raw_sign_in(base: &str, username: &str, password: &str, extra_cookies: &str) -> Response {
    raw_sign_in_to(base, username, password, extra_cookies, "/log").await
}

pub async fn raw_sign_in_to(
    base: &str,
    username: &str,
    password: &str,
    extra_cookies: &str,
    next: &str,
) -> Response {
    let client = plain_client();
    let form = client.get(format!("{base}/sign-in")).send().await.expect("sign-in page");
    let cookie = set_cookie(&form, "lantern_sign_in").expect("sign-in cookie");
    let csrf = hidden(&form.text().await.expect("html"), "csrf").expect("csrf field");
    let mut cookies = format!("lantern_sign_in={cookie}");
    if !extra_cookies.is_empty() {
        cookies = format!("{cookies}; {extra_cookies}");
    }
    let body =
        format!("csrf={csrf}&next={}&username={}&password={}", enc(next), enc(username), enc(password));
    client
        .post(format!("{base}/sign-in"))
        .header(COOKIE, cookies)
        .header(CONTENT_TYPE, FORM)
        .body(body)
        .send()
        .await
        .expect("sign in")
}

/// A request carrying only the session cookie `session`.
pub async fn with_session(base: &str, method: Method, path: &str, session: &str) -> Response {
    plain_client()
        .request(method, format!("{base}{path}"))
        .header(COOKIE, format!("{SESSION}={session}"))
        .send()
        .await
        .expect("request")
}

/// A form post carrying only the session cookie `session`.
pub async fn post_with_session(base: &str, path: &str, session: &str, body: &str) -> Response {
    plain_client()
        .post(format!("{base}{path}"))
        .header(COOKIE, format!("{SESSION}={session}"))
        .header(CONTENT_TYPE, FORM)
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

/// `GET /api/v1/me`'s status with only this session cookie: 200 while the session works.
pub async fn me_status(base: &str, session: &str) -> u16 {
    with_session(base, Method::GET, "/api/v1/me", session).await.status().as_u16()
}

/// A browser signed in through the form, with its session cookie known to the test.
pub struct SignedIn {
    pub role: Role,
    pub browser: Browser,
    pub session: String,
}

impl SignedIn {
    pub async fn new(app: &TestApp, role: Role) -> Self {
        let browser = Browser::new(&app.base);
        let response = browser.sign_in(role.code(), PASSWORD).await;
        assert_eq!(response.status(), 303, "signed in as {role}");
        let session = set_cookie(&response, SESSION).expect("session cookie");
        Self { role, browser, session }
    }

    /// The session's CSRF token, read from the first page this role may open that has a form
    /// (falling back to the session record for roles with no such page yet).
    pub async fn csrf(&self, app: &TestApp) -> String {
        let mut candidates = vec!["/account".to_owned(), "/log".to_owned()];
        for spec in lantern_web::route_specs() {
            let page_get = spec.kind == lantern_web::Kind::Page && spec.method == Method::GET;
            if page_get
                && !spec.path.contains('{')
                && spec.path != "/sign-in"
                && admits(spec.access, self.role)
            {
                candidates.push(spec.path.clone());
            }
        }
        for path in candidates {
            let response = self.browser.get(&path).await;
            if response.status() != 200 {
                continue;
            }
            let html = response.text().await.expect("html");
            if let Some(token) = hidden(&html, "csrf").filter(|t| !t.is_empty()) {
                return token;
            }
        }
        let hash = lantern_web::auth::hash_secret(&self.session);
        app.store.session(&hash).await.expect("session").expect("live session").csrf_token
    }

    pub async fn post(&self, path: &str, body: &str) -> Response {
        self.browser.post(path, body).await
    }
}

/// Whether a route's declared access lets `role` in.
pub fn admits(access: Access, role: Role) -> bool {
    access.roles().contains(&role)
}

/// The declared route a concrete request lands on.
pub fn spec_for(method: &Method, path: &str) -> RouteSpec {
    declared(method, path).unwrap_or_else(|| {
        panic!("no route in route_specs() matches {method} {path} (is its path declared in full, as served?)")
    })
}

/// The declared route a concrete request lands on, if any.
pub fn declared(method: &Method, path: &str) -> Option<RouteSpec> {
    let path = path.split('?').next().unwrap_or_default();
    lantern_web::route_specs().into_iter().find(|s| s.method == *method && template_matches(&s.path, path))
}

fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if let Some(at) = t.iter().position(|s| s.starts_with("{*")) {
        return p.len() > at && t[..at].iter().zip(&p).all(|(t, p)| t == p || t.starts_with('{'));
    }
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
}

/// An episode at the test practice with Asha (the staff user's record) helping, made as `client`.
pub async fn create_episode(app: &TestApp, client: &Client, body: &Value) -> String {
    let response =
        client.post(format!("{}/api/v1/episodes", app.base)).json(body).send().await.expect("request");
    assert_eq!(response.status(), 201, "episode created");
    response.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_owned()
}

/// A complete quick-log form for `practice` with `helper` (no CSRF token).
pub fn log_form(practice: &str, helper: &str) -> String {
    format!(
        "practice={practice}&helpers={helper}&services=nhs_app&tasks=reset_password&duration_minutes=5\
         &channel=desk&approach=for&outcome=resolved"
    )
}

/// How many episodes the administrator can see, deleted ones included.
pub async fn episode_total(app: &TestApp) -> i64 {
    let listed = crate::common::json_of(app.get("/api/v1/episodes?include_deleted=true").await).await;
    listed["total"].as_i64().expect("total")
}

/// A spare API token of the user with `role` (not the one its client uses), by id.
pub async fn spare_token(app: &TestApp, role: Role) -> String {
    let hash = lantern_web::auth::hash_secret(&lantern_web::auth::new_secret());
    app.store.create_api_token(app.user(role), "spare", &hash, &actor()).await.expect("token").to_string()
}

/// HTML-escaped as askama writes it (numeric entities), and as the named entities other templates use.
pub fn escaped_forms(raw: &str) -> [String; 2] {
    let numeric = raw
        .replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;");
    let named = raw
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    [numeric, named]
}

pub fn contains_escaped(html: &str, raw: &str) -> bool {
    escaped_forms(raw).iter().any(|e| html.contains(e.as_str()))
}
