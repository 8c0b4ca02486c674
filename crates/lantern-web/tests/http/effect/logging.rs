//! Help logged as part of a support offer, over real HTTP on SQLite and PostgreSQL: the log form offers
//! the practice's running offers (and shows nothing extra when none runs); help logged through the form
//! and the API with an offer appears in the effect page's staff minutes for it, recomputed here from
//! what was posted, and an edit that takes the offer off takes its minutes away while the history keeps
//! both versions; another practice's offer, and one that had ended before the help, are refused with a
//! 422 naming the field, summarised and inline on the form, and nothing is stored.

use crate::common::{actor, between, enc, json_of, location, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_core::ods::OdsCode;
use lantern_core::offer::{Offer, OfferDraft};
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use serde_json::{json, Value};

both_backends!(
    the_log_form_lists_running_offers_only_when_there_are_some,
    help_logged_for_an_offer_counts_in_its_minutes,
    other_practices_offers_and_ended_offers_are_refused,
);

async fn offer(app: &TestApp, code: &str, title: &str, started_on: &str) -> Offer {
    let draft = OfferDraft {
        kind: "drop_in_session".into(),
        title: title.into(),
        started_on: started_on.into(),
        run_by_name: Some("Reception team".into()),
        ..OfferDraft::default()
    };
    app.store.create_offer(&OdsCode::parse(code).expect("ods"), &draft, &actor()).await.expect("offer")
}

/// The log form for `minutes` of help by the staff user's own staff member, with `extra` fields.
fn form(app: &TestApp, minutes: &str, extra: &str) -> String {
    format!(
        "practice={PRACTICE}&helpers={}&services=nhs_app&tasks=install_app&{minutes}&channel=group&approach=with&outcome=resolved{extra}",
        app.staff[0].id
    )
}

/// The message a 422 gives for `offer_id`.
fn offer_error(body: &Value) -> String {
    let fields = body["error"]["fields"].as_array().expect("fields");
    let field = fields.iter().find(|f| f["field"] == "offer_id");
    let field = field.unwrap_or_else(|| panic!("offer_id named: {body}"));
    field["message"].as_str().expect("message").to_owned()
}

/// The staff minutes the effect page shows for `offer`.
async fn effect_minutes(app: &TestApp, offer: &Offer) -> String {
    let lead = app.browser_as(Role::PracticeLead).await;
    let page = lead.get_html(&format!("/effect?offer={}", offer.id)).await;
    between(&page, "id=\"cost-figures\"", "</dl>").expect("the cost figures").to_owned()
}

async fn the_log_form_lists_running_offers_only_when_there_are_some(app: TestApp) {
    let staff = app.browser_as(Role::Staff).await;
    let log = format!("/log?practice={PRACTICE}");
    assert!(!staff.get_html(&log).await.contains("id=\"offer_id\""), "no offers, nothing extra to read");
    let later = offer(&app, PRACTICE, "Library sessions", "2099-01-01").await;
    let page = staff.get_html(&log).await;
    assert!(!page.contains("id=\"offer_id\""), "an offer not yet started is not offered: {}", later.id);

    let running = offer(&app, PRACTICE, "NHS App drop-in", "2026-01-05").await;
    let page = staff.get_html(&log).await;
    let select =
        between(&page, "<label class=\"nhsuk-label\" for=\"offer_id\">", "</select>").expect("the select");
    assert!(select.starts_with("Part of a support offer (optional)</label>"), "{select}");
    assert!(select.contains("id=\"offer_id-hint\"") && select.contains("aria-describedby=\"offer_id-hint\""));
    let none = select.find("<option value=\"\" selected>None</option>").expect("None, chosen");
    let drop_in = select
        .find(&format!("<option value=\"{}\">NHS App drop-in (Drop-in sessions)</option>", running.id))
        .expect("the running offer, with its kind");
    assert!(none < drop_in, "None comes first");
    assert!(!select.contains(&later.id.to_string()), "{select}");
}

async fn help_logged_for_an_offer_counts_in_its_minutes(app: TestApp) {
    let drop_in = offer(&app, PRACTICE, "NHS App drop-in", "2026-01-05").await;
    let staff = app.browser_as(Role::Staff).await;
    let named = format!("&offer_id={}", drop_in.id);
    // (minutes, part of the offer): three through the form, two through the API.
    let mut posted: Vec<(i64, bool)> = Vec::new();
    for (minutes, field, extra) in [
        (5_i64, "duration_minutes=5", named.as_str()),
        (12, "duration_other=12", ""),
        (20, "duration_other=20", named.as_str()),
    ] {
        let logged = staff.submit("/log", "/log", &form(&app, field, extra)).await;
        assert_eq!(logged.status(), 303, "logged through the form");
        let confirmed = staff.get_html(&location(&logged)).await;
        let said = between(&confirmed, "id=\"logged\"", "</p>").expect("the confirmation");
        assert_eq!(said.contains("Part of NHS App drop-in."), !extra.is_empty(), "{said}");
        posted.push((minutes, !extra.is_empty()));
    }
    let mut with_offer = app.episode_json();
    with_offer["offer_id"] = json!(drop_in.id);
    let created = app.post_episode(&with_offer).await;
    assert_eq!(created.status(), 201);
    let record = json_of(created).await;
    assert_eq!(record["offer_id"], json!(drop_in.id), "the episode says which offer it was part of");
    posted.push((7, true));
    assert_eq!(app.post_episode(&app.episode_json()).await.status(), 201);
    posted.push((7, false));

    // Every episode has the one helper, so the staff minutes are the episodes' minutes.
    let expected: i64 = posted.iter().filter(|(_, named)| *named).map(|(minutes, _)| minutes).sum();
    assert!(effect_minutes(&app, &drop_in).await.contains(&format!("{expected} minutes")));
    let lead = app.api_as(Role::PracticeLead).await;
    let effect =
        lead.get(format!("{}/api/v1/offers/{}/effect", app.base, drop_in.id)).send().await.expect("send");
    assert_eq!(json_of(effect).await["staff_minutes"], expected);

    // The 20 minutes were not part of the drop-in after all: corrected on the edit page, where the
    // offer shows chosen; the history keeps both versions and the minutes drop.
    let listed = json_of(app.get("/api/v1/episodes?limit=10").await).await;
    let episode = listed["episodes"]
        .as_array()
        .expect("episodes")
        .iter()
        .find(|e| e["duration_minutes"] == 20)
        .expect("the 20 minutes")
        .clone();
    let id = episode["id"].as_str().expect("id");
    assert_eq!(episode["offer_id"], json!(drop_in.id));
    let edit = format!("/episodes/{id}/edit");
    assert!(staff.get_html(&edit).await.contains(&format!("<option value=\"{}\" selected>", drop_in.id)));
    let saved = staff
        .submit(&edit, &edit, &format!("{}&version=1&offer_id=", form(&app, "duration_other=20", "")))
        .await;
    assert_eq!(saved.status(), 303);
    let history = json_of(app.get(&format!("/api/v1/episodes/{id}/history")).await).await;
    assert_eq!(history[0]["offer_id"], json!(drop_in.id));
    assert_eq!(history[1]["offer_id"], json!(null));
    let corrected = expected - 20;
    assert!(effect_minutes(&app, &drop_in).await.contains(&format!("{corrected} minutes")));
}

async fn other_practices_offers_and_ended_offers_are_refused(app: TestApp) {
    let hill = OdsCode::parse("B82002").expect("ods");
    let practice =
        Practice { ods_code: hill.clone(), name: "Hill".into(), pcn: None, icb: None, list_size: 5_000 };
    app.store.upsert_practice(&practice, false, &actor()).await.expect("practice");
    app.store
        .add_staff(&StaffMember::new(hill, "Dev", "receptionist").expect("valid"), &actor())
        .await
        .expect("staff");
    let theirs = offer(&app, "B82002", "Hill drop-in", "2026-01-05").await;
    let posters = offer(&app, PRACTICE, "Waiting-room posters", "2026-01-05").await;
    let code = OdsCode::parse(PRACTICE).expect("ods");
    app.store.end_offer(&code, posters.id, "2026-02-01".parse().expect("date"), &actor()).await.expect("end");

    let mut body = app.episode_json();
    body["offer_id"] = json!(theirs.id);
    let response = app.post_episode(&body).await;
    assert_eq!(response.status(), 422);
    let message = offer_error(&json_of(response).await);
    assert_eq!(message, format!("No support offer {} at practice {PRACTICE}", theirs.id));
    assert!(!message.contains("Hill drop-in"), "another practice's offer is not described");

    // The help on 2 March 2026 came after the posters came down on 1 February.
    body["offer_id"] = json!(posters.id);
    let response = app.post_episode(&body).await;
    assert_eq!(response.status(), 422);
    let message = offer_error(&json_of(response).await);
    assert!(
        message.contains("Waiting-room posters")
            && message.contains("ran from 5 January 2026 to 1 February 2026"),
        "{message}"
    );
    assert!(message.contains("2 March 2026"), "{message}");

    // An edit naming it is refused the same way, and the episode stays as it was.
    let created = json_of(app.post_episode(&app.episode_json()).await).await;
    let id = created["id"].as_str().expect("id");
    let response = app.put_episode(id, Some(1), &body).await;
    assert_eq!(response.status(), 422);
    assert!(offer_error(&json_of(response).await).contains("Waiting-room posters"));
    assert_eq!(json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await["version"], 1);

    // The form too: summarised and inline, and the choice comes back as sent.
    let staff = app.browser_as(Role::Staff).await;
    let sent = staff
        .submit(
            "/log",
            "/log",
            &form(&app, "duration_minutes=5", &format!("&offer_id={}", enc(&posters.id.to_string()))),
        )
        .await;
    assert_eq!(sent.status(), 422);
    let page = sent.text().await.expect("html");
    let summary = between(&page, "nhsuk-error-summary__list", "</ul>").expect("an error summary");
    assert!(summary.contains("href=\"#offer_id\"") && summary.contains("Waiting-room posters"), "{summary}");
    assert!(page.contains("id=\"offer_id-error\""), "inline by the select");
    assert!(page.contains("aria-describedby=\"offer_id-hint offer_id-error\""));
    assert!(page.contains(&format!("<option value=\"{}\" selected>", posters.id)), "kept as sent");
    let all = json_of(app.get("/api/v1/episodes?include_deleted=true").await).await;
    assert_eq!(all["total"], 1, "only the episode logged without an offer");
}
