//! Every declared route against every caller (signed out and each role), and the OpenAPI document
//! against the route table, so a new route cannot arrive without its access being checked.

use super::{admits, create_episode, enc, location, me_status, plain_client, spare_token, SignedIn};
use crate::common::{Browser, TestApp, PASSWORD, PCN, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;
use lantern_web::{Access, Kind, RouteSpec};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Method, Response};
use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    SignedOut,
    As(Role),
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::SignedOut => f.write_str("signed-out"),
            Who::As(role) => f.write_str(role.code()),
        }
    }
}

/// Real records to put in paths, so a route is judged on access rather than answering "not found".
pub struct Fixtures {
    /// At the test practice, Asha (the staff user) helping, so staff may change it.
    pub episode: String,
    pub staff: String,
    pub user: String,
    /// A spare token of each role's user, not the one its API client uses.
    tokens: Vec<(Role, String)>,
}

impl Fixtures {
    pub async fn new(app: &TestApp) -> Self {
        let episode = create_episode(app, &app.client, &app.episode_json()).await;
        let mut tokens = Vec::new();
        for role in Role::ALL {
            tokens.push((role, spare_token(app, role).await));
        }
        Self {
            episode,
            staff: app.staff[1].id.to_string(),
            user: app.user(Role::Researcher).id.to_string(),
            tokens,
        }
    }

    fn token(&self, who: Who) -> String {
        match who {
            Who::As(role) => self.tokens.iter().find(|(r, _)| *r == role).map(|(_, id)| id.clone()),
            Who::SignedOut => None,
        }
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
    }
}

/// The path with each `{placeholder}` replaced by a real value; an unknown placeholder is an error,
/// so a route with a new kind of parameter cannot pass without a sample being added here.
pub fn fill(path: &str, who: Who, fx: &Fixtures) -> Result<String, String> {
    let mut filled = Vec::new();
    let mut collection = "";
    for segment in path.split('/') {
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            collection = segment;
            filled.push(segment.to_owned());
            continue;
        };
        let value = match (name, collection) {
            ("ods", _) => PRACTICE.to_owned(),
            ("code", "services") => "nhs_app".to_owned(),
            ("code", "organisations") => PCN.to_owned(),
            // Uptake of a practice: public data, so any signed-in role; "not found" when none is held.
            ("code", "practices") => PRACTICE.to_owned(),
            ("role", "role-costs") => "receptionist".to_owned(),
            ("service", "ownership") => "nhs_app".to_owned(),
            ("name", _) => "tasks".to_owned(),
            ("*path", _) => "nhsuk/nhsuk-frontend.min.css".to_owned(),
            ("id", "episodes") => fx.episode.clone(),
            ("id", "staff") => fx.staff.clone(),
            ("id", "users") => fx.user.clone(),
            ("id", "tokens") => fx.token(who),
            ("service", "leaflets") => "nhs_app".to_owned(),
            ("version", "versions") => "1".to_owned(),
            // The fixtures hold no guide: a well-formed id that matches none still meets the role
            // check, which runs before the handler looks the guide up (and answers "not found").
            ("id", "guides") => "00000000-0000-7000-8000-000000000000".to_owned(),
            // Support offers likewise: the role check first, then "not found".
            ("id", "offers") => "00000000-0000-7000-8000-000000000000".to_owned(),
            // Observation records likewise: the role check comes first, then "not found".
            ("id", "studies" | "sessions" | "reliability-pairs") => {
                "00000000-0000-7000-8000-000000000000".to_owned()
            }
            // A sign-in request (NHS CIS2) that matches none: the role check comes first, then "not found".
            ("id", "sign-in-requests") => "00000000-0000-7000-8000-000000000000".to_owned(),
            ("session", "notes") => "00000000-0000-7000-8000-000000000000.txt".to_owned(),
            _ => {
                return Err(format!(
                    "add a sample value for {{{name}}} in security.rs (route {path}, after /{collection})"
                ))
            }
        };
        filled.push(value);
    }
    Ok(filled.join("/"))
}

/// One caller: an API client (bearer token) and a browser (session cookie), or neither when signed out.
struct Caller<'a> {
    app: &'a TestApp,
    who: Who,
    api: Client,
    browser: Option<SignedIn>,
    csrf: String,
}

