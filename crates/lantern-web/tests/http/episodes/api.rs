//! The episode API over real HTTP, against SQLite and PostgreSQL.

use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use serde_json::{json, Value};

both_backends!(
    create_read_edit_delete_and_history,
    list_filters_and_paginates,
    validation_reports_every_field,
    identity_in_a_note_is_refused_and_nothing_stored,
    status_codes_follow_the_contract,
    reference_data_is_served,
    a_practice_is_set_up_over_the_api,
    a_settings_change_is_seen_by_the_next_post,
);

async fn create_read_edit_delete_and_history(app: TestApp) {
    let created = app.post_episode(&app.episode_json()).await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().expect("ascii").to_owned();
    let record = json_of(created).await;
    let id = record["id"].as_str().expect("id").to_owned();
    assert_eq!(location, format!("/api/v1/episodes/{id}"));
    assert_eq!(record["version"], 1);
    assert_eq!(record["duration_minutes"], 7);

    let read = json_of(app.get(&location).await).await;
    assert_eq!(read, record);

    let mut edit = app.episode_json();
    edit["duration_minutes"] = json!(12);
    edit["outcome"] = json!("escalated");
    edit["escalated_to"] = json!(app.staff[1].id);
    let edited = app.put_episode(&id, Some(1), &edit).await;
    assert_eq!(edited.status(), 200);
    let edited = json_of(edited).await;
    assert_eq!((edited["version"].as_i64(), edited["duration_minutes"].as_i64()), (Some(2), Some(12)));

    let stale = app.put_episode(&id, Some(1), &edit).await;
    assert_eq!(stale.status(), 409);
    assert_eq!(json_of(stale).await["error"]["code"], "conflict");

    let deleted = app.delete_episode(&id, "Logged at the wrong practice").await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(json_of(deleted).await["deleted"]["reason"], "Logged at the wrong practice");
    assert_eq!(app.delete_episode(&id, "again").await.status(), 409);

    let history: Value = json_of(app.get(&format!("{location}/history")).await).await;
    let versions: Vec<i64> =
        history.as_array().expect("array").iter().map(|v| v["version"].as_i64().expect("n")).collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(history[0]["duration_minutes"], 7);
    assert_eq!(history[1]["duration_minutes"], 12);
    let listed = json_of(app.get("/api/v1/episodes").await).await;
    assert_eq!(listed["total"], 0, "deleted episodes are not listed");
    let with_deleted = json_of(app.get("/api/v1/episodes?include_deleted=true").await).await;
    assert_eq!(with_deleted["total"], 1);
}

async fn list_filters_and_paginate_setup(app: &TestApp) {
    for (day, service, outcome) in
        [(2, "nhs_login", "resolved"), (3, "nhs_app", "resolved"), (4, "nhs_app", "not_resolved")]
    {
        let mut body = app.episode_json();
        body["occurred_at"] = json!(format!("2026-03-0{day}T10:00:00Z"));
        body["services"] = json!([service]);
        body["outcome"] = json!(outcome);
        if day == 4 {
            body["helpers"] = json!([app.staff[1].id]);
        }
        assert_eq!(app.post_episode(&body).await.status(), 201);
    }
}

async fn list_filters_and_paginates(app: TestApp) {
    list_filters_and_paginate_setup(&app).await;
    let total = |v: Value| v["total"].as_i64().expect("total");
    assert_eq!(total(json_of(app.get(&format!("/api/v1/episodes?practice={PRACTICE}")).await).await), 3);
    assert_eq!(total(json_of(app.get("/api/v1/episodes?service=nhs_app").await).await), 2);
    assert_eq!(total(json_of(app.get("/api/v1/episodes?outcome=not_resolved").await).await), 1);
    assert_eq!(
        total(json_of(app.get(&format!("/api/v1/episodes?helper={}", app.staff[1].id)).await).await),
        1
    );
    assert_eq!(total(json_of(app.get("/api/v1/episodes?from=2026-03-03&to=2026-03-04").await).await), 1);
    let page = json_of(app.get("/api/v1/episodes?limit=2&offset=2").await).await;
    assert_eq!((page["total"].as_i64(), page["episodes"].as_array().map(Vec::len)), (Some(3), Some(1)));
    assert_eq!(
        page["episodes"][0]["occurred_at"], "2026-03-02T10:00:00Z",
        "newest first, so the last page is the oldest"
    );
    assert_eq!(app.get("/api/v1/episodes?from=last-tuesday").await.status(), 400);
    assert_eq!(app.get("/api/v1/episodes?colour=blue").await.status(), 400);
}

