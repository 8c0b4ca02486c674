//! Rollups stay equal to a recomputation from the episodes after any sequence of creates, edits,
//! deletions and imports, on both backends. The recomputation is the test's own (`naive`), never the
//! write path's `rollup_day` / `rollup_entries`.

#[path = "rollups/naive.rs"]
mod naive;

use jiff::Timestamp;
use lantern_core::audit::Actor;
use lantern_core::episode::Episode;
use lantern_core::measures::{Dimension, Tally};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::staff::StaffMember;
use lantern_store::testing::TestDatabase;
use lantern_store::ImportRow;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

use lantern_store::contract;

contract!(
    database:
    random_histories_keep_rollups_exact,
    tallies_sum_over_days_and_practices,
    months_and_edge_days_equal_day_sums,
    month_rollups_are_checked_and_repaired,
    network_practices_equal_asking_each_practice,
);

fn actor() -> Actor {
    Actor::system("test")
}

struct World {
    practices: Vec<OdsCode>,
    staff: Vec<StaffMember>,
}

async fn world(db: &TestDatabase) -> World {
    let mut practices = Vec::new();
    let mut staff = Vec::new();
    for code in ["A81001", "B82002"] {
        let ods = OdsCode::parse(code).expect("valid");
        let practice =
            Practice { ods_code: ods.clone(), name: code.into(), pcn: None, icb: None, list_size: 5_000 };
        db.store.upsert_practice(&practice, false, &actor()).await.expect("practice");
        for (name, role) in [("A", "receptionist"), ("B", "gp"), ("C", "administrator")] {
            let member = StaffMember::new(ods.clone(), name, role).expect("valid");
            db.store.add_staff(&member, &actor()).await.expect("staff");
            staff.push(member);
        }
        practices.push(ods);
    }
    World { practices, staff }
}

/// An episode for tests that only care about its time.
fn sample_episode() -> Episode {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let ods = OdsCode::parse("A81001").expect("valid");
    let staff =
        (0..3).map(|i| StaffMember::new(ods.clone(), &format!("S{i}"), "gp").expect("valid")).collect();
    episode_at(&mut rng, &World { practices: vec![ods], staff }, 0)
}

fn random_episode(rng: &mut rand_chacha::ChaCha8Rng, world: &World) -> Episode {
    // Around midnight UK time in summer and winter, so day boundaries are exercised.
    let second = 1_772_400_000 + rng.gen_range(0..120) * 43_200 + rng.gen_range(-7_200..7_200);
    episode_at(rng, world, second)
}

fn episode_at(rng: &mut rand_chacha::ChaCha8Rng, world: &World, second: i64) -> Episode {
    const SERVICES: [&str; 4] = ["nhs_app", "nhs_login", "repeat_prescriptions", "appointments"];
    const TASKS: [&str; 3] = ["verify_identity", "reset_password", "show_feature"];
    let p = rng.gen_range(0..world.practices.len());
    let staff: Vec<_> = world.staff.iter().filter(|m| m.practice == world.practices[p]).collect();
    let helpers =
        if rng.gen_bool(0.2) { vec![staff[0].id, staff[1].id] } else { vec![staff[rng.gen_range(0..3)].id] };
    Episode {
        occurred_at: Timestamp::from_second(second).expect("valid"),
        practice: world.practices[p].clone(),
        helpers,
        duration_minutes: rng.gen_range(1..=60),
        channel: ["desk", "telephone"][rng.gen_range(0..2)].into(),
        services: SERVICES[..rng.gen_range(1..=2)].iter().map(|s| (*s).to_owned()).collect(),
        tasks: vec![TASKS[rng.gen_range(0..3)].into()],
        approach: "with".into(),
        barriers: if rng.gen_bool(0.5) { vec!["no_photo_id".into()] } else { Vec::new() },
        age_band: if rng.gen_bool(0.7) { Some("75+".into()) } else { None },
        carer_proxy: false,
        outcome: ["resolved", "escalated", "not_resolved"][rng.gen_range(0..3)].into(),
        escalated_to: None,
        follow_up: false,
        note: None,
        offer_id: None,
    }
}

