//! The offer register and the effect pages over real HTTP, on SQLite and PostgreSQL: a lead registers,
//! changes and ends an offer through plain forms (field errors summarised and inline, a patient's
//! details refused with the reason); the effect page gives the planted step against peers, recomputed
//! here naively, and "cannot say" with the reason for an offer too early in the data; the demo's
//! synthetic offer shows an estimate labelled synthetic; staff and analysts are kept to their pages,
//! other practices' offers are not found, and the strategy draft cites the offers.

use super::seed;
use crate::common::{between, enc, location, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;

both_backends!(
    a_lead_registers_changes_and_ends_an_offer,
    the_effect_page_shows_the_planted_step_against_peers,
    the_effect_page_asks_the_same_of_video_and_online_appointments,
    the_effect_page_gives_the_icbs_nhs_app_figures_as_context_never_the_practices,
    the_demo_offer_shows_an_estimate_labelled_synthetic,
    others_are_kept_to_their_pages_and_practices,
    analysts_see_offers_across_practices_with_small_numbers_suppressed,
    the_strategy_draft_cites_the_offers_and_their_effect,
);

async fn a_lead_registers_changes_and_ends_an_offer(app: TestApp) {
    let lead = app.browser_as(Role::PracticeLead).await;
    let register = lead.get_html("/offers").await;
    assert!(register.contains("id=\"no-offers\""), "an empty register says so");
    assert!(register.contains("href=\"/offers\" aria-current=\"page\""), "in the lead's menu");

    // Nothing filled in: every problem in the summary, each also by its field.
    let empty = lead.submit("/offers/new", "/offers/new", &format!("practice={PRACTICE}")).await;
    assert_eq!(empty.status(), 422);
    let page = empty.text().await.expect("html");
    let summary = between(&page, "nhsuk-error-summary__list", "</ul>").expect("an error summary");
    for (field, message) in [
        ("kind", "is not a kind of offer"),
        ("title", "Give the offer a name"),
        ("started_on", "Enter the date it started"),
        ("run_by", "Say who runs the offer"),
    ] {
        assert!(
            summary.contains(&format!("href=\"#{field}\"")) && summary.contains(message),
            "{field}: {summary}"
        );
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field} has its inline error");
    }

    // A patient's NHS number in the title and in who runs it is refused, the reason given.
    let identifying = format!(
        "practice={PRACTICE}&kind=drop_in_session&title={}&started_on=2026-04-01&run_by_name={}",
        enc("Help for 943 476 5919"),
        enc("Mrs 943 476 5919")
    );
    let refused = lead.submit("/offers/new", "/offers/new", &identifying).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("html");
    assert!(page.contains("The name looks like an NHS number"), "the title's refusal is explained");
    assert!(page.contains("Who runs it looks like an NHS number"), "the runner's refusal is explained");
    assert!(page.contains("value=\"drop_in_session\" selected"), "the form comes back as sent");
    assert!(app.store.offers(&OdsCode::parse(PRACTICE).expect("ods")).await.expect("offers").is_empty());

    let form = format!(
        "practice={PRACTICE}&kind=drop_in_session&title={}&started_on=2026-04-01&run_by_staff={}&age_bands=75%2B&groups=carers",
        enc("NHS App drop-in"),
        app.staff[1].id
    );
    let created = lead.submit("/offers/new", "/offers/new", &form).await;
    assert_eq!(created.status(), 303);
    assert_eq!(location(&created), format!("/offers?practice={PRACTICE}&done=registered#done"));
    let register = lead.get_html(&location(&created)).await;
    assert!(register.contains("The offer is registered."));
    let offers = app.store.offers(&OdsCode::parse(PRACTICE).expect("ods")).await.expect("offers");
    assert_eq!(offers.len(), 1);
    let id = offers[0].id;
    let row = between(&register, &format!("id=\"offer-{id}\""), "</tr>").expect("its row");
    for cell in [
        "NHS App drop-in",
        "Active",
        "Drop-in sessions",
        "1 April 2026",
        "Still running",
        "Ben",
        "Aged 75 and over; Carers",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }

    let edit = format!("/offers/{id}/edit");
    let form = lead.get_html(&edit).await;
    assert!(
        form.contains("value=\"NHS App drop-in\"") && form.contains("id=\"end\""),
        "filled in, with an end form"
    );
    let changed = format!(
        "practice={PRACTICE}&kind=booked_help&title={}&started_on=2026-04-01&run_by_name={}",
        enc("Booked NHS App help"),
        enc("Central Library")
    );
    let saved = lead.submit(&edit, &edit, &changed).await;
    assert_eq!(saved.status(), 303);
    let register = lead.get_html(&location(&saved)).await;
    let row = between(&register, &format!("id=\"offer-{id}\""), "</tr>").expect("its row");
    assert!(
        row.contains("Booked NHS App help") && row.contains("Central Library") && row.contains("Everyone"),
        "{row}"
    );

    let before_start = lead.submit(&edit, &format!("/offers/{id}/end"), "end_on=2026-03-01").await;
    assert_eq!(before_start.status(), 422);
    assert!(before_start
        .text()
        .await
        .expect("html")
        .contains("The end date must not be before the start date"));
    let ended = lead.submit(&edit, &format!("/offers/{id}/end"), "end_on=2026-09-30").await;
    assert_eq!(ended.status(), 303);
    let register = lead.get_html(&location(&ended)).await;
    let row = between(&register, &format!("id=\"offer-{id}\""), "</tr>").expect("its row");
    assert!(
        row.contains("30 September 2026") && !row.contains("Still running") && !row.contains(">End<"),
        "{row}"
    );
    assert!(!lead.get_html(&edit).await.contains("id=\"end\""), "an ended offer cannot be ended again");
}

