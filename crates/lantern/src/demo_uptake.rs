//! The demo's synthetic uptake: POMI-shaped months, a practice map, IMD scores and age bands for the demo
//! practices and their synthetic peers, stored through the same writes the importers use, each audited
//! as a synthetic source.

use lantern_core::audit::Actor;
use lantern_core::ods::OdsCode;
use lantern_core::offer::OfferDraft;
use lantern_core::simulator::{
    demo_online_consultations, demo_pcn, demo_uptake, SimulationParameters, SYNTHETIC_LABEL,
};
use lantern_store::{EpisodeFilter, ImdRow, PomiBatch, ReferenceBatch, Store, UptakeName};

pub async fn seed(store: &Store, params: &SimulationParameters) -> anyhow::Result<()> {
    let demo = demo_uptake(params, &demo_pcn(params));
    let actor = Actor::system("lantern demo");
    let file = serde_json::json!({ "source": SYNTHETIC_LABEL });
    let names: Vec<UptakeName> = demo
        .names
        .iter()
        .map(|(kind, code, name)| UptakeName { kind: kind.clone(), code: code.clone(), name: name.clone() })
        .collect();
    store
        .import_pomi(PomiBatch { months: &demo.months, flags: &[], names: &names, file: &file }, &actor)
        .await?;
    store
        .import_places(ReferenceBatch { rows: &demo.places, flags: &[], names: &[], file: &file }, &actor)
        .await?;
    let imd: Vec<ImdRow> = demo
        .deprivation
        .iter()
        .map(|d| ImdRow { year: d.year, practice: d.practice.clone(), score: Some(d.score) })
        .collect();
    store.import_imd(ReferenceBatch { rows: &imd, flags: &[], names: &[], file: &file }, &actor).await?;
    store
        .import_age_bands(
            ReferenceBatch { rows: &demo.age_bands, flags: &[], names: &[], file: &file },
            &actor,
        )
        .await?;
    Ok(())
}

/// The demo's support offer: synthetic online consultation and appointment months with an effect built
/// in at the first demo practice, an NHS App drop-in registered there from the month the effect starts, and the
/// practice's face-to-face help on Tuesday mornings since then (the drop-in's hours) named as the offer's
/// help. Returns the offer's id.
pub async fn seed_offer(store: &Store, params: &SimulationParameters) -> anyhow::Result<uuid::Uuid> {
    let pcn = demo_pcn(params);
    let oc = demo_online_consultations(params, &pcn);
    let actor = Actor::system("lantern demo");
    let file = serde_json::json!({ "source": SYNTHETIC_LABEL });
    store.import_oc(ReferenceBatch { rows: &oc.months, flags: &[], names: &[], file: &file }, &actor).await?;
    store
        .import_appointments(
            ReferenceBatch { rows: &oc.appointments, flags: &[], names: &[], file: &file },
            &actor,
        )
        .await?;
    let practice = OdsCode::parse(&oc.offer_practice)?;
    let staff = store.staff(&practice).await?;
    let champion = staff.iter().find(|m| m.active && m.role == "digital_champion");
    let draft = OfferDraft {
        kind: "drop_in_session".into(),
        title: "NHS App drop-in, Tuesday mornings (synthetic)".into(),
        started_on: oc.offer_start.to_string(),
        ended_on: None,
        run_by_staff: champion.map(|m| m.id.to_string()),
        run_by_name: champion.is_none().then(|| "Practice digital champion (synthetic)".to_owned()),
        age_bands: vec!["65-74".into(), "75+".into()],
        groups: vec!["low_confidence".into()],
    };
    let offer = store.create_offer(&practice, &draft, &actor).await?;
    let from = oc.offer_start.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp();
    let filter = EpisodeFilter { practices: vec![practice], from: Some(from), ..EpisodeFilter::default() };
    let uk = jiff::tz::TimeZone::get(lantern_core::episode::PRACTICE_TIME_ZONE)?;
    let drop_in = |record: &lantern_core::record::EpisodeRecord| {
        let local = record.episode.occurred_at.to_zoned(uk.clone());
        matches!(record.episode.channel.as_str(), "desk" | "kiosk")
            && local.weekday() == jiff::civil::Weekday::Tuesday
            && local.hour() < 12
    };
    let mut after = None;
    loop {
        let page = store.episodes_after(&filter, after.as_ref(), 500).await?;
        for record in page.iter().filter(|r| drop_in(r)) {
            store.set_episode_offer(record.id, Some(offer.id), &actor).await?;
        }
        match page.last() {
            Some(last) if page.len() == 500 => after = Some(last.clone()),
            _ => break,
        }
    }
    Ok(offer.id)
}
