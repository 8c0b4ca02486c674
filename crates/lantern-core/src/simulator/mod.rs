//! A seeded simulator of a synthetic primary care network (PCN), for `lantern demo`: three practices,
//! about 25 staff and a year of help episodes, so every page and measure has something realistic to show
//! before a practice has logged anything of its own.
//!
//! Everything it makes is labelled synthetic ([`SYNTHETIC_LABEL`]; every practice and staff name ends
//! "(synthetic)") and nothing about a patient is invented beyond the coarse, identity-free fields an
//! episode already has. Episodes come out as [`EpisodeInput`], the same shape a form or CSV row has, so
//! they go through exactly the validation real episodes do.
//!
//! The shape of the data follows the digital facilitation study (DOMAIN.md and `seed/`):
//! - helping is **hidden, unplanned work**: 91% of practices give ad hoc help, so most episodes are
//!   unplanned help at the desk or on the telephone, on weekdays, with a morning peak;
//! - it **defaults to whoever is seen as tech-savvy**: within each practice one or two people carry most
//!   of it, and at one practice (Riverside) a single receptionist carries more than half;
//! - **NHS login** identity checks and password resets are the commonest problems, and **older patients**
//!   (75+ most of all) need the most help and meet the most barriers;
//! - few practices use **active** modes: one has a digital champion running pre-booked support
//!   appointments, and the PCN digital and transformation lead runs a weekly group session at another.
//!
//! Determinism: the same [`SimulationParameters`] give byte-identical output on every run and every
//! machine. All randomness comes from ChaCha8 seeded with `seed` (staff ids included), no clock is read
//! (the period ends on `end`), and the random draws use only IEEE 754 basic arithmetic (no `exp`/`ln`,
//! whose last bit can differ between C libraries).

mod arrangements;
mod calendar;
mod draw;
mod help;
mod nhs_app;
mod observation;
mod pcn;
mod tables;
#[cfg(test)]
mod tests;
mod uptake;

use crate::episode::EpisodeInput;
use crate::ods::OdsCode;
use crate::practice::{default_services, Practice, PracticeService};
use crate::staff::StaffMember;
use jiff::{civil, Timestamp};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use nhs_app::demo_nhs_app;
pub use observation::{demo_observation, DemoObservation, DemoSession, DEMO_STUDY_NAME};
pub use pcn::{DEMO_ICB, DEMO_PCN, DEMO_PRACTICES};
pub use uptake::{
    demo_online_consultations, demo_uptake, DemoOnlineConsultations, DemoUptake, DEMO_OFFER_STEP,
    DEMO_REGION, DEMO_SUB_ICB, LAGGING_PEER,
};

/// Shown wherever demonstration data is shown, so nobody mistakes it for a real practice's workload.
pub use arrangements::{demo_arrangements, is_demo_staff};

pub const SYNTHETIC_LABEL: &str = "Synthetic demonstration data — not real patients, staff or practices";

/// The longest period the simulator will produce; a demo needs a year, and a cap keeps a mistyped
/// parameter from generating millions of episodes.
pub const MAX_MONTHS: u32 = 60;

/// ChaCha streams: staff ids and episodes draw from separate streams of the same seed, so changing how
/// episodes are drawn never changes who the staff are (and the other way round).
const STAFF_STREAM: u64 = 1;
const EPISODE_STREAM: u64 = 2;

/// The knobs of the simulation. The defaults are the documented, realistic values; tests rely on them.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationParameters {
    /// Seeds every random draw: same seed, same PCN and same episodes.
    pub seed: u64,
    /// The last day simulated, inclusive. Fixed in the default (not "today") so that the same seed gives
    /// the same data whenever it is run.
    pub end: civil::Date,
    /// How many calendar months end on `end` (12: a year shows the seasons). Capped at [`MAX_MONTHS`].
    pub months: u32,
    /// Mean unplanned help episodes per 1,000 registered patients per working day, before the seasonal,
    /// weekday and practice adjustments. 1.1 is about 5.5 a week per 1,000 patients: the upper half of
    /// the 2–6 a week that hidden work plausibly amounts to, because the demo PCN includes a practice
    /// with a digital champion (offering help draws patients in). For the demo PCN (35,500 patients)
    /// it gives roughly 9,000–10,000 episodes a year.
    pub episodes_per_thousand_per_weekday: f64,
    /// Share of episodes where a second member of staff joins in (about 5%): usually the colleague seen
    /// as tech-savvy being called over.
    pub second_helper_share: f64,
    /// Base chance that the person being helped is a carer or proxy, scaled up for 75+ (family acting for
    /// an older parent) and for children (a parent), and at least 70% for proxy access itself. 0.07
    /// gives about one episode in ten overall.
    pub carer_proxy_share: f64,
    /// Share of episodes with a short free-text note (about 15%): notes are optional and a busy desk
    /// rarely writes one. Notes come from a fixed list that carries no patient identifier.
    pub note_share: f64,
    /// Median minutes of ordinary help at the desk or on the telephone (5: "a few minutes"). With the
    /// spread, extra tasks and barriers, ordinary desk help averages 6–7 minutes; all help averages
    /// about 9 once identity checks, booked appointments and home visits are included.
    pub typical_minutes: f64,
    /// Median minutes when the help includes an NHS login identity check (10: with the spread they average
    /// about 13, as photo ID and a video, or issuing registration details, takes 10–20 minutes).
    pub identity_check_minutes: f64,
}

