//! Fuzzing every body the server parses: each JSON API route that takes a body and each form a page
//! posts, sent mutations of valid bodies and plain garbage. Zero 5xx (the server never falls over on
//! what a client sends), the server still healthy afterwards, and a body that is not JSON refused
//! naming its line and column.
//!
//! Seeded, so a failure repeats: `LANTERN_FUZZ_SEED` (printed on failure) and `LANTERN_FUZZ_CASES`
//! (bodies per route; a short pass by default). `bench/fuzz` sets `LANTERN_FUZZ_SECONDS` instead, and
//! each test then keeps going round every route until that time is up, printing what it sent.

use crate::common::{json_of, TestApp, PRACTICE};
use crate::security::matrix::{fill, Fixtures, Who};
use crate::security::SignedIn;
use lantern_core::access::Role;
use lantern_web::{Kind, RouteSpec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::{json, Value};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Rounds over every route: `LANTERN_FUZZ_CASES` of them, or as many as fit in `LANTERN_FUZZ_SECONDS`.
struct Budget {
    rounds: u64,
    deadline: Option<std::time::Instant>,
}

impl Budget {
    fn from_env() -> Self {
        let deadline = std::env::var("LANTERN_FUZZ_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(|s| std::time::Instant::now() + std::time::Duration::from_secs(s));
        Self { rounds: setting("LANTERN_FUZZ_CASES", 12), deadline }
    }

    fn another(&self, round: u64) -> bool {
        match self.deadline {
            Some(deadline) => std::time::Instant::now() < deadline,
            None => round < self.rounds,
        }
    }
}

/// Values that have broken parsers before: extremes, wrong types, identifiers, odd Unicode.
fn odd_value(rng: &mut ChaCha8Rng) -> Value {
    let choices = [
        json!(null),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1e308),
        json!(-0.5),
        json!(true),
        json!(""),
        json!(" "),
        json!("\u{0}"),
        json!("\u{202e}evil"),
        json!("943 476 5919"),
        json!("x".repeat(5_000)),
        json!("2026-02-30T25:61:00Z"),
        json!("00000000-0000-0000-0000-000000000000"),
        json!([]),
        json!([null, 1, "a"]),
        json!({}),
        json!({ "nested": { "deeper": [[[]]] } }),
        json!("🦀"),
        json!("Y99901"),
    ];
    choices[rng.gen_range(0..choices.len())].clone()
}

/// A structural mutation: one field of an object body replaced, removed or added.
fn mutate_value(rng: &mut ChaCha8Rng, mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) if !map.is_empty() && rng.gen_bool(0.8) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = keys[rng.gen_range(0..keys.len())].clone();
            match rng.gen_range(0..3) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, odd_value(rng));
                }
                _ => {
                    map.insert(format!("unexpected_{}", rng.gen_range(0..9)), odd_value(rng));
                }
            }
            value
        }
        _ => odd_value(rng),
    }
}

