use super::*;
use crate::episode::{local_time, parse_occurred_at, PracticeContext};
use crate::identity;
use crate::taxonomy::ESCALATED;
use jiff::civil::Weekday;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The default simulation, run once for all the tests that only read it.
static DEFAULT: LazyLock<(DemoPcn, Vec<EpisodeInput>)> =
    LazyLock::new(|| run(&SimulationParameters::default()));

fn run(params: &SimulationParameters) -> (DemoPcn, Vec<EpisodeInput>) {
    let pcn = demo_pcn(params);
    let episodes = simulate_episodes(params, &pcn);
    (pcn, episodes)
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serialisable")
}

fn practice<'a>(pcn: &'a DemoPcn, code: &str) -> &'a DemoPractice {
    pcn.practices.iter().find(|p| p.practice.ods_code.as_str() == code).expect("demo practice")
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

/// Minutes per helper (each helper credited with the episode's minutes) and the top helper's share.
fn top_helper_share(episodes: &[EpisodeInput], code: &str) -> f64 {
    let mut minutes: BTreeMap<&str, i64> = BTreeMap::new();
    for e in episodes.iter().filter(|e| e.practice == code) {
        for helper in &e.helpers {
            *minutes.entry(helper).or_default() += e.duration_minutes.unwrap_or(0);
        }
    }
    let total: i64 = minutes.values().sum();
    let top = minutes.values().copied().max().unwrap_or(0);
    top as f64 / total.max(1) as f64
}

fn most_common<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(_, n)| n).map(|(value, _)| value)
}

#[test]
fn same_seed_gives_identical_output() {
    let params = SimulationParameters::default();
    let (pcn, episodes) = run(&params);
    assert_eq!(json(&pcn), json(&DEFAULT.0));
    assert_eq!(json(&episodes), json(&DEFAULT.1));
}

#[test]
fn a_different_seed_gives_different_output() {
    let (pcn, episodes) = run(&SimulationParameters { seed: 7, ..SimulationParameters::default() });
    assert_ne!(json(&pcn), json(&DEFAULT.0), "staff ids come from the seed");
    assert_ne!(json(&episodes), json(&DEFAULT.1));
}

#[test]
fn every_episode_validates_against_its_practice() {
    let params = SimulationParameters::default();
    let (pcn, episodes) = &*DEFAULT;
    let services: Vec<_> = pcn.practices.iter().map(DemoPractice::services).collect();
    for episode in episodes {
        let index = pcn.practices.iter().position(|p| p.practice.ods_code.as_str() == episode.practice);
        let index = index.expect("episode belongs to a demo practice");
        let demo = &pcn.practices[index];
        let ctx = PracticeContext {
            practice: &demo.practice.ods_code,
            services: &services[index],
            staff: &demo.staff,
            offers: &[],
            now: params.after_end(),
        };
        if let Err(errors) = episode.validate(&ctx) {
            panic!("{errors}: {episode:?}");
        }
    }
}

#[test]
fn the_pcn_is_synthetic_and_shaped_like_a_real_one() {
    let (pcn, _) = &*DEFAULT;
    assert_eq!(pcn.pcn.as_str(), DEMO_PCN);
    assert_eq!(pcn.icb.as_str(), DEMO_ICB);
    let codes: Vec<&str> = pcn.practices.iter().map(|p| p.practice.ods_code.as_str()).collect();
    assert_eq!(codes, DEMO_PRACTICES);
    let staff: Vec<&StaffMember> = pcn.practices.iter().flat_map(|p| &p.staff).collect();
    assert!((24..=28).contains(&staff.len()), "{} staff", staff.len());
    assert!(staff.iter().all(|s| s.display_name.ends_with("(synthetic)")));
    assert!(pcn.practices.iter().all(|p| p.practice.name.ends_with("(synthetic)")));
    for p in &pcn.practices {
        assert_eq!(p.staff.iter().filter(|s| !s.active).count(), 1, "one leaver at {}", p.practice.name);
        assert_eq!(p.staff.iter().filter(|s| s.role == "practice_manager").count(), 1);
        assert!((6_000..=20_000).contains(&p.practice.list_size));
        assert!(p.staff.iter().all(|s| s.practice == p.practice.ods_code));
    }
    assert_eq!(staff.iter().filter(|s| s.role == "digital_champion").count(), 1);
    assert_eq!(staff.iter().filter(|s| s.role == "digital_lead").count(), 1);
    let mut ids: Vec<_> = staff.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), staff.len(), "staff ids are unique");
    assert!(pcn.practices.iter().any(|p| p.disabled_services.iter().any(|s| s == "video_consultation")));
}

