//! The observation pages over real HTTP: researchers (and administrators) open them, staff and analysts
//! get the 403 page, every form needs its CSRF token, a study made with the form is the one the API
//! reads, sessions start from the study page, the template form makes new versions, and the results
//! page shows the API's figures and a reliability pair's kappa.

use crate::common::{json_of, Browser, TestApp, PRACTICE};
use jiff::{Timestamp, ToSpan};
use lantern_core::access::Role;
use lantern_store::testing;
use reqwest::{Client, Response};
use serde_json::{json, Value};
use uuid::Uuid;

fn location(response: &Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Text as a browser reads it from the page (askama writes quotes and ampersands as entities).
fn unescape(html: &str) -> String {
    [
        ("&#39;", "'"),
        ("&#34;", "\""),
        ("&quot;", "\""),
        ("&#x27;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(html.to_owned(), |text, (entity, plain)| text.replace(entity, plain))
}

fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The study form as a browser sends it, observed by `observers`, over dates around today.
fn study_form(name: &str, observers: &[Uuid]) -> String {
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let (from, to) = (today.checked_sub(1.day()).expect("date"), today.checked_add(30.days()).expect("date"));
    let mut form = format!("name={}&practices={PRACTICE}&starts_on={from}&ends_on={to}", enc(name));
    for o in observers {
        form.push_str(&format!("&observers={o}"));
    }
    form.push_str(&format!(
        "&consent_note={}",
        enc("Staff consented in writing; notices in the waiting room.")
    ));
    form
}

/// Creates a study through the list page's form; returns its id.
async fn create_study(app: &TestApp, browser: &Browser, observers: &[Uuid]) -> String {
    let created =
        browser.submit("/observe", "/observe/studies", &study_form("Front desk, spring", observers)).await;
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap_or_default());
    let to = location(&created);
    let id = to.trim_start_matches("/observe/studies/").trim_end_matches("?done=created").to_owned();
    assert_eq!(to, format!("/observe/studies/{id}?done=created"));
    assert!(app.store.study(Uuid::parse_str(&id).expect("id")).await.is_ok());
    id
}

/// Starts a session from the study page, shadowing Asha; returns its id.
async fn start_session(app: &TestApp, browser: &Browser, study: &str) -> String {
    let page = format!("/observe/studies/{study}");
    let started =
        browser.submit(&page, &format!("{page}/sessions"), &format!("staff={}", app.staff[0].id)).await;
    assert_eq!(started.status(), 303, "{}", started.text().await.unwrap_or_default());
    location(&started).trim_start_matches("/observe/sessions/").to_owned()
}

async fn api(client: &Client, app: &TestApp, path: &str, body: Option<Value>) -> Value {
    let url = format!("{}{path}", app.base);
    let request = match body {
        Some(body) => client.post(url).json(&body),
        None => client.get(url),
    };
    let response = request.send().await.expect("request");
    assert!(response.status().is_success(), "{path}: {}", response.status());
    json_of(response).await
}

#[tokio::test]
async fn researchers_open_the_pages_and_other_roles_get_403() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let researcher = app.browser_as(Role::Researcher).await;
    let list = researcher.get_html("/observe").await;
    assert!(list.contains("<h1 class=\"nhsuk-heading-l\">Observation studies</h1>"), "{list}");
    assert!(list.contains("href=\"/observe\" aria-current=\"page\">Observation</a>"), "in the menu, marked");
    let study = create_study(&app, &researcher, &[app.user(Role::Researcher).id]).await;
    for path in [
        format!("/observe/studies/{study}"),
        format!("/observe/studies/{study}/template"),
        format!("/observe/studies/{study}/results"),
    ] {
        assert_eq!(researcher.get(&path).await.status(), 200, "{path}");
    }
    let session = start_session(&app, &researcher, &study).await;
    assert_eq!(researcher.get(&format!("/observe/sessions/{session}")).await.status(), 200);

    let admin = app.browser_as(Role::Admin).await;
    let page = admin.get_html(&format!("/observe/studies/{study}")).await;
    assert!(page.contains("Front desk, spring") && !page.contains("tasks.csv"), "no exports for admins");
    assert!(page.contains("You are not one of this study's observers"), "{page}");
    let capture = admin.get_html(&format!("/observe/sessions/{session}")).await;
    assert!(!capture.contains("data-capturing"), "only the observer records");

    for role in [Role::Staff, Role::PracticeLead, Role::Analyst] {
        let browser = app.browser_as(role).await;
        for path in [
            "/observe".to_owned(),
            format!("/observe/studies/{study}"),
            format!("/observe/sessions/{session}"),
        ] {
            let response = browser.get(&path).await;
            assert_eq!(response.status(), 403, "{role} {path}");
            assert!(response
                .text()
                .await
                .unwrap_or_default()
                .contains("You do not have access to this page"));
        }
        let csrf = browser.csrf("/account").await;
        let body = format!("csrf={csrf}&{}", study_form("Not mine", &[]));
        assert_eq!(browser.post("/observe/studies", &body).await.status(), 403, "{role}");
        assert!(!browser.get_html("/account").await.contains("href=\"/observe\""), "{role}: not in the menu");
    }
    let other = Uuid::now_v7();
    assert_eq!(researcher.get(&format!("/observe/studies/{other}")).await.status(), 404);
    assert_eq!(researcher.get(&format!("/observe/sessions/{other}")).await.status(), 404);
}

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let researcher = app.browser_as(Role::Researcher).await;
    let me = app.user(Role::Researcher).id;
    let study = create_study(&app, &researcher, &[me]).await;
    let session = start_session(&app, &researcher, &study).await;
    let forms = [
        ("/observe/studies".to_owned(), study_form("Forged", &[me])),
        (format!("/observe/studies/{study}/sessions"), format!("staff={}", app.staff[0].id)),
        (format!("/observe/studies/{study}/pairs"), format!("first={session}&second={session}")),
        (format!("/observe/studies/{study}/template"), "dimension-0=1&code-0=what&label-0=What".to_owned()),
    ];
    for (path, body) in &forms {
        for token in ["", "csrf=wrong&"] {
            let response = researcher.post(path, &format!("{token}{body}")).await;
            assert_eq!(response.status(), 403, "{path} with {token:?}");
            assert!(response.text().await.unwrap_or_default().contains("This form has expired"));
        }
    }
    assert_eq!(app.store.studies().await.expect("studies").len(), 1, "no forged study");
    let sessions =
        app.store.observation_sessions(Uuid::parse_str(&study).expect("id")).await.expect("sessions");
    assert_eq!(sessions.len(), 1, "no forged session");
    assert_eq!(app.store.study(sessions[0].info.study).await.expect("study").template_versions, [1]);
}

