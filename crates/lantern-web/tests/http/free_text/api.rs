//! Every free-text field a person types over the API refuses a disguised NHS number, a control
//! character and a text-direction override, with a 422 naming the field — and nothing is stored and
//! no audit record is written, because the append-only trail cannot be cleaned afterwards.

use crate::common::{json_of, TestApp, PCN, PRACTICE};
use lantern_core::access::Role;
use lantern_store::AuditFilter;
use reqwest::Method;
use serde_json::{json, Value};

both_backends!(every_free_text_field_refuses_disguised_identifiers, ordinary_text_is_still_accepted);

/// The test NHS number 943 476 5919 disguised as it was when it slipped past the guard, then a NUL
/// and a right-to-left override.
const REFUSED: [&str; 6] = [
    "943\u{200B}476\u{00AD}5919",
    "\u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19}",
    "\u{669}\u{664}\u{663}\u{2013}\u{664}\u{667}\u{666}\u{2013}\u{665}\u{669}\u{661}\u{669}",
    "943.476.5919",
    "before\u{0}after",
    "Asha\u{202E}K",
];

/// One free-text field: where it is sent, and the body with `text` in the field.
struct Field {
    name: &'static str,
    method: Method,
    path: String,
    body: fn(&TestApp, &str) -> Value,
}

fn fields(episode: &str) -> Vec<Field> {
    let practice = format!("/api/v1/practices/{PRACTICE}");
    vec![
        Field {
            name: "note",
            method: Method::POST,
            path: "/api/v1/episodes".into(),
            body: |app, text| {
                let mut body = app.episode_json();
                body["note"] = json!(format!("Helped {text}"));
                body
            },
        },
        Field {
            name: "reason",
            method: Method::DELETE,
            path: format!("/api/v1/episodes/{episode}"),
            body: |_, text| json!({ "reason": format!("Logged twice {text}") }),
        },
        Field {
            name: "label",
            method: Method::POST,
            path: format!("{practice}/services"),
            body: |_, text| json!({ "label": format!("Triage {text}") }),
        },
        Field {
            name: "display_name",
            method: Method::POST,
            path: format!("{practice}/staff"),
            body: |_, text| json!({ "display_name": format!("Cara {text}"), "role": "receptionist" }),
        },
        Field {
            name: "name",
            method: Method::PUT,
            path: practice.clone(),
            body: |_, text| json!({ "name": format!("Surgery {text}"), "pcn": PCN, "list_size": 8000 }),
        },
        Field {
            name: "display_name",
            method: Method::POST,
            path: "/api/v1/users".into(),
            body: |_, text| {
                json!({ "username": "newcomer", "display_name": format!("New {text}"), "role": "analyst",
                        "password": crate::common::PASSWORD, "organisation": PCN })
            },
        },
        Field {
            name: "name",
            method: Method::POST,
            path: "/api/v1/tokens".into(),
            body: |_, text| json!({ "name": format!("Laptop {text}") }),
        },
        Field {
            name: "trainer",
            method: Method::POST,
            path: format!("{practice}/training"),
            body: |app, text| {
                json!({ "staff_id": app.staff[0].id, "service": "nhs_login", "trained_on": "2026-01-10",
                        "trainer": format!("Course {text}"), "confidence": "high" })
            },
        },
        Field {
            name: "escalation_route",
            method: Method::PUT,
            path: format!("{practice}/ownership/nhs_login"),
            body: |app, text| json!({ "owner": app.staff[1].id, "escalation_route": format!("Ask {text}") }),
        },
        Field {
            name: "offline_alternative",
            method: Method::PUT,
            path: format!("{practice}/ownership/nhs_login"),
            body: |_, text| json!({ "offline_alternative": format!("Paper form {text}") }),
        },
        Field {
            name: "title",
            method: Method::POST,
            path: format!("{practice}/guides"),
            body: |_, text| guide(&format!("Resetting {text}"), "Open the app and tap Reset."),
        },
        Field {
            name: "body",
            method: Method::POST,
            path: format!("{practice}/guides"),
            body: |_, text| {
                guide("Resetting a password", &format!("Open the app.\n\nPatient {text} did it."))
            },
        },
        Field {
            name: "name",
            method: Method::POST,
            path: "/api/v1/studies".into(),
            body: |app, text| study(app, &format!("Front desk {text}"), "Staff consented in writing."),
        },
        Field {
            name: "consent_note",
            method: Method::POST,
            path: "/api/v1/studies".into(),
            body: |app, text| study(app, "Front desk, March", &format!("Consented {text}")),
        },
    ]
}