#[test]
fn a_year_is_a_realistic_and_fast_volume() {
    let (_, episodes) = &*DEFAULT;
    assert!((8_000..=15_000).contains(&episodes.len()), "{} episodes", episodes.len());
}

#[test]
fn help_defaults_to_one_person_at_riverside_but_not_at_millbrook() {
    let (_, episodes) = &*DEFAULT;
    let riverside = top_helper_share(episodes, "Y99901");
    let millbrook = top_helper_share(episodes, "Y99902");
    let oakfield = top_helper_share(episodes, "Y99903");
    assert!((0.5..0.65).contains(&riverside), "Riverside {riverside}");
    assert!(millbrook < 0.5, "Millbrook {millbrook}");
    assert!(oakfield < 0.5, "Oakfield {oakfield}");
    let two = episodes.iter().filter(|e| e.helpers.len() == 2).count();
    assert!((0.03..0.07).contains(&share(two, episodes.len())), "{two} with two helpers");
}

#[test]
fn identity_checks_and_password_resets_are_the_commonest_tasks() {
    let (_, episodes) = &*DEFAULT;
    let task = most_common(episodes.iter().flat_map(|e| &e.tasks).map(String::as_str));
    assert!(matches!(task, Some("verify_identity" | "reset_password")), "{task:?}");
    let service = most_common(episodes.iter().flat_map(|e| &e.services).map(String::as_str));
    assert!(matches!(service, Some("nhs_app" | "nhs_login")), "{service:?}");
}

#[test]
fn older_patients_are_helped_most() {
    let (_, episodes) = &*DEFAULT;
    let band = most_common(episodes.iter().filter_map(|e| e.age_band.as_deref()));
    assert_eq!(band, Some("75+"));
    let carers = episodes.iter().filter(|e| e.carer_proxy).count();
    assert!((0.07..0.15).contains(&share(carers, episodes.len())), "{carers} carers");
}

#[test]
fn channels_and_outcomes_have_the_documented_mix() {
    let (_, episodes) = &*DEFAULT;
    let n = episodes.len();
    let count = |f: &dyn Fn(&EpisodeInput) -> bool| episodes.iter().filter(|e| f(e)).count();
    let desk = share(count(&|e| e.channel == "desk"), n);
    let phone = share(count(&|e| e.channel == "telephone"), n);
    let resolved = share(count(&|e| e.outcome == "resolved"), n);
    let escalated = share(count(&|e| e.outcome == ESCALATED), n);
    let follow_up = share(count(&|e| e.follow_up), n);
    let notes = share(count(&|e| e.note.is_some()), n);
    assert!((0.62..0.75).contains(&desk), "desk {desk}");
    assert!((0.15..0.25).contains(&phone), "telephone {phone}");
    assert!((0.64..0.76).contains(&resolved), "resolved {resolved}");
    assert!((0.025..0.055).contains(&escalated), "escalated {escalated}");
    assert!((0.07..0.14).contains(&follow_up), "follow-up {follow_up}");
    assert!((0.12..0.18).contains(&notes), "notes {notes}");
    let mean = |f: &dyn Fn(&EpisodeInput) -> bool| {
        let chosen: Vec<i64> = episodes.iter().filter(|e| f(e)).filter_map(|e| e.duration_minutes).collect();
        chosen.iter().sum::<i64>() as f64 / chosen.len().max(1) as f64
    };
    let identity = |e: &EpisodeInput| e.tasks.iter().any(|t| t == "verify_identity");
    let everyday = mean(&|e| e.channel == "desk" && !identity(e));
    let checks = mean(&|e| e.channel == "desk" && identity(e));
    let overall = mean(&|_| true);
    assert!((5.5..8.0).contains(&everyday), "everyday desk help {everyday} minutes");
    assert!((10.0..20.0).contains(&checks), "identity checks {checks} minutes");
    assert!((7.0..11.0).contains(&overall), "overall {overall} minutes");
}

