use super::*;
use crate::practice::default_services;

struct Fixture {
    practice: OdsCode,
    services: Vec<PracticeService>,
    staff: Vec<StaffMember>,
    offers: Vec<crate::offer::Offer>,
    now: Timestamp,
}

fn fixture() -> Fixture {
    let practice = OdsCode::parse("A81001").expect("valid");
    let mut services = default_services();
    services[11].enabled = false; // sms_links switched off at this practice
    let mut staff = vec![
        StaffMember::new(practice.clone(), "Asha", "receptionist").expect("valid"),
        StaffMember::new(practice.clone(), "Ben", "practice_manager").expect("valid"),
        StaffMember::new(OdsCode::parse("B82002").expect("valid"), "Cara", "gp").expect("valid"),
        StaffMember::new(practice.clone(), "Dev", "administrator").expect("valid"),
    ];
    staff[3].active = false;
    let now = "2026-11-25T12:00:00Z".parse().expect("valid");
    // A drop-in that ran until the evening of 24 November 2026, UK time.
    let offers = vec![crate::offer::Offer {
        id: Uuid::now_v7(),
        practice: practice.clone(),
        kind: crate::offer::OfferKind::DropInSession,
        title: "NHS App drop-in".into(),
        started_on: "2026-04-01".parse().expect("date"),
        ended_on: Some("2026-11-24".parse().expect("date")),
        run_by: crate::offer::RunBy::Named("Reception".into()),
        age_bands: Vec::new(),
        groups: Vec::new(),
    }];
    Fixture { practice, services, staff, offers, now }
}

impl Fixture {
    fn ctx(&self) -> PracticeContext<'_> {
        PracticeContext {
            practice: &self.practice,
            services: &self.services,
            staff: &self.staff,
            offers: &self.offers,
            now: self.now,
        }
    }

    fn input(&self) -> EpisodeInput {
        EpisodeInput {
            occurred_at: Some("2026-11-25T10:30".into()),
            practice: "a81001".into(),
            helpers: vec![self.staff[0].id.to_string()],
            duration_minutes: Some(5),
            channel: "desk".into(),
            services: vec!["nhs_login".into()],
            tasks: vec!["verify_identity".into()],
            approach: "with".into(),
            barriers: vec!["no_photo_id".into()],
            age_band: Some("75+".into()),
            outcome: "resolved".into(),
            ..EpisodeInput::default()
        }
    }
}