impl Default for SimulationParameters {
    fn default() -> Self {
        Self {
            seed: 2026,
            end: civil::date(2026, 10, 31),
            months: 12,
            episodes_per_thousand_per_weekday: 1.1,
            second_helper_share: 0.05,
            carer_proxy_share: 0.07,
            note_share: 0.15,
            typical_minutes: 5.0,
            identity_check_minutes: 10.0,
        }
    }
}

impl SimulationParameters {
    /// The first day simulated: the day after the same date `months` months before `end`
    /// (2025-11-01 for the default year ending 2026-10-31).
    pub fn first_day(&self) -> civil::Date {
        calendar::first_day(self.end, self.months.min(MAX_MONTHS))
    }

    /// The first moment after the simulated period (midnight UK time at the start of the day after
    /// `end`): the `now` to validate simulated episodes against, and a safe "as of" for the demo.
    pub fn after_end(&self) -> Timestamp {
        calendar::start_of_day(self.end.tomorrow().unwrap_or(self.end))
    }
}

/// A synthetic PCN: its ODS code, its ICB and its member practices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPcn {
    pub pcn: OdsCode,
    pub icb: OdsCode,
    pub practices: Vec<DemoPractice>,
}

/// One synthetic practice with its staff (inactive leavers included, as a real practice keeps them) and
/// the catalogue services it has switched off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPractice {
    pub practice: Practice,
    pub staff: Vec<StaffMember>,
    /// Codes from the national catalogue this practice does not offer; no episode uses them.
    pub disabled_services: Vec<String>,
}

impl DemoPractice {
    /// The practice's service list: the national catalogue with [`Self::disabled_services`] switched off.
    pub fn services(&self) -> Vec<PracticeService> {
        let mut services = default_services();
        for service in &mut services {
            service.enabled = !self.disabled_services.contains(&service.code);
        }
        services
    }
}

/// The synthetic PCN: three practices of realistic size (6,200, 11,800 and 17,500 patients) with about
/// 25 staff. Only the staff ids depend on the seed; names, roles and codes are fixed (see
/// [`DEMO_PRACTICES`] for why the ODS codes cannot collide with real ones).
pub fn demo_pcn(params: &SimulationParameters) -> DemoPcn {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(STAFF_STREAM);
    pcn::build(&mut rng)
}

/// Episodes as EpisodeInput (so they pass the same validation as real ones), in time order.
///
/// Times are RFC 3339 UTC (`2026-03-02T09:15:00Z`), worked out from UK local time so that British
/// Summer Time is right. Only active staff of each practice help or are escalated to, and only
/// services the practice offers are used. Practices not in the demo PCN still work: their staff are
/// weighted by role.
pub fn simulate_episodes(params: &SimulationParameters, pcn: &DemoPcn) -> Vec<EpisodeInput> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(EPISODE_STREAM);
    let models: Vec<help::PracticeModel> = pcn.practices.iter().map(help::PracticeModel::new).collect();
    let mut episodes: Vec<(Timestamp, EpisodeInput)> = Vec::new();
    let mut day = params.first_day();
    while day <= params.end {
        if calendar::is_working_day(day) {
            let season = calendar::demand_factor(day);
            for model in &models {
                let expected =
                    params.episodes_per_thousand_per_weekday * model.thousands_of_patients() * season;
                for _ in 0..draw::count(&mut rng, expected) {
                    episodes.extend(model.ad_hoc_episode(&mut rng, params, day));
                }
                if calendar::group_session_runs(day, model.group_day()) {
                    episodes.extend(model.group_session(&mut rng, params, day));
                }
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    // Stable, so episodes at the same minute keep the (deterministic) order they were drawn in.
    episodes.sort_by_key(|(at, _)| *at);
    episodes.into_iter().map(|(_, episode)| episode).collect()
}
