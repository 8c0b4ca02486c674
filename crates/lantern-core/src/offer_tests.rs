use super::*;

fn practice() -> OdsCode {
    OdsCode::parse("A81001").expect("valid")
}

fn staff() -> Vec<StaffMember> {
    let mut left = StaffMember::new(practice(), "Cara", "receptionist").expect("valid");
    left.active = false;
    vec![
        StaffMember::new(practice(), "Asha", "digital_champion").expect("valid"),
        left,
        StaffMember::new(OdsCode::parse("B82002").expect("valid"), "Zed", "receptionist").expect("valid"),
    ]
}

fn draft(staff: &[StaffMember]) -> OfferDraft {
    OfferDraft {
        kind: "drop_in_session".into(),
        title: " Tuesday NHS App drop-in ".into(),
        started_on: "2026-04-07".into(),
        ended_on: None,
        run_by_staff: Some(staff[0].id.to_string()),
        run_by_name: None,
        age_bands: vec!["75+".into(), "65-74".into(), "75+".into()],
        groups: vec!["language".into()],
    }
}

#[test]
fn a_good_draft_is_trimmed_deduplicated_and_in_vocabulary_order() {
    let staff = staff();
    let fields = draft(&staff).check(&practice(), &staff, None).expect("valid");
    assert_eq!(fields.title, "Tuesday NHS App drop-in");
    assert_eq!(fields.kind.mode(), Mode::Active);
    assert_eq!(fields.age_bands, ["65-74", "75+"]);
    assert_eq!(fields.run_by, RunBy::Staff(staff[0].id));
    let offer = fields.into_offer(Uuid::now_v7(), practice());
    let start = "2026-04-07".parse().expect("date");
    assert!(offer.running_on(start) && !offer.running_on("2026-04-06".parse().expect("date")));
}

#[test]
fn passive_kinds_are_the_ones_that_put_information_in_front_of_patients() {
    // DOMAIN.md: passive = posters, leaflets, website pages, SMS campaigns, waiting-room screens.
    let passive = ["website_page", "leaflet", "poster", "text_message", "waiting_room_screen"];
    for kind in OfferKind::ALL {
        assert_eq!(OfferKind::parse(kind.code()), Some(kind));
        let expected = if passive.contains(&kind.code()) { Mode::Passive } else { Mode::Active };
        assert_eq!(kind.mode(), expected, "{}", kind.code());
    }
    assert_eq!(OfferKind::parse("carrier_pigeon"), None);
}

#[test]
fn every_problem_is_reported_at_once() {
    let staff = staff();
    let bad = OfferDraft {
        kind: "carrier_pigeon".into(),
        title: String::new(),
        started_on: "2026-04-31".into(),
        ended_on: Some("yesterday".into()),
        run_by_staff: None,
        run_by_name: None,
        age_bands: vec!["90+".into()],
        groups: vec!["everyone".into()],
    };
    let errors = bad.check(&practice(), &staff, None).expect_err("invalid");
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["kind", "title", "started_on", "ended_on", "run_by", "age_bands", "groups"]);
}

#[test]
fn who_runs_it_is_a_current_member_of_this_practice_or_a_screened_name() {
    let staff = staff();
    let field = |d: &OfferDraft, current: Option<&Offer>| {
        d.check(&practice(), &staff, current)
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect::<Vec<_>>()
    };
    let other_practice = OfferDraft { run_by_staff: Some(staff[2].id.to_string()), ..draft(&staff) };
    assert_eq!(field(&other_practice, None), ["run_by_staff"]);
    let left = OfferDraft { run_by_staff: Some(staff[1].id.to_string()), ..draft(&staff) };
    assert_eq!(field(&left, None), ["run_by_staff"]);
    // An offer already run by someone who has since left can still be edited (e.g. to end it).
    let existing = draft(&staff).check(&practice(), &staff, None).expect("valid");
    let existing =
        OfferFields { run_by: RunBy::Staff(staff[1].id), ..existing }.into_offer(Uuid::now_v7(), practice());
    assert!(left.check(&practice(), &staff, Some(&existing)).is_ok());
    let both = OfferDraft { run_by_name: Some("Central Library".into()), ..draft(&staff) };
    assert_eq!(field(&both, None), ["run_by"]);
    let named =
        OfferDraft { run_by_staff: None, run_by_name: Some("Central Library".into()), ..draft(&staff) };
    assert_eq!(
        named.check(&practice(), &staff, None).expect("valid").run_by,
        RunBy::Named("Central Library".into())
    );
    let identity = OfferDraft { run_by_name: Some("Mrs Smith 943 476 5919".into()), ..named.clone() };
    assert_eq!(field(&identity, None), ["run_by_name"]);
    let title = OfferDraft { title: "Help for 943 476 5919".into(), ..named };
    assert_eq!(field(&title, None), ["title"]);
}

#[test]
fn an_offer_cannot_end_before_it_starts() {
    let staff = staff();
    let early = OfferDraft { ended_on: Some("2026-04-06".into()), ..draft(&staff) };
    assert_eq!(early.check(&practice(), &staff, None).expect_err("invalid").0[0].field, "ended_on");
    let same_day = OfferDraft { ended_on: Some("2026-04-07".into()), ..draft(&staff) };
    let offer =
        same_day.check(&practice(), &staff, None).expect("valid").into_offer(Uuid::now_v7(), practice());
    assert!(check_end(&offer, "2026-04-07".parse().expect("date")).is_ok());
    assert!(check_end(&offer, "2026-04-06".parse().expect("date")).is_err());
}

#[test]
fn reach_counts_episodes_in_the_offers_age_bands_and_groups() {
    let staff = staff();
    let offer =
        draft(&staff).check(&practice(), &staff, None).expect("valid").into_offer(Uuid::now_v7(), practice());
    // The draft is for 65-74 and 75+, and for people whose first language is not English.
    let episode = |age: Option<&str>, barriers: &[&str], carer: bool| crate::episode::Episode {
        occurred_at: "2026-05-05T10:00:00Z".parse().expect("time"),
        practice: practice(),
        helpers: vec![staff[0].id],
        duration_minutes: 10,
        channel: "desk".into(),
        services: vec!["nhs_app".into()],
        tasks: vec![],
        approach: "with".into(),
        barriers: barriers.iter().map(|b| (*b).to_owned()).collect(),
        age_band: age.map(str::to_owned),
        carer_proxy: carer,
        outcome: "resolved".into(),
        escalated_to: None,
        follow_up: false,
        note: None,
        offer_id: None,
    };
    let episodes = [
        episode(Some("75+"), &["language"], false),
        episode(Some("45-64"), &["language", "no_device"], false),
        episode(Some("65-74"), &[], true),
        episode(None, &["sight"], false),
    ];
    let r = reach(&offer, &episodes);
    assert_eq!(r, Reach { episodes: 4, with_age_band: 3, in_age_bands: 2, in_groups: Some(2) });
    // Carers are shown by the carer flag; a group no episode records leaves the count unknown.
    let carers = Offer { groups: vec!["carers".into()], ..offer.clone() };
    assert_eq!(reach(&carers, &episodes).in_groups, Some(1));
    let housebound = Offer { groups: vec!["housebound".into()], age_bands: vec![], ..offer };
    let r = reach(&housebound, &episodes);
    assert_eq!((r.in_groups, r.in_age_bands), (None, 3));
}
