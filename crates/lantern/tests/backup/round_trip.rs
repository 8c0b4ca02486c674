//! The demo backed up and restored: everything comes back, the audit chain verifies, and the backup
//! and the restore each leave one record saying so.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_round_trips_through_backup_and_restore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, copy, restored) =
        (path(dir.path(), "demo.db"), path(dir.path(), "copy.db"), path(dir.path(), "restored.db"));
    ok(&["demo", "--no-serve", "--database", &db]);
    let original = sqlite_figures(Path::new(&db)).await;
    assert_demo_sized(&original);

    let printed = ok(&["backup", "--database", &db, "--to", &copy]);
    assert!(printed.contains(&format!("{} episodes", original.episode_rows)), "{printed}");
    assert!(printed.contains(&format!("{} audit records", original.audit_records)), "{printed}");
    assert_eq!(sqlite_figures(Path::new(&copy)).await, original, "the copy holds what the database held");
    let after_backup = sqlite_figures(Path::new(&db)).await;
    assert_eq!(
        after_backup.audit_records,
        original.audit_records + 1,
        "the backup is recorded in the original"
    );
    assert_eq!(after_backup.last_action, "database.backup");
    let left: Vec<String> = names(dir.path()).into_iter().filter(|n| n.contains("partial")).collect();
    assert!(left.is_empty(), "no half-written file is left: {left:?}");

    let backup_bytes = bytes(Path::new(&copy));
    let printed = ok(&["restore", "--from", &copy, "--to", &restored]);
    assert!(printed.contains(&format!("{} episodes", original.episode_rows)), "{printed}");
    assert_eq!(bytes(Path::new(&copy)), backup_bytes, "restoring never writes to the backup");

    let verified = ok(&["audit", "verify", "--database", &restored]);
    assert!(verified.contains(&format!("{} records verified", original.audit_records + 1)), "{verified}");
    let back = sqlite_figures(Path::new(&restored)).await;
    assert_eq!(back.episode_rows, original.episode_rows);
    assert_eq!(back.episodes, original.episodes);
    assert_eq!(back.minutes_by_practice, original.minutes_by_practice, "the dashboard's minutes");
    assert_eq!(back.audit_records, original.audit_records + 1, "every record, plus the restore's own");
    assert_eq!(back.last_action, "database.restore");

    // The commands a practice manager uses read the same from the restored copy.
    for args in [
        [
            "report",
            "hidden-work",
            "--practice",
            "Y99901",
            "--from",
            "2022-01-01",
            "--to",
            "2030-12-31",
            "--format",
            "json",
        ]
        .as_slice(),
        ["export", "episodes", "--practice", "Y99902"].as_slice(),
    ] {
        let from_original = ok(&[args, &["--database", &db]].concat());
        assert!(from_original.len() > 100, "{from_original}");
        assert_eq!(ok(&[args, &["--database", &restored]].concat()), from_original, "{args:?}");
    }
    ok(&["rollups", "check", "--database", &restored]);
}

/// A backup made by an older Lantern (fewer migrations) is brought forward by the restore.
#[tokio::test(flavor = "multi_thread")]
async fn an_older_backup_is_migrated_forward() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.db");
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lantern-store/migrations/sqlite");
    let mut migrator = sqlx::migrate::Migrator::new(migrations.as_path()).await.expect("read migrations");
    let all = migrator.migrations.len();
    assert!(all >= 3, "{all} migrations");
    migrator.migrations = migrator.migrations[..all - 1].to_vec().into();
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&old)
        .create_if_missing(true)
        .connect()
        .await
        .expect("create old database");
    migrator.run(&mut conn).await.expect("apply all but the newest migration");
    conn.close().await.expect("close");

    let restored = path(dir.path(), "restored.db");
    let printed = ok(&["restore", "--from", &old.to_string_lossy(), "--to", &restored]);
    assert!(printed.contains("1 migrations applied"), "{printed}");
    let mut conn =
        sqlx::sqlite::SqliteConnectOptions::new().filename(&restored).connect().await.expect("open");
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(usize::try_from(applied).expect("count"), all);
    conn.close().await.expect("close");
    ok(&["audit", "verify", "--database", &restored]);
}
