//! The demo's synthetic observation study, stored through the same writes the capture page uses, so
//! every session is checked against its study and every event against its timeline, and all of it is
//! audited as the demo's doing.

use anyhow::Context;
use lantern_core::audit::Actor;
use lantern_core::observation::EventKind;
use lantern_core::simulator::{demo_observation, demo_pcn, SimulationParameters};
use lantern_store::Store;
use uuid::Uuid;

/// The demo researcher records every session; the demo administrator (who may observe too) shadows one.
const OBSERVERS: [&str; 2] = ["researcher@demo", "admin@demo"];

pub async fn seed(store: &Store, params: &SimulationParameters) -> anyhow::Result<()> {
    let pcn = demo_pcn(params);
    // Observers are sign-in accounts, so the demo's must exist before the study can name them. Making
    // them here is safe: they are created once, and `lantern demo` lists them afterwards as before.
    let practice = pcn.practices.first().context("the demo PCN has practices")?;
    crate::accounts::demo_accounts(store, practice).await?;
    let observers = [user_id(store, OBSERVERS[0]).await?, user_id(store, OBSERVERS[1]).await?];
    let demo =
        demo_observation(params, &pcn, observers).context("the demo PCN has no Riverside to observe")?;
    let actor = Actor::system("lantern demo");
    store.create_study(demo.study.clone(), &actor).await?;
    for session in demo.sessions {
        let id = session.info.id;
        store.start_session(session.info, &actor).await?;
        let (ends, events): (Vec<_>, Vec<_>) =
            session.events.into_iter().partition(|e| e.kind == EventKind::SessionEnded);
        store.append_events(id, events, &actor).await?;
        for end in ends {
            store.end_observation(id, Some(end.id), Some(end.at), &actor).await?;
        }
    }
    if let Some((first, second)) = demo.pair {
        store.pair_sessions(demo.study.id, first, second, &actor).await?;
    }
    Ok(())
}

async fn user_id(store: &Store, username: &str) -> anyhow::Result<Uuid> {
    let (user, _) =
        store.user_for_sign_in(username).await?.with_context(|| format!("no {username} account"))?;
    Ok(user.id)
}