fn fields(errors: &ValidationErrors) -> Vec<&str> {
    errors.0.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_complete_input_validates() {
    let f = fixture();
    let episode = f.input().validate(&f.ctx()).expect("valid");
    assert_eq!(episode.practice.as_str(), "A81001");
    assert_eq!(episode.helpers, vec![f.staff[0].id]);
    // 10:30 in November is GMT, so UTC is the same.
    assert_eq!(episode.occurred_at.to_string(), "2026-11-25T10:30:00Z");
}

#[test]
fn local_summer_time_is_converted_to_utc() {
    assert_eq!(
        parse_occurred_at("2026-07-01T09:00").map(|t| t.to_string()),
        Ok("2026-07-01T08:00:00Z".into())
    );
    assert_eq!(
        parse_occurred_at("2026-07-01T09:00:00+01:00").map(|t| t.to_string()),
        Ok("2026-07-01T08:00:00Z".into())
    );
}

#[test]
fn every_problem_is_reported_at_once_naming_its_field() {
    let f = fixture();
    let input = EpisodeInput {
        occurred_at: Some("yesterday-ish".into()),
        practice: "A81001".into(),
        duration_minutes: Some(0),
        channel: "pigeon".into(),
        approach: String::new(),
        outcome: "escalated".into(),
        ..EpisodeInput::default()
    };
    let errors = input.validate(&f.ctx()).expect_err("invalid");
    assert_eq!(
        fields(&errors),
        [
            "occurred_at",
            "helpers",
            "duration_minutes",
            "channel",
            "services",
            "tasks",
            "approach",
            "escalated_to"
        ]
    );
}

#[test]
fn duration_bounds_are_1_to_240() {
    let f = fixture();
    for (minutes, ok) in [(1, true), (240, true), (0, false), (241, false), (-5, false)] {
        let input = EpisodeInput { duration_minutes: Some(minutes), ..f.input() };
        assert_eq!(input.validate(&f.ctx()).is_ok(), ok, "{minutes}");
    }
}

#[test]
fn helpers_must_be_active_staff_at_this_practice() {
    let f = fixture();
    for helper in [f.staff[2].id.to_string(), f.staff[3].id.to_string(), "not-a-uuid".into()] {
        let input = EpisodeInput { helpers: vec![helper.clone()], ..f.input() };
        let errors = input.validate(&f.ctx()).expect_err("invalid helper");
        assert_eq!(fields(&errors), ["helpers"], "{helper}");
    }
    let two = EpisodeInput {
        helpers: vec![f.staff[0].id.to_string(), f.staff[1].id.to_string(), f.staff[0].id.to_string()],
        ..f.input()
    };
    assert_eq!(two.validate(&f.ctx()).expect("valid").helpers.len(), 2);
}

#[test]
fn disabled_services_cannot_be_logged() {
    let f = fixture();
    let input = EpisodeInput { services: vec!["sms_links".into()], ..f.input() };
    assert_eq!(fields(&input.validate(&f.ctx()).expect_err("disabled")), ["services"]);
}

#[test]
fn escalation_needs_a_person_and_only_when_escalated() {
    let f = fixture();
    let escalated = EpisodeInput {
        outcome: "escalated".into(),
        escalated_to: Some(f.staff[1].id.to_string()),
        ..f.input()
    };
    assert_eq!(escalated.validate(&f.ctx()).expect("valid").escalated_to, Some(f.staff[1].id));
    let stray = EpisodeInput { escalated_to: Some(f.staff[1].id.to_string()), ..f.input() };
    assert_eq!(fields(&stray.validate(&f.ctx()).expect_err("stray")), ["escalated_to"]);
}

#[test]
fn future_and_ancient_times_are_refused() {
    let f = fixture();
    for when in ["2026-11-25T12:30:00Z", "2014-12-31T23:00:00Z"] {
        let input = EpisodeInput { occurred_at: Some(when.into()), ..f.input() };
        assert_eq!(fields(&input.validate(&f.ctx()).expect_err(when)), ["occurred_at"]);
    }
    let missing = EpisodeInput { occurred_at: None, ..f.input() };
    assert_eq!(missing.validate(&f.ctx()).expect("defaults to now").occurred_at, f.now);
}

#[test]
fn long_notes_are_refused() {
    let f = fixture();
    let input = EpisodeInput { note: Some("a".repeat(MAX_NOTE_CHARS + 1)), ..f.input() };
    assert_eq!(fields(&input.validate(&f.ctx()).expect_err("long")), ["note"]);
    let ok = EpisodeInput { note: Some("é".repeat(MAX_NOTE_CHARS)), ..f.input() };
    assert!(ok.validate(&f.ctx()).is_ok());
}

#[test]
fn a_note_with_an_nhs_number_is_refused_naming_the_kind() {
    let f = fixture();
    let input = EpisodeInput { note: Some("NHS 943 476 5919 could not log in".into()), ..f.input() };
    let errors = input.validate(&f.ctx()).expect_err("identifying");
    assert_eq!(fields(&errors), ["note"]);
    assert!(errors.0[0].message.contains("NHS number"), "{}", errors.0[0].message);
    let harmless = EpisodeInput { note: Some("943 476 5918 took 10 minutes".into()), ..f.input() };
    assert!(harmless.validate(&f.ctx()).is_ok());
}

#[test]
fn an_episode_round_trips_through_its_input_form() {
    let f = fixture();
    let episode = f.input().validate(&f.ctx()).expect("valid");
    assert_eq!(EpisodeInput::from(&episode).validate(&f.ctx()), Ok(episode));
}

#[test]
fn past_help_may_name_leavers_and_services_since_switched_off() {
    let f = fixture();
    let input = EpisodeInput {
        helpers: vec![f.staff[3].id.to_string()],
        services: vec!["sms_links".into()],
        outcome: "escalated".into(),
        escalated_to: Some(f.staff[3].id.to_string()),
        ..f.input()
    };
    assert_eq!(
        fields(&input.validate(&f.ctx()).expect_err("new help")),
        ["helpers", "services", "escalated_to"]
    );
    let past = input.validate_past(&f.ctx()).expect("past help");
    assert_eq!(past.helpers, vec![f.staff[3].id]);
    let elsewhere = EpisodeInput { helpers: vec![f.staff[2].id.to_string()], ..input };
    assert!(elsewhere.validate_past(&f.ctx()).is_err(), "another practice's staff never");
}

#[test]
fn an_episode_names_an_offer_running_on_its_uk_day_and_keeps_it_through_its_input_form() {
    let f = fixture();
    let offer = f.offers[0].id.to_string();
    // 23:30 UTC on 24 November is still 24 November in London (GMT): the offer's last day.
    let last_day = EpisodeInput {
        occurred_at: Some("2026-11-24T23:30:00Z".into()),
        offer_id: Some(offer.clone()),
        ..f.input()
    };
    let episode = last_day.validate(&f.ctx()).expect("running that day");
    assert_eq!(episode.offer_id, Some(f.offers[0].id));
    assert_eq!(EpisodeInput::from(&episode).validate_past(&f.ctx()), Ok(episode));

    // The next morning it had ended: refused, naming the offer and its dates, new help or past.
    let after = EpisodeInput { offer_id: Some(offer), ..f.input() };
    for refused in [after.validate(&f.ctx()), after.validate_past(&f.ctx())] {
        let errors = refused.expect_err("ended");
        assert_eq!(fields(&errors), ["offer_id"]);
        let message = errors.for_field("offer_id").expect("message");
        assert!(message.contains("NHS App drop-in") && message.contains("1 April 2026 to 24 November 2026"));
    }
    // A time that cannot be read leaves the offer unjudged: one error, by the time.
    let unreadable = EpisodeInput {
        occurred_at: Some("yesterday".into()),
        offer_id: Some("nonsense".into()),
        ..f.input()
    };
    assert_eq!(fields(&unreadable.validate(&f.ctx()).expect_err("bad time")), ["occurred_at"]);
}

#[test]
fn an_input_without_an_offer_serialises_as_before_offers_existed() {
    let f = fixture();
    let json = serde_json::to_string(&f.input()).expect("json");
    assert!(!json.contains("offer_id"), "{json}");
    let named = EpisodeInput { offer_id: Some(f.offers[0].id.to_string()), ..f.input() };
    assert!(serde_json::to_string(&named).expect("json").contains("\"offer_id\""));
}
