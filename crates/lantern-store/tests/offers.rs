//! The support offer register and episodes naming an offer, on both backends: the offer goes in with
//! the episode's own write (alone, keyed, batched, imported), an edit corrects it, and its help is summed.

use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::{Episode, EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::offer::{Mode, OfferDraft, OfferKind, RunBy};
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_core::submission::SubmissionKey;
use lantern_store::{AuditFilter, ImportRow, Store, StoreError};
use uuid::Uuid;

use lantern_store::contract;

contract!(
    offers_are_created_edited_and_ended_with_their_audit,
    offers_refuse_bad_drafts_and_other_practices,
    episodes_name_an_offer_in_their_own_writes_and_its_help_is_summed,
);

fn actor() -> Actor {
    Actor::system("test")
}

async fn practice(store: &Store, code: &str) -> (OdsCode, Vec<StaffMember>) {
    let code = OdsCode::parse(code).expect("valid");
    let practice =
        Practice { ods_code: code.clone(), name: "Test".into(), pcn: None, icb: None, list_size: 6_000 };
    store.upsert_practice(&practice, false, &actor()).await.expect("practice");
    let mut staff = Vec::new();
    for (name, role) in [("Asha", "digital_champion"), ("Ben", "receptionist")] {
        let member = StaffMember::new(code.clone(), name, role).expect("valid");
        store.add_staff(&member, &actor()).await.expect("staff");
        staff.push(member);
    }
    (code, staff)
}

fn drop_in(staff: &StaffMember) -> OfferDraft {
    OfferDraft {
        kind: "drop_in_session".into(),
        title: "Tuesday NHS App drop-in".into(),
        started_on: "2026-04-07".into(),
        ended_on: None,
        run_by_staff: Some(staff.id.to_string()),
        run_by_name: None,
        age_bands: vec!["75+".into(), "65-74".into()],
        groups: vec!["language".into(), "carers".into()],
    }
}

async fn offers_are_created_edited_and_ended_with_their_audit(store: Store) {
    let (code, staff) = practice(&store, "A81001").await;
    let created = store.create_offer(&code, &drop_in(&staff[0]), &actor()).await.expect("create");
    assert_eq!((created.kind, created.mode()), (OfferKind::DropInSession, Mode::Active));
    assert_eq!(created.age_bands, ["65-74", "75+"]);
    assert_eq!(created.groups, ["language", "carers"]);
    assert_eq!(store.offer(created.id).await.expect("read"), created);

    let leaflet = OfferDraft {
        kind: "leaflet".into(),
        title: "NHS App leaflet in Polish and Urdu".into(),
        started_on: "2026-03-01".into(),
        run_by_staff: None,
        run_by_name: Some("PCN digital lead".into()),
        age_bands: vec![],
        ..drop_in(&staff[0])
    };
    let passive = store.create_offer(&code, &leaflet, &actor()).await.expect("create");
    assert_eq!((passive.mode(), &passive.run_by), (Mode::Passive, &RunBy::Named("PCN digital lead".into())));
    let with_offers = store.practices_with_offers().await.expect("read");
    assert_eq!(with_offers.into_iter().collect::<Vec<_>>(), ["A81001"]);
    let listed: Vec<Uuid> = store.offers(&code).await.expect("list").iter().map(|o| o.id).collect();
    assert_eq!(listed, [passive.id, created.id], "oldest start first");

    let edited = store
        .edit_offer(
            &code,
            created.id,
            &OfferDraft { run_by_staff: Some(staff[1].id.to_string()), ..drop_in(&staff[0]) },
            &actor(),
        )
        .await
        .expect("edit");
    assert_eq!(edited.run_by, RunBy::Staff(staff[1].id));
    let ended =
        store.end_offer(&code, created.id, "2026-09-30".parse().expect("date"), &actor()).await.expect("end");
    assert_eq!(ended.ended_on, Some("2026-09-30".parse().expect("date")));
    assert!(matches!(
        store.end_offer(&code, created.id, "2026-10-31".parse().expect("date"), &actor()).await,
        Err(StoreError::Conflict(_))
    ));

    let filter = AuditFilter { record_id: Some(created.id.to_string()), ..AuditFilter::default() };
    let mut trail = store.audit_records(&filter, 10).await.expect("audit");
    trail.sort_by_key(|r| r.seq);
    let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["offer.create", "offer.edit", "offer.end"]);
    let json = |text: &Option<String>| -> serde_json::Value {
        serde_json::from_str(text.as_deref().expect("recorded")).expect("json")
    };
    assert_eq!(json(&trail[1].before)["run_by"]["value"], staff[0].id.to_string());
    assert_eq!(json(&trail[1].after)["run_by"]["value"], staff[1].id.to_string());
    assert_eq!(json(&trail[2].before)["ended_on"], serde_json::Value::Null);
    assert_eq!(json(&trail[2].after)["ended_on"], "2026-09-30");
    assert!(store.verify_audit().await.expect("read").is_ok());
}