async fn validation_reports_every_field(app: TestApp) {
    let body = json!({
        "practice": PRACTICE,
        "helpers": [],
        "duration_minutes": 500,
        "channel": "carrier pigeon",
        "services": [],
        "tasks": ["juggling"],
        "approach": "",
        "outcome": "escalated",
    });
    let response = app.post_episode(&body).await;
    assert_eq!(response.status(), 422);
    let error = json_of(response).await["error"].clone();
    assert_eq!(error["code"], "validation_failed");
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        ["helpers", "duration_minutes", "channel", "services", "tasks", "approach", "escalated_to"]
    );
    let unknown_practice = json!({ "practice": "Z12345" });
    let error = json_of(app.post_episode(&unknown_practice).await).await;
    assert_eq!(error["error"]["fields"][0]["field"], "practice");
}

async fn identity_in_a_note_is_refused_and_nothing_stored(app: TestApp) {
    let mut body = app.episode_json();
    body["note"] = json!("NHS 943 476 5919 could not log in");
    let response = app.post_episode(&body).await;
    assert_eq!(response.status(), 422);
    let error = json_of(response).await;
    assert_eq!(error["error"]["fields"][0]["field"], "note");
    assert!(
        error["error"]["fields"][0]["message"].as_str().expect("message").contains("NHS number"),
        "{error}"
    );
    for note in [
        "Call back on 07700 900123",
        "email them at someone@example.com",
        "lives near SW1A 1AA",
        "DOB 12/03/1950",
    ] {
        body["note"] = json!(note);
        assert_eq!(app.post_episode(&body).await.status(), 422, "{note}");
    }
    assert_eq!(json_of(app.get("/api/v1/episodes").await).await["total"], 0, "nothing stored");
    body["note"] = json!("943 476 5918 took 10 minutes on version 2.3.1 at ODS A81001");
    assert_eq!(app.post_episode(&body).await.status(), 201, "a failed check digit is not an NHS number");
}

async fn status_codes_follow_the_contract(app: TestApp) {
    let url = format!("{}/api/v1/episodes", app.base);
    let malformed = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(malformed.status(), 400);
    assert_eq!(json_of(malformed).await["error"]["code"], "bad_request");
    let wrong_type =
        app.client.post(&url).json(&json!({ "duration_minutes": "ten" })).send().await.expect("send");
    assert_eq!(wrong_type.status(), 422);
    assert_eq!(json_of(wrong_type).await["error"]["fields"][0]["field"], "duration_minutes");
    let too_big = json!({ "note": "x".repeat(lantern_web::MAX_BODY_BYTES + 1) });
    let response = app.client.post(&url).json(&too_big).send().await.expect("send");
    assert_eq!(response.status(), 413);
    assert_eq!(json_of(response).await["error"]["code"], "payload_too_large");
    let not_json = app.client.post(&url).body("{}").send().await.expect("send");
    assert_eq!(not_json.status(), 415);
    for path in [
        "/api/v1/episodes/not-a-uuid",
        "/api/v1/episodes/0190b3a0-0000-7000-8000-000000000000",
        "/api/v1/nope",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(json_of(response).await["error"]["code"], "not_found");
    }
}

async fn reference_data_is_served(app: TestApp) {
    let services = json_of(app.get(&format!("/api/v1/practices/{PRACTICE}/services")).await).await;
    assert_eq!(services[0]["code"], "nhs_app");
    let staff = json_of(app.get(&format!("/api/v1/practices/{PRACTICE}/staff")).await).await;
    assert_eq!(staff.as_array().map(Vec::len), Some(2));
    for (name, first) in [
        ("tasks", "create_account"),
        ("barriers", "no_device"),
        ("channels", "desk"),
        ("outcomes", "resolved"),
        ("age-bands", "0-15"),
    ] {
        let terms = json_of(app.get(&format!("/api/v1/vocabularies/{name}")).await).await;
        assert_eq!(terms[0]["code"], first, "{name}");
    }
    assert_eq!(app.get("/api/v1/practices/Z99999/staff").await.status(), 404);
    assert_eq!(json_of(app.get("/api/v1/health").await).await["status"], "ok");
}

