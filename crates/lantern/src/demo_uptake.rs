//! The demo's synthetic uptake: POMI-shaped months, a practice map, IMD scores and age bands for the demo
//! practices and their synthetic peers, stored through the same writes the importers use, each audited
//! as a synthetic source.

use lantern_core::audit::Actor;
use lantern_core::simulator::{demo_pcn, demo_uptake, SimulationParameters, SYNTHETIC_LABEL};
use lantern_store::{ImdRow, PomiBatch, ReferenceBatch, Store, UptakeName};

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