async fn the_effect_page_shows_the_planted_step_against_peers(app: TestApp) {
    let (offer, early) = seed::planted(&app).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    // With no offer named, the one that started last.
    let page = lead.get_html("/effect").await;
    assert!(page.contains(&format!("value=\"{}\" selected", offer.id)), "the drop-in is chosen");
    let naive = seed::naive_difference_in_differences();
    let headline = between(&page, "id=\"headline\"", "</div>").expect("the answer");
    assert!(
        headline.contains(&format!(
            "changed by {naive:+.1} per 1,000 patients a month beyond the change at 8 similar practices"
        )),
        "{headline} (naive {naive:+.1})"
    );
    assert!(headline.contains("a clear rise"), "{headline}");
    assert!(!page.contains("id=\"synthetic\""), "real (test) data is not labelled synthetic");
    // The chart: the practice, its peers' mean dashed, the start marked; and the same as a table.
    assert!(page.contains("lantern-chart__line") && page.contains("lantern-chart__comparison"));
    assert!(page.contains("lantern-chart__marker") && page.contains(">Offer started</text>"));
    let table = between(&page, "id=\"trend-table\"", "</table>").expect("the table");
    let april = between(table, "<th class=\"nhsuk-table__header\" scope=\"row\">2026-04</th>", "</tr>")
        .expect("April 2026");
    let peers_mean = (1..=8).map(|k| seed::rate(k, 24, "2026-04")).sum::<f64>() / 8.0;
    assert!(april.contains(&format!(">{:.1}<", seed::rate(0, 24, "2026-04"))), "{april}");
    assert!(april.contains(&format!(">{peers_mean:.1}<")) && april.contains(">8<"), "{april}");
    // Cost: 100 minutes of the champion's time, over change × 8 × 8 months of extra submissions.
    let cost = between(&page, "id=\"cost-figures\"", "</dl>").expect("the cost");
    assert!(cost.contains(&format!("{} minutes", seed::MINUTES)), "{cost}");
    let hourly = lantern_core::measures::default_hourly_costs()
        .into_iter()
        .find(|c| c.role == "digital_champion")
        .expect("role")
        .hourly_pence as f64;
    assert!(cost.contains("Cost per extra online user"), "{cost}");
    // The estimator's own change (not the naive one) divides the cost; they agree to display precision.
    let per_user = seed::MINUTES as f64 * hourly / 60.0 / (naive * 8.0 * 8.0) / 100.0;
    assert!(cost.contains(&format!("£{per_user:.2}")), "£{per_user:.2} in {cost}");

    let page = lead.get_html(&format!("/effect?offer={}", early.id)).await;
    let headline = between(&page, "id=\"headline\"", "</div>").expect("the answer");
    assert!(headline.contains("<strong>Cannot say.</strong>"), "{headline}");
    assert!(headline.contains("only 2 months of data before the offer started; 12 are needed"), "{headline}");
    let cost = between(&page, "id=\"cost-figures\"", "</dl>").expect("the cost");
    assert!(cost.contains("Cannot say: there is no estimate of the offer&#39;s effect to cost"), "{cost}");
}