impl<'a> Caller<'a> {
    async fn new(app: &'a TestApp, who: Who) -> Self {
        match who {
            Who::SignedOut => Self { app, who, api: plain_client(), browser: None, csrf: String::new() },
            Who::As(role) => {
                let browser = SignedIn::new(app, role).await;
                let csrf = browser.csrf(app).await;
                Self { app, who, api: app.api_as(role).await, browser: Some(browser), csrf }
            }
        }
    }

    async fn send(&mut self, spec: &RouteSpec, path: &str) -> Response {
        let url = format!("{}{path}", self.app.base);
        match (spec.kind, &spec.method) {
            (Kind::Api, &Method::GET) => self.api.get(url).send().await.expect("request"),
            (Kind::Api, method) => self
                .api
                .request(method.clone(), url)
                .header(CONTENT_TYPE, "application/json")
                .body("{}")
                .send()
                .await
                .expect("request"),
            (Kind::Page, &Method::GET) => match &self.browser {
                Some(signed_in) => signed_in.browser.get(path).await,
                None => plain_client().get(url).send().await.expect("request"),
            },
            (Kind::Page, _) => self.post_page(path).await,
        }
    }

    /// A form post with a valid CSRF token, so only access decides the answer.
    async fn post_page(&mut self, path: &str) -> Response {
        let app = self.app;
        if path == "/sign-in" {
            // A good sign-in from a fresh browser (signed in as this role, if any), so the session the
            // other routes use is not replaced.
            let (browser, username) = match self.who {
                Who::As(role) => (SignedIn::new(app, role).await.browser, role.code()),
                Who::SignedOut => (Browser::new(&app.base), "staff"),
            };
            let csrf = browser.csrf("/sign-in").await;
            let body = format!("csrf={csrf}&next=%2F&username={username}&password={}", enc(PASSWORD));
            return browser.post(path, &body).await;
        }
        let Who::As(role) = self.who else {
            let browser = Browser::new(&app.base);
            let csrf = browser.csrf("/sign-in").await;
            return browser.post(path, &format!("csrf={csrf}")).await;
        };
        let signed_in = self.browser.as_ref().expect("signed in");
        let response = signed_in.post(path, &format!("csrf={}", self.csrf)).await;
        // Signing out (or anything else that ends the session) must not spoil the routes after it.
        if me_status(&app.base, &signed_in.session).await != 200 {
            let fresh = SignedIn::new(app, role).await;
            self.csrf = fresh.csrf(app).await;
            self.browser = Some(fresh);
        }
        response
    }
}

/// What is wrong with the answer `who` got from the route, if anything.
fn judge(spec: &RouteSpec, who: Who, path: &str, status: u16, location: &str, body: &str) -> Option<String> {
    let sign_in_redirect = (300..400).contains(&status) && location.starts_with("/sign-in?next=");
    let code =
        serde_json::from_str::<Value>(body).ok().and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
    let admitted = match who {
        Who::SignedOut => spec.access == Access::Public,
        Who::As(role) => admits(spec.access, role),
    };
    if admitted {
        return match status {
            401 | 403 => Some("let in by the route table, refused".into()),
            _ if sign_in_redirect => Some("let in by the route table, sent to sign in".into()),
            405 => Some("method not routed".into()),
            404 if body.contains("no such API route") || body.contains("If you typed the web address") => {
                Some("declared, but the router does not serve this path".into())
            }
            s if s >= 500 => Some("server error".into()),
            _ => None,
        };
    }
    match (who, spec.kind) {
        (Who::SignedOut, Kind::Api) if status != 401 || code.as_deref() != Some("unauthorised") => {
            Some("signed out: expected 401 unauthorised".into())
        }
        (Who::SignedOut, Kind::Page)
            if status != 303 || location != format!("/sign-in?next={}", enc(path)) =>
        {
            Some(format!("signed out: expected 303 to /sign-in?next={}", enc(path)))
        }
        (Who::As(_), Kind::Api) if status != 403 || code.as_deref() != Some("forbidden") => {
            Some("role not admitted: expected 403 forbidden".into())
        }
        (Who::As(_), Kind::Page) if status != 403 || !body.contains("<html") => {
            Some("role not admitted: expected a 403 page".into())
        }
        _ => None,
    }
}

