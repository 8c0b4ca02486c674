//! A real server on port 0 over a fresh database, with one typed method per endpoint so tests read as
//! a client's actions.

use lantern_core::access::{Role, User};
use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::testing::TestDatabase;
use lantern_store::Store;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::net::SocketAddr;

pub struct TestApp {
    pub base: String,
    /// Acts as an administrator (an API token), unless a test picks another role with [`TestApp::api_as`].
    pub client: Client,
    pub store: Store,
    /// Keeps the database (and its temporary directory) alive for the test.
    _db: TestDatabase,
    pub staff: Vec<StaffMember>,
    /// One account per role (staff is linked to `staff[0]`), with the same password.
    pub users: Vec<User>,
}

pub const PRACTICE: &str = "A81001";
pub const PCN: &str = "U89141";
pub const PASSWORD: &str = "correct horse battery staple";

/// A test's own actor, so fixtures appear in the audit trail like any other write.
pub fn actor() -> Actor {
    Actor::system("test")
}

impl TestApp {
    pub async fn spawn(db: TestDatabase) -> Self {
        Self::spawn_with(db, |_, _| {}).await
    }

    /// The same, with the app's state changed first; `configure` is given the server's base URL.
    pub async fn spawn_with(
        db: TestDatabase,
        configure: impl FnOnce(&str, &mut lantern_web::AppState),
    ) -> Self {
        let practice = OdsCode::parse(PRACTICE).expect("valid");
        db.store
            .upsert_practice(
                &Practice {
                    ods_code: practice.clone(),
                    name: "Test Surgery".into(),
                    pcn: Some(OdsCode::parse(PCN).expect("valid")),
                    icb: None,
                    list_size: 8_000,
                },
                false,
                &actor(),
            )
            .await
            .expect("practice");
        let mut staff = Vec::new();
        for (name, role) in [("Asha", "receptionist"), ("Ben", "practice_manager")] {
            let member = StaffMember::new(practice.clone(), name, role).expect("valid");
            db.store.add_staff(&member, &actor()).await.expect("staff");
            staff.push(member);
        }
        let hash = lantern_web::auth::hash_password(PASSWORD.into()).await;
        let mut users = Vec::new();
        for role in Role::ALL {
            let practice_based = role.is_practice_based();
            let user = User {
                id: uuid::Uuid::now_v7(),
                username: role.code().to_owned(),
                display_name: format!("Test {}", role.label()),
                role,
                staff_id: (role == Role::Staff).then(|| staff[0].id),
                organisation: matches!(role, Role::Analyst | Role::Researcher)
                    .then(|| OdsCode::parse(PCN).expect("valid")),
                practices: if practice_based { vec![practice.clone()] } else { Vec::new() },
                active: true,
            };
            db.store.create_user(&user, &hash, &actor()).await.expect("user");
            users.push(user);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let mut state = lantern_web::AppState::new(db.store.clone());
        configure(&base, &mut state);
        let app = lantern_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        let store = db.store.clone();
        let mut app = Self { base, client: Client::new(), store, _db: db, staff, users };
        app.client = app.api_as(Role::Admin).await;
        app
    }

    pub fn user(&self, role: Role) -> &User {
        self.users.iter().find(|u| u.role == role).expect("a user per role")
    }

    /// A client carrying a fresh API token of the user with `role`.
    pub async fn api_as(&self, role: Role) -> Client {
        let token = lantern_web::auth::new_secret();
        let hash = lantern_web::auth::hash_secret(&token);
        self.store.create_api_token(self.user(role), "test", &hash, &actor()).await.expect("token");
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).expect("header"));
        Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A browser-like client (cookies kept, redirects not followed) signed in through the sign-in form.
    pub async fn browser_as(&self, role: Role) -> Browser {
        let browser = Browser::new(&self.base);
        let response = browser.sign_in(role.code(), PASSWORD).await;
        assert_eq!(response.status(), 303, "signed in as {role}");
        browser
    }

    pub fn episode_json(&self) -> Value {
        json!({
            "occurred_at": "2026-03-02T09:15:00Z",
            "practice": PRACTICE,
            "helpers": [self.staff[0].id],
            "duration_minutes": 7,
            "channel": "desk",
            "services": ["nhs_login"],
            "tasks": ["verify_identity"],
            "approach": "with",
            "barriers": ["no_photo_id"],
            "age_band": "75+",
            "outcome": "resolved",
            "note": "Used the registration letter instead"
        })
    }

    pub async fn post_episode(&self, body: &Value) -> Response {
        self.client.post(format!("{}/api/v1/episodes", self.base)).json(body).send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }

    pub async fn put_episode(&self, id: &str, expected: Option<i64>, body: &Value) -> Response {
        let query = expected.map(|v| format!("?expected_version={v}")).unwrap_or_default();
        self.client
            .put(format!("{}/api/v1/episodes/{id}{query}", self.base))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete_episode(&self, id: &str, reason: &str) -> Response {
        self.client
            .delete(format!("{}/api/v1/episodes/{id}", self.base))
            .json(&json!({ "reason": reason }))
            .send()
            .await
            .expect("request")
    }
}

pub async fn json_of(response: Response) -> Value {
    response.json().await.expect("json body")
}

/// A cookie-keeping client that fills in forms the way a browser would, CSRF token included.
pub struct Browser {
    pub base: String,
    pub client: Client,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self { base: base.to_owned(), client }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }

    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("html")
    }

    /// The hidden CSRF token on the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let html = self.get_html(path).await;
        hidden(&html, "csrf").unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    pub async fn post(&self, path: &str, body: &str) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }

    /// Posts a form taken from the page at `from`, adding its CSRF token.
    pub async fn submit(&self, from: &str, path: &str, body: &str) -> Response {
        let csrf = self.csrf(from).await;
        self.post(path, &format!("csrf={csrf}&{body}")).await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Response {
        let csrf = self.csrf("/sign-in").await;
        let password: String = form_urlencoded::byte_serialize(password.as_bytes()).collect();
        self.post("/sign-in", &format!("csrf={csrf}&next=%2Flog&username={username}&password={password}"))
            .await
    }
}

/// The value of the hidden input called `name`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A value as a form or query string carries it.
pub fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub fn location(response: &Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The text between `start` (exclusive) and the next `end`.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    Some(&html[from..from + html[from..].find(end)?])
}
