//! The offer register and an offer's effect as JSON, on SQLite and PostgreSQL: create, read, change and
//! end; a patient's details refused by field; roles (staff read, leads write, analysts neither); other
//! practices' offers not found; and the effect endpoint's difference in differences recomputed naively.

use super::seed;
use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use serde_json::json;

both_backends!(
    offers_are_registered_changed_and_ended,
    roles_and_the_practice_boundary_hold,
    the_effect_endpoint_gives_the_estimates_and_cannot_say,
    the_effect_endpoint_asks_the_same_of_video_and_online_appointments,
    the_effect_endpoint_gives_the_icbs_nhs_app_figures_as_context,
);

async fn offers_are_registered_changed_and_ended(app: TestApp) {
    let lead = app.api_as(Role::PracticeLead).await;
    let list = format!("{}/api/v1/practices/{PRACTICE}/offers", app.base);
    let refused = lead
        .post(&list)
        .json(&json!({ "kind": "leaflet", "title": "For 943 476 5919", "started_on": "2026-01-05", "run_by_name": "Reception" }))
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), 422);
    let body = json_of(refused).await;
    let fields = body["error"]["fields"].as_array().expect("fields");
    assert!(
        fields.iter().any(|f| f["field"] == "title"
            && f["message"].as_str().is_some_and(|m| m.contains("looks like an NHS number"))),
        "{body}"
    );
    let unknown =
        lead.post(&list).json(&json!({ "kind": "leaflet", "colour": "red" })).send().await.expect("send");
    assert_eq!(unknown.status(), 422, "unknown fields are refused");

    let created = lead
        .post(&list)
        .json(&json!({
            "kind": "digital_champion",
            "title": "Digital champion",
            "started_on": "2026-02-02",
            "run_by_staff": app.staff[1].id,
            "groups": ["low_confidence", "carers"]
        }))
        .send()
        .await
        .expect("send");
    assert_eq!(created.status(), 201);
    let offer = json_of(created).await;
    assert_eq!(offer["run_by"], json!({ "kind": "staff", "value": app.staff[1].id }));
    assert_eq!(offer["groups"], json!(["carers", "low_confidence"]), "in the vocabulary's order");
    let id = offer["id"].as_str().expect("id").to_owned();
    let listed = json_of(lead.get(&list).send().await.expect("send")).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    let one = format!("{}/api/v1/offers/{id}", app.base);
    let changed = lead
        .put(&one)
        .json(&json!({ "kind": "community_referral", "title": "Library referrals", "started_on": "2026-02-02", "run_by_name": "Central Library" }))
        .send()
        .await
        .expect("send");
    assert_eq!(changed.status(), 200);
    let read = json_of(lead.get(&one).send().await.expect("send")).await;
    assert_eq!(
        (read["kind"].as_str(), read["title"].as_str()),
        (Some("community_referral"), Some("Library referrals"))
    );
    assert_eq!(read["run_by"], json!({ "kind": "named", "value": "Central Library" }));

    let end = format!("{one}/end");
    let early = lead.post(&end).json(&json!({ "ended_on": "2026-01-01" })).send().await.expect("send");
    assert_eq!(early.status(), 422);
    let ended = lead.post(&end).json(&json!({ "ended_on": "2026-06-30" })).send().await.expect("send");
    assert_eq!(ended.status(), 200);
    assert_eq!(json_of(ended).await["ended_on"], "2026-06-30");
    let again = lead.post(&end).json(&json!({ "ended_on": "2026-07-31" })).send().await.expect("send");
    assert_eq!(again.status(), 409, "an ended offer is not ended twice");
    for action in ["offer.create", "offer.edit", "offer.end"] {
        let filter = lantern_store::AuditFilter { action: Some(action.into()), ..Default::default() };
        let records = app.store.audit_records(&filter, 5).await.expect("audit");
        assert_eq!(records.len(), 1, "{action} is audited");
        assert_eq!(records[0].actor.username, "practice_lead");
    }
}

