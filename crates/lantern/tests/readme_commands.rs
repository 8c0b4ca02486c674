//! Every command in the README's "Using it" table, run as a new user would, on SQLite and on
//! PostgreSQL. The list of commands is read from README.md itself, so a command added there without
//! being walked here fails the test; each step checks what the command is for, not just its exit
//! status.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use support::serving::{sign_in, Server};
use support::{fixture, lantern, ok, ok_with, path};

const PRACTICE: &str = "Y99901";
const LEAD: &str = "readme.lead";
const FIRST_PASSWORD: &str = "walking the readme table 1";
const SECOND_PASSWORD: &str = "walking the readme table 2";

/// The commands the README's "Using it" table names, as their words without options or
/// placeholders: `import pomi`, `report hidden-work`, `user add`, … with `a\|b` alternatives spread out.
fn readme_commands() -> BTreeSet<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let table = readme
        .split("## Using it")
        .nth(1)
        .expect("a 'Using it' section")
        .split("\n\n")
        .nth(1)
        .expect("its table");
    let mut commands = BTreeSet::new();
    for row in table.lines().filter(|l| l.starts_with("| `lantern")) {
        let first_cell = row.split(" | ").next().unwrap_or_default();
        for quoted in first_cell.split('`').skip(1).step_by(2).filter(|q| q.starts_with("lantern ")) {
            let mut spellings = vec![String::new()];
            let words = quoted.split_whitespace().skip(1);
            for word in words.take_while(|w| !w.starts_with(['-', '[']) && !w.chars().any(char::is_uppercase))
            {
                spellings = spellings
                    .iter()
                    .flat_map(|s| word.split("\\|").map(move |alt| format!("{s} {alt}").trim().to_owned()))
                    .collect();
            }
            commands.extend(spellings);
        }
    }
    commands
}

/// Runs the commands and remembers which README commands succeeded.
struct Walk {
    known: BTreeSet<String>,
    done: BTreeSet<String>,
}

impl Walk {
    fn new() -> Self {
        let known = readme_commands();
        assert!(known.len() >= 20, "the README's command table was not read: {known:?}");
        Self { known, done: BTreeSet::new() }
    }

    /// Records `args` as walked under the longest README command its leading words spell.
    fn mark(&mut self, args: &[&str]) {
        let words: Vec<&str> = args.iter().take_while(|a| !a.starts_with('-')).copied().collect();
        let command = (1..=words.len()).rev().map(|n| words[..n].join(" ")).find(|c| self.known.contains(c));
        self.done.insert(command.unwrap_or_else(|| panic!("{args:?} is not a README command")));
    }

    fn ok(&mut self, args: &[&str]) -> String {
        self.ok_with(args, &[])
    }

    fn ok_with(&mut self, args: &[&str], env: &[(&str, &str)]) -> String {
        let printed = ok_with(args, env);
        self.mark(args);
        printed
    }

    fn finish(self, backend: &str) {
        let missing: Vec<_> = self.known.difference(&self.done).collect();
        assert!(missing.is_empty(), "{backend}: README commands never walked: {missing:?}");
    }
}

fn json(printed: &str) -> Value {
    serde_json::from_str(printed).unwrap_or_else(|e| panic!("not JSON ({e}): {printed}"))
}

/// Episodes and minutes of `practice` from `from` to `to` (dates in London), counted from an export.
fn counted(export: &str, practice: &str, from: &str, to: &str) -> (i64, i64) {
    let london = jiff::tz::TimeZone::get("Europe/London").expect("tz");
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let (practice_at, time_at, minutes_at) = (at("practice"), at("occurred_at"), at("duration_minutes"));
    let mut totals = (0, 0);
    for row in reader.records().map(|r| r.expect("row")) {
        let day = row[time_at]
            .parse::<jiff::Timestamp>()
            .expect("time")
            .to_zoned(london.clone())
            .date()
            .to_string();
        if &row[practice_at] == practice && (from..=to).contains(&day.as_str()) {
            totals.0 += 1;
            totals.1 += row[minutes_at].parse::<i64>().expect("minutes");
        }
    }
    totals
}

/// The first `n` rows of an export under new ids: episodes the database has not seen.
fn as_new_episodes(export: &str, n: usize) -> String {
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let id_at = headers.iter().position(|h| h == "id").expect("an id column");
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).expect("header");
    for row in reader.records().take(n).map(|r| r.expect("row")) {
        let fresh = uuid::Uuid::new_v4().to_string();
        writer
            .write_record(
                row.iter().enumerate().map(|(i, cell)| if i == id_at { fresh.as_str() } else { cell }),
            )
            .expect("row");
    }
    String::from_utf8(writer.into_inner().expect("flush")).expect("utf-8")
}

