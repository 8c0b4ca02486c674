use super::*;
use crate::measures::period::PeriodKind;
use crate::measures::rollup_entries;
use crate::ods::OdsCode;
use jiff::Timestamp;
use uuid::Uuid;

fn staff(role: &str) -> StaffMember {
    StaffMember::new(OdsCode::parse("A81001").expect("valid"), "Someone", role).expect("valid")
}

fn episode(
    minutes: u16,
    helpers: &[&StaffMember],
    outcome: &str,
    services: &[&str],
) -> crate::episode::Episode {
    crate::episode::Episode {
        occurred_at: Timestamp::UNIX_EPOCH,
        practice: OdsCode::parse("A81001").expect("valid"),
        helpers: helpers.iter().map(|m| m.id).collect::<Vec<Uuid>>(),
        duration_minutes: minutes,
        channel: "desk".into(),
        services: services.iter().map(|s| (*s).to_owned()).collect(),
        tasks: vec!["reset_password".into()],
        approach: "with".into(),
        barriers: Vec::new(),
        age_band: None,
        carer_proxy: false,
        outcome: outcome.into(),
        escalated_to: None,
        follow_up: false,
        note: None,
        offer_id: None,
    }
}

#[test]
fn a_worked_week() {
    // Asha (receptionist, £16.12/h) gives 10 + 20 minutes; a 30-minute episode is shared with Ben (GP).
    let asha = staff("receptionist");
    let ben = staff("gp");
    let episodes = [
        episode(10, &[&asha], "resolved", &["nhs_login"]),
        episode(20, &[&asha], "escalated", &["nhs_login", "nhs_app"]),
        episode(30, &[&asha, &ben], "not_resolved", &["nhs_app"]),
    ];
    let tallies: Vec<_> = episodes.iter().flat_map(rollup_entries).collect();
    let period = Period::containing(PeriodKind::Week, "2026-03-04".parse().expect("date"));
    let costs = HashMap::from([("receptionist".to_owned(), 1_612), ("gp".to_owned(), 5_000)]);
    let cost = |m: &StaffMember| costs.get(&m.role).copied().unwrap_or(0);
    let summary =
        summarise(period, 2_000, &tallies, &[asha.clone(), ben.clone()], &cost, &|_, key| key.to_owned());
    assert_eq!((summary.episodes, summary.minutes, summary.staff_minutes), (3, 60, 90));
    // Asha 60 min × 1,612p/h = 1,612p; Ben 30 min × 5,000p/h = 2,500p.
    assert_eq!(summary.cost_pence, 1_612 + 2_500);
    assert!((summary.episodes_per_week - 3.0).abs() < 1e-12);
    assert!((summary.episodes_per_1000 - 1.5).abs() < 1e-12);
    assert!((summary.escalated_rate - 1.0 / 3.0).abs() < 1e-12);
    assert!((summary.unresolved_rate - 1.0 / 3.0).abs() < 1e-12);
    let services = summary.breakdowns.iter().find(|b| b.by == "service").expect("services");
    assert_eq!(
        services.rows.iter().map(|r| (r.key.as_str(), r.episodes, r.minutes)).collect::<Vec<_>>(),
        [("nhs_app", 2, 50), ("nhs_login", 2, 30)]
    );
    let roles = summary.breakdowns.iter().find(|b| b.by == "staff_role").expect("roles");
    assert_eq!(roles.rows[0].key, "receptionist");
    let concentration = summary.concentration.expect("help given");
    assert!((concentration.top_share - 60.0 / 90.0).abs() < 1e-12);
    assert!(concentration.defaulted_to_one_person);
    assert_eq!(summary.helper_minutes[0], (asha.id.to_string(), 60));
}

#[test]
fn trend_compares_with_the_previous_period() {
    let asha = staff("receptionist");
    let period = Period::containing(PeriodKind::Week, "2026-03-04".parse().expect("date"));
    let costs = |_: &StaffMember| 0;
    let now: Vec<_> =
        [episode(10, &[&asha], "resolved", &["nhs_app"]), episode(20, &[&asha], "resolved", &["nhs_app"])]
            .iter()
            .flat_map(rollup_entries)
            .collect();
    let before: Vec<_> = rollup_entries(&episode(10, &[&asha], "resolved", &["nhs_app"]));
    let current = summarise(period, 1, &now, std::slice::from_ref(&asha), &costs, &|_, k| k.to_owned());
    let previous = summarise(period.previous(), 1, &before, &[asha], &costs, &|_, k| k.to_owned());
    let trend = Trend::between(&current, &previous);
    assert_eq!((trend.episodes_change, trend.minutes_change), (Some(1.0), Some(2.0)));
    assert_eq!(trend.cost_change, None, "no cost before, so no percentage");
}