/// A byte-level mutation of `bytes`: flips, cuts, repeats and splices that break the syntax.
fn mutate_bytes(rng: &mut ChaCha8Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    let splices: [&[u8]; 9] = [b"{", b"}", b"[", b"\"", b"\\u00", b",", b":", &[0xff, 0xfe], b"\xe2\x80\xae"];
    for _ in 0..rng.gen_range(1..4) {
        let at = if bytes.is_empty() { 0 } else { rng.gen_range(0..bytes.len()) };
        match rng.gen_range(0..5) {
            0 if !bytes.is_empty() => bytes[at] = rng.gen(),
            1 => bytes.truncate(at),
            2 => {
                let end = (at + rng.gen_range(0..16)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            3 => {
                let piece = splices[rng.gen_range(0..splices.len())];
                bytes.splice(at..at, piece.iter().copied());
            }
            _ => bytes = (0..rng.gen_range(0..64)).map(|_| rng.gen()).collect(),
        }
    }
    bytes
}

/// Valid bodies of the shapes the API takes, to mutate from.
fn seeds(app: &TestApp) -> Vec<Value> {
    vec![
        app.episode_json(),
        json!({ "reason": "Logged twice" }),
        json!({ "name": "Monthly report" }),
        json!({ "display_name": "Dee", "role": "receptionist" }),
        json!({ "label": "Practice newsletter" }),
        json!({ "password": "tulip river jam forty" }),
        json!({ "name": "Hill Surgery", "pcn": "U00002", "icb": null, "list_size": 5000 }),
        json!({ "title": "Resetting an NHS login password", "body": "## Steps\n1. Open the app" }),
        json!({ "events": [] }),
        json!({ "practice": PRACTICE, "started_at": "2026-03-02T09:00:00Z" }),
    ]
}

#[tokio::test]
async fn json_bodies_never_break_the_api() {
    let seed = setting("LANTERN_FUZZ_SEED", 20_261_203);
    let budget = Budget::from_env();
    let app = TestApp::spawn(lantern_store::testing::sqlite().await).await;
    let fixtures = Fixtures::new(&app).await;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let routes: Vec<RouteSpec> = lantern_web::route_specs()
        .into_iter()
        .filter(|s| s.kind == Kind::Api && s.method != Method::GET)
        .collect();
    assert!(routes.len() >= 15, "only {} API routes take a body", routes.len());
    let seeds = seeds(&app);
    let mut sent = 0u64;
    let mut round = 0;
    while budget.another(round) {
        round += 1;
        for spec in &routes {
            let path = fill(&spec.path, Who::As(Role::Admin), &fixtures).expect("sample path");
            let case = sent;
            let base = seeds[rng.gen_range(0..seeds.len())].clone();
            let body = if case.is_multiple_of(2) {
                serde_json::to_vec(&mutate_value(&mut rng, base)).expect("json")
            } else {
                mutate_bytes(&mut rng, serde_json::to_vec(&base).expect("json"))
            };
            let response = app
                .client
                .request(spec.method.clone(), format!("{}{path}", app.base))
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let shown = String::from_utf8_lossy(&body);
            assert!(
                status < 500,
                "{} {path} answered {status} to {shown:?} (LANTERN_FUZZ_SEED={seed}): {text}",
                spec.method
            );
            if serde_json::from_slice::<Value>(&body).is_err() && status == 400 {
                assert!(
                    text.contains("line") && text.contains("column"),
                    "{} {path}: a body that is not JSON is refused naming where: {text} (seed {seed})",
                    spec.method
                );
            }
            sent += 1;
        }
    }
    println!("fuzz api-json: {sent} bodies over {} routes, 0 crashes", routes.len());
    assert_eq!(json_of(app.get("/api/v1/health").await).await["status"], "ok", "still serving after {sent}");
}

#[tokio::test]
async fn form_bodies_never_break_the_pages() {
    let seed = setting("LANTERN_FUZZ_SEED", 20_261_203);
    let budget = Budget::from_env();
    let app = TestApp::spawn(lantern_store::testing::sqlite().await).await;
    let fixtures = Fixtures::new(&app).await;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut admin = SignedIn::new(&app, Role::Admin).await;
    let mut csrf = admin.csrf(&app).await;
    let helper = app.staff[0].id.to_string();
    let valid = [
        crate::security::log_form(PRACTICE, &helper),
        "name=Monthly+report".to_owned(),
        "reason=Logged+twice".to_owned(),
        "title=Guide&body=%23+Steps".to_owned(),
        "current_password=a&new_password=b&confirm_password=b".to_owned(),
    ];
    let routes: Vec<RouteSpec> = lantern_web::route_specs()
        .into_iter()
        .filter(|s| s.kind == Kind::Page && s.method == Method::POST && s.path != "/sign-out")
        .collect();
    assert!(routes.len() >= 15, "only {} forms", routes.len());
    let (mut sent, mut round) = (0u64, 0);
    while budget.another(round) {
        round += 1;
        for spec in &routes {
            let path = fill(&spec.path, Who::As(Role::Admin), &fixtures).expect("sample path");
            sent += 1;
            let base = valid[rng.gen_range(0..valid.len())].clone().into_bytes();
            let mut body = format!("csrf={csrf}&").into_bytes();
            body.extend(mutate_bytes(&mut rng, base));
            let response = admin
                .browser
                .client
                .post(format!("{}{path}", app.base))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            assert!(
                status < 500,
                "POST {path} answered {status} to {:?} (LANTERN_FUZZ_SEED={seed})",
                String::from_utf8_lossy(&body)
            );
            // A form that changed the password or ended the session must not spoil the rest.
            if crate::security::me_status(&app.base, &admin.session).await != 200 {
                admin = SignedIn::new(&app, Role::Admin).await;
                csrf = admin.csrf(&app).await;
            }
        }
    }
    println!("fuzz forms: {sent} bodies over {} forms, 0 crashes", routes.len());
    assert_eq!(json_of(app.get("/api/v1/health").await).await["status"], "ok");
}