async fn a_practice_is_set_up_over_the_api(app: TestApp) {
    let practice = json!({ "name": "Hill Surgery", "pcn": "U00001", "icb": "qhm", "list_size": 12_345 });
    let response = app
        .client
        .put(format!("{}/api/v1/practices/B82002", app.base))
        .json(&practice)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["icb"], "QHM");
    let bad = json!({ "name": "", "pcn": "U 1", "list_size": -1 });
    let response = app
        .client
        .put(format!("{}/api/v1/practices/B82002", app.base))
        .json(&bad)
        .send()
        .await
        .expect("send");
    let error = json_of(response).await;
    let fields: Vec<&str> = error["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("f"))
        .collect();
    assert_eq!(fields, ["pcn", "name", "list_size"]);

    let services = format!("{}/api/v1/practices/B82002/services", app.base);
    let added = app
        .client
        .post(&services)
        .json(&json!({ "label": "Accurx Patient Triage" }))
        .send()
        .await
        .expect("send");
    assert_eq!(added.status(), 201);
    assert_eq!(json_of(added).await["code"], "accurx_patient_triage");
    let switched = app
        .client
        .put(format!("{services}/sms_links"))
        .json(&json!({ "enabled": false }))
        .send()
        .await
        .expect("send");
    let list = json_of(switched).await;
    let sms = list.as_array().expect("list").iter().find(|s| s["code"] == "sms_links").expect("sms").clone();
    assert_eq!(sms["enabled"], false);

    let staff_url = format!("{}/api/v1/practices/B82002/staff", app.base);
    let member = app
        .client
        .post(&staff_url)
        .json(&json!({ "display_name": "Dee", "role": "digital_champion" }))
        .send()
        .await
        .expect("send");
    assert_eq!(member.status(), 201);
    let id = json_of(member).await["id"].as_str().expect("id").to_owned();
    let bad_role = app
        .client
        .post(&staff_url)
        .json(&json!({ "display_name": "Eve", "role": "wizard" }))
        .send()
        .await
        .expect("send");
    assert_eq!(bad_role.status(), 422);

    let mut body = app.episode_json();
    body["practice"] = json!("B82002");
    body["helpers"] = json!([id]);
    body["services"] = json!(["accurx_patient_triage"]);
    assert_eq!(app.post_episode(&body).await.status(), 201, "the new service and staff member can be logged");
    body["services"] = json!(["sms_links"]);
    assert_eq!(app.post_episode(&body).await.status(), 422, "a disabled service cannot");
    body["services"] = json!(["accurx_patient_triage"]);
    let left = app
        .client
        .put(format!("{staff_url}/{id}"))
        .json(&json!({ "active": false }))
        .send()
        .await
        .expect("send");
    assert_eq!(left.status(), 200);
    assert_eq!(app.post_episode(&body).await.status(), 422, "a leaver cannot be chosen");
    let listed = json_of(app.get("/api/v1/episodes?practice=B82002").await).await;
    let logged_by_leaver = listed["episodes"][0]["id"].as_str().expect("id").to_owned();
    body["duration_minutes"] = json!(9);
    let corrected = app.put_episode(&logged_by_leaver, Some(1), &body).await;
    assert_eq!(corrected.status(), 200, "help the leaver gave can still be corrected");
    assert_eq!(
        app.post_episode(&{
            let mut b = body.clone();
            b["helpers"] = json!([app.staff[0].id]);
            b
        })
        .await
        .status(),
        422,
        "another practice's staff cannot help here"
    );
}

/// Validation reads the practice's services and staff from memory; every change made through the
/// settings API must reach the very next POST, for a token that has posted (and so filled the cache)
/// before the change.
async fn a_settings_change_is_seen_by_the_next_post(app: TestApp) {
    let staff = app.api_as(Role::Staff).await;
    let post = |body: Value| {
        let request = staff.post(format!("{}/api/v1/episodes", app.base)).json(&body);
        async move { request.send().await.expect("send").status().as_u16() }
    };
    let set = |path: String, body: Value| {
        let request = app.client.put(format!("{}/api/v1/practices/{PRACTICE}/{path}", app.base)).json(&body);
        async move { request.send().await.expect("send").status().as_u16() }
    };
    assert_eq!(post(app.episode_json()).await, 201);
    assert_eq!(set("services/nhs_login".into(), json!({ "enabled": false })).await, 200);
    assert_eq!(post(app.episode_json()).await, 422, "a service just switched off");
    assert_eq!(set("services/nhs_login".into(), json!({ "enabled": true })).await, 200);
    assert_eq!(post(app.episode_json()).await, 201, "the service switched on again");

    let added = app
        .client
        .post(format!("{}/api/v1/practices/{PRACTICE}/staff", app.base))
        .json(&json!({ "display_name": "Cara", "role": "receptionist" }))
        .send()
        .await
        .expect("send");
    assert_eq!(added.status(), 201);
    let cara = json_of(added).await["id"].as_str().expect("id").to_owned();
    let mut by_cara = app.episode_json();
    by_cara["helpers"] = json!([cara]);
    assert_eq!(post(by_cara.clone()).await, 201, "a staff member just added");
    assert_eq!(set(format!("staff/{cara}"), json!({ "active": false })).await, 200);
    assert_eq!(post(by_cara).await, 422, "a staff member who just left");

    let added = app
        .client
        .post(format!("{}/api/v1/practices/{PRACTICE}/services", app.base))
        .json(&json!({ "label": "Patchs" }))
        .send()
        .await
        .expect("send");
    assert_eq!(added.status(), 201);
    let mut patchs = app.episode_json();
    patchs["services"] = json!(["patchs"]);
    assert_eq!(post(patchs).await, 201, "a service just added");
}
