//! The clients that post episodes until the server is killed, and what each post came to.

use super::server::Server;
use super::{NOTE_PREFIX, PRACTICE};
use lantern_core::record::EpisodeRecord;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub fn note(client: usize, post: usize) -> String {
    // Short digit runs only: nothing the identity guard could take for an NHS number, phone or date.
    format!("{NOTE_PREFIX} {client} post {post}")
}

/// An active helper and an enabled service of the practice, as the API reports them.
pub async fn helper_and_service(client: &reqwest::Client, server: &Server) -> (String, String) {
    let staff: serde_json::Value = client
        .get(server.url(&format!("/api/v1/practices/{PRACTICE}/staff")))
        .send()
        .await
        .expect("GET staff")
        .error_for_status()
        .expect("staff listed")
        .json()
        .await
        .expect("staff JSON");
    let helper = staff
        .as_array()
        .expect("staff is an array")
        .iter()
        .find(|s| s["active"] == json!(true))
        .and_then(|s| s["id"].as_str())
        .expect("the demo practice has an active staff member")
        .to_owned();
    let services: serde_json::Value = client
        .get(server.url(&format!("/api/v1/practices/{PRACTICE}/services")))
        .send()
        .await
        .expect("GET services")
        .error_for_status()
        .expect("services listed")
        .json()
        .await
        .expect("services JSON");
    let enabled: Vec<&str> = services
        .as_array()
        .expect("services is an array")
        .iter()
        .filter(|s| s["enabled"] == json!(true))
        .filter_map(|s| s["code"].as_str())
        .collect();
    let service = if enabled.contains(&"nhs_login") { "nhs_login" } else { enabled[0] };
    (helper, service.to_owned())
}

#[derive(Default)]
pub struct Outcomes {
    /// Every episode whose POST was answered 201 with a complete record.
    pub acknowledged: Mutex<Vec<EpisodeRecord>>,
    pub acknowledged_count: AtomicUsize,
    /// Posts cut short by the kill: sent, but no complete answer. Either outcome is correct for them.
    pub in_doubt: Mutex<Vec<String>>,
    /// Anything that went wrong before the kill: these fail the test.
    pub failures: Mutex<Vec<String>>,
}

pub async fn post_until_killed(
    client: reqwest::Client,
    url: String,
    index: usize,
    body: serde_json::Value,
    killing: Arc<AtomicBool>,
    outcomes: Arc<Outcomes>,
) {
    for post in 1.. {
        if killing.load(Ordering::SeqCst) {
            return;
        }
        let note = note(index, post);
        let mut body = body.clone();
        body["note"] = json!(note);
        let result = client.post(&url).json(&body).send().await;
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                if killing.load(Ordering::SeqCst) {
                    outcomes.in_doubt.lock().expect("in-doubt lock").push(note);
                } else {
                    outcomes.failures.lock().expect("failures lock").push(format!("{note}: {error}"));
                }
                return;
            }
        };
        let status = response.status();
        if status == reqwest::StatusCode::CREATED {
            match response.json::<EpisodeRecord>().await {
                Ok(record) => {
                    if record.episode.note.as_deref() != Some(note.as_str()) {
                        outcomes
                            .failures
                            .lock()
                            .expect("failures lock")
                            .push(format!("{note}: the 201 answer holds note {:?}", record.episode.note));
                    }
                    outcomes.acknowledged.lock().expect("acknowledged lock").push(record);
                    outcomes.acknowledged_count.fetch_add(1, Ordering::SeqCst);
                }
                Err(error) if killing.load(Ordering::SeqCst) => {
                    outcomes
                        .in_doubt
                        .lock()
                        .expect("in-doubt lock")
                        .push(format!("{note} (201 cut: {error})"));
                    return;
                }
                Err(error) => {
                    outcomes
                        .failures
                        .lock()
                        .expect("failures lock")
                        .push(format!("{note}: bad 201 body: {error}"));
                    return;
                }
            }
        } else {
            let text = response.text().await.unwrap_or_default();
            outcomes.failures.lock().expect("failures lock").push(format!("{note}: {status} {text}"));
            return;
        }
    }
}