async fn the_demo_offer_shows_an_estimate_labelled_synthetic(app: TestApp) {
    let offer = seed::demo(&app).await;
    let admin = app.browser_as(Role::Admin).await;
    let page = admin.get_html(&format!("/effect?offer={}", offer.id)).await;
    assert!(page.contains("id=\"synthetic\"") && page.contains(lantern_core::simulator::SYNTHETIC_LABEL));
    let headline = between(&page, "id=\"headline\"", "</div>").expect("the answer");
    assert!(!headline.contains("Cannot say"), "the demo's data answers: {headline}");
    assert!(headline.contains("95% interval"), "{headline}");
    let network = admin.get_html("/network/effect").await;
    assert!(network.contains("id=\"synthetic\"") && network.contains("NHS App drop-in (synthetic)"));
}

async fn others_are_kept_to_their_pages_and_practices(app: TestApp) {
    let other = Practice {
        ods_code: OdsCode::parse("B82002").expect("valid"),
        name: "Hill Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 3_000,
    };
    app.store.upsert_practice(&other, false, &crate::common::actor()).await.expect("practice");
    let draft = lantern_core::offer::OfferDraft {
        kind: "poster".into(),
        title: "Posters".into(),
        started_on: "2026-01-05".into(),
        run_by_name: Some("Reception".into()),
        ..Default::default()
    };
    let theirs =
        app.store.create_offer(&other.ods_code, &draft, &crate::common::actor()).await.expect("offer");
    let ours = app
        .store
        .create_offer(&OdsCode::parse(PRACTICE).expect("ods"), &draft, &crate::common::actor())
        .await
        .expect("offer");

    let staff = app.browser_as(Role::Staff).await;
    for path in [
        "/offers".to_owned(),
        "/offers/new".to_owned(),
        format!("/offers/{}/edit", ours.id),
        "/effect".to_owned(),
        "/network/effect".to_owned(),
    ] {
        assert_eq!(staff.get(&path).await.status(), 403, "staff: {path}");
    }
    let analyst = app.browser_as(Role::Analyst).await;
    for path in ["/offers", "/effect"] {
        assert_eq!(analyst.get(path).await.status(), 403, "analyst: {path}");
    }
    let lead = app.browser_as(Role::PracticeLead).await;
    assert_eq!(lead.get("/network/effect").await.status(), 403);
    for path in [
        format!("/offers/{}/edit", theirs.id),
        format!("/effect?offer={}", theirs.id),
        "/offers?practice=B82002".to_owned(),
        "/effect?offer=not-an-id".to_owned(),
    ] {
        assert_eq!(lead.get(&path).await.status(), 404, "lead: {path}");
    }
    let rename = "practice=B82002&kind=poster&title=Mine&started_on=2026-01-05&run_by_name=Me";
    let changed = lead.submit("/offers", &format!("/offers/{}/edit", theirs.id), rename).await;
    assert_eq!(changed.status(), 404);
    let ended = lead.submit("/offers", &format!("/offers/{}/end", theirs.id), "end_on=2026-02-01").await;
    assert_eq!(ended.status(), 404);
    let created = lead.submit("/offers", "/offers/new", rename).await;
    assert_eq!(created.status(), 404, "a practice out of reach cannot be written to");
    assert_eq!(app.store.offer(theirs.id).await.expect("offer"), theirs, "untouched");
    assert_eq!(app.store.offers(&other.ods_code).await.expect("offers").len(), 1);
    // A form without its CSRF token is refused.
    let forged = lead.post("/offers/new", &format!("practice={PRACTICE}&kind=poster")).await;
    assert_eq!(forged.status(), 403);
}

async fn analysts_see_offers_across_practices_with_small_numbers_suppressed(app: TestApp) {
    let (offer, early) = seed::planted(&app).await;
    let analyst = app.browser_as(Role::Analyst).await;
    let page = analyst.get_html("/network/effect").await;
    assert!(page.contains("Counts from 1 to 7 are shown as"), "the rule is stated");
    let table = between(&page, "id=\"offers\"", "</table>").expect("the table");
    let row = between(table, &offer.title, "</tr>").expect("the drop-in's row");
    // Three episodes of help before the data ends: too few to show, and so are their minutes and cost.
    assert!(row.contains("<strong>Rise</strong>"), "{row}");
    assert_eq!(row.matches(">&#60;8<").count(), 3, "{row}");
    assert!(!row.contains(&seed::MINUTES.to_string()), "{row}");
    let row = between(table, &early.title, "</tr>").expect("the poster's row");
    assert!(row.contains("<strong>Cannot say</strong>") && row.contains("only 2 months of data"), "{row}");
    assert!(row.contains(">0<"), "no help logged reads 0, not suppressed: {row}");
}

