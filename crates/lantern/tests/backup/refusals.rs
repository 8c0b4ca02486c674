//! What backup and restore refuse, and that a refusal changes nothing.

use super::*;
use sqlx::Executor;

/// A small real database: migrated, with an audit trail of a few records.
fn small_database(dir: &Path, name: &str) -> String {
    let db = path(dir, name);
    ok(&["migrate", "--database", &db]);
    for _ in 0..3 {
        ok(&["export", "episodes", "--database", &db, "-o", &path(dir, "ignored.csv")]);
    }
    db
}

fn no_partial_files(dir: &Path) {
    let left: Vec<String> = names(dir).into_iter().filter(|n| n.contains("partial")).collect();
    assert!(left.is_empty(), "no half-written file is left: {left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_is_overwritten_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = small_database(dir.path(), "a.db");
    let copy = path(dir.path(), "copy.db");
    std::fs::write(&copy, b"precious").expect("write");

    let stderr = refused(&["backup", "--database", &db, "--to", &copy]);
    assert!(stderr.contains("already exists") && stderr.contains("--force"), "{stderr}");
    assert_eq!(bytes(Path::new(&copy)), b"precious");
    ok(&["backup", "--database", &db, "--to", &copy, "--force"]);
    assert_eq!(sqlite_figures(Path::new(&copy)).await.audit_records, 3);

    let stderr = refused(&["backup", "--database", &db, "--to", &db, "--force"]);
    assert!(stderr.contains("is the database itself"), "{stderr}");
    let stderr = refused(&[
        "backup",
        "--database",
        &path(dir.path(), "missing.db"),
        "--to",
        &path(dir.path(), "x.db"),
    ]);
    assert!(stderr.contains("there is no database at"), "{stderr}");
    assert!(!dir.path().join("missing.db").exists(), "backing up a missing database does not create it");

    // An existing database is replaced only with --force, and then kept aside rather than deleted.
    let target = small_database(dir.path(), "target.db");
    ok(&["export", "episodes", "--database", &target, "-o", &path(dir.path(), "ignored.csv")]);
    let before = sqlite_figures(Path::new(&target)).await;
    assert_eq!(before.audit_records, 4);
    let stderr = refused(&["restore", "--from", &copy, "--to", &target]);
    assert!(stderr.contains("already exists") && stderr.contains("--force"), "{stderr}");
    assert_eq!(sqlite_figures(Path::new(&target)).await, before);

    let printed = ok(&["restore", "--from", &copy, "--to", &target, "--force"]);
    assert!(printed.contains("kept as"), "{printed}");
    let aside: Vec<String> =
        names(dir.path()).into_iter().filter(|n| n.starts_with("target.db.before-restore-")).collect();
    assert_eq!(aside.len(), 1, "{:?}", names(dir.path()));
    assert_eq!(sqlite_figures(&dir.path().join(&aside[0])).await, before, "the replaced database, intact");
    let now = sqlite_figures(Path::new(&target)).await;
    assert_eq!((now.audit_records, now.last_action.as_str()), (3 + 1, "database.restore"));
    no_partial_files(dir.path());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_backup_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "demo.db");
    ok(&["demo", "--no-serve", "--database", &db]);
    let copy = path(dir.path(), "copy.db");
    ok(&["backup", "--database", &db, "--to", &copy]);
    let target = small_database(dir.path(), "target.db");
    let target_before = bytes(Path::new(&target));

    // Garbage over pages in the middle of the file, as a failing disk might leave it.
    let mut damaged = bytes(Path::new(&copy));
    let middle = damaged.len() / 2 / 4096 * 4096;
    for (i, byte) in damaged[middle..middle + 3 * 4096].iter_mut().enumerate() {
        *byte = (i * 7 % 251) as u8;
    }
    let damaged_path = path(dir.path(), "damaged.db");
    std::fs::write(&damaged_path, &damaged).expect("write");
    let stderr = refused(&["restore", "--from", &damaged_path, "--to", &target, "--force"]);
    assert!(stderr.contains("REFUSED") && stderr.contains("damaged.db is damaged"), "{stderr}");

    let truncated = path(dir.path(), "truncated.db");
    std::fs::write(&truncated, &bytes(Path::new(&copy))[..10]).expect("write");
    let stderr = refused(&["restore", "--from", &truncated, "--to", &target, "--force"]);
    assert!(stderr.contains("is not a SQLite database"), "{stderr}");

    assert_eq!(bytes(Path::new(&target)), target_before, "the database was not touched");
    assert!(!names(dir.path()).iter().any(|n| n.contains("before-restore")), "nothing set aside");
    no_partial_files(dir.path());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_audit_record_in_a_backup_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = small_database(dir.path(), "a.db");
    let copy = path(dir.path(), "copy.db");
    ok(&["backup", "--database", &db, "--to", &copy]);

    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&copy).connect().await.expect("open");
    conn.execute("DROP TRIGGER audit_events_no_update").await.expect("drop trigger");
    let changed = sqlx::query("UPDATE audit_events SET after_json = '{\"rows\":999}' WHERE seq = 2")
        .execute(&mut conn)
        .await
        .expect("tamper");
    assert_eq!(changed.rows_affected(), 1);
    conn.close().await.expect("close");

    let target = path(dir.path(), "restored.db");
    let stderr = refused(&["restore", "--from", &copy, "--to", &target]);
    assert!(stderr.contains("audit record 2: its contents were altered"), "{stderr}");
    assert!(!Path::new(&target).exists(), "nothing was restored");
    no_partial_files(dir.path());

    // A backup from a newer Lantern is refused too, rather than half understood.
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&db).connect().await.expect("open");
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000001, 'from the future', TRUE, x'00', 0)",
    )
    .await
    .expect("add a migration");
    conn.close().await.expect("close");
    let newer = path(dir.path(), "newer.db");
    ok(&["backup", "--database", &db, "--to", &newer]);
    let stderr = refused(&["restore", "--from", &newer, "--to", &target]);
    assert!(stderr.contains("newer Lantern") && stderr.contains("99990101000001"), "{stderr}");
    assert!(!Path::new(&target).exists(), "nothing was restored");
}
