//! The `lantern` command as a user runs it.

mod support;

use std::path::Path;
use support::serving::{sign_in, Server};
use support::{lantern_with, path, text};

#[test]
fn serve_refuses_a_network_address_over_plain_http() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "x.db");
    let output = lantern_with(&["serve", "--database", &db, "--listen", "0.0.0.0:0"], &[]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("refusing to listen on 0.0.0.0:0 over plain HTTP"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn options_are_read_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "from-env.db");
    let output = lantern_with(&["migrate"], &[("LANTERN_DATABASE", &db)]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(Path::new(&db).exists(), "the database named by LANTERN_DATABASE was created");
    let help = text(&lantern_with(&["serve", "--help"], &[]).stdout);
    assert!(help.contains("LANTERN_DATABASE") && help.contains("LANTERN_LISTEN"), "{help}");
}

#[test]
fn healthcheck_fails_when_nothing_answers() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    drop(listener);
    let output = lantern_with(&["healthcheck", "--listen", &address], &[]);
    assert!(!output.status.success());
}

#[test]
fn demo_is_deterministic_reusable_and_round_trips_through_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (path(dir.path(), "a.db"), path(dir.path(), "b.db"));
    for db in [&a, &b] {
        let output = lantern_with(&["demo", "--no-serve", "--database", db], &[]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert!(text(&output.stdout).contains("Synthetic demonstration data"), "labelled synthetic");
    }
    let again = lantern_with(&["demo", "--no-serve", "--database", &a], &[]);
    assert!(text(&again.stdout).contains("reusing"), "{}", text(&again.stdout));

    let (csv_a, csv_b) = (path(dir.path(), "a.csv"), path(dir.path(), "b.csv"));
    for (db, csv) in [(&a, &csv_a), (&b, &csv_b)] {
        let output = lantern_with(&["export", "episodes", "--database", db, "--output", csv], &[]);
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let exported = std::fs::read(&csv_a).expect("read export");
    assert_eq!(exported, std::fs::read(&csv_b).expect("read export"), "same seed, same data, ids included");
    let rows = exported.iter().filter(|b| **b == b'\n').count();
    assert!(rows > 5_000, "a year of episodes, not a token few: {rows}");

    let reimport = lantern_with(&["import", "episodes", &csv_a, "--database", &b], &[]);
    assert!(reimport.status.success(), "{}", text(&reimport.stderr));
    assert!(text(&reimport.stdout).contains(" 0 episodes created"), "{}", text(&reimport.stdout));
}

#[test]
fn a_bad_row_among_many_stores_nothing_and_names_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "demo.db");
    assert!(lantern_with(&["demo", "--no-serve", "--database", &db], &[]).status.success());
    let csv = path(dir.path(), "all.csv");
    assert!(lantern_with(
        &["export", "episodes", "--database", &db, "--practice", "Y99901", "-o", &csv],
        &[]
    )
    .status
    .success());
    let exported = std::fs::read_to_string(&csv).expect("read");
    let mut lines: Vec<String> = exported.lines().take(1_001).map(str::to_owned).collect();
    // New ids, so the rows are new episodes rather than ones already stored.
    let id_column = lines[0].split(',').position(|c| c == "id").expect("id column");
    for line in lines.iter_mut().skip(1) {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[id_column] = "";
        *line = cells.join(",");
    }
    let duration_column = lines[0].split(',').position(|c| c == "duration_minutes").expect("duration column");
    let mut bad: Vec<&str> = lines[500].split(',').collect();
    bad[duration_column] = "0";
    lines[500] = bad.join(",");
    let broken = path(dir.path(), "broken.csv");
    std::fs::write(&broken, lines.join("\n") + "\n").expect("write");

    let before = lantern_with(&["export", "episodes", "--database", &db], &[]).stdout;
    let output = lantern_with(&["import", "episodes", &broken, "--database", &db], &[]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("line 501, column duration_minutes"), "{stderr}");
    assert_eq!(
        lantern_with(&["export", "episodes", "--database", &db], &[]).stdout,
        before,
        "nothing was stored"
    );
}

#[test]
fn demo_serves_pages_and_api_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "demo.db");
    let served = Server::run(["demo", "--database", &db], None);
    let printed = &served.banner;
    assert!(printed.contains("Synthetic demonstration data"), "{printed}");
    for account in ["reception@demo", "manager@demo", "analyst@demo", "researcher@demo", "admin@demo"] {
        assert!(printed.contains(account), "demo sign-in for {account} printed: {printed}");
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let browser = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let gate = browser.get(served.url("/log")).send().await.expect("page");
        assert!(gate.url().path().starts_with("/sign-in"), "pages need sign-in");
        let page = sign_in(&browser, &served.url(""), "admin@demo", "lantern-demo-password").await;
        assert_eq!(page.url().path(), "/log");
        assert!(
            page.text().await.expect("html").contains("Synthetic demonstration data"),
            "labelled on the page"
        );
        let practices: serde_json::Value = browser
            .get(served.url("/api/v1/practices"))
            .send()
            .await
            .expect("api")
            .json()
            .await
            .expect("json");
        assert_eq!(practices.as_array().map(Vec::len), Some(3));
    });
    let status = served.terminate();
    assert!(status.success(), "SIGTERM is a graceful stop, not a crash: {status:?}");
}

#[test]
fn editing_an_audit_record_by_hand_makes_verify_fail_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "demo.db");
    assert!(lantern_with(&["demo", "--no-serve", "--database", &db], &[]).status.success());
    let intact = lantern_with(&["audit", "verify", "--database", &db], &[]);
    assert!(intact.status.success(), "{}", text(&intact.stderr));
    assert!(text(&intact.stdout).contains("audit trail intact"), "{}", text(&intact.stdout));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        use sqlx::Executor;
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}")).await.expect("open");
        pool.execute("DROP TRIGGER audit_events_no_update").await.expect("drop guard");
        pool.execute("UPDATE audit_events SET after_json = replace(after_json, '\"duration_minutes\":', '\"duration_minutes\":1') WHERE seq = 42")
            .await
            .expect("tamper");
        pool.close().await;
    });
    let broken = lantern_with(&["audit", "verify", "--database", &db], &[]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(text(&broken.stderr).contains("audit record 42"), "{}", text(&broken.stderr));
}

#[test]
fn rollups_check_finds_a_hand_edited_rollup_and_repair_fixes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "demo.db");
    assert!(lantern_with(&["demo", "--no-serve", "--database", &db], &[]).status.success());
    let clean = lantern_with(&["rollups", "check", "--database", &db], &[]);
    assert!(clean.status.success(), "{}", text(&clean.stderr));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        use sqlx::Executor;
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}")).await.expect("open");
        pool.execute("UPDATE episode_rollups SET minutes = minutes + 5 WHERE rowid = (SELECT MIN(rowid) FROM episode_rollups)")
            .await
            .expect("edit");
        pool.close().await;
    });
    let broken = lantern_with(&["rollups", "check", "--database", &db], &[]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(text(&broken.stderr).contains("1 rollups differ"), "{}", text(&broken.stderr));
    assert!(lantern_with(&["rollups", "check", "--repair", "--database", &db], &[]).status.success());
    assert!(lantern_with(&["rollups", "check", "--database", &db], &[]).status.success());
}