/// CIS2 sign-in requests, two stored as a first sign-in through the provider would store them: listed,
/// one approved (its account made), one refused.
async fn sign_in_requests(walk: &mut Walk, db: &str, backend: &str) {
    let location = lantern_store::DatabaseLocation::parse(db).expect("a database location");
    let store = lantern_store::Store::connect(&location).await.expect("open the database");
    let mut ids = Vec::new();
    for (subject, name) in [("555000000011", "Robin Reception"), ("555000000012", "Sol Stranger")] {
        let claim = lantern_store::SignInClaim {
            issuer: "https://cis2.example".into(),
            subject: subject.into(),
            organisation: lantern_core::ods::OdsCode::parse(PRACTICE).expect("valid"),
            display_name: name.into(),
            role: lantern_core::access::Role::Staff,
            rbac_role: "S8000:G8000:R8009".into(),
        };
        let actor = lantern_core::audit::Actor::system("readme walk");
        ids.push(store.oidc_identity_for(&claim, &actor).await.expect("a sign-in request").id.to_string());
    }
    store.close().await;
    let listed = walk.ok(&["accounts", "sign-in-requests", "--database", db]);
    assert!(ids.iter().all(|id| listed.contains(&format!("{id}\twaiting"))), "{backend}: {listed}");
    let approved = walk.ok(&["accounts", "approve", &ids[0], "--database", db]);
    assert!(approved.contains("Robin Reception signs in as cis2-555000000011-"), "{backend}: {approved}");
    let refused = walk.ok(&["accounts", "refuse", &ids[1], "--database", db]);
    assert!(refused.contains("refused: Sol Stranger"), "{backend}: {refused}");
}

