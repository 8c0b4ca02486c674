//! The support offer register and episodes naming an offer, on both backends.

use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::{EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::offer::{Mode, OfferDraft, OfferKind, RunBy};
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::{AuditFilter, Store, StoreError};
use uuid::Uuid;

use lantern_store::contract;

contract!(
    offers_are_created_edited_and_ended_with_their_audit,
    offers_refuse_bad_drafts_and_other_practices,
    episodes_name_an_offer_of_their_own_practice_and_its_help_is_summed,
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

async fn episodes_name_an_offer_of_their_own_practice_and_its_help_is_summed(store: Store) {
    let (code, staff) = practice(&store, "A81001").await;
    let (other, other_staff) = practice(&store, "B82002").await;
    let offer = store.create_offer(&code, &drop_in(&staff[0]), &actor()).await.expect("create");
    let elsewhere = store.create_offer(&other, &drop_in(&other_staff[0]), &actor()).await.expect("create");
    let settings = store.settings(&code).await.expect("settings");
    let ctx = PracticeContext {
        practice: &code,
        services: &settings.services,
        staff: &settings.staff,
        now: Timestamp::now(),
    };
    let mut episodes = Vec::new();
    for (minutes, helpers, when) in [
        (10, vec![staff[0].id], "2026-04-07T10:00:00Z"),
        (15, vec![staff[0].id, staff[1].id], "2026-04-14T10:00:00Z"),
        (20, vec![staff[1].id], "2026-05-05T10:00:00Z"),
        (30, vec![staff[1].id], "2026-05-12T10:00:00Z"),
    ] {
        let input = EpisodeInput {
            occurred_at: Some(when.into()),
            practice: code.to_string(),
            helpers: helpers.iter().map(Uuid::to_string).collect(),
            duration_minutes: Some(minutes),
            channel: "group".into(),
            services: vec!["nhs_app".into()],
            tasks: vec!["install_app".into()],
            approach: "with".into(),
            outcome: "resolved".into(),
            ..EpisodeInput::default()
        };
        let episode = input.validate(&ctx).expect("valid");
        episodes.push(store.create_episode(&episode, &actor()).await.expect("create").id);
    }
    assert_eq!(store.episode_offer(episodes[0]).await.expect("read"), None);
    for id in &episodes[..3] {
        store.set_episode_offer(*id, Some(offer.id), &actor()).await.expect("name the offer");
    }
    assert_eq!(store.episode_offer(episodes[0]).await.expect("read"), Some(offer.id));
    let wrong = store.set_episode_offer(episodes[3], Some(elsewhere.id), &actor()).await;
    assert!(matches!(wrong, Err(StoreError::Invalid(_))), "{wrong:?}");
    assert_eq!(store.episode_offer(episodes[3]).await.expect("read"), None);

    // An edit keeps the episode's offer; a deleted episode's help no longer counts, and it cannot be named.
    let mut edited = store.episode(episodes[0]).await.expect("read").episode;
    edited.duration_minutes = 12;
    store.update_episode(episodes[0], None, &edited, &actor()).await.expect("edit");
    assert_eq!(store.episode_offer(episodes[0]).await.expect("read"), Some(offer.id));
    store.delete_episode(episodes[2], "Logged twice", &actor()).await.expect("delete");
    assert!(matches!(
        store.set_episode_offer(episodes[2], None, &actor()).await,
        Err(StoreError::Conflict(_))
    ));

    // Episodes 1 (12 min, Asha) and 2 (15 min, Asha and Ben) remain: 27 minutes, 27 of Asha's, 15 of Ben's.
    let help = store.offer_help(offer.id, None).await.expect("help");
    assert_eq!((help.episodes, help.minutes), (2, 27));
    assert_eq!(help.helper_minutes, [(staff[0].id, 27), (staff[1].id, 15)]);
    let named: Vec<Uuid> =
        store.offer_episodes(offer.id, None).await.expect("episodes").iter().map(|r| r.id).collect();
    assert_eq!(named, [episodes[0], episodes[1]], "the same episodes, oldest first");
    // Only help before 10 April: episode 1.
    let early =
        store.offer_help(offer.id, Some("2026-04-10T00:00:00Z".parse().expect("time"))).await.expect("help");
    assert_eq!((early.episodes, early.minutes), (1, 12));

    // Taking the offer off an episode is audited like naming it.
    store.set_episode_offer(episodes[1], None, &actor()).await.expect("clear");
    let filter = AuditFilter {
        record_id: Some(episodes[1].to_string()),
        action: Some("episode.offer".into()),
        ..AuditFilter::default()
    };
    let trail = store.audit_records(&filter, 10).await.expect("audit");
    assert_eq!(trail.len(), 2);
    assert!(trail.iter().any(|r| r.after.as_deref() == Some(r#"{"offer":null}"#)));
    assert_eq!(store.offer_help(offer.id, None).await.expect("help").minutes, 12);
    assert!(store.verify_audit().await.expect("read").is_ok());
}