async fn roles_and_the_practice_boundary_hold(app: TestApp) {
    let other = OdsCode::parse("B82002").expect("valid");
    let practice = Practice {
        ods_code: other.clone(),
        name: "Hill Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 3_000,
    };
    app.store.upsert_practice(&practice, false, &crate::common::actor()).await.expect("practice");
    let draft = lantern_core::offer::OfferDraft {
        kind: "poster".into(),
        title: "Posters".into(),
        started_on: "2026-01-05".into(),
        run_by_name: Some("Reception".into()),
        ..Default::default()
    };
    let theirs = app.store.create_offer(&other, &draft, &crate::common::actor()).await.expect("offer");
    let ours = app
        .store
        .create_offer(&OdsCode::parse(PRACTICE).expect("ods"), &draft, &crate::common::actor())
        .await
        .expect("offer");
    let body = json!({ "kind": "poster", "title": "Mine", "started_on": "2026-01-05", "run_by_name": "Me" });

    let staff = app.api_as(Role::Staff).await;
    let list = format!("{}/api/v1/practices/{PRACTICE}/offers", app.base);
    assert_eq!(staff.get(&list).send().await.expect("send").status(), 200, "staff read the register");
    assert_eq!(
        staff.get(format!("{}/api/v1/offers/{}", app.base, ours.id)).send().await.expect("send").status(),
        200
    );
    assert_eq!(staff.post(&list).json(&body).send().await.expect("send").status(), 403);
    assert_eq!(
        staff
            .put(format!("{}/api/v1/offers/{}", app.base, ours.id))
            .json(&body)
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
    assert_eq!(
        staff
            .get(format!("{}/api/v1/offers/{}/effect", app.base, ours.id))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
    let analyst = app.api_as(Role::Analyst).await;
    assert_eq!(analyst.get(&list).send().await.expect("send").status(), 403);

    let lead = app.api_as(Role::PracticeLead).await;
    for path in [
        format!("/api/v1/offers/{}", theirs.id),
        format!("/api/v1/offers/{}/effect", theirs.id),
        "/api/v1/practices/B82002/offers".to_owned(),
        "/api/v1/offers/not-an-id".to_owned(),
    ] {
        assert_eq!(
            lead.get(format!("{}{path}", app.base)).send().await.expect("send").status(),
            404,
            "{path}"
        );
    }
    let put =
        lead.put(format!("{}/api/v1/offers/{}", app.base, theirs.id)).json(&body).send().await.expect("send");
    assert_eq!(put.status(), 404);
    let post = lead
        .post(format!("{}/api/v1/practices/B82002/offers", app.base))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(post.status(), 404);
    let end = lead
        .post(format!("{}/api/v1/offers/{}/end", app.base, theirs.id))
        .json(&json!({ "ended_on": "2026-02-01" }))
        .send()
        .await
        .expect("send");
    assert_eq!(end.status(), 404);
    assert_eq!(app.store.offer(theirs.id).await.expect("offer"), theirs, "untouched");
}

async fn the_effect_endpoint_gives_the_estimates_and_cannot_say(app: TestApp) {
    let (offer, early) = seed::planted(&app).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let report = json_of(
        lead.get(format!("{}/api/v1/offers/{}/effect", app.base, offer.id)).send().await.expect("send"),
    )
    .await;
    assert_eq!(report["synthetic"], serde_json::Value::Null);
    let peers: Vec<&str> =
        report["peers"].as_array().expect("peers").iter().filter_map(|p| p.as_str()).collect();
    assert_eq!(peers.len(), 8, "the other practices of the ICB: {peers:?}");
    assert!(!peers.contains(&"B82001"));
    let did = &report["effect"]["difference_in_differences"];
    assert_eq!(did["outcome"], "estimate", "{did}");
    let naive = seed::naive_difference_in_differences();
    assert!((did["change"].as_f64().expect("change") - naive).abs() < 1e-9, "{did} vs {naive}");
    let (low, high) =
        (did["interval"]["low"].as_f64().expect("low"), did["interval"]["high"].as_f64().expect("high"));
    assert!(0.0 < low && low < seed::STEP && seed::STEP < high, "{low}..{high}");
    assert_eq!(report["staff_minutes"], seed::MINUTES, "the hour after the data ends is left out");
    assert_eq!(report["cost"]["outcome"], "per_extra_user", "{}", report["cost"]);
    // The trend the page draws: one row a month over the window, the practice's own rate in each.
    let trend = report["trend"].as_array().expect("trend");
    assert_eq!(trend.len(), seed::months().len());
    assert_eq!(trend[24]["month"], "2026-04");
    assert!((trend[24]["practice"].as_f64().expect("rate") - seed::rate(0, 24, "2026-04")).abs() < 1e-9);
    assert_eq!(trend[24]["peers"], 8);
    assert!(report["appointments"].is_null(), "no appointment figures are held");

    let report = json_of(
        lead.get(format!("{}/api/v1/offers/{}/effect", app.base, early.id)).send().await.expect("send"),
    )
    .await;
    let did = &report["effect"]["difference_in_differences"];
    assert_eq!(did["outcome"], "cannot_say");
    assert_eq!(did["reasons"][0]["reason"], "too_few_months_before", "{did}");
    assert_eq!(report["cost"]["reason"]["reason"], "no_estimate", "{}", report["cost"]);
}

async fn the_effect_endpoint_asks_the_same_of_video_and_online_appointments(app: TestApp) {
    let (offer, _) = seed::planted(&app).await;
    seed::appointment_months(&app).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let report = json_of(
        lead.get(format!("{}/api/v1/offers/{}/effect", app.base, offer.id)).send().await.expect("send"),
    )
    .await;
    let appointments = &report["appointments"];
    assert_eq!(appointments["measure"], "appointments booked as video or online, % of all appointments");
    let did = &appointments["effect"]["difference_in_differences"];
    assert_eq!(did["outcome"], "estimate", "{did}");
    assert_eq!(appointments["effect"]["peers_used"], 8, "the peers the online consultation measure matched");
    let naive = seed::naive_appointment_difference_in_differences();
    assert!((did["change"].as_f64().expect("change") - naive).abs() < 1e-9, "{did} vs {naive}");
    let (low, high) =
        (did["interval"]["low"].as_f64().expect("low"), did["interval"]["high"].as_f64().expect("high"));
    assert!(
        0.0 < low && low < seed::APPOINTMENT_STEP && seed::APPOINTMENT_STEP < high,
        "the planted step lies in the interval: {low}..{high}"
    );
    let trend = appointments["trend"].as_array().expect("trend");
    assert_eq!(trend.len(), seed::months().len(), "no method change cuts this window");
    let share = trend[24]["practice"].as_f64().expect("share");
    assert!((share - seed::appointment_share(0, 24, "2026-04")).abs() < 1e-9, "{share}");
    // The online consultation estimate is unchanged by the second measure.
    let oc = report["effect"]["difference_in_differences"]["change"].as_f64().expect("change");
    assert!((oc - seed::naive_difference_in_differences()).abs() < 1e-9);
}

async fn the_effect_endpoint_gives_the_icbs_nhs_app_figures_as_context(app: TestApp) {
    let (offer, _) = seed::planted(&app).await;
    let lead = app.api_as(Role::PracticeLead).await;
    let url = format!("{}/api/v1/offers/{}/effect", app.base, offer.id);
    let before = json_of(lead.get(&url).send().await.expect("send")).await;
    assert!(before["nhs_app"].is_null(), "none held: {}", before["nhs_app"]);
    seed::nhs_app_months(&app).await;
    let report = json_of(lead.get(&url).send().await.expect("send")).await;
    let context = &report["nhs_app"];
    assert_eq!(context["label"], "ICB-level context (NHS App figures are published for ICBs, not practices)");
    assert_eq!(context["icb"], "QHM", "the practice map's ICB for the practice");
    let months = context["months"].as_array().expect("months");
    assert_eq!(months.len(), 12);
    assert_eq!(
        (months[0]["period"].as_str(), months[0]["from_start"].as_bool()),
        (Some("2025-10"), Some(false))
    );
    assert_eq!(
        (months[6]["period"].as_str(), months[6]["from_start"].as_bool()),
        (Some("2026-04"), Some(true))
    );
    let (logins, users) = seed::nhs_app_figures("QHM", 6);
    assert_eq!(
        (months[6]["logins"].as_i64(), months[6]["unique_user_logins"].as_i64()),
        (Some(logins), Some(users))
    );
    // The estimate is the practice's own, unchanged by the ICB's context.
    let change = report["effect"]["difference_in_differences"]["change"].as_f64().expect("change");
    let earlier = before["effect"]["difference_in_differences"]["change"].as_f64().expect("change");
    assert_eq!(change, earlier);
}
