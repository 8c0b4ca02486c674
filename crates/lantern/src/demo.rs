//! `lantern demo`: a synthetic PCN, clearly labelled, created once per database and then served.

use crate::cli::DemoArgs;
use anyhow::Context;
use lantern_core::audit::Actor;
use lantern_core::episode::{EpisodeInput, PracticeContext};
use lantern_core::simulator::{demo_pcn, simulate_episodes, SimulationParameters, SYNTHETIC_LABEL};
use lantern_store::{ImportRow, Store};
use rand::{RngCore, SeedableRng};

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let store = crate::open(&args.database).await?;
    let params = SimulationParameters { seed: args.seed, ..SimulationParameters::default() };
    let seeded = seed(&store, &params).await?;
    let status = if seeded.created {
        format!("created {} synthetic episodes in {}", seeded.episodes, args.database)
    } else {
        format!("reusing the synthetic data already in {}", args.database)
    };
    println!("{SYNTHETIC_LABEL}: {status}");
    let first = pcn_first_practice(&params).practice.ods_code;
    if let Some(offer) = store.offers(&first).await?.first() {
        println!(
            "Synthetic support offer {:?} at {first} since {}: lantern report effect --practice {first} --offer {}",
            offer.title, offer.started_on, offer.id
        );
    }
    let accounts = crate::accounts::demo_accounts(&store, &pcn_first_practice(&params)).await?;
    println!("Demo sign-ins (synthetic accounts; password for each: {}):", crate::accounts::DEMO_PASSWORD);
    for (username, role) in &accounts {
        println!("  {username:<22} {role}");
    }
    if args.no_serve {
        return Ok(());
    }
    let banner = format!("Open http://{}/ and sign in.", args.listen.listen);
    crate::serve::serve(store, &args.listen, Some(&banner)).await
}

pub struct Seeded {
    pub created: bool,
    pub episodes: usize,
}

/// Writes the demo PCN unless its first practice is already there. Episode ids come from the seed too,
/// so the same seed gives the same data, ids included.
pub async fn seed(store: &Store, params: &SimulationParameters) -> anyhow::Result<Seeded> {
    let pcn = demo_pcn(params);
    let existing = store.list_practices().await?;
    if pcn.practices.iter().any(|p| existing.iter().any(|(e, _)| e.ods_code == p.practice.ods_code)) {
        return Ok(Seeded { created: false, episodes: 0 });
    }
    for demo in &pcn.practices {
        store.upsert_practice(&demo.practice, true, &Actor::system("lantern demo")).await?;
        for service in &demo.disabled_services {
            store
                .set_service_enabled(&demo.practice.ods_code, service, false, &Actor::system("lantern demo"))
                .await?;
        }
        for member in &demo.staff {
            store.add_staff(member, &Actor::system("lantern demo")).await?;
        }
    }
    // Before the episodes' settings are read, so the help given at the drop-in can name it.
    let drop_in = crate::demo_uptake::register_offer(store, params).await?;
    let mut settings = Vec::new();
    for demo in &pcn.practices {
        settings.push(store.settings(&demo.practice.ods_code).await?);
    }
    let mut ids = rand_chacha::ChaCha8Rng::seed_from_u64(params.seed ^ 0x4c41_4e54_4552_4e00);
    let mut rows = Vec::new();
    for (index, input) in simulate_episodes(params, &pcn).iter().enumerate() {
        let practice = settings
            .iter()
            .find(|s| s.practice.ods_code.as_str() == input.practice)
            .context("the simulator used a practice it did not create")?;
        let ctx = PracticeContext {
            practice: &practice.practice.ods_code,
            services: &practice.services,
            staff: &practice.staff,
            offers: &practice.offers,
            now: params.after_end(),
        };
        let mut episode =
            input.validate(&ctx).with_context(|| format!("simulated episode {index} is invalid"))?;
        if drop_in.holds(&episode) {
            let at_drop_in = EpisodeInput { offer_id: Some(drop_in.offer.to_string()), ..input.clone() };
            episode = at_drop_in.validate(&ctx).with_context(|| format!("simulated episode {index}"))?;
        }
        let mut bytes = [0u8; 16];
        ids.fill_bytes(&mut bytes);
        let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
        rows.push(ImportRow { line: u64::try_from(index).unwrap_or(u64::MAX), id: Some(id), episode });
    }
    store.import_episodes(&rows, &Actor::system("lantern demo")).await?;
    arrange(store, params, &pcn).await?;
    crate::demo_uptake::seed(store, params).await?;
    crate::demo_uptake::seed_offer_months(store, params).await?;
    crate::demo_observation::seed(store, params).await?;
    Ok(Seeded { created: true, episodes: rows.len() })
}

fn pcn_first_practice(params: &SimulationParameters) -> lantern_core::simulator::DemoPractice {
    demo_pcn(params).practices.into_iter().next().expect("the demo PCN has practices")
}

/// Ownership, training and the starter guides, so the gap report and strategy have something to show.
async fn arrange(
    store: &Store,
    params: &SimulationParameters,
    pcn: &lantern_core::simulator::DemoPcn,
) -> anyhow::Result<()> {
    let actor = Actor::system("lantern demo");
    for (code, ownership, training) in lantern_core::simulator::demo_arrangements(pcn, params.first_day()) {
        let code = lantern_core::ods::OdsCode::parse(&code)?;
        for record in &ownership {
            store.set_ownership(&code, record, &actor).await?;
        }
        for record in &training {
            store.record_training(&code, record, &actor).await?;
        }
        store.install_starter_guides(&code, params.end, &actor).await?;
    }
    Ok(())
}