async fn offers_refuse_bad_drafts_and_other_practices(store: Store) {
    let (code, staff) = practice(&store, "A81001").await;
    let (other, other_staff) = practice(&store, "B82002").await;
    let identity = OfferDraft {
        run_by_staff: None,
        run_by_name: Some("Mrs Jones on 07700 900123".into()),
        ..drop_in(&staff[0])
    };
    let refused = store.create_offer(&code, &identity, &actor()).await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(e)) if e.for_field("run_by_name").is_some()),
        "{refused:?}"
    );
    let theirs = store.create_offer(&code, &drop_in(&other_staff[0]), &actor()).await;
    assert!(
        matches!(&theirs, Err(StoreError::Invalid(e)) if e.for_field("run_by_staff").is_some()),
        "{theirs:?}"
    );
    assert!(store.offers(&code).await.expect("list").is_empty(), "nothing written");

    let offer = store.create_offer(&other, &drop_in(&other_staff[0]), &actor()).await.expect("create");
    let edit = store.edit_offer(&code, offer.id, &drop_in(&staff[0]), &actor()).await;
    assert!(matches!(edit, Err(StoreError::NotFound(_))), "another practice's offer is not found: {edit:?}");
    let early = store.end_offer(&other, offer.id, "2026-01-01".parse().expect("date"), &actor()).await;
    assert!(matches!(early, Err(StoreError::Invalid(_))), "{early:?}");
    assert_eq!(store.offer(offer.id).await.expect("read").ended_on, None);
    let audit = store.audit_records(&AuditFilter::default(), 100).await.expect("audit");
    assert_eq!(audit.iter().filter(|r| r.action.starts_with("offer.")).count(), 1, "only the one create");
}

