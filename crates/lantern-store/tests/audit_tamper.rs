//! Someone with direct database access alters every column of every audit record in turn, removes,
//! adds and reorders records; each time `verify_audit` fails and names the record, and once the change
//! is undone the trail verifies again. On both backends.

use lantern_core::audit::{Actor, AuditEntry, AuditRecord, ChainBreak};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::testing::TestDatabase;
use lantern_store::{AuditFilter, Backend};

use lantern_store::contract;

contract!(database: every_column_insertion_removal_and_reordering_is_named);

const COLUMNS: [&str; 15] = [
    "seq",
    "at",
    "user_id",
    "username",
    "role",
    "organisation",
    "client",
    "action",
    "record_type",
    "record_id",
    "practice",
    "before_json",
    "after_json",
    "prev_hash",
    "hash",
];

/// The columns the schema lets someone empty.
const NULLABLE: [&str; 8] = [
    "user_id",
    "organisation",
    "client",
    "record_type",
    "record_id",
    "practice",
    "before_json",
    "after_json",
];

/// What the record holds in `column`, as stored.
fn value(r: &AuditRecord, column: &str) -> Option<String> {
    match column {
        "seq" => Some(r.seq.to_string()),
        "at" => Some(r.at.clone()),
        "user_id" => r.actor.user_id.clone(),
        "username" => Some(r.actor.username.clone()),
        "role" => Some(r.actor.role.clone()),
        "organisation" => r.actor.organisation.clone(),
        "client" => r.actor.client.clone(),
        "action" => Some(r.action.clone()),
        "record_type" => r.record_type.clone(),
        "record_id" => r.record_id.clone(),
        "practice" => r.practice.clone(),
        "before_json" => r.before.clone(),
        "after_json" => r.after.clone(),
        "prev_hash" => Some(r.prev_hash.clone()),
        "hash" => Some(r.hash.clone()),
        other => panic!("no column {other}"),
    }
}

fn literal(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), |v| format!("'{}'", v.replace('\'', "''")))
}

fn insert_sql(r: &AuditRecord) -> String {
    let values: Vec<String> = COLUMNS
        .iter()
        .map(|c| if *c == "seq" { r.seq.to_string() } else { literal(value(r, c).as_deref()) })
        .collect();
    format!("INSERT INTO audit_events ({}) VALUES ({})", COLUMNS.join(", "), values.join(", "))
}

/// The break names record `seq`: it is the record reported, or the one reported missing.
fn names(found: &Result<i64, ChainBreak>, seq: i64) -> bool {
    found.as_ref().is_err_and(|b| b.seq == seq || b.reason.contains(&format!("expected record {seq} next")))
}

async fn run(db: &TestDatabase, sql: &str) {
    db.execute_raw(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn every_column_insertion_removal_and_reordering_is_named(db: TestDatabase) {
    let code = OdsCode::parse("A81001").expect("valid");
    let setup = Actor::system("setup");
    let practice =
        Practice { ods_code: code.clone(), name: "Test".into(), pcn: None, icb: None, list_size: 9 };
    db.store.upsert_practice(&practice, false, &setup).await.expect("practice");
    let member = StaffMember::new(code.clone(), "Ben", "gp").expect("valid");
    db.store.add_staff(&member, &setup).await.expect("staff");
    // One record with every optional field filled, one with them all empty.
    let person = Actor {
        user_id: Some("0190e8a4-0000-7000-8000-000000000001".into()),
        username: "asha".into(),
        role: "staff".into(),
        organisation: Some(code.to_string()),
        client: Some("192.0.2.7".into()),
    };
    let full = AuditEntry::new(&person, "episode.edit")
        .record("episode", "e-1")
        .practice(&code)
        .before(&serde_json::json!({ "note": "it's" }))
        .after(&serde_json::json!({ "note": "fine" }));
    db.store.audit(full).await.expect("audit");
    db.store.audit(AuditEntry::new(&setup, "export.episodes")).await.expect("audit");
    let mut records = db.store.audit_records(&AuditFilter::default(), 100).await.expect("records");
    records.reverse();
    let n = i64::try_from(records.len()).expect("few");
    assert_eq!(db.store.verify_audit().await.expect("verify"), Ok(n));

    let guards: &[&str] = match db.store.backend() {
        Backend::Sqlite => &["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"],
        Backend::Postgres => &["DROP TRIGGER audit_events_no_change ON audit_events"],
    };
    for guard in guards {
        run(&db, guard).await;
    }
    let mut problems = Vec::new();
    let mut check = |what: String, found: Result<i64, ChainBreak>, seq: i64| {
        if !names(&found, seq) {
            problems.push(format!("{what}: {found:?}, expected record {seq} named"));
        }
    };
    for record in &records {
        let k = record.seq;
        for column in COLUMNS {
            let original = value(record, column);
            let mut changes = vec![match &original {
                Some(_) if column == "seq" => (k + 100).to_string(),
                Some(v) => literal(Some(&format!("{v}x"))),
                None => literal(Some("x")),
            }];
            if original.is_some() && NULLABLE.contains(&column) {
                changes.push("NULL".into());
            }
            for change in changes {
                run(&db, &format!("UPDATE audit_events SET {column} = {change} WHERE seq = {k}")).await;
                let found = db.store.verify_audit().await.expect("verify");
                check(format!("record {k} {column} set to {change}"), found, k);
                let now = if column == "seq" { change.clone() } else { k.to_string() };
                let back = literal(original.as_deref());
                let back = if column == "seq" { k.to_string() } else { back };
                run(&db, &format!("UPDATE audit_events SET {column} = {back} WHERE seq = {now}")).await;
                assert_eq!(db.store.verify_audit().await.expect("verify"), Ok(n), "restored {column} of {k}");
            }
        }
        run(&db, &format!("DELETE FROM audit_events WHERE seq = {k}")).await;
        check(format!("record {k} removed"), db.store.verify_audit().await.expect("verify"), k);
        run(&db, &insert_sql(record)).await;
        if k < n {
            let next = k + 1;
            for (from, to) in [(k, -1), (next, k), (-1, next)] {
                run(&db, &format!("UPDATE audit_events SET seq = {to} WHERE seq = {from}")).await;
            }
            check(
                format!("records {k} and {next} swapped"),
                db.store.verify_audit().await.expect("verify"),
                k,
            );
            for (from, to) in [(k, -1), (next, k), (-1, next)] {
                run(&db, &format!("UPDATE audit_events SET seq = {to} WHERE seq = {from}")).await;
            }
        }
        assert_eq!(db.store.verify_audit().await.expect("verify"), Ok(n), "restored around {k}");
    }
    // A record added at the end, linked and hashed exactly as Lantern would, but never in the head.
    let last = records.last().expect("records");
    let forged = AuditEntry::new(&Actor::system("forger"), "episode.delete").chain(n + 1, &last.hash);
    run(&db, &insert_sql(&forged)).await;
    check("a record added at the end".into(), db.store.verify_audit().await.expect("verify"), n + 1);
    assert!(problems.is_empty(), "tampering not named:\n{}", problems.join("\n"));
}
