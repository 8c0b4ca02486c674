//! Group commit, on both backends: episode writes made at the same time share a transaction, yet each
//! keeps its own audit record in chain order, a bad write fails alone, and no write is answered before
//! the commit it shares. The writes are spawned together on the test's single-threaded runtime, so all
//! of them are queued before the committing task first runs: they meet in one batch every time.

use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::{Episode, EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::testing::TestDatabase;
use lantern_store::{contract, AuditFilter, EpisodeFilter, ImportRow, Store, StoreError};
use std::collections::HashSet;
use tokio::task::JoinHandle;
use uuid::Uuid;

contract!(
    database: concurrent_creates_each_get_their_own_record_in_chain_order,
    a_bad_write_does_not_fail_its_neighbours,
    nothing_is_answered_before_the_shared_commit,
    a_failed_shared_commit_is_retried_one_write_at_a_time,
);

const WRITES: usize = 40;

async fn practice(store: &Store) -> (OdsCode, Uuid) {
    let code = OdsCode::parse("A81001").expect("valid");
    let practice = Practice {
        ods_code: code.clone(),
        name: "Test Surgery".into(),
        pcn: None,
        icb: None,
        list_size: 9_000,
    };
    store.upsert_practice(&practice, false, &Actor::system("test")).await.expect("practice");
    let member = StaffMember::new(code.clone(), "Asha", "receptionist").expect("valid");
    store.add_staff(&member, &Actor::system("test")).await.expect("staff");
    (code, member.id)
}

async fn episode(store: &Store, code: &OdsCode, helper: Uuid, note: &str) -> Episode {
    let input = EpisodeInput {
        occurred_at: Some("2026-03-02T09:15:00Z".into()),
        practice: code.to_string(),
        helpers: vec![helper.to_string()],
        duration_minutes: Some(6),
        channel: "desk".into(),
        services: vec!["nhs_login".into()],
        tasks: vec!["reset_password".into()],
        approach: "coached".into(),
        outcome: "resolved".into(),
        note: Some(note.into()),
        ..EpisodeInput::default()
    };
    let settings = store.settings(code).await.expect("settings");
    let ctx = PracticeContext {
        practice: code,
        services: &settings.services,
        staff: &settings.staff,
        offers: &settings.offers,
        now: Timestamp::now(),
    };
    input.validate(&ctx).expect("valid input")
}

fn actor(n: usize) -> Actor {
    Actor { username: format!("writer{n}@test"), ..Actor::system("test") }
}

/// Spawns every create before awaiting any, so that they queue together.
fn spawn_creates(
    store: &Store,
    episodes: Vec<Episode>,
) -> Vec<JoinHandle<Result<lantern_core::record::EpisodeRecord, StoreError>>> {
    episodes
        .into_iter()
        .enumerate()
        .map(|(n, episode)| {
            let store = store.clone();
            tokio::spawn(async move { store.create_episode(&episode, &actor(n)).await })
        })
        .collect()
}

async fn concurrent_creates_each_get_their_own_record_in_chain_order(db: TestDatabase) {
    let store = &db.store;
    let (code, helper) = practice(store).await;
    let mut episodes = Vec::new();
    for n in 0..WRITES {
        episodes.push(episode(store, &code, helper, &format!("note {n}")).await);
    }
    let before = store.commit_counts();
    let mut ids = Vec::new();
    for handle in spawn_creates(store, episodes) {
        ids.push(handle.await.expect("task").expect("create").id);
    }
    let counts = store.commit_counts();
    assert_eq!(counts.writes - before.writes, WRITES as u64);
    assert!(counts.commits - before.commits < WRITES as u64, "the writes never shared a commit: {counts:?}");

    // Counted straight from the table: one create record per episode, each naming its own episode.
    let filter = AuditFilter { action: Some("episode.create".into()), ..AuditFilter::default() };
    let records = store.audit_records(&filter, 1_000).await.expect("audit records");
    assert_eq!(records.len(), WRITES);
    let named: HashSet<String> = records.iter().filter_map(|r| r.record_id.clone()).collect();
    let made: HashSet<String> = ids.iter().map(Uuid::to_string).collect();
    assert_eq!(named, made);
    // Chain order: each write's record, in the order the writes were queued (task n wrote note n).
    let mut oldest_first = records.clone();
    oldest_first.sort_by_key(|r| r.seq);
    for (n, record) in oldest_first.iter().enumerate() {
        assert_eq!(record.actor.username, format!("writer{n}@test"), "record {}", record.seq);
        if n > 0 {
            assert_eq!(record.seq, oldest_first[n - 1].seq + 1);
            assert_eq!(record.prev_hash, oldest_first[n - 1].hash);
        }
    }
    let verified = store.verify_audit().await.expect("verify").expect("the chain verifies");
    assert!(verified >= WRITES as i64);
    assert!(
        store.check_rollups().await.expect("check rollups").is_empty(),
        "rollups differ from the episodes"
    );
}

async fn a_bad_write_does_not_fail_its_neighbours(db: TestDatabase) {
    let store = &db.store;
    let (code, helper) = practice(store).await;
    let kept =
        store.create_episode(&episode(store, &code, helper, "kept").await, &actor(0)).await.expect("create");
    let edited = store.update_episode(kept.id, Some(1), &kept.episode, &actor(0)).await.expect("edit");
    assert_eq!(edited.version, 2);
    let good = episode(store, &code, helper, "good").await;
    let mut orphan = good.clone();
    orphan.helpers = vec![Uuid::now_v7()]; // no such staff member: the database refuses the row
    let conflicting = vec![ImportRow { line: 9, id: Some(kept.id), episode: good.clone() }];
    let before = store.commit_counts();
    let audited_before = store.audit_records(&AuditFilter::default(), 10_000).await.expect("audit").len();

    let mut goods = Vec::new();
    let spawn_good = |n: usize| {
        let (store, good) = (store.clone(), good.clone());
        tokio::spawn(async move { store.create_episode(&good, &actor(n)).await })
    };
    goods.push(spawn_good(1));
    let orphan_write = {
        let store = store.clone();
        tokio::spawn(async move { store.create_episode(&orphan, &actor(99)).await })
    };
    goods.push(spawn_good(2));
    let stale_edit = {
        let (store, episode) = (store.clone(), kept.episode.clone());
        tokio::spawn(async move { store.update_episode(kept.id, Some(1), &episode, &actor(99)).await })
    };
    goods.push(spawn_good(3));
    let missing_delete = {
        let store = store.clone();
        tokio::spawn(async move { store.delete_episode(Uuid::now_v7(), "never logged", &actor(99)).await })
    };
    let bad_import = {
        let store = store.clone();
        tokio::spawn(async move { store.import_episodes(&conflicting, &actor(99)).await })
    };
    goods.push(spawn_good(4));

    assert!(matches!(orphan_write.await.expect("task"), Err(StoreError::Database(_))));
    assert!(matches!(stale_edit.await.expect("task"), Err(StoreError::Stale { expected: 1, current: 2 })));
    assert!(matches!(missing_delete.await.expect("task"), Err(StoreError::NotFound(_))));
    assert!(
        matches!(bad_import.await.expect("task"), Err(StoreError::Conflict(m)) if m.starts_with("line 9:"))
    );
    let mut good_ids = Vec::new();
    for handle in goods {
        good_ids.push(handle.await.expect("task").expect("a good write beside bad ones").id);
    }
    let counts = store.commit_counts();
    assert!(counts.commits - before.commits < counts.writes - before.writes, "no shared commit: {counts:?}");

    // What is stored: the first episode and the four good ones, nothing of the bad writes.
    let listed = store.list_episodes(&EpisodeFilter::default(), 100, 0).await.expect("list");
    assert_eq!(listed.total, 5);
    assert_eq!(store.episode(kept.id).await.expect("kept").version, 2);
    let audited = store.audit_records(&AuditFilter::default(), 10_000).await.expect("audit");
    assert_eq!(audited.len() - audited_before, 4, "one record per good write and none for the bad");
    assert!(audited.iter().all(|r| r.actor.username != "writer99@test"));
    for id in good_ids {
        let id = id.to_string();
        assert_eq!(audited.iter().filter(|r| r.record_id.as_deref() == Some(id.as_str())).count(), 1);
    }
    store.verify_audit().await.expect("verify").expect("the chain verifies");
    assert!(
        store.check_rollups().await.expect("check rollups").is_empty(),
        "rollups differ from the episodes"
    );
}

async fn nothing_is_answered_before_the_shared_commit(db: TestDatabase) {
    let store = &db.store;
    let (code, helper) = practice(store).await;
    // A second store has its own connections: it sees only what has been committed.
    let outside = Store::connect(&db.location).await.expect("a second store");
    let mut handles = Vec::new();
    for n in 0..WRITES {
        let episode = episode(store, &code, helper, &format!("note {n}")).await;
        let (store, outside) = (store.clone(), outside.clone());
        handles.push(tokio::spawn(async move {
            let record = store.create_episode(&episode, &actor(n)).await.expect("create");
            let seen = outside.episode(record.id).await.expect("committed when answered");
            assert_eq!(seen, record);
        }));
    }
    for handle in handles {
        handle.await.expect("every answered write was already committed");
    }
    outside.close().await;
}

async fn a_failed_shared_commit_is_retried_one_write_at_a_time(db: TestDatabase) {
    let store = &db.store;
    let (code, helper) = practice(store).await;
    let mut episodes = Vec::new();
    for n in 0..WRITES {
        episodes.push(episode(store, &code, helper, &format!("note {n}")).await);
    }
    // Behind the store's back: the audit head may move by one record at a time only, so any batch
    // of two or more writes fails as a whole, while each write alone goes through.
    match db.store.backend() {
        lantern_store::Backend::Sqlite => {
            db.execute_raw(
                "CREATE TRIGGER one_at_a_time BEFORE UPDATE ON audit_head WHEN NEW.seq > OLD.seq + 1 \
                 BEGIN SELECT RAISE(ABORT, 'one record at a time'); END",
            )
            .await
            .expect("trigger");
        }
        lantern_store::Backend::Postgres => {
            db.execute_raw(
                "CREATE FUNCTION one_at_a_time() RETURNS trigger AS $$ BEGIN \
                 IF NEW.seq > OLD.seq + 1 THEN RAISE EXCEPTION 'one record at a time'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql",
            )
            .await
            .expect("function");
            db.execute_raw(
                "CREATE TRIGGER one_at_a_time BEFORE UPDATE ON audit_head FOR EACH ROW EXECUTE FUNCTION one_at_a_time()",
            )
            .await
            .expect("trigger");
        }
    }
    let before = store.commit_counts();
    for handle in spawn_creates(store, episodes) {
        handle.await.expect("task").expect("each write succeeds alone");
    }
    let counts = store.commit_counts();
    assert_eq!(counts.commits - before.commits, WRITES as u64, "each write committed alone: {counts:?}");
    let listed = store.list_episodes(&EpisodeFilter::default(), 100, 0).await.expect("list");
    assert_eq!(listed.total, WRITES as i64);
    store.verify_audit().await.expect("verify").expect("the chain verifies");
}