#[test]
fn active_modes_belong_to_the_practices_that_run_them() {
    let (pcn, episodes) = &*DEFAULT;
    let champion =
        practice(pcn, "Y99902").staff.iter().find(|s| s.role == "digital_champion").expect("champion");
    let lead = practice(pcn, "Y99903").staff.iter().find(|s| s.role == "digital_lead").expect("lead");
    let mut groups = 0;
    for e in episodes {
        if e.channel == "appointment" {
            assert_eq!(e.practice, "Y99902");
            assert_eq!(e.helpers.first(), Some(&champion.id.to_string()));
        }
        if e.channel == "group" {
            groups += 1;
            assert_eq!(e.practice, "Y99903");
            assert_eq!(e.helpers, [lead.id.to_string()]);
            let at = local_time(parse_occurred_at(e.occurred_at.as_deref().unwrap_or("")).expect("time"));
            assert_eq!((at.weekday(), at.hour(), at.minute()), (Weekday::Wednesday, 14, 0));
        }
    }
    assert!((100..=400).contains(&groups), "{groups} group attendances");
}

#[test]
fn no_disabled_service_inactive_helper_or_stray_escalation() {
    let (pcn, episodes) = &*DEFAULT;
    for e in episodes {
        let demo = practice(pcn, &e.practice);
        assert!(!e.services.iter().any(|s| demo.disabled_services.contains(s)), "{e:?}");
        let active = |id: &String| demo.staff.iter().any(|s| s.active && s.id.to_string() == *id);
        assert!(e.helpers.iter().all(active), "{e:?}");
        assert_eq!(e.escalated_to.is_some(), e.outcome == ESCALATED);
        if let Some(target) = &e.escalated_to {
            assert!(active(target), "{e:?}");
            assert!(!e.helpers.contains(target), "escalated to someone else: {e:?}");
        }
    }
}

#[test]
fn episodes_are_in_time_order_on_working_days_within_the_period() {
    let params = SimulationParameters::default();
    let (_, episodes) = &*DEFAULT;
    let start = calendar::start_of_day(params.first_day());
    let times: Vec<Timestamp> = episodes
        .iter()
        .map(|e| parse_occurred_at(e.occurred_at.as_deref().unwrap_or("")).expect("every episode has a time"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    for &at in &times {
        assert!(at >= start && at < params.after_end(), "{at}");
        let local = local_time(at);
        assert!(calendar::is_working_day(local.date()), "{local}");
        assert!((8..=18).contains(&local.hour()) && (local.hour() < 18 || local.minute() < 30), "{local}");
    }
    assert_eq!(params.first_day(), civil::date(2025, 11, 1));
}

#[test]
fn notes_carry_no_patient_identifiers() {
    let (_, episodes) = &*DEFAULT;
    let mut notes: Vec<&str> = episodes.iter().filter_map(|e| e.note.as_deref()).collect();
    // Every canned note, whether or not this seed happened to use it.
    let everything = tables::contextual_notes(
        &["repeat_prescriptions"],
        &[
            "verify_identity",
            "reset_password",
            "setup_proxy",
            "enable_record_access",
            "link_account",
            "install_app",
        ],
        &["no_photo_id", "language", "no_device"],
        "chose_offline",
    );
    notes.extend(everything);
    for outcome in ["chose_offline", "referred_out", ESCALATED] {
        notes.extend(tables::contextual_notes(&[], &[], &[], outcome));
    }
    notes.extend(tables::GENERAL_NOTES);
    for note in notes {
        assert!(identity::screen(note).is_empty(), "{note}");
        assert!(!note.chars().any(|c| c.is_ascii_digit()), "{note}");
    }
}

#[test]
fn an_empty_or_silly_period_is_handled() {
    let none = SimulationParameters { months: 0, ..SimulationParameters::default() };
    assert!(simulate_episodes(&none, &demo_pcn(&none)).is_empty());
    let zero = SimulationParameters {
        episodes_per_thousand_per_weekday: f64::NAN,
        months: 1,
        ..SimulationParameters::default()
    };
    let episodes = simulate_episodes(&zero, &demo_pcn(&zero));
    assert!(episodes.iter().all(|e| e.channel == "group"), "only the planned group sessions remain");
}