fn guide(title: &str, body: &str) -> Value {
    json!({ "title": title, "services": ["nhs_login"], "tasks": [], "body": body, "review_by": "2027-03-31" })
}

fn study(app: &TestApp, name: &str, consent_note: &str) -> Value {
    json!({ "name": name, "practices": [PRACTICE], "observers": [app.user(Role::Researcher).id],
            "starts_on": "2026-03-01", "ends_on": "2026-03-31", "consent_note": consent_note })
}

/// Audit records other than sign-ins (the token field signs a person in to send its request).
async fn audit_length(app: &TestApp) -> usize {
    let records = app.store.audit_records(&AuditFilter::default(), 100_000).await.expect("audit");
    records.iter().filter(|r| r.action != "sign_in").count()
}

async fn send(app: &TestApp, field: &Field, text: &str) -> reqwest::Response {
    // Tokens are made only by a person signed in, never by another token.
    let client = if field.path == "/api/v1/tokens" {
        app.browser_as(lantern_core::access::Role::Admin).await.client
    } else {
        app.client.clone()
    };
    client
        .request(field.method.clone(), format!("{}{}", app.base, field.path))
        .json(&(field.body)(app, text))
        .send()
        .await
        .expect("request")
}

async fn logged_episode(app: &TestApp) -> String {
    let created = json_of(app.post_episode(&app.episode_json()).await).await;
    created["id"].as_str().expect("id").to_owned()
}

async fn every_free_text_field_refuses_disguised_identifiers(app: TestApp) {
    let episode = logged_episode(&app).await;
    let stored_before = json_of(app.get("/api/v1/episodes?include_deleted=true").await).await;
    for field in fields(&episode) {
        for text in REFUSED {
            let audited = audit_length(&app).await;
            let response = send(&app, &field, text).await;
            let status = response.status();
            let error = json_of(response).await;
            assert_eq!(status, 422, "{} {} {text:?}: {error}", field.method, field.path);
            let named = error["error"]["fields"].as_array().expect("fields").iter().any(|f| {
                f["field"] == field.name && f["message"].as_str().is_some_and(|m| m.contains(" at character"))
            });
            assert!(named, "{} {text:?}: {error}", field.path);
            assert_eq!(audit_length(&app).await, audited, "{} {text:?} reached the audit trail", field.path);
        }
    }
    // Nothing was stored: the one episode is as it was (not deleted), and no service, staff member,
    // account, token, training record, arrangement, guide or study was added or changed.
    let stored_after = json_of(app.get("/api/v1/episodes?include_deleted=true").await).await;
    assert_eq!(stored_after, stored_before);
    let code = lantern_core::ods::OdsCode::parse(PRACTICE).expect("ods");
    assert_eq!(app.store.practice(&code).await.expect("practice").name, "Test Surgery");
    let services = app.store.services(&code).await.expect("services");
    assert!(services.iter().all(|s| !s.custom), "{services:?}");
    assert_eq!(app.store.staff(&code).await.expect("staff").len(), 2);
    assert!(app.store.ownership(&code).await.expect("ownership").is_empty());
    assert!(app.store.training(&code).await.expect("training").is_empty());
    let users = json_of(app.get("/api/v1/users").await).await;
    assert!(!users.to_string().contains("newcomer"), "{users}");
    let guides = json_of(app.get(&format!("/api/v1/practices/{PRACTICE}/guides")).await).await;
    assert!(!guides.to_string().contains("Resetting"), "{guides}");
    let studies = json_of(app.get("/api/v1/studies").await).await;
    assert!(!studies.to_string().contains("Front desk"), "{studies}");
}

/// The same fields still take ordinary text (a failed check digit is not an NHS number).
async fn ordinary_text_is_still_accepted(app: TestApp) {
    let episode = logged_episode(&app).await;
    for field in fields(&episode) {
        let text = "943 476 5918 \u{2013} Zoë’s café, 10.30";
        let response = send(&app, &field, text).await;
        let status = response.status();
        let answer = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{} {}: {status} {answer}", field.method, field.path);
    }
}
