//! The store's contract: every test here runs against SQLite and against PostgreSQL.

use jiff::Timestamp;
use lantern_core::episode::{Episode, EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::{EpisodeFilter, ImportRow, Store, StoreError};

use lantern_store::contract;

contract!(
    practices_start_with_the_catalogue,
    services_can_be_disabled_and_added,
    episodes_round_trip,
    a_new_episode_is_answered_as_it_reads_back,
    edits_make_versions_and_keep_history,
    stale_edits_conflict,
    a_submission_key_stores_one_episode,
    deletion_is_soft_and_needs_a_reason,
    lists_filter_and_paginate,
    keyset_walk_visits_every_episode_once,
    import_is_all_or_nothing,
    reimport_of_the_same_rows_changes_nothing,
    foreign_keys_are_enforced,
);

struct Seed {
    practice: OdsCode,
    staff: Vec<StaffMember>,
}

async fn seed(store: &Store) -> Seed {
    let practice = OdsCode::parse("A81001").expect("valid");
    store
        .upsert_practice(
            &Practice {
                ods_code: practice.clone(),
                name: "Test Surgery".into(),
                pcn: Some(OdsCode::parse("U89141").expect("valid")),
                icb: Some(OdsCode::parse("QHM").expect("valid")),
                list_size: 9_000,
            },
            false,
            &lantern_core::audit::Actor::system("test"),
        )
        .await
        .expect("practice");
    let mut staff = Vec::new();
    for (name, role) in [("Asha", "receptionist"), ("Ben", "practice_manager")] {
        let member = StaffMember::new(practice.clone(), name, role).expect("valid");
        store.add_staff(&member, &lantern_core::audit::Actor::system("test")).await.expect("staff");
        staff.push(member);
    }
    Seed { practice, staff }
}

fn input(seed: &Seed, minutes: i64, service: &str, when: &str) -> EpisodeInput {
    EpisodeInput {
        occurred_at: Some(when.into()),
        practice: seed.practice.to_string(),
        helpers: vec![seed.staff[0].id.to_string()],
        duration_minutes: Some(minutes),
        channel: "desk".into(),
        services: vec![service.into()],
        tasks: vec!["reset_password".into()],
        approach: "coached".into(),
        barriers: vec!["low_confidence".into(), "no_photo_id".into()],
        age_band: Some("65-74".into()),
        outcome: "resolved".into(),
        note: Some("Forgot which email they used".into()),
        ..EpisodeInput::default()
    }
}

async fn valid(store: &Store, seed: &Seed, input: &EpisodeInput) -> Episode {
    let settings = store.settings(&seed.practice).await.expect("settings");
    let ctx = PracticeContext {
        practice: &seed.practice,
        services: &settings.services,
        staff: &settings.staff,
        offers: &settings.offers,
        now: Timestamp::now(),
    };
    input.validate(&ctx).expect("valid input")
}

async fn practices_start_with_the_catalogue(store: Store) {
    let seed = seed(&store).await;
    let services = store.services(&seed.practice).await.expect("services");
    assert_eq!(services.len(), lantern_core::taxonomy::SERVICES.terms.len());
    assert_eq!(services[0].code, "nhs_app");
    let practices = store.list_practices().await.expect("list");
    assert_eq!(practices.len(), 1);
    assert_eq!(practices[0].0.list_size, 9_000);
    assert_eq!(practices[0].0.icb.as_ref().map(OdsCode::as_str), Some("QHM"));
    // Re-seeding the same practice updates it without duplicating services.
    seed_again_changes_name(&store, &seed.practice).await;
    assert_eq!(store.services(&seed.practice).await.expect("services").len(), services.len());
}

async fn seed_again_changes_name(store: &Store, code: &OdsCode) {
    let mut practice = store.practice(code).await.expect("practice");
    practice.name = "Renamed Surgery".into();
    store
        .upsert_practice(&practice, false, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("upsert");
    assert_eq!(store.practice(code).await.expect("practice").name, "Renamed Surgery");
}

async fn services_can_be_disabled_and_added(store: Store) {
    let seed = seed(&store).await;
    store
        .set_service_enabled(&seed.practice, "sms_links", false, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("disable");
    let added = store
        .add_service(&seed.practice, "Accurx Patient Triage", &lantern_core::audit::Actor::system("test"))
        .await
        .expect("add");
    assert_eq!(added.code, "accurx_patient_triage");
    let again = store
        .add_service(&seed.practice, "accurx patient triage", &lantern_core::audit::Actor::system("test"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let services = store.services(&seed.practice).await.expect("services");
    assert!(!services.iter().find(|s| s.code == "sms_links").expect("present").enabled);
    assert_eq!(services.last().map(|s| s.code.as_str()), Some("accurx_patient_triage"));
    assert!(matches!(
        store
            .set_service_enabled(&seed.practice, "no_such", true, &lantern_core::audit::Actor::system("test"))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn episodes_round_trip(store: Store) {
    let seed = seed(&store).await;
    let episode = valid(&store, &seed, &input(&seed, 12, "nhs_login", "2026-03-02T09:15:00Z")).await;
    let created =
        store.create_episode(&episode, &lantern_core::audit::Actor::system("test")).await.expect("create");
    assert_eq!(created.version, 1);
    assert_eq!(created.episode, episode);
    assert!(created.deleted.is_none());
    assert_eq!(store.episode(created.id).await.expect("read"), created);
    assert!(matches!(store.episode(uuid::Uuid::now_v7()).await, Err(StoreError::NotFound(_))));
}

/// A create answers with the record it built rather than reading it back: it must be exactly what a
/// read finds, for every shape of episode (fractions of a second, several codes, no note, flags set).
async fn a_new_episode_is_answered_as_it_reads_back(store: Store) {
    use lantern_core::submission::SubmissionKey;
    let seed = seed(&store).await;
    let actor = lantern_core::audit::Actor {
        user_id: Some("user-1".into()),
        ..lantern_core::audit::Actor::system("test")
    };
    let mut inputs = vec![input(&seed, 12, "nhs_login", "2026-03-02T09:15:00.987654Z")];
    let mut busy = input(&seed, 240, "nhs_app", "2026-03-02T23:59:59.5Z");
    busy.services.push("nhs_login".into());
    busy.tasks.push("install_app".into());
    busy.helpers.push(seed.staff[1].id.to_string());
    busy.carer_proxy = true;
    busy.follow_up = true;
    busy.outcome = "escalated".into();
    busy.escalated_to = Some(seed.staff[1].id.to_string());
    // Part of a support offer: the offer goes in with the episode and reads back with it.
    let drop_in = lantern_core::offer::OfferDraft {
        kind: "drop_in_session".into(),
        title: "NHS App drop-in".into(),
        started_on: "2026-01-01".into(),
        run_by_name: Some("Reception team".into()),
        ..lantern_core::offer::OfferDraft::default()
    };
    let offer = store.create_offer(&seed.practice, &drop_in, &actor).await.expect("offer");
    busy.offer_id = Some(offer.id.to_string());
    inputs.push(busy);
    let mut bare = input(&seed, 1, "nhs_app", "2026-01-01T00:00:00Z");
    bare.note = None;
    bare.age_band = None;
    bare.barriers.clear();
    inputs.push(bare);
    for (n, raw) in inputs.iter().enumerate() {
        let episode = valid(&store, &seed, raw).await;
        let created = store.create_episode(&episode, &actor).await.expect("create");
        assert_eq!(store.episode(created.id).await.expect("read"), created, "input {n}");
        let key = SubmissionKey::new("account-1", &format!("key-{n}"), raw).expect("key");
        let keyed = store.create_episode_once(&episode, &actor, &key).await.expect("keyed create");
        assert_eq!(store.episode(keyed.record.id).await.expect("read"), keyed.record, "keyed input {n}");
    }
}

async fn edits_make_versions_and_keep_history(store: Store) {
    let seed = seed(&store).await;
    let first = valid(&store, &seed, &input(&seed, 12, "nhs_login", "2026-03-02T09:15:00Z")).await;
    let created =
        store.create_episode(&first, &lantern_core::audit::Actor::system("test")).await.expect("create");
    let mut edit = input(&seed, 20, "nhs_app", "2026-03-02T09:15:00Z");
    edit.helpers.push(seed.staff[1].id.to_string());
    edit.outcome = "escalated".into();
    edit.escalated_to = Some(seed.staff[1].id.to_string());
    let second = valid(&store, &seed, &edit).await;
    let updated = store
        .update_episode(created.id, Some(1), &second, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("update");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.episode, second);
    assert_eq!(updated.created_at, created.created_at);
    let history = store.episode_history(created.id).await.expect("history");
    assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(history[0].episode, first);
    assert_eq!(history[1].episode, second);
    // Filters follow the current version only.
    let by_old_service = EpisodeFilter { service: Some("nhs_login".into()), ..EpisodeFilter::default() };
    assert_eq!(store.list_episodes(&by_old_service, 10, 0).await.expect("list").total, 0);
    let by_new_helper = EpisodeFilter { helper: Some(seed.staff[1].id), ..EpisodeFilter::default() };
    assert_eq!(store.list_episodes(&by_new_helper, 10, 0).await.expect("list").total, 1);
}

async fn stale_edits_conflict(store: Store) {
    let seed = seed(&store).await;
    let episode = valid(&store, &seed, &input(&seed, 5, "nhs_login", "2026-03-02T09:15:00Z")).await;
    let created =
        store.create_episode(&episode, &lantern_core::audit::Actor::system("test")).await.expect("create");
    store
        .update_episode(created.id, Some(1), &episode, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("first edit");
    let stale = store
        .update_episode(created.id, Some(1), &episode, &lantern_core::audit::Actor::system("test"))
        .await;
    assert!(matches!(stale, Err(StoreError::Stale { expected: 1, current: 2 })), "{stale:?}");
    assert_eq!(store.episode(created.id).await.expect("read").version, 2);
    // Undo's delete holds only while nobody has edited since.
    let undo = store
        .delete_episode_at(created.id, Some(1), "undo", &lantern_core::audit::Actor::system("test"))
        .await;
    assert!(matches!(undo, Err(StoreError::Stale { expected: 1, current: 2 })), "{undo:?}");
    assert!(store.episode(created.id).await.expect("read").deleted.is_none());
}

async fn a_submission_key_stores_one_episode(store: Store) {
    use lantern_core::submission::SubmissionKey;
    let seed = seed(&store).await;
    let raw = input(&seed, 5, "nhs_login", "2026-03-02T09:15:00Z");
    let episode = valid(&store, &seed, &raw).await;
    let actor = lantern_core::audit::Actor::system("test");
    let key = SubmissionKey::new("account-1", "key-1", &raw).expect("key");
    let first = store.create_episode_once(&episode, &actor, &key).await.expect("first");
    let again = store.create_episode_once(&episode, &actor, &key).await.expect("again");
    assert!(!first.replayed && again.replayed);
    assert_eq!(first.record.id, again.record.id);
    let all = store.list_episodes(&EpisodeFilter::default(), 10, 0).await.expect("list");
    assert_eq!(all.total, 1, "one episode for one key");
    let mut other = raw.clone();
    other.duration_minutes = Some(9);
    let reused = SubmissionKey::new("account-1", "key-1", &other).expect("key");
    let refused = store.create_episode_once(&episode, &actor, &reused).await;
    assert!(matches!(refused, Err(StoreError::KeyReused)), "{refused:?}");
    let elsewhere = SubmissionKey::new("account-2", "key-1", &raw).expect("key");
    assert!(!store.create_episode_once(&episode, &actor, &elsewhere).await.expect("other account").replayed);
    assert_eq!(store.list_episodes(&EpisodeFilter::default(), 10, 0).await.expect("list").total, 2);
}

async fn deletion_is_soft_and_needs_a_reason(store: Store) {
    let seed = seed(&store).await;
    let episode = valid(&store, &seed, &input(&seed, 5, "nhs_login", "2026-03-02T09:15:00Z")).await;
    let created =
        store.create_episode(&episode, &lantern_core::audit::Actor::system("test")).await.expect("create");
    assert!(matches!(
        store.delete_episode(created.id, "  ", &lantern_core::audit::Actor::system("test")).await,
        Err(StoreError::Invalid(_))
    ));
    let deleted = store
        .delete_episode(created.id, "Logged twice", &lantern_core::audit::Actor::system("test"))
        .await
        .expect("delete");
    assert_eq!(deleted.deleted.as_ref().map(|d| d.reason.as_str()), Some("Logged twice"));
    assert_eq!(deleted.episode, episode, "the content stays");
    assert!(matches!(
        store.delete_episode(created.id, "again", &lantern_core::audit::Actor::system("test")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.update_episode(created.id, None, &episode, &lantern_core::audit::Actor::system("test")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.list_episodes(&EpisodeFilter::default(), 10, 0).await.expect("list").total, 0);
    let with_deleted = EpisodeFilter { include_deleted: true, ..EpisodeFilter::default() };
    assert_eq!(store.list_episodes(&with_deleted, 10, 0).await.expect("list").total, 1);
}

async fn lists_filter_and_paginate(store: Store) {
    let seed = seed(&store).await;
    for day in 1..=9 {
        let service = if day % 3 == 0 { "nhs_app" } else { "nhs_login" };
        let episode =
            valid(&store, &seed, &input(&seed, day, service, &format!("2026-03-0{day}T10:00:00Z"))).await;
        store.create_episode(&episode, &lantern_core::audit::Actor::system("test")).await.expect("create");
    }
    let all = store.list_episodes(&EpisodeFilter::default(), 4, 0).await.expect("list");
    assert_eq!(all.total, 9);
    let days: Vec<i8> =
        all.episodes.iter().map(|e| e.episode.occurred_at.to_zoned(jiff::tz::TimeZone::UTC).day()).collect();
    assert_eq!(days, [9, 8, 7, 6], "newest first");
    let last_page = store.list_episodes(&EpisodeFilter::default(), 4, 8).await.expect("list");
    assert_eq!(last_page.episodes.len(), 1);
    let window = EpisodeFilter {
        from: Some("2026-03-03T00:00:00Z".parse().expect("valid")),
        until: Some("2026-03-07T00:00:00Z".parse().expect("valid")),
        service: Some("nhs_app".into()),
        ..EpisodeFilter::default()
    };
    let page = store.list_episodes(&window, 10, 0).await.expect("list");
    assert_eq!(page.total, 2, "days 3 and 6");
    let other_practice = EpisodeFilter {
        practices: vec![OdsCode::parse("B82002").expect("valid")],
        ..EpisodeFilter::default()
    };
    assert_eq!(store.list_episodes(&other_practice, 10, 0).await.expect("list").total, 0);
    let resolved = EpisodeFilter {
        outcome: Some("resolved".into()),
        practices: vec![seed.practice.clone()],
        ..EpisodeFilter::default()
    };
    assert_eq!(store.list_episodes(&resolved, 10, 0).await.expect("list").total, 9);
}

async fn keyset_walk_visits_every_episode_once(store: Store) {
    let seed = seed(&store).await;
    // Several episodes share a time, so the walk must break ties by id.
    for i in 0..7 {
        let when = format!("2026-03-0{}T10:00:00Z", 1 + i / 3);
        let episode = valid(&store, &seed, &input(&seed, i + 1, "nhs_login", &when)).await;
        store.create_episode(&episode, &lantern_core::audit::Actor::system("test")).await.expect("create");
    }
    let mut seen = Vec::new();
    let mut last = None;
    loop {
        let batch = store.episodes_after(&EpisodeFilter::default(), last.as_ref(), 2).await.expect("walk");
        let Some(tail) = batch.last().cloned() else { break };
        seen.extend(batch.into_iter().map(|r| r.id));
        last = Some(tail);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (7, 7));
}

async fn import_is_all_or_nothing(store: Store) {
    let seed = seed(&store).await;
    let good = valid(&store, &seed, &input(&seed, 5, "nhs_login", "2026-03-02T09:15:00Z")).await;
    let mut bad = good.clone();
    bad.helpers = vec![uuid::Uuid::now_v7()]; // not a staff member: the database refuses it
    let rows = vec![
        ImportRow { line: 2, id: None, episode: good.clone() },
        ImportRow { line: 3, id: None, episode: bad },
    ];
    let result = store.import_episodes(&rows, &lantern_core::audit::Actor::system("test")).await;
    match result {
        Err(StoreError::Conflict(message)) => assert!(message.starts_with("line 3:"), "{message}"),
        other => panic!("expected a conflict naming line 3, got {other:?}"),
    }
    assert_eq!(store.list_episodes(&EpisodeFilter::default(), 10, 0).await.expect("list").total, 0);
}

async fn reimport_of_the_same_rows_changes_nothing(store: Store) {
    let seed = seed(&store).await;
    let episode = valid(&store, &seed, &input(&seed, 5, "nhs_login", "2026-03-02T09:15:00Z")).await;
    let id = uuid::Uuid::now_v7();
    let rows = vec![ImportRow { line: 2, id: Some(id), episode: episode.clone() }];
    assert_eq!(
        store
            .import_episodes(&rows, &lantern_core::audit::Actor::system("test"))
            .await
            .expect("first")
            .created,
        1
    );
    let again =
        store.import_episodes(&rows, &lantern_core::audit::Actor::system("test")).await.expect("second");
    assert_eq!((again.created, again.unchanged), (0, 1));
    let mut changed = episode;
    changed.duration_minutes = 6;
    let conflicting = vec![ImportRow { line: 7, id: Some(id), episode: changed }];
    assert!(
        matches!(store.import_episodes(&conflicting, &lantern_core::audit::Actor::system("test")).await, Err(StoreError::Conflict(m)) if m.starts_with("line 7:"))
    );
}

async fn foreign_keys_are_enforced(store: Store) {
    let seed = seed(&store).await;
    let mut orphan = valid(&store, &seed, &input(&seed, 5, "nhs_login", "2026-03-02T09:15:00Z")).await;
    orphan.practice = OdsCode::parse("Z99999").expect("valid");
    assert!(store.create_episode(&orphan, &lantern_core::audit::Actor::system("test")).await.is_err());
    assert_eq!(store.list_episodes(&EpisodeFilter::default(), 10, 0).await.expect("list").total, 0);
}

/// The audit filter's list of actions: each once, alphabetical, within the practices asked about.
mod audit_actions {
    use super::*;

    contract!(audit_actions_are_listed_once_within_the_practices_asked);

    async fn audit_actions_are_listed_once_within_the_practices_asked(store: Store) {
        let seed = seed(&store).await;
        let actor = lantern_core::audit::Actor::system("test");
        store.set_service_enabled(&seed.practice, "nhs_app", false, &actor).await.expect("switch");
        store.audit(lantern_core::audit::AuditEntry::new(&actor, "export.audit")).await.expect("audit");
        let all = store.audit_actions(None).await.expect("actions");
        assert_eq!(all, ["export.audit", "practice.save", "service.disable", "staff.add"]);
        let here = store.audit_actions(Some(&[seed.practice.to_string()])).await.expect("actions");
        assert_eq!(here, ["practice.save", "service.disable", "staff.add"], "unplaced records left out");
        assert!(store.audit_actions(Some(&["B82002".to_owned()])).await.expect("actions").is_empty());
        assert!(store.audit_actions(Some(&[])).await.expect("actions").is_empty());
    }
}