async fn the_strategy_draft_cites_the_offers_and_their_effect(app: TestApp) {
    let (offer, early) = seed::planted(&app).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let drafted = lead.submit("/strategy", "/strategy/draft", &format!("practice={PRACTICE}")).await;
    assert_eq!(drafted.status(), 303);
    let versions =
        app.store.strategy_versions(&OdsCode::parse(PRACTICE).expect("ods")).await.expect("versions");
    let body = &versions.first().expect("a draft").body;
    let section = between(body, "## Support offers and their effect", "## Training").expect("the section");
    let naive = seed::naive_difference_in_differences();
    assert!(
        section.contains(&format!("**{}**: Drop-in sessions (active), since 1 April 2026.", offer.title)),
        "{section}"
    );
    assert!(section.contains(&format!("changed by {naive:+.1} per 1,000")), "{section}");
    assert!(section.contains(&format!("**{}**: Posters (passive)", early.title)), "{section}");
    assert!(section.contains("Cannot say whether the offer made a difference: only 2 months"), "{section}");
}

async fn the_effect_page_asks_the_same_of_video_and_online_appointments(app: TestApp) {
    seed::planted(&app).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let without = lead.get_html("/effect").await;
    assert!(!without.contains("id=\"appointments\""), "no section without appointment figures");
    seed::appointment_months(&app).await;
    let page = lead.get_html("/effect").await;
    let methods = between(&page, "id=\"appointment-methods\"", "</dl>").expect("the second measure");
    let naive = seed::naive_appointment_difference_in_differences();
    assert!(
        methods.contains(&format!("{naive:+.1} percentage points (95% interval")),
        "{methods} (naive {naive:+.1})"
    );
    let table = between(&page, "id=\"appointment-table\"", "</table>").expect("the table");
    let april = between(table, "<th class=\"nhsuk-table__header\" scope=\"row\">2026-04</th>", "</tr>")
        .expect("April 2026");
    let peers_mean = (1..=8).map(|k| seed::appointment_share(k, 24, "2026-04")).sum::<f64>() / 8.0;
    assert!(april.contains(&format!(">{:.1}<", seed::appointment_share(0, 24, "2026-04"))), "{april}");
    assert!(april.contains(&format!(">{peers_mean:.1}<")) && april.contains(">8<"), "{april}");
}

async fn the_effect_page_gives_the_icbs_nhs_app_figures_as_context_never_the_practices(app: TestApp) {
    seed::planted(&app).await;
    let lead = app.browser_as(Role::PracticeLead).await;
    let without = lead.get_html("/effect").await;
    assert!(!without.contains("id=\"nhs-app-context\""), "no section without NHS App figures");
    seed::nhs_app_months(&app).await;
    let page = lead.get_html("/effect").await;
    let label = between(&page, "id=\"nhs-app-label\"", "</p>").expect("the label");
    assert!(
        label.contains("ICB-level context (NHS App figures are published for ICBs, not practices)")
            && label.contains("NHS QHM Integrated Care Board (QHM)")
            && label.contains("not this practice's figures"),
        "{label}"
    );
    let table = between(&page, "id=\"nhs-app-table\"", "</table>").expect("the table");
    // The drop-in starts in April 2026: October 2025 to March 2026 before it, April to September from it.
    assert_eq!(table.matches("scope=\"row\"").count(), 12, "{table}");
    for (i, period, side) in
        [(5, "2026-03", "Before"), (6, "2026-04", "From the start"), (11, "2026-09", "From the start")]
    {
        let row = between(table, &format!("scope=\"row\">{period}</th>"), "</tr>").expect(period);
        let (logins, users) = seed::nhs_app_figures("QHM", i);
        let comma = |n: i64| format!("{},{:03},{:03}", n / 1_000_000, n / 1_000 % 1_000, n % 1_000);
        let users_text = format!("{},{:03}", users / 1_000, users % 1_000);
        assert!(row.contains(side) && row.contains(&comma(logins)) && row.contains(&users_text), "{row}");
    }
    assert!(!table.contains("2025-09") && !table.contains("2026-10"), "six months each side: {table}");
    let (other, _) = seed::nhs_app_figures("QWE", 6);
    assert!(!page.contains(&format!(
        "{},{:03},{:03}",
        other / 1_000_000,
        other / 1_000 % 1_000,
        other % 1_000
    )));
    assert!(!page.contains("99,999,999"), "England's figure is not shown either");
}
