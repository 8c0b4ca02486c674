//! One practice's uptake: its trend, where it stands among all practices and within its ICB, its
//! PCN's practices side by side, its deprivation and age profile, its online consultations, and (for
//! people who work with that practice in Lantern) the help logged beside it for the same month.

use super::{held_month, is_synthetic, month_days, unit_names, whole_name, ATTRIBUTION, IMD_YEAR};
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use lantern_core::measures::Dimension;
use lantern_core::ods::OdsCode;
use lantern_core::uptake::age::{age_profiles, AgeProfile};
use lantern_core::uptake::beside::{beside, Beside, HiddenCounts};
use lantern_core::uptake::equity::{deprivation_quintiles, residuals, Fit, Residual};
use lantern_core::uptake::oc::{tabulate_oc, OcUnit};
use lantern_core::uptake::peers::{peer_ranks, Measure, PeerRank};
use lantern_core::uptake::placed::placed_unit;
use lantern_core::uptake::trend::{trends, MonthChange};
use lantern_core::uptake::{tabulate, Level, UnitUptake};
use lantern_store::Store;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PracticeUptake {
    pub practice: String,
    pub name: Option<String>,
    /// Demonstration data, not a real practice.
    pub synthetic: bool,
    pub attribution: &'static str,
    /// The month shown (`YYYY-MM`) and every month held for the practice.
    pub period: String,
    pub periods: Vec<String>,
    pub pcn: Option<Named>,
    pub icb: Option<Named>,
    /// The practice's months, oldest first, each with its change on the month before and the first.
    pub months: Vec<MonthChange>,
    pub uptake: Option<UnitUptake>,
    /// Every practice held in the month: England once the national files are loaded.
    pub england: Option<UnitUptake>,
    pub england_name: &'static str,
    /// Percentile among all practices and within the ICB, for the headline share and use per 1,000.
    pub ranks: Vec<Ranked>,
    /// The practices of its PCN (or, unmapped, of its CCG / sub-ICB location) in the month.
    pub peers_level: Level,
    pub peers: Vec<UnitUptake>,
    pub deprivation: Option<PracticeDeprivation>,
    pub age: Option<AgeProfile>,
    pub online_consultations: Vec<OcUnit>,
    /// Only for people who can reach the practice in Lantern, and only when it logs episodes there.
    pub hidden_work: Option<Beside>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub code: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub measure: String,
    pub rank: Option<PeerRank>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticeDeprivation {
    pub year: i32,
    pub score: f64,
    /// 1 least deprived … 5 most deprived, across England's practices.
    pub quintile: Option<u8>,
    /// Its uptake against the line fitted across all practices with a score, this month.
    pub residual: Option<Residual>,
    pub fit: Option<Fit>,
}

/// The figures for `code` in `period` (the latest month held when None).
pub async fn practice_uptake(
    store: &Store,
    user: &CurrentUser,
    code: &str,
    period: Option<&str>,
) -> Result<PracticeUptake, ApiError> {
    let code = code.trim().to_ascii_uppercase();
    let own = store.uptake_months(None, Some((Level::Practice, &code))).await?;
    let mut periods: Vec<String> = own.iter().map(|m| m.period.clone()).collect();
    periods.dedup();
    let missing = format!("no published uptake figures are held for {code}");
    let period = held_month(&periods, period, &code, &missing)?;
    let month = store.uptake_months(Some(&period), None).await?;
    let places = store.uptake_places_latest().await?;
    let practice_names = unit_names(store, Level::Practice).await?;
    let table = tabulate(Level::Practice, &own, None);
    let months = trends(&table).into_iter().next().map(|t| t.months).unwrap_or_default();
    let uptake = table.iter().find(|u| u.period == period).cloned();
    let england = tabulate(Level::England, &month, None).into_iter().next();
    let ranks = [Measure::Enabled, Measure::UsePer1000]
        .into_iter()
        .map(|m| Ranked {
            measure: m.code(),
            rank: peer_ranks(&month, &period, m, &places).get(&code).cloned(),
        })
        .collect();

    let row = month.iter().find(|m| m.practice == code);
    let pcn = row.and_then(|r| placed_unit(Level::Pcn, r, &places)).map(str::to_owned);
    let icb = row.and_then(|r| placed_unit(Level::Icb, r, &places)).map(str::to_owned);
    let (peers_level, peer_unit) = match (&pcn, row) {
        (Some(pcn), _) => (Level::Pcn, Some(pcn.clone())),
        (None, Some(r)) => (Level::Ccg, Some(r.org.clone())),
        (None, None) => (Level::Pcn, None),
    };
    let mut peers = match &peer_unit {
        Some(unit) => {
            let rows: Vec<_> = month
                .iter()
                .filter(|m| placed_unit(peers_level, m, &places) == Some(unit.as_str()))
                .cloned()
                .collect();
            tabulate(Level::Practice, &rows, None)
        }
        None => Vec::new(),
    };
    for peer in &mut peers {
        peer.name = practice_names.get(&peer.code).cloned();
    }

    let scores = super::month_scores(store, &month).await?;
    let deprivation = scores.iter().find(|d| d.practice == code).map(|d| {
        let quintiles = deprivation_quintiles(&scores, IMD_YEAR);
        let fitted = residuals(&month, &period, &scores, IMD_YEAR);
        PracticeDeprivation {
            year: IMD_YEAR,
            score: d.score,
            quintile: quintiles.of.get(&code).copied(),
            residual: fitted.as_ref().and_then(|f| f.residuals.iter().find(|r| r.practice == code).cloned()),
            fit: fitted.map(|f| f.fit),
        }
    });
    let age = age_profiles(&store.uptake_age_bands_of(&code).await?).practices.pop();
    let online_consultations =
        tabulate_oc(Level::Practice, &store.uptake_oc_months_of(&code).await?, &places, None).units;
    let hidden_work = match (&uptake, OdsCode::parse(&code)) {
        (Some(unit), Ok(ods)) if user.can_reach(&ods) => hidden_work(store, &ods, &period, unit).await?,
        _ => None,
    };
    let named = |kind: Level, code: Option<String>| async move {
        match code {
            Some(code) => {
                Ok::<_, ApiError>(Some(Named { name: unit_names(store, kind).await?.remove(&code), code }))
            }
            None => Ok(None),
        }
    };
    Ok(PracticeUptake {
        name: practice_names.get(&code).cloned(),
        synthetic: is_synthetic(&code),
        attribution: ATTRIBUTION,
        pcn: named(Level::Pcn, pcn).await?,
        icb: named(Level::Icb, icb).await?,
        practice: code,
        period,
        periods,
        months,
        uptake,
        england,
        england_name: whole_name(&month),
        ranks,
        peers_level,
        peers,
        deprivation,
        age,
        online_consultations,
        hidden_work,
    })
}

/// The help logged at the practice in the month, per 1,000 of the patients POMI counted that month.
async fn hidden_work(
    store: &Store,
    practice: &OdsCode,
    period: &str,
    unit: &UnitUptake,
) -> Result<Option<Beside>, ApiError> {
    let held = store.list_practices().await?.iter().any(|(p, _)| p.ods_code == *practice);
    let Some((from, to)) = month_days(period).filter(|_| held) else { return Ok(None) };
    let tallies = store.rollup_tallies(std::slice::from_ref(practice), &from, &to).await?;
    let mut work = HiddenCounts::default();
    for (dimension, key, tally) in tallies {
        match dimension {
            Dimension::All => work.episodes += tally.episodes,
            Dimension::Barrier => *work.by_barrier.entry(key).or_default() += tally.episodes,
            Dimension::AgeBand => *work.by_age_band.entry(key).or_default() += tally.episodes,
            _ => {}
        }
    }
    let list = unit.counts.patient_list_size;
    Ok(Some(beside(practice.as_str(), period, list, &work, Some(unit))))
}
