//! The demo's synthetic uptake: POMI-shaped months, a practice map, IMD scores and age bands for the demo
//! practices and their synthetic peers, stored through the same writes the importers use, each audited
//! as a synthetic source.

use lantern_core::audit::Actor;
use lantern_core::episode::Episode;
use lantern_core::ods::OdsCode;
use lantern_core::offer::OfferDraft;
use lantern_core::simulator::{
    demo_nhs_app, demo_online_consultations, demo_pcn, demo_uptake, SimulationParameters, SYNTHETIC_LABEL,
};
use lantern_store::{ImdRow, PomiBatch, ReferenceBatch, Store, UptakeName};
use rand::{RngCore, SeedableRng};

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

/// The demo's support offer: an NHS App drop-in at the first demo practice from the month its synthetic
/// online consultation months (see [`seed_offer_months`]) have an effect built in. Registered before the
/// episodes are written, so the help given at it names it as it is logged: see [`DropIn::holds`].
pub async fn register_offer(store: &Store, params: &SimulationParameters) -> anyhow::Result<DropIn> {
    let pcn = demo_pcn(params);
    let oc = demo_online_consultations(params, &pcn);
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
    // From the seed, like the episodes' ids: the same seed gives the same export, offer_id included.
    let mut bytes = [0u8; 16];
    rand_chacha::ChaCha8Rng::seed_from_u64(params.seed ^ 0x4f46_4645_5200_0000).fill_bytes(&mut bytes);
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let offer = store.create_offer_with_id(&practice, id, &draft, &Actor::system("lantern demo")).await?;
    Ok(DropIn {
        offer: offer.id,
        practice,
        from: oc.offer_start.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp(),
    })
}

/// The demo's drop-in, and which simulated help was given at it.
pub struct DropIn {
    pub offer: uuid::Uuid,
    practice: OdsCode,
    from: jiff::Timestamp,
}

impl DropIn {
    /// The practice's face-to-face help on Tuesday mornings (the drop-in's hours) since it started.
    pub fn holds(&self, episode: &Episode) -> bool {
        let Ok(uk) = jiff::tz::TimeZone::get(lantern_core::episode::PRACTICE_TIME_ZONE) else { return false };
        let local = episode.occurred_at.to_zoned(uk);
        episode.practice == self.practice
            && episode.occurred_at >= self.from
            && matches!(episode.channel.as_str(), "desk" | "kiosk")
            && local.weekday() == jiff::civil::Weekday::Tuesday
            && local.hour() < 12
    }
}

/// The synthetic online consultation and appointment months with the drop-in's effect built in, and
/// the demo ICB's NHS App months (no effect: they are the ICB's) as the effect page's context.
pub async fn seed_offer_months(store: &Store, params: &SimulationParameters) -> anyhow::Result<()> {
    let oc = demo_online_consultations(params, &demo_pcn(params));
    let actor = Actor::system("lantern demo");
    let file = serde_json::json!({ "source": SYNTHETIC_LABEL });
    store.import_oc(ReferenceBatch { rows: &oc.months, flags: &[], names: &[], file: &file }, &actor).await?;
    store
        .import_appointments(
            ReferenceBatch { rows: &oc.appointments, flags: &[], names: &[], file: &file },
            &actor,
        )
        .await?;
    let nhs_app = demo_nhs_app(params);
    store
        .import_nhs_app(ReferenceBatch { rows: &nhs_app, flags: &[], names: &[], file: &file }, &actor)
        .await?;
    Ok(())
}
