//! The quick-log page over real HTTP: it logs in one submit, shows errors the NHS way, and undoes.

use crate::common::{json_of, TestApp, PRACTICE};
use lantern_core::access::Role;
use lantern_store::testing;

fn form(app: &TestApp, extra: &str) -> String {
    format!(
        "practice={PRACTICE}&helpers={}&services=nhs_app&tasks=reset_password&duration_minutes=5&channel=desk&approach=for&outcome=resolved{extra}",
        app.staff[0].id
    )
}

#[tokio::test]
async fn logging_redirects_to_a_confirmation_with_undo() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::Staff).await;
    let response = browser.submit("/log", "/log", &form(&app, "&note=Showed+the+repeat+list")).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("ascii").to_owned();
    assert!(location.starts_with(&format!("/log?practice={PRACTICE}&logged=")), "{location}");
    assert!(response.headers()["set-cookie"].to_str().expect("ascii").contains(&app.staff[0].id.to_string()));
    let page = browser.get_html(&location).await;
    assert!(page.contains("Episode logged") && page.contains("Undo"), "confirmation shown");
    assert!(page.contains("Logged today (1)"), "today's list has it");

    let listed = json_of(app.get("/api/v1/episodes").await).await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["episodes"][0]["note"], "Showed the repeat list");
    assert_eq!(listed["episodes"][0]["created_by"], app.user(Role::Staff).id.to_string(), "who logged it");
    let id = listed["episodes"][0]["id"].as_str().expect("id").to_owned();

    let undone = browser.submit(&location, "/log/undo", &format!("practice={PRACTICE}&id={id}")).await;
    assert_eq!(undone.status(), 303);
    assert_eq!(json_of(app.get("/api/v1/episodes").await).await["total"], 0);
    let record = json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await;
    assert_eq!(record["deleted"]["reason"], "Undone straight after logging");
}

#[tokio::test]
async fn errors_are_summarised_and_inline_and_nothing_is_stored() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::Staff).await;
    let response = browser
        .submit("/log", "/log", &format!("practice={PRACTICE}&duration_other=ten&note=ring+07700+900123"))
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("html");
    assert!(page.contains("<title>Error: Log help given"), "title says error");
    assert!(page.contains("nhsuk-error-summary"));
    let anchors = ["#services", "#tasks", "#duration_other", "#approach", "#note"];
    let mut last = 0;
    for anchor in anchors {
        let at = page.find(&format!("href=\"{anchor}\"")).unwrap_or_else(|| panic!("summary links {anchor}"));
        assert!(at > last, "{anchor} is listed in the order of the form");
        last = at;
        let id = format!("id=\"{}\"", &anchor[1..]);
        assert!(page.contains(&id), "{id} exists to link to");
    }
    assert!(page.contains("aria-describedby=\"note-hint note-error\""), "the note's error is tied to it");
    assert!(page.contains("whole number"), "typed minutes error");
    assert!(page.contains("phone number"), "identity guard message");
    assert!(page.contains("ring 07700 900123"), "what was typed is kept for correction");
    assert_eq!(json_of(app.get("/api/v1/episodes?include_deleted=true").await).await["total"], 0);
}

#[tokio::test]
async fn pages_need_sign_in_carry_security_headers_and_serve_styles_locally() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let signed_out = crate::common::Browser::new(&app.base);
    let redirected = signed_out.get("/log").await;
    assert_eq!(redirected.status(), 303);
    assert_eq!(redirected.headers()["location"], "/sign-in?next=%2Flog");
    let browser = app.browser_as(Role::Staff).await;
    let page = browser.get(&format!("/log?practice={PRACTICE}")).await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.expect("html");
    assert!(!html.contains("<script"), "no script: works with JavaScript off");
    assert!(!html.contains("https://"), "nothing from another origin");
    assert!(
        html.contains("Test Practice staff") && html.contains("Test Surgery (A81001)"),
        "header names user and practice"
    );
    let css = signed_out.get("/assets/nhsuk/nhsuk-frontend.min.css").await;
    assert_eq!(css.headers()["content-type"], "text/css");
    assert!(css.text().await.expect("css").contains(".nhsuk-header"));
    assert_eq!(signed_out.get("/assets/nhsuk/images/nhsuk-icon-cross.svg").await.status(), 200);
    let missing = signed_out.get("/no-such-page").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.expect("html").contains("Page not found"));
}

#[tokio::test]
async fn undo_only_reaches_the_episode_just_logged_at_that_practice() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::Staff).await;
    assert_eq!(browser.submit("/log", "/log", &form(&app, "")).await.status(), 303);
    let id = json_of(app.get("/api/v1/episodes").await).await["episodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let elsewhere = browser.submit("/log", "/log/undo", &format!("practice=B82002&id={id}")).await;
    assert_eq!(elsewhere.status(), 409);
    let card = browser.get_html(&format!("/log?practice={PRACTICE}&logged={id}")).await;
    assert!(card.contains("<title>Episode logged – Log help given"), "the title announces the outcome");
    assert_eq!(json_of(app.get("/api/v1/episodes").await).await["total"], 1, "still there");
}

#[tokio::test]
async fn an_episode_is_edited_into_a_new_version() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let browser = app.browser_as(Role::Staff).await;
    assert_eq!(browser.submit("/log", "/log", &form(&app, "")).await.status(), 303);
    let id = json_of(app.get("/api/v1/episodes").await).await["episodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let edit_page = format!("/episodes/{id}/edit");
    let html = browser.get_html(&edit_page).await;
    assert!(
        html.contains("Edit an episode") && html.contains("name=\"version\" value=\"1\""),
        "the form is filled in"
    );
    let saved = browser
        .submit(&edit_page, &edit_page, &format!("version=1&{}", form(&app, "&duration_other=12")))
        .await;
    assert_eq!(saved.status(), 303);
    let record = json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await;
    assert_eq!((record["version"].as_i64(), record["duration_minutes"].as_i64()), (Some(2), Some(12)));
    let stale = browser
        .submit(&edit_page, &edit_page, &format!("version=1&{}", form(&app, "&duration_other=20")))
        .await;
    assert_eq!(stale.status(), 409, "a stale form does not overwrite a newer version");
    assert_eq!(json_of(app.get(&format!("/api/v1/episodes/{id}")).await).await["duration_minutes"], 12);
}