#[tokio::test]
async fn a_study_made_with_the_form_is_the_one_the_api_reads() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let researcher = app.browser_as(Role::Researcher).await;
    let refused = researcher
        .submit("/observe", "/observe/studies", "name=&starts_on=2026-04-01&ends_on=2026-03-01")
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    for (field, message) in [
        ("name", "Enter a name of 1 to 120 characters"),
        ("practices", "Choose at least one practice"),
        ("observers", "Choose at least one observer"),
        ("ends_on", "The study cannot end before it starts"),
        ("consent_note", "Note how consent was obtained"),
    ] {
        assert!(html.contains(&format!("<a href=\"#{field}\">{message}</a>")), "{field}: {html}");
    }
    assert!(html.contains("<title>Error: "), "the title says there is an error");

    let me = app.user(Role::Researcher).id;
    let study = create_study(&app, &researcher, &[me]).await;
    let rita = app.api_as(Role::Researcher).await;
    let read = api(&rita, &app, &format!("/api/v1/studies/{study}"), None).await;
    assert_eq!(read["name"], "Front desk, spring");
    assert_eq!((read["practices"].clone(), read["observers"].clone()), (json!([PRACTICE]), json!([me])));
    assert_eq!(read["template"]["version"], 1);
    let dimensions: Vec<&str> = read["template"]["dimensions"]
        .as_array()
        .expect("dims")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(dimensions, ["what", "with_whom", "how", "where"], "the default template");
    let page = researcher.get_html(&format!("/observe/studies/{study}?done=created")).await;
    assert!(page.contains("The study is created.") && page.contains("Coding template, version 1"));
    assert!(researcher.get_html("/observe").await.contains(&format!("href=\"/observe/studies/{study}\"")));

    // The template form: an unchanged save keeps version 1, a new category makes version 2.
    let template = format!("/observe/studies/{study}/template");
    let form = researcher.get_html(&template).await;
    let what = form.split("name=\"categories-0\"").nth(1).and_then(|s| s.split('>').nth(1)).expect("what");
    let what = unescape(what.split("</textarea").next().expect("lines"));
    let mut fields = Vec::new();
    for (i, (code, label)) in
        [("what", "What"), ("with_whom", "With whom"), ("how", "How"), ("where", "Where")].iter().enumerate()
    {
        let read = &read["template"]["dimensions"][i]["categories"];
        let lines: Vec<String> = read
            .as_array()
            .expect("categories")
            .iter()
            .map(|c| {
                let flag = if c["digital_help"] == true { " | digital help" } else { "" };
                format!(
                    "{} | {}{flag}",
                    c["code"].as_str().unwrap_or_default(),
                    c["label"].as_str().unwrap_or_default()
                )
            })
            .collect();
        if i == 0 {
            assert_eq!(what, lines.join("\n"), "the form shows the template as lines");
        }
        fields.push(format!(
            "dimension-{i}=1&code-{i}={code}&label-{i}={}&categories-{i}={}",
            enc(label),
            enc(&lines.join("\n"))
        ));
    }
    let unchanged = researcher.submit(&template, &template, &fields.join("&")).await;
    assert_eq!(location(&unchanged), format!("/observe/studies/{study}?done=unchanged#done"));
    fields[1].push_str(&enc("\r\nreceptionist | Another receptionist"));
    let revised = researcher.submit(&template, &template, &fields.join("&")).await;
    assert_eq!(location(&revised), format!("/observe/studies/{study}?done=template#done"));
    let read = api(&rita, &app, &format!("/api/v1/studies/{study}"), None).await;
    assert_eq!(
        (read["template"]["version"].clone(), read["template_versions"].clone()),
        (json!(2), json!([1, 2]))
    );
    let bad = researcher
        .submit(&template, &template, "dimension-0=1&code-0=Bad%20Code&label-0=X&categories-0=a%20%7C%20A")
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.expect("html");
    assert!(unescape(&html).contains("<a href=\"#code-0\">\"Bad Code\" is not a usable code"), "{html}");
}