async fn random_histories_keep_rollups_exact(db: TestDatabase) {
    let world = world(&db).await;
    // What the test itself believes is live: edited and deleted by id, imports kept aside.
    let mut model: BTreeMap<uuid::Uuid, Episode> = BTreeMap::new();
    let mut imported: Vec<Episode> = Vec::new();
    for seed in 0..4u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut live: Vec<uuid::Uuid> = Vec::new();
        for _ in 0..40 {
            match rng.gen_range(0..10) {
                0..=4 => {
                    let episode = random_episode(&mut rng, &world);
                    let id = db.store.create_episode(&episode, &actor()).await.expect("create").id;
                    live.push(id);
                    model.insert(id, episode);
                }
                5..=6 if !live.is_empty() => {
                    let id = live[rng.gen_range(0..live.len())];
                    let current = db.store.episode(id).await.expect("read");
                    let mut edited = random_episode(&mut rng, &world);
                    // An edit stays at its practice, with that practice's staff.
                    if edited.practice != current.episode.practice {
                        edited = current.episode.clone();
                        edited.duration_minutes = rng.gen_range(1..=60);
                        edited.outcome = "resolved".into();
                    }
                    db.store.update_episode(id, None, &edited, &actor()).await.expect("edit");
                    model.insert(id, edited);
                }
                7 if !live.is_empty() => {
                    let id = live.swap_remove(rng.gen_range(0..live.len()));
                    db.store.delete_episode(id, "test", &actor()).await.expect("delete");
                    model.remove(&id);
                }
                _ => {
                    let rows: Vec<ImportRow> = (0..3)
                        .map(|line| ImportRow { line, id: None, episode: random_episode(&mut rng, &world) })
                        .collect();
                    db.store.import_episodes(&rows, &actor()).await.expect("import");
                    imported.extend(rows.into_iter().map(|r| r.episode));
                }
            }
        }
        let differences = naive::differences(&db, model.values().chain(&imported)).await;
        assert!(differences.is_empty(), "seed {seed}:\n{}", differences.join("\n"));
        let differences = db.store.check_rollups().await.expect("check");
        assert!(differences.is_empty(), "seed {seed}: {differences:?}");
    }
    // A repair from scratch gives the same tallies.
    let before =
        db.store.rollup_tallies(&world.practices, "2000-01-01", "2100-01-01").await.expect("tallies");
    db.store.rebuild_rollups().await.expect("rebuild");
    let mut after =
        db.store.rollup_tallies(&world.practices, "2000-01-01", "2100-01-01").await.expect("tallies");
    let mut before = before;
    before.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    after.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    assert_eq!(before, after);
}

async fn tallies_sum_over_days_and_practices(db: TestDatabase) {
    let world = world(&db).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    let mut expected = Tally::default();
    for _ in 0..25 {
        let episode = random_episode(&mut rng, &world);
        expected.add(Tally { episodes: 1, minutes: i64::from(episode.duration_minutes) });
        db.store.create_episode(&episode, &actor()).await.expect("create");
    }
    let tallies =
        db.store.rollup_tallies(&world.practices, "2000-01-01", "2100-01-01").await.expect("tallies");
    let all = tallies.iter().find(|(d, _, _)| *d == Dimension::All).map(|(_, _, t)| *t);
    assert_eq!(all, Some(expected));
    let none = db.store.rollup_tallies(&world.practices, "1999-01-01", "1999-12-31").await.expect("tallies");
    assert!(none.is_empty());
}

/// The tallies of `episodes` whose UK day is within `from`..=`to`, recomputed the test's own way.
fn expected_tallies(episodes: &[Episode], from: &str, to: &str) -> BTreeMap<(Dimension, String), Tally> {
    let mut out: BTreeMap<(Dimension, String), Tally> = BTreeMap::new();
    for episode in episodes {
        let day = naive::uk_day(episode);
        if day.as_str() >= from && day.as_str() <= to {
            for (dimension, key) in naive::entries(episode) {
                let dimension = Dimension::parse(dimension).expect("a dimension code");
                let tally = Tally { episodes: 1, minutes: i64::from(episode.duration_minutes) };
                out.entry((dimension, key)).or_default().add(tally);
            }
        }
    }
    out
}

async fn tallies_of(
    db: &TestDatabase,
    practices: &[OdsCode],
    from: &str,
    to: &str,
) -> BTreeMap<(Dimension, String), Tally> {
    let tallies = db.store.rollup_tallies(practices, from, to).await.expect("tallies");
    let mut out: BTreeMap<(Dimension, String), Tally> = BTreeMap::new();
    for (dimension, key, tally) in tallies {
        if tally != Tally::default() {
            out.entry((dimension, key)).or_default().add(tally);
        }
    }
    out
}

