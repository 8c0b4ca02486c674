//! Patient leaflets, the print stylesheet, and the guides the quick-log page offers.

use super::pages::install_starters;
use crate::common::{actor, TestApp, PRACTICE};
use crate::common::{between, location};
use lantern_core::access::Role;
use lantern_core::ods::OdsCode;
use lantern_core::ownership::Ownership;
use lantern_core::practice::Practice;
use lantern_store::testing;

#[tokio::test]
async fn a_leaflet_names_the_practice_and_its_offline_alternative() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let code = OdsCode::parse(PRACTICE).expect("valid");
    let offline = "Drop your repeat slip in the box at reception";
    let arrangement = Ownership {
        service: "repeat_prescriptions".into(),
        offline_alternative: Some(offline.into()),
        ..Ownership::default()
    };
    app.store.set_ownership(&code, &arrangement, &actor()).await.expect("set");
    let staff = app.browser_as(Role::Staff).await;
    let list = staff.get_html("/leaflets").await;
    assert!(
        list.contains("href=\"/leaflets/repeat_prescriptions?practice=A81001\"")
            && list.contains("Print leaflet")
    );

    let html = staff.get_html("/leaflets/repeat_prescriptions").await;
    for expected in [
        "Test Surgery",
        offline,
        "How to use Online repeat prescriptions",
        "Ask at reception — we can help you",
        "<link rel=\"stylesheet\" href=\"/assets/print.css\" media=\"print\">",
    ] {
        assert!(html.contains(expected), "the leaflet shows {expected:?}");
    }
    assert!(!html.contains("lantern-leaflet--large"));
    let large = staff.get_html("/leaflets/repeat_prescriptions?large=true").await;
    assert!(large.contains("class=\"lantern-leaflet lantern-leaflet--large\""), "large print");
    let general = staff.get_html("/leaflets/nhs_app").await;
    assert!(general.contains("You do not have to go online"), "an offline route is always offered");

    app.store.set_service_enabled(&code, "sms_links", false, &actor()).await.expect("switch off");
    assert_eq!(staff.get("/leaflets/sms_links").await.status(), 404, "not offered, no leaflet");
    assert_eq!(staff.get("/leaflets/teleportation").await.status(), 404);
    assert_eq!(staff.get("/leaflets/nhs_app?practice=B82002").await.status(), 404);
    assert_eq!(app.browser_as(Role::Analyst).await.get("/leaflets").await.status(), 403);
}

#[tokio::test]
async fn the_print_stylesheet_is_served_and_keeps_the_synthetic_banner() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let response = app.get("/assets/print.css").await;
    assert_eq!(response.status(), 200);
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(kind.as_deref(), Some("text/css"));
    let css = response.text().await.expect("css");
    assert!(css.contains("size: A4") && css.contains(".nhsuk-header,"), "A4, and the frame hidden");
    assert!(css.contains(".lantern-synthetic {\n  display: block !important;"), "the banner prints");

    let practice = Practice {
        ods_code: OdsCode::parse(PRACTICE).expect("valid"),
        name: "Test Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 8_000,
    };
    app.store.upsert_practice(&practice, true, &actor()).await.expect("mark synthetic");
    let html = app.browser_as(Role::Staff).await.get_html("/leaflets/nhs_app").await;
    assert!(html.contains("class=\"lantern-synthetic\""), "a demo leaflet says it is synthetic");
}

#[tokio::test]
async fn the_quick_log_offers_guides_for_what_was_logged() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    install_starters(&app).await;
    let code = OdsCode::parse(PRACTICE).expect("valid");
    let guides = app.store.guides(&code, None).await.expect("guides");
    let starter = |slug: &str| {
        guides.iter().find(|g| g.starter.as_deref() == Some(slug)).map(|g| g.id).expect("starter")
    };
    let (proxy, reset) = (starter("set-up-proxy-access"), starter("reset-nhs-login-password"));
    let staff = app.browser_as(Role::Staff).await;
    let form = format!(
        "practice={PRACTICE}&helpers={}&services=proxy_access&tasks=setup_proxy&duration_minutes=5\
         &channel=desk&approach=for&outcome=resolved",
        app.staff[0].id
    );
    let logged = staff.submit("/log", "/log", &form).await;
    assert_eq!(logged.status(), 303);
    let html = staff.get_html(&location(&logged)).await;
    let card = between(&html, "id=\"logged\"", "/log/undo").expect("the logged card");
    assert!(card.contains("Guides for this") && card.contains(&format!("href=\"/guides/{proxy}\"")));

    let invalid = format!("practice={PRACTICE}&services=nhs_login&tasks=reset_password");
    let again = staff.submit("/log", "/log", &invalid).await;
    assert_eq!(again.status(), 422);
    let again = again.text().await.expect("html");
    assert!(again.contains("Guides for this") && again.contains(&format!("href=\"/guides/{reset}\"")));

    let fresh = staff.get_html("/log").await;
    assert!(fresh.contains(&format!("href=\"/guides/{proxy}\"")), "the most used service's guide");
}
