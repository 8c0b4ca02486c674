//! Backup and restore on PostgreSQL, through pg_dump and pg_restore, on the local server: each test
//! makes its own databases.

use super::*;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor, Row};

/// A new empty database on the test server, named `lantern_backup_{purpose}_…`.
async fn new_database(purpose: &str) -> String {
    super::support::postgres::empty_database(&format!("backup_{purpose}"))
        .await
        .expect("the test server answered a moment ago")
}

async fn pg_figures(url: &str) -> Figures {
    let pool = AnyPoolOptions::new().max_connections(1).connect(url).await.expect("connect");
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.expect(sql) }
    };
    let minutes = sqlx::query(FIGURES_SQL[2]).fetch_all(&pool).await.expect("minutes");
    let figures = Figures {
        episode_rows: count(FIGURES_SQL[0]).await,
        episodes: count(FIGURES_SQL[1]).await,
        minutes_by_practice: minutes.iter().map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1))).collect(),
        audit_records: count(FIGURES_SQL[3]).await,
        last_action: sqlx::query_scalar(LAST_ACTION_SQL).fetch_one(&pool).await.expect("last action"),
    };
    pool.close().await;
    figures
}

async fn admin() -> Option<AnyPool> {
    let server = lantern_store::testing::postgres_server_url()?;
    sqlx::any::install_default_drivers();
    let admin =
        AnyPoolOptions::new().max_connections(1).connect(&server).await.expect("connect to PostgreSQL");
    Some(admin)
}

async fn database_names(admin: &AnyPool, like: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE $1 ORDER BY datname")
        .bind(format!("{like}%"))
        .fetch_all(admin)
        .await
        .expect("list databases")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_round_trips_through_pg_dump_and_pg_restore() {
    let Some(admin) = admin().await else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let source = new_database("source").await;
    ok(&["demo", "--no-serve", "--database", &source]);
    let original = pg_figures(&source).await;
    assert_demo_sized(&original);

    let dump = path(dir.path(), "lantern.dump");
    let printed = ok(&["backup", "--database", &source, "--to", &dump]);
    assert!(
        printed.contains(&format!("{} audit records (hash chain verified)", original.audit_records)),
        "{printed}"
    );
    assert_eq!(pg_figures(&source).await.last_action, "database.backup");
    assert!(refused(&["backup", "--database", &source, "--to", &dump]).contains("already exists"));

    // Into an empty database; then again over it, which keeps the first under a new name.
    let target = new_database("target").await;
    let target_name = target.rsplit('/').next().expect("name").to_owned();
    ok(&["restore", "--from", &dump, "--to", &target]);
    let verified = ok(&["audit", "verify", "--database", &target]);
    assert!(verified.contains(&format!("{} records verified", original.audit_records + 1)), "{verified}");
    let back = pg_figures(&target).await;
    assert_eq!((back.episode_rows, back.episodes), (original.episode_rows, original.episodes));
    assert_eq!(back.minutes_by_practice, original.minutes_by_practice, "the dashboard's minutes");
    assert_eq!(
        (back.audit_records, back.last_action.as_str()),
        (original.audit_records + 1, "database.restore")
    );
    let report =
        ["report", "hidden-work", "--practice", "Y99901", "--from", "2022-01-01", "--to", "2030-12-31"];
    assert_eq!(
        ok(&[&report[..], &["--database", &target]].concat()),
        ok(&[&report[..], &["--database", &source]].concat())
    );

    let replaced = pg_figures(&target).await;
    assert_eq!(replaced.last_action, "export.measures", "the report just run is audited");
    let stderr = refused(&["restore", "--from", &dump, "--to", &target]);
    assert!(stderr.contains("already exists") && stderr.contains("--force"), "{stderr}");
    let printed = ok(&["restore", "--from", &dump, "--to", &target, "--force"]);
    assert!(printed.contains("kept as"), "{printed}");
    let kept = printed.lines().find_map(|l| l.strip_prefix("the database it replaced is kept as "));
    let kept = kept.unwrap_or_else(|| panic!("{printed}")).to_owned();
    let aside = database_names(&admin, &kept).await;
    assert_eq!(
        aside.as_slice(),
        std::slice::from_ref(&kept),
        "the replaced database is kept under the name printed"
    );
    let (base, _) = target.rsplit_once('/').expect("url");
    assert_eq!(pg_figures(&format!("{base}/{}", aside[0])).await, replaced, "the replaced database, intact");
    let stem: String = target_name.chars().take(30).collect();
    assert!(database_names(&admin, &format!("{stem}_restoring")).await.is_empty(), "no scratch left");

    for name in [aside[0].as_str(), &target_name, source.rsplit('/').next().expect("name")] {
        admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.expect("drop");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pg_backup_that_does_not_verify_is_reported_failed() {
    let Some(admin) = admin().await else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let source = new_database("tampered").await;
    ok(&["migrate", "--database", &source]);
    for _ in 0..3 {
        ok(&["export", "episodes", "--database", &source, "-o", &path(dir.path(), "ignored.csv")]);
    }
    let pool = AnyPoolOptions::new().max_connections(1).connect(&source).await.expect("connect");
    pool.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").await.expect("disable");
    pool.execute("UPDATE audit_events SET after_json = '{\"rows\":999}' WHERE seq = 2")
        .await
        .expect("tamper");
    pool.close().await;

    let dump = path(dir.path(), "lantern.dump");
    let stderr = refused(&["backup", "--database", &source, "--to", &dump]);
    assert!(
        stderr.contains("FAILED") && stderr.contains("audit record 2: its contents were altered"),
        "{stderr}"
    );
    assert!(!Path::new(&dump).exists(), "no backup file appears");
    assert_eq!(names(dir.path()), ["ignored.csv"], "nothing half-written is left");
    let name = source.rsplit('/').next().expect("name");
    let stem: String = name.chars().take(30).collect();
    assert!(database_names(&admin, &format!("{stem}_restoring")).await.is_empty(), "no scratch left");
    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.expect("drop");
}
