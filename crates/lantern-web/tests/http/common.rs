//! A real server on port 0 over a fresh database, with one typed method per endpoint so tests read as
//! a client's actions.

use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::testing::TestDatabase;
use reqwest::{Client, Response};
use serde_json::{json, Value};

pub struct TestApp {
    pub base: String,
    pub client: Client,
    /// Keeps the database (and its temporary directory) alive for the test.
    _db: TestDatabase,
    pub staff: Vec<StaffMember>,
}

pub const PRACTICE: &str = "A81001";

impl TestApp {
    pub async fn spawn(db: TestDatabase) -> Self {
        let practice = OdsCode::parse(PRACTICE).expect("valid");
        db.store
            .upsert_practice(
                &Practice {
                    ods_code: practice.clone(),
                    name: "Test Surgery".into(),
                    pcn: None,
                    icb: None,
                    list_size: 8_000,
                },
                false,
            )
            .await
            .expect("practice");
        let mut staff = Vec::new();
        for (name, role) in [("Asha", "receptionist"), ("Ben", "practice_manager")] {
            let member = StaffMember::new(practice.clone(), name, role).expect("valid");
            db.store.add_staff(&member).await.expect("staff");
            staff.push(member);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let app = lantern_web::router(lantern_web::AppState { store: db.store.clone() });
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { base, client, _db: db, staff }
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

    pub async fn post_form(&self, path: &str, body: &str) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }
}

pub async fn json_of(response: Response) -> Value {
    response.json().await.expect("json body")
}