/// Periods read whole months from the month rollups and the days around them from the day rollups:
/// whatever the period, the sum equals the day-by-day recomputation, across month and year ends, the
/// clocks changing, edits and deletions.
async fn months_and_edge_days_equal_day_sums(db: TestDatabase) {
    let world = world(&db).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut live: Vec<(uuid::Uuid, Episode)> = Vec::new();
    // 2025-11-20 to about 2026-05-10, often near midnight UK time.
    for _ in 0..90 {
        let second = 1_763_600_000 + rng.gen_range(0..340) * 43_200 + rng.gen_range(-7_200..7_200);
        let episode = episode_at(&mut rng, &world, second);
        let id = db.store.create_episode(&episode, &actor()).await.expect("create").id;
        live.push((id, episode));
    }
    for _ in 0..10 {
        let (id, _) = live.swap_remove(rng.gen_range(0..live.len()));
        db.store.delete_episode(id, "test", &actor()).await.expect("delete");
    }
    for _ in 0..10 {
        let i = rng.gen_range(0..live.len());
        let mut edited = live[i].1.clone();
        edited.duration_minutes = rng.gen_range(1..=60);
        edited.occurred_at = edited
            .occurred_at
            .checked_add(jiff::SignedDuration::from_hours(rng.gen_range(-900..900)))
            .expect("time");
        db.store.update_episode(live[i].0, None, &edited, &actor()).await.expect("edit");
        live[i].1 = edited;
    }
    let episodes: Vec<Episode> = live.into_iter().map(|(_, e)| e).collect();
    let mut periods: Vec<(String, String)> = [
        ("2025-12-01", "2025-12-31"),
        ("2025-12-01", "2026-03-31"),
        ("2025-11-20", "2026-05-10"),
        ("2025-12-31", "2026-01-01"),
        ("2026-01-15", "2026-02-14"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-29", "2026-03-29"),
        ("2026-04-01", "2026-03-31"),
        ("2000-01-01", "2100-01-01"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    let start = jiff::civil::date(2025, 11, 15);
    for _ in 0..30 {
        let from = start.checked_add(jiff::Span::new().days(rng.gen_range(0..190))).expect("date");
        let to = from.checked_add(jiff::Span::new().days(rng.gen_range(0..150))).expect("date");
        periods.push((from.to_string(), to.to_string()));
    }
    for (from, to) in &periods {
        for practices in [&world.practices[..1], &world.practices[..]] {
            let mine: Vec<Episode> =
                episodes.iter().filter(|e| practices.contains(&e.practice)).cloned().collect();
            assert_eq!(
                tallies_of(&db, practices, from, to).await,
                expected_tallies(&mine, from, to),
                "{from}..{to} at {practices:?}"
            );
        }
    }
    let differences = naive::differences(&db, &episodes).await;
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(db.store.check_rollups().await.expect("check").is_empty());
}

/// A month rollup that no longer matches its episodes is found by the check and put right by a rebuild.
async fn month_rollups_are_checked_and_repaired(db: TestDatabase) {
    let world = world(&db).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    for _ in 0..10 {
        db.store.create_episode(&random_episode(&mut rng, &world), &actor()).await.expect("create");
    }
    db.execute_raw("UPDATE episode_rollups_monthly SET minutes = minutes + 1 WHERE dimension = 'all'")
        .await
        .expect("tamper");
    let differences = db.store.check_rollups().await.expect("check");
    assert!(!differences.is_empty());
    assert!(differences.iter().all(|d| d.day.len() == 7 && d.dimension == "all"), "{differences:?}");
    db.store.rebuild_rollups().await.expect("rebuild");
    assert!(db.store.check_rollups().await.expect("check").is_empty());
}

/// What an organisation's table reads for all its practices at once equals asking practice by
/// practice, and each practice's tallies equal the test's own recomputation from its episodes.
async fn network_practices_equal_asking_each_practice(db: TestDatabase) {
    let world = world(&db).await;
    db.store.set_role_cost(&world.practices[0], "gp", 9_999, &actor()).await.expect("role cost");
    for (title, started_on) in [("Posters", "2025-01-06"), ("Drop-in", "2026-04-07")] {
        let draft = lantern_core::offer::OfferDraft {
            kind: "drop_in_session".into(),
            title: title.into(),
            started_on: started_on.into(),
            run_by_name: Some("Reception team".into()),
            ..lantern_core::offer::OfferDraft::default()
        };
        db.store.create_offer(&world.practices[0], &draft, &actor()).await.expect("offer");
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
    let episodes: Vec<Episode> = (0..150).map(|_| random_episode(&mut rng, &world)).collect();
    let rows: Vec<ImportRow> = episodes
        .iter()
        .enumerate()
        .map(|(line, episode)| ImportRow { line: line as u64, id: None, episode: episode.clone() })
        .collect();
    db.store.import_episodes(&rows, &actor()).await.expect("import");
    // Whole April from the month table, the edges of March and May from the day table.
    let (from, to) = ("2026-03-10", "2026-05-05");
    let asked: Vec<OdsCode> = world.practices.iter().rev().cloned().collect();
    let each = db.store.network_practices(&asked, from, to).await.expect("network practices");
    assert_eq!(each.len(), asked.len());
    for (code, got) in asked.iter().zip(each) {
        let settings = db.store.settings(code).await.expect("settings");
        assert_eq!(got.settings.practice, settings.practice);
        assert_eq!(got.settings.services, settings.services);
        assert_eq!(got.settings.staff, settings.staff);
        assert_eq!(got.settings.offers, settings.offers, "{code}'s offers, oldest start first");
        assert_eq!(got.costs, db.store.role_costs(code).await.expect("costs"));
        let own: Vec<Episode> = episodes.iter().filter(|e| e.practice == *code).cloned().collect();
        let mut tallies: BTreeMap<(Dimension, String), Tally> = BTreeMap::new();
        for (dimension, key, tally) in got.tallies {
            if tally != Tally::default() {
                assert!(tallies.insert((dimension, key), tally).is_none(), "a key twice");
            }
        }
        let expected = expected_tallies(&own, from, to);
        assert!(!expected.is_empty(), "the period holds some of {code}'s episodes");
        assert_eq!(tallies, expected, "{code}");
    }
    let missing = OdsCode::parse("Z99999").expect("valid");
    assert!(matches!(
        db.store.network_practices(&[missing], from, to).await,
        Err(lantern_store::StoreError::NotFound(_))
    ));
}