async fn episodes_name_an_offer_in_their_own_writes_and_its_help_is_summed(store: Store) {
    let (code, staff) = practice(&store, "A81001").await;
    let (other, other_staff) = practice(&store, "B82002").await;
    let offer = store.create_offer(&code, &drop_in(&staff[0]), &actor()).await.expect("create");
    let elsewhere = store.create_offer(&other, &drop_in(&other_staff[0]), &actor()).await.expect("create");
    let settings = store.settings(&code).await.expect("settings");
    let ctx = PracticeContext {
        practice: &code,
        services: &settings.services,
        staff: &settings.staff,
        offers: &settings.offers,
        now: Timestamp::now(),
    };
    let input = |minutes: i64, helpers: &[Uuid], when: &str, offer: Option<Uuid>| EpisodeInput {
        occurred_at: Some(when.into()),
        practice: code.to_string(),
        helpers: helpers.iter().map(Uuid::to_string).collect(),
        duration_minutes: Some(minutes),
        channel: "group".into(),
        services: vec!["nhs_app".into()],
        tasks: vec!["install_app".into()],
        approach: "with".into(),
        outcome: "referred_out".into(),
        offer_id: offer.map(|id| id.to_string()),
        ..EpisodeInput::default()
    };
    let (asha, ben) = (staff[0].id, staff[1].id);
    let inputs = [
        input(10, &[asha], "2026-04-07T10:00:00Z", Some(offer.id)),
        input(15, &[asha, ben], "2026-04-14T10:00:00Z", Some(offer.id)),
        input(20, &[ben], "2026-05-05T10:00:00Z", Some(offer.id)),
        input(30, &[ben], "2026-05-12T10:00:00Z", None),
        input(25, &[asha], "2026-05-19T10:00:00Z", Some(offer.id)),
    ];
    let valid: Vec<Episode> = inputs.iter().map(|i| i.validate(&ctx).expect("valid")).collect();

    // Another practice's offer, or help the day before the offer started, is refused by the field.
    let theirs = EpisodeInput { offer_id: Some(elsewhere.id.to_string()), ..inputs[0].clone() };
    let early_help = input(10, &[asha], "2026-04-06T10:00:00Z", Some(offer.id));
    for refused in [theirs, early_help] {
        let errors = refused.validate(&ctx).expect_err("refused");
        assert!(errors.for_field("offer_id").is_some(), "{errors}");
    }

    // Each through its own write: alone, with a submission key, two in one batch (one multi-row
    // insert), and an import. Each answers with what a read finds, offer included.
    let mut records = vec![store.create_episode(&valid[0], &actor()).await.expect("create")];
    let key = SubmissionKey::new("account-1", "key-1", &inputs[1]).expect("key");
    records.push(store.create_episode_once(&valid[1], &actor(), &key).await.expect("keyed").record);
    let batch: Vec<_> = valid[2..4]
        .iter()
        .map(|episode| {
            let (store, episode) = (store.clone(), episode.clone());
            tokio::spawn(async move { store.create_episode(&episode, &actor()).await })
        })
        .collect();
    for handle in batch {
        records.push(handle.await.expect("task").expect("create"));
    }
    let row = ImportRow { line: 2, id: Some(Uuid::now_v7()), episode: valid[4].clone() };
    store.import_episodes(std::slice::from_ref(&row), &actor()).await.expect("import");
    records.push(store.episode(row.id.expect("id")).await.expect("read"));
    for (n, record) in records.iter().enumerate() {
        assert_eq!(store.episode(record.id).await.expect("read"), *record, "episode {n}");
        assert_eq!(record.episode.offer_id, valid[n].offer_id, "episode {n}");
    }
    let ids: Vec<Uuid> = records.iter().map(|r| r.id).collect();
    let filter = AuditFilter {
        record_id: Some(ids[0].to_string()),
        action: Some("episode.create".into()),
        ..AuditFilter::default()
    };
    let created = store.audit_records(&filter, 10).await.expect("audit");
    assert!(created[0].after.as_deref().is_some_and(|a| a.contains(&offer.id.to_string())), "{created:?}");

    // An edit keeps the offer unless it changes it; a deleted episode's help no longer counts.
    let edited = Episode { duration_minutes: 12, ..valid[0].clone() };
    store.update_episode(ids[0], None, &edited, &actor()).await.expect("edit");
    assert_eq!(store.episode(ids[0]).await.expect("read").episode.offer_id, Some(offer.id));
    store.delete_episode(ids[2], "Logged twice", &actor()).await.expect("delete");
    // A mistaken offer is corrected by an edit: a new version, the old one kept, both in the audit trail.
    let corrected = Episode { offer_id: None, ..valid[1].clone() };
    store.update_episode(ids[1], Some(1), &corrected, &actor()).await.expect("correct");
    let history = store.episode_history(ids[1]).await.expect("history");
    let offers: Vec<Option<Uuid>> = history.iter().map(|v| v.episode.offer_id).collect();
    assert_eq!(offers, [Some(offer.id), None]);
    let filter = AuditFilter {
        record_id: Some(ids[1].to_string()),
        action: Some("episode.edit".into()),
        ..AuditFilter::default()
    };
    let trail = store.audit_records(&filter, 10).await.expect("audit");
    assert_eq!(trail.len(), 1);
    assert!(trail[0].before.as_deref().is_some_and(|b| b.contains(&offer.id.to_string())));
    assert!(trail[0].after.as_deref().is_some_and(|a| a.contains(r#""offer_id":null"#)), "{trail:?}");

    // Episodes 0 (12 min, Asha) and 4 (25 min, Asha) remain the offer's: 37 minutes, all Asha's.
    let help = store.offer_help(offer.id, None).await.expect("help");
    assert_eq!((help.episodes, help.minutes), (2, 37));
    assert_eq!(help.helper_minutes, [(asha, 37)]);
    let named: Vec<Uuid> =
        store.offer_episodes(offer.id, None).await.expect("episodes").iter().map(|r| r.id).collect();
    assert_eq!(named, [ids[0], ids[4]], "the same episodes, oldest first");
    // Only help before 10 April: episode 0.
    let early =
        store.offer_help(offer.id, Some("2026-04-10T00:00:00Z".parse().expect("time"))).await.expect("help");
    assert_eq!((early.episodes, early.minutes), (1, 12));
    assert!(store.verify_audit().await.expect("read").is_ok());
}