/// The README, top to bottom, on `db`; `restored` is where the backup is restored to.
async fn walk(db: &str, restored: &str, backend: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut walk = Walk::new();
    let with = |args: &[&'static str]| -> Vec<String> {
        args.iter().map(|a| a.to_string()).chain(["--database".into(), db.into()]).collect()
    };
    let run = |walk: &mut Walk, args: &[&'static str]| {
        let args = with(args);
        walk.ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };

    walk.ok(&["migrate", "--database", db]);
    let demo = walk.ok(&["demo", "--no-serve", "--database", db]);
    assert!(
        demo.contains("Synthetic demonstration data"),
        "{backend}: the demo says it is synthetic: {demo}"
    );

    // Accounts: created, then the password reset ends the old one.
    let created = walk.ok_with(
        &[
            "user",
            "add",
            "--username",
            LEAD,
            "--display-name",
            "README walker",
            "--role",
            "practice_lead",
            "--practice",
            PRACTICE,
            "--database",
            db,
        ],
        &[("LANTERN_PASSWORD", FIRST_PASSWORD)],
    );
    assert!(created.contains(&format!("created {LEAD}")), "{created}");
    let reset = walk.ok_with(
        &["user", "reset-password", "--username", LEAD, "--database", db],
        &[("LANTERN_PASSWORD", SECOND_PASSWORD)],
    );
    assert!(reset.contains("their sessions have ended"), "{reset}");
    sign_in_requests(&mut walk, db, backend).await;

    // Episodes out, some back in as new ones, out again: the second export holds exactly those more.
    let export_file = path(dir.path(), "episodes.csv");
    walk.ok(&["export", "episodes", "--practice", PRACTICE, "-o", &export_file, "--database", db]);
    let export = std::fs::read_to_string(&export_file).expect("the export");
    let rows = export.lines().count() - 1;
    assert!(rows > 1_000, "{backend}: a year of one practice's help, not {rows} rows");
    let new_file = path(dir.path(), "new.csv");
    std::fs::write(&new_file, as_new_episodes(&export, 25)).expect("write");
    let imported = walk.ok(&["import", "episodes", &new_file, "--database", db]);
    assert!(imported.contains(" 25 episodes created"), "{backend}: {imported}");
    let export = run(&mut walk, &["export", "episodes"]);
    let practice_rows = export.lines().filter(|l| l.contains(PRACTICE)).count();
    assert_eq!(practice_rows, rows + 25, "{backend}: the imported episodes are exported");

    assert!(run(&mut walk, &["rollups", "check"]).contains("rollups match the episodes"));
    let (from, to) = ("2026-01-01", "2026-12-31");
    let report = json(&walk.ok(&[
        "report",
        "hidden-work",
        "--practice",
        PRACTICE,
        "--from",
        from,
        "--to",
        to,
        "--format",
        "json",
        "--database",
        db,
    ]));
    let (episodes, minutes) = counted(&export, PRACTICE, from, to);
    assert!(episodes > 0, "{backend}: the demo has help in {from}..{to}");
    assert_eq!(
        (report["summary"]["episodes"].as_i64(), report["summary"]["minutes"].as_i64()),
        (Some(episodes), Some(minutes)),
        "{backend}: the report against a count of the export"
    );

    // Published NHS files, then the reports over them.
    let registrations = path(dir.path(), "gp-reg-pat-prac-all.csv");
    std::fs::write(
        &registrations,
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\r\n\
         GP_PRAC_PAT_LIST,01APR2018,GP,02N,E38000001,B82007,BD23 1LE,ALL,ALL,10250\r\n",
    )
    .expect("write");
    for (command, file) in [
        ("pomi", fixture("POMI_APR2018_to_SEP2018.first2000rows.csv")),
        ("registrations", registrations),
        ("age-bands", fixture("gp-reg-pat-prac-quin-age_dec2025.sample.csv")),
        ("oc", fixture("oc_submissions_by_practice.sample.csv")),
        ("places", fixture("gp-reg-pat-prac-map.sample.csv")),
        ("imd", fixture("fingertips_93553_imd2019_by_practice.first30rows.csv")),
        ("epraccur", fixture("epraccur.sample.csv")),
    ] {
        let printed = walk.ok(&["import", command, &file, "--database", db]);
        assert!(printed.contains("rows read"), "{backend} import {command}: {printed}");
    }
    let crosstab = fixture("appointments/Practice_Level_Crosstab_handmade.csv");
    let mapping = fixture("appointments/Mapping_handmade.csv");
    let printed = walk.ok(&["import", "appointments", &crosstab, "--mapping", &mapping, "--database", db]);
    // The hand-made crosstab's practices are demo practices (Y999xx), whose synthetic months for
    // October and November 2025 the demo above stored: the published layout replaces them.
    assert!(
        printed.contains("practice-months: 0 new, 6 updated"),
        "{backend} import appointments: {printed}"
    );
    assert!(printed.contains("practice-extracts: 3 new"), "{backend} import appointments: {printed}");
    let workbook = fixture("cbt/Cloud Based Telephony Publication Summary November 2025.sample.xlsx");
    let printed = walk.ok(&["import", "cbt", &workbook, "--database", db]);
    assert!(printed.contains("account-months: 48 new"), "{backend} import cbt: {printed}");
    let csv = fixture("cbt/Cloud Based Telephony By Durations - June 2026_Y58.sample.csv");
    let printed = walk.ok(&["import", "cbt-csv", &csv, "--database", db]);
    assert!(printed.contains("account-months: 6 new"), "{backend} import cbt-csv: {printed}");
    let workbook = fixture(
        "online-consultations/Submissions via OC Systems in General Practice - February 2026.sample.xlsx",
    );
    let printed = walk.ok(&["import", "oc-workbook", &workbook, "--database", db]);
    assert!(printed.contains("practice-months: 19 new"), "{backend} import oc-workbook: {printed}");
    let workbook = fixture("nhs-app/NHS App Management Information Statistics - June 2025.xlsx");
    let printed = walk.ok(&["import", "nhs-app", &workbook, "--database", db]);
    // March to June 2025, each month England, 42 ICBs and the usage mapped to no ICB.
    assert!(
        printed.contains("level-months (England, ICBs, Unknown): 176 new"),
        "{backend} import nhs-app: {printed}"
    );
    let uptake = json(&walk.ok(&[
        "report",
        "uptake",
        "--level",
        "england",
        "--period",
        "2018-04",
        "--format",
        "json",
        "--database",
        db,
    ]));
    let england = uptake["units"].as_array().expect("units");
    assert_eq!(england.len(), 1, "{backend}: one England row for one month: {uptake}");
    let consultations = walk.ok(&[
        "report",
        "online-consultations",
        "--level",
        "practice",
        "--format",
        "csv",
        "--database",
        db,
    ]);
    assert!(consultations.lines().count() > 1, "{backend}: rows for the imported practices: {consultations}");
    // The demo's synthetic offer, by the id the demo printed: its built-in effect is found and labelled.
    let offer = demo
        .lines()
        .find_map(|l| l.split_once("--offer ").map(|(_, id)| id.trim().to_owned()))
        .expect("the demo names its offer");
    let effect =
        json(&walk.ok(&["report", "effect", "--practice", PRACTICE, "--offer", &offer, "--database", db]));
    assert_eq!(
        effect["synthetic"].as_str().map(|s| s.starts_with("Synthetic")),
        Some(true),
        "{backend}: {effect}"
    );
    let did = &effect["effect"]["difference_in_differences"];
    assert!(
        did["interval"]["low"].as_f64().is_some_and(|low| low > 0.0),
        "{backend}: the built-in effect: {did}"
    );

    let printed_document = walk.ok(&["openapi"]);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../lantern-web/openapi.json"))
            .expect("openapi.json");
    assert_eq!(json(&printed_document), json(&committed), "the printed document is the committed one");

    let junit = path(dir.path(), "junit.xml");
    let one_test = "<testsuites><testsuite name=\"s\"><testcase classname=\"lantern-web::http\" \
               name=\"security::matrix::every_route\"/></testsuite></testsuites>";
    std::fs::write(&junit, one_test).expect("junit");
    let pack = walk.ok(&["assurance", "--junit", &junit]);
    assert!(pack.contains("1 tests: 1 passed, 0 failed, 0 skipped"), "{pack}");
    let checked = walk.ok(&["config", "check", "--database", db]);
    assert!(checked.contains("safe to serve"), "{backend}: the test database is safe to serve: {checked}");

    // Served: healthy, the reset password signs in and the first does not, and SIGTERM stops it cleanly.
    let served = Server::start(db, None);
    walk.mark(&["serve"]);
    assert!(walk.ok(&["healthcheck", "--listen", &served.address()]).contains("healthy"));
    let browser = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let refused = sign_in(&browser, &served.url(""), LEAD, FIRST_PASSWORD).await;
    assert!(refused.url().path().starts_with("/sign-in"), "{backend}: the old password no longer signs in");
    let page = sign_in(&browser, &served.url(""), LEAD, SECOND_PASSWORD).await;
    assert_eq!(page.url().path(), "/log", "{backend}: the new password signs in");
    let address = served.address();
    assert!(served.terminate().success(), "{backend}: SIGTERM is a graceful stop");
    assert!(
        !lantern(&["healthcheck", "--listen", &address]).status.success(),
        "nothing answers once stopped"
    );

    // Backup, restore elsewhere, and the restored audit trail verifies with the restore recorded in it.
    let verified = run(&mut walk, &["audit", "verify"]);
    assert!(verified.contains("audit trail intact"), "{verified}");
    let backup = path(dir.path(), if backend == "SQLite" { "backup.db" } else { "backup.dump" });
    walk.ok(&["backup", "--to", &backup, "--database", db]);
    walk.ok(&["restore", "--from", &backup, "--to", restored]);
    let restored_check = ok(&["audit", "verify", "--database", restored]);
    assert!(restored_check.contains("audit trail intact"), "{backend}: {restored_check}");
    let restored_export = ok(&["export", "episodes", "--database", restored]);
    assert_eq!(restored_export, export, "{backend}: the restored copy holds the same episodes");

    walk.finish(backend);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_readme_command_works_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    walk(&path(dir.path(), "lantern.db"), &path(dir.path(), "restored.db"), "SQLite").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_readme_command_works_on_postgres() {
    let Some(db) = support::postgres::empty_database("readme").await else { return };
    let Some(restored) = support::postgres::empty_database("readme_restored").await else { return };
    walk(&db, &restored, "PostgreSQL").await;
}

#[test]
fn the_readme_table_is_read_whole() {
    let commands = readme_commands();
    for expected in [
        "serve",
        "demo",
        "user reset-password",
        "import epraccur",
        "import age-bands",
        "report online-consultations",
        "rollups check",
        "openapi",
    ] {
        assert!(commands.contains(expected), "{expected} missing from {commands:?}");
    }
    let stray =
        commands.iter().find(|c| c.contains(['[', '`', '|', '\\']) || c.chars().any(char::is_uppercase));
    assert_eq!(stray, None, "options or placeholders read as command words: {commands:?}");
}