/// On both backends: access is decided before the store is asked, but the fixtures, sessions and
/// tokens the callers use live in it.
mod every_route_admits_exactly_the_roles_it_declares {
    use super::{matrix, testing, TestApp};

    #[tokio::test]
    async fn sqlite() {
        matrix(TestApp::spawn(testing::sqlite().await).await).await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(db) = testing::postgres().await {
            matrix(TestApp::spawn(db).await).await;
        }
    }
}

async fn matrix(app: TestApp) {
    let fx = Fixtures::new(&app).await;
    let specs = lantern_web::route_specs();
    let unknown: Vec<String> =
        specs.iter().filter_map(|s| fill(&s.path, Who::SignedOut, &fx).err()).collect();
    assert!(unknown.is_empty(), "routes with placeholders the matrix cannot fill:\n{}", unknown.join("\n"));

    let callers = std::iter::once(Who::SignedOut).chain(Role::ALL.into_iter().map(Who::As));
    let (mut table, mut mismatches) = (Vec::new(), Vec::new());
    for who in callers {
        let mut caller = Caller::new(&app, who).await;
        for spec in &specs {
            let path = fill(&spec.path, who, &fx).expect("filled");
            let response = caller.send(spec, &path).await;
            let (status, location) = (response.status().as_u16(), location(&response));
            let body = response.text().await.unwrap_or_default();
            let redirect = if location.is_empty() { String::new() } else { format!(" → {location}") };
            let row = format!(
                "{:<6} {:<42} {:<13} {status}{redirect}",
                spec.method.as_str(),
                spec.path,
                who.to_string()
            );
            if let Some(problem) = judge(spec, who, &path, status, &location, &body) {
                mismatches.push(format!("{row}  ✗ {problem}"));
            }
            table.push(row);
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} route × caller checks failed:\n{}\n\nAll checks:\n{}",
        mismatches.len(),
        table.len(),
        mismatches.join("\n"),
        table.join("\n")
    );
    assert_eq!(table.len(), specs.len() * 6, "every route was tried by every caller");
}

#[test]
fn the_openapi_document_and_the_route_table_agree() {
    let document = serde_json::to_value(lantern_web::openapi_document()).expect("json");
    let paths = document["paths"].as_object().expect("paths");
    let schemes = document["components"]["securitySchemes"].as_object().cloned().unwrap_or_default();
    let api: Vec<RouteSpec> =
        lantern_web::route_specs().into_iter().filter(|s| s.kind == Kind::Api).collect();
    let mut problems = Vec::new();
    for spec in &api {
        let route = format!("{} {}", spec.method, spec.path);
        let method = spec.method.as_str().to_lowercase();
        let Some(operation) = paths.get(&spec.path).and_then(|item| item.get(&method)) else {
            problems.push(format!("{route}: served but missing from the OpenAPI document"));
            continue;
        };
        let requirements = operation.get("security").and_then(Value::as_array).cloned().unwrap_or_default();
        if spec.access == Access::Public {
            if !requirements.is_empty() {
                problems.push(format!("{route}: public, yet documented as needing {requirements:?}"));
            }
            continue;
        }
        if requirements.is_empty() {
            problems.push(format!("{route}: needs sign-in but the document has no security requirement"));
        }
        let roles: Vec<&str> = spec.access.roles().iter().map(|r| r.code()).collect();
        for requirement in &requirements {
            for (scheme, scopes) in requirement.as_object().into_iter().flatten() {
                let scopes: Vec<&str> =
                    scopes.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                if scopes != roles {
                    problems.push(format!("{route}: {scheme} lists {scopes:?}, the route admits {roles:?}"));
                }
                if !schemes.contains_key(scheme) {
                    problems.push(format!("{route}: security scheme {scheme} is not defined"));
                }
            }
        }
    }
    for (path, item) in paths {
        for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] {
            let served =
                api.iter().any(|s| s.path == *path && s.method.as_str().eq_ignore_ascii_case(method));
            if item.get(method).is_some() && !served {
                problems
                    .push(format!("{} {path}: documented but not in route_specs()", method.to_uppercase()));
            }
        }
    }
    assert!(problems.is_empty(), "OpenAPI and the route table disagree:\n{}", problems.join("\n"));
}