#[tokio::test]
async fn the_results_page_shows_the_api_figures_and_a_pairs_kappa() {
    let app = TestApp::spawn(testing::sqlite().await).await;
    let researcher = app.browser_as(Role::Researcher).await;
    let admin = app.browser_as(Role::Admin).await;
    let study =
        create_study(&app, &researcher, &[app.user(Role::Researcher).id, app.user(Role::Admin).id]).await;
    let mut sessions = Vec::new();
    for (browser, role) in [(&researcher, Role::Researcher), (&admin, Role::Admin)] {
        sessions.push((start_session(&app, browser, &study).await, app.api_as(role).await));
    }
    // Both observers code the same story from a common instant: help for 30 s, then nothing for 30 s.
    let t0 = Timestamp::now() + 2.seconds();
    let at = |s: i64| (t0 + s.seconds()).to_string();
    for (session, client) in &sessions {
        let task = Uuid::now_v7();
        let values = json!({ "what": "troubleshoot", "with_whom": "patient", "how": "patient_device", "where": "front_desk" });
        let batch = json!({ "events": [
            { "id": task, "at": at(0), "type": "task_started", "values": values },
            { "id": Uuid::now_v7(), "at": at(30), "type": "task_ended", "task": task },
            { "id": Uuid::now_v7(), "at": at(60), "type": "session_ended" },
        ]});
        api(client, &app, &format!("/api/v1/sessions/{session}/events"), Some(batch)).await;
    }
    let page = format!("/observe/studies/{study}");
    let pair = format!("first={}&second={}", sessions[0].0, sessions[1].0);
    let paired = researcher.submit(&page, &format!("{page}/pairs"), &pair).await;
    assert_eq!(location(&paired), format!("{page}?done=paired#sessions"));
    assert!(researcher.get_html(&page).await.contains("Reliability Pair 1"));

    let rita = &sessions[0].1;
    let results = api(rita, &app, &format!("/api/v1/studies/{study}/results?slice=10"), None).await;
    let html = researcher.get_html(&format!("{page}/results?slice=10")).await;
    let summary = &results["summary"];
    assert_eq!(summary["tasks"], 1);
    let row = |key: &str| {
        let after =
            html.split(&format!("<dt class=\"nhsuk-summary-list__key\">{key}</dt>")).nth(1).expect(key);
        after
            .split("<dd class=\"nhsuk-summary-list__value\">")
            .nth(1)
            .and_then(|s| s.split("</dd>").next())
            .expect(key)
            .to_owned()
    };
    assert_eq!(row("Tasks"), summary["tasks"].to_string());
    assert_eq!(row("Tasks per hour"), format!("{:.1}", summary["tasks_per_hour"].as_f64().expect("rate")));
    assert_eq!(row("Mean task duration"), "30 s");
    assert!(
        html.contains("1 session coded with template version 1"),
        "the pair's second session is left out"
    );
    let gap = results["logging_gap"].as_array().expect("gap").last().expect("total").clone();
    assert_eq!((gap["observed_help_tasks"].as_u64(), gap["logged_episodes"].as_u64()), (Some(1), Some(0)));
    let total =
        html.split("Everyone observed</th>").nth(1).expect("total row").split("</tr>").next().expect("row");
    let cells: Vec<&str> = total.split("numeric\">").skip(1).filter_map(|c| c.split('<').next()).collect();
    // Sessions, observed time (from the start to the end, about a minute), help tasks, minutes of help,
    // episodes and minutes logged, the two ratios.
    assert_eq!(cells.len(), 8, "{total}");
    assert!(cells[1].starts_with("1 min "), "{total}");
    assert_eq!(
        [cells[0], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]],
        ["1", "1", "0.5", "0", "0", "0.00", "0.00"]
    );

    // Reliability: the API's kappa for the pair, shown per dimension with the slice length.
    let sessions_json = api(rita, &app, &format!("/api/v1/sessions/{}", sessions[0].0), None).await;
    let pair_id = sessions_json["session"]["reliability_pair"].as_str().expect("paired").to_owned();
    let view = api(rita, &app, &format!("/api/v1/reliability-pairs/{pair_id}?slice=10"), None).await;
    assert_eq!(view["reliability"]["dimensions"][0]["agreement"]["kappa"].as_f64(), Some(1.0), "{view}");
    let table =
        html.split("id=\"pair-1-table\"").nth(1).expect("pair table").split("</table>").next().expect("t");
    assert!(table.contains("<th class=\"nhsuk-table__header\" scope=\"row\">What</th>"), "{table}");
    assert_eq!(table.matches("numeric\">1.00</td>").count(), 4, "kappa 1 in each dimension: {table}");
    let slices = view["reliability"]["slices"].as_u64().expect("slices");
    assert!(html.contains(&format!("Compared on {slices} slices of 10 seconds")), "{html}");
    for rule in ["id=\"slice-rule\"", "id=\"ci-method\"", "id=\"multitask-rule\"", "id=\"gap-rule\""] {
        assert!(html.contains(rule), "{rule}");
    }
    assert!(html.contains(results["gap_rule"].as_str().expect("rule")), "the API's rules text");
    let bad = researcher.get(&format!("{page}/results?slice=601")).await;
    assert_eq!(bad.status(), 400);
}
