//! Did an offer's start change the practice's online consultation submissions per 1,000 patients,
//! beyond season, trend and matched peers, and what did each extra online user cost in logged staff
//! time. Where appointment figures are held, the same question is asked of the share of appointments
//! booked as video or online, against the same peers. The estimator and its rules are
//! `lantern_core::effect`'s; this gathers the data from the store and says the answer in words.
//! `lantern report effect`, the effect pages and the API all ask here, so they give the same figures.

use super::nhs_app_context::{nhs_app_context, NhsAppContext};
use jiff::civil::Date;
use jiff::Timestamp;
use lantern_core::effect::appointments::{appointment_series, AppointmentCount, APPOINTMENT_MEASURE};
use lantern_core::effect::oc::{
    latest_list_size, match_peers, oc_method_changes, oc_series, PeerCandidate, OC_MEASURE,
};
use lantern_core::effect::{
    cost_per_extra_user, estimate, CostOutcome, Effect, Exposure, Month, Outcome, Panel, Series,
};
use lantern_core::offer::{Offer, Reach};
use lantern_core::simulator::SYNTHETIC_LABEL;
use lantern_core::uptake::equity::deprivation_quintiles;
use lantern_core::uptake::{Deprivation, OcMonth};
use lantern_store::{OfferHelp, Store, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// Everything known about one offer's effect.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EffectReport {
    /// Set when the practice is the demo's: none of it is real.
    #[schema(value_type = Option<String>)]
    pub synthetic: Option<&'static str>,
    pub practice: String,
    pub offer: Offer,
    #[schema(value_type = String)]
    pub measure: &'static str,
    pub list_size: Option<i64>,
    pub peers: Vec<String>,
    /// Both estimates (interrupted time series; difference in differences against matched peers), each
    /// `{"outcome": "estimate", "change", "interval": {"low", "high"}, …}` or
    /// `{"outcome": "cannot_say", "reasons": [{"reason": …}]}`.
    #[schema(value_type = Object)]
    pub effect: Effect,
    /// Episodes and minutes of help logged for the offer.
    #[schema(value_type = Object)]
    pub help: OfferHelp,
    /// Whether the offer's logged help was with the patients it is for.
    #[schema(value_type = Object)]
    pub reach: Reach,
    /// Staff minutes (each helper's) costed at the hourly cost of their role.
    pub staff_minutes: i64,
    pub staff_cost_pence: f64,
    /// `{"outcome": "per_extra_user", "pence_per_extra_user", "interval_pence", …}` or
    /// `{"outcome": "cannot_say", "reason": …}`.
    #[schema(value_type = Object)]
    pub cost: CostOutcome,
    /// The practice's measure beside its peers' mean, month by month: what the estimate is read from.
    #[schema(value_type = Vec<Object>)]
    pub trend: Vec<TrendMonth>,
    /// The answer in words, one line each.
    pub says: Vec<String>,
    /// The second measure, when appointment figures are held for the practice.
    pub appointments: Option<MeasureEffect>,
    /// NHS App use in the practice's ICB around the start, as context: published for ICBs, not
    /// practices, so never the practice's figure and never in the estimate. None when not held.
    pub nhs_app: Option<NhsAppContext>,
}

/// The offer's effect on a second measure, against the same peers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeasureEffect {
    #[schema(value_type = String)]
    pub measure: &'static str,
    /// As [`EffectReport::effect`], in the measure's own unit (percentage points for a share).
    #[schema(value_type = Object)]
    pub effect: Effect,
    #[schema(value_type = Vec<Object>)]
    pub trend: Vec<TrendMonth>,
    /// The two estimates in words, one line each.
    pub says: Vec<String>,
}

/// One month of the measure: the practice's value and the mean of its matched peers' values that month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendMonth {
    pub month: Month,
    pub practice: Option<f64>,
    pub peers_mean: Option<f64>,
    /// Peers with a value that month.
    pub peers: usize,
}

/// The effect of `offer` at its own practice.
pub async fn offer_effect(store: &Store, offer: &Offer) -> Result<EffectReport, StoreError> {
    let code = &offer.practice;
    let synthetic =
        store.list_practices().await?.iter().any(|(p, synthetic)| p.ods_code == *code && *synthetic);
    let own = store.uptake_oc_months_of(code.as_str()).await?;
    let list_size = latest_list_size(code.as_str(), &own);
    let (peers, peer_series): (Vec<String>, Vec<_>) = peers(store, code.as_str(), &own, list_size)
        .await?
        .into_iter()
        .map(|(peer, months)| {
            let series = oc_series(&peer, &months);
            (peer, series)
        })
        .unzip();
    let panel = Panel {
        practice: oc_series(code.as_str(), &own),
        peers: peer_series,
        start: Month::of(offer.started_on),
        list_size,
        method_changes: oc_method_changes(),
    };
    let effect = estimate(&panel);

    // Help logged for the offer up to the end of the last month with data, so the minutes and the extra
    // users cover the same months.
    let until = effect.window.and_then(|(_, last)| first_day(last.plus(1)));
    let help = store.offer_help(offer.id, until).await?;
    let helped: Vec<_> =
        store.offer_episodes(offer.id, until).await?.into_iter().map(|r| r.episode).collect();
    let reach = lantern_core::offer::reach(offer, &helped);
    let staff = store.staff(code).await?;
    let costs = store.role_costs(code).await?;
    let mut staff_minutes = 0;
    let mut cost_pence = 0.0;
    for (helper, minutes) in &help.helper_minutes {
        let role = staff.iter().find(|m| m.id == *helper).map_or("other", |m| m.role.as_str());
        staff_minutes += minutes;
        cost_pence += *minutes as f64 * costs.get(role).copied().unwrap_or(0) as f64 / 60.0;
    }
    let per_minute = if staff_minutes > 0 { cost_pence / staff_minutes as f64 } else { 0.0 };
    let exposure = Exposure { denominator: list_size.unwrap_or(0) as f64, per: 1_000.0 };
    let cost = cost_per_extra_user(&effect, exposure, staff_minutes, per_minute);
    let appointments = appointment_effect(store, code.as_str(), &peers, &panel).await?;
    let nhs_app = nhs_app_context(store, code.as_str(), panel.start).await?;

    Ok(EffectReport {
        synthetic: synthetic.then_some(SYNTHETIC_LABEL),
        practice: code.to_string(),
        says: says(&effect, &cost, &reach, synthetic),
        trend: trend(&panel, effect.window),
        offer: offer.clone(),
        measure: OC_MEASURE,
        list_size,
        peers,
        effect,
        help,
        reach,
        staff_minutes,
        staff_cost_pence: cost_pence,
        cost,
        appointments,
        nhs_app,
    })
}

/// The video/online share of appointments at the practice and at the peers the online consultation
/// measure matched, with the same start and list; None when no appointment month is held for it.
async fn appointment_effect(
    store: &Store,
    practice: &str,
    peers: &[String],
    oc: &Panel,
) -> Result<Option<MeasureEffect>, StoreError> {
    let own = store.appointment_shares(Some(practice)).await?;
    if own.is_empty() {
        return Ok(None);
    }
    let series = |code: &str, shares: &[lantern_store::AppointmentShare]| {
        appointment_series(
            code,
            shares.iter().map(|s| AppointmentCount {
                period: &s.period,
                total: s.total,
                video_online: s.video_online,
            }),
        )
    };
    let mut peer_series = Vec::new();
    for peer in peers {
        peer_series.push(series(peer, &store.appointment_shares(Some(peer)).await?));
    }
    let panel = Panel {
        practice: series(practice, &own),
        peers: peer_series,
        start: oc.start,
        list_size: oc.list_size,
        method_changes: Vec::new(),
    };
    let effect = estimate(&panel);
    let unit = "percentage points of appointments";
    let says = vec![
        outcome_line_in("Interrupted time series", &effect.interrupted_time_series, unit),
        outcome_line_in(
            &format!("Difference in differences against {} peer practices", effect.peers_used),
            &effect.difference_in_differences,
            unit,
        ),
    ];
    Ok(Some(MeasureEffect {
        measure: APPOINTMENT_MEASURE,
        trend: trend(&panel, effect.window),
        effect,
        says,
    }))
}

/// Midnight UTC on the first day of `month`.
fn first_day(month: Month) -> Option<Timestamp> {
    let day = Date::new(i16::try_from(month.year()).ok()?, month.month() as i8, 1).ok()?;
    day.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|zoned| zoned.timestamp())
}

/// The practice beside its peers' mean over the estimate's window (every month the practice has, when
/// there is no window).
fn trend(panel: &Panel, window: Option<(Month, Month)>) -> Vec<TrendMonth> {
    let Some((from, to)) = window else { return Vec::new() };
    let mut rows = Vec::new();
    let mut month = from;
    while month <= to {
        let values: Vec<f64> =
            panel.peers.iter().filter_map(|p: &Series| p.values.get(&month)).copied().collect();
        rows.push(TrendMonth {
            month,
            practice: panel.practice.values.get(&month).copied(),
            peers_mean: (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
            peers: values.len(),
        });
        month = month.plus(1);
    }
    rows
}

/// The practice's matched peers from the practice map, the registered counts, IMD and suppliers held,
/// each with the months already read to match it.
async fn peers(
    store: &Store,
    practice: &str,
    own: &[OcMonth],
    list_size: Option<i64>,
) -> Result<Vec<(String, Vec<OcMonth>)>, StoreError> {
    let places = store.uptake_places_latest().await?;
    let Some(icb) = places.get(practice).and_then(|p| p.icb.clone()) else {
        return Ok(Vec::new());
    };
    let quintiles = match store.uptake_imd_years().await?.into_iter().max() {
        Some(year) => {
            let scores: Vec<Deprivation> = store
                .uptake_imd(year)
                .await?
                .into_iter()
                .map(|(practice, score)| Deprivation { practice, year, score })
                .collect();
            deprivation_quintiles(&scores, year).of
        }
        None => Default::default(),
    };
    let supplier =
        |months: &[OcMonth]| months.iter().max_by(|a, b| a.period.cmp(&b.period)).map(|m| m.supplier.clone());
    let target = PeerCandidate {
        practice: practice.to_owned(),
        icb: Some(icb.clone()),
        list_size,
        quintile: quintiles.get(practice).copied(),
        supplier: supplier(own),
    };
    let mut candidates = Vec::new();
    let mut months_of = std::collections::HashMap::new();
    for place in places.values().filter(|p| p.icb.as_deref() == Some(icb.as_str()) && p.practice != practice)
    {
        let months = store.uptake_oc_months_of(&place.practice).await?;
        candidates.push(PeerCandidate {
            practice: place.practice.clone(),
            icb: place.icb.clone(),
            list_size: latest_list_size(&place.practice, &months),
            quintile: quintiles.get(&place.practice).copied(),
            supplier: supplier(&months),
        });
        months_of.insert(place.practice.clone(), months);
    }
    let matched = match_peers(&target, &candidates, &store.practices_with_offers().await?);
    Ok(matched
        .into_iter()
        .map(|peer| {
            let months = months_of.remove(&peer).unwrap_or_default();
            (peer, months)
        })
        .collect())
}

/// One estimate in a line: the change and its interval, or "cannot say" with every reason.
pub fn outcome_line(name: &str, outcome: &Outcome) -> String {
    outcome_line_in(name, outcome, "submissions per 1,000 patients a month")
}

/// [`outcome_line`] for a measure in `unit`.
pub fn outcome_line_in(name: &str, outcome: &Outcome, unit: &str) -> String {
    match outcome {
        Outcome::Estimate(e) => format!(
            "{name}: {:+.2} {unit} (95% interval {:+.2} to {:+.2}), from {} months before and {} after",
            e.change, e.interval.low, e.interval.high, e.months_before, e.months_after
        ),
        Outcome::CannotSay { reasons } => format!("{name}: cannot say: {}", reasons_text(reasons)),
    }
}

/// Every reason in words, separated by semicolons.
pub fn reasons_text(reasons: &[lantern_core::effect::CannotSay]) -> String {
    reasons.iter().map(|r| r.explain()).collect::<Vec<_>>().join("; ")
}

/// The cost per extra online user in a line.
pub fn cost_line(cost: &CostOutcome) -> String {
    match cost {
        CostOutcome::PerExtraUser(c) => format!(
            "Cost per extra online user: £{:.2} (95% interval £{:.2} to £{:.2}), {} staff minutes over {:.0} extra submissions",
            c.pence_per_extra_user / 100.0,
            c.interval_pence.low / 100.0,
            c.interval_pence.high / 100.0,
            c.minutes,
            c.extra_users
        ),
        CostOutcome::CannotSay { reason } => format!("Cost per extra online user: cannot say: {}", reason.explain()),
    }
}

fn says(effect: &Effect, cost: &CostOutcome, reach: &Reach, synthetic: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if synthetic {
        lines.push(SYNTHETIC_LABEL.to_owned());
    }
    lines.push(outcome_line("Interrupted time series", &effect.interrupted_time_series));
    lines.push(outcome_line(
        &format!("Difference in differences against {} peer practices", effect.peers_used),
        &effect.difference_in_differences,
    ));
    lines.push(cost_line(cost));
    let groups = match reach.in_groups {
        Some(n) => format!(", {n} with a barrier or role matching the groups it is for"),
        None => String::new(),
    };
    lines.push(format!(
        "Reach: {} episodes of help logged for the offer; {} of the {} with an age band recorded were in the age bands it is for{groups}",
        reach.episodes, reach.in_age_bands, reach.with_age_band
    ));
    lines
}

/// Whether the estimate's interval shows a rise, a fall, or may include no change at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Rise,
    Fall,
    Unclear,
}

/// The answer in one plain sentence, from the preferred estimate (against peers when there is one),
/// or "cannot say" with every reason either method gave.
pub fn headline(effect: &Effect) -> (Option<Verdict>, String) {
    let Some((basis, e)) = effect.preferred() else {
        let mut reasons: Vec<String> = Vec::new();
        for reason in
            effect.difference_in_differences.reasons().iter().chain(effect.interrupted_time_series.reasons())
        {
            let text = reason.explain();
            if !reasons.contains(&text) {
                reasons.push(text);
            }
        }
        return (None, format!("Cannot say whether the offer made a difference: {}.", reasons.join("; ")));
    };
    let against = if basis == "difference_in_differences" {
        format!("beyond the change at {} similar practices", effect.peers_used)
    } else {
        "beyond its own trend and season (no similar practices could be compared)".to_owned()
    };
    let (verdict, reading) = if e.interval.low > 0.0 {
        (Verdict::Rise, "a clear rise")
    } else if e.interval.high < 0.0 {
        (Verdict::Fall, "a clear fall")
    } else {
        (Verdict::Unclear, "the interval includes no change, so the offer may have made no difference")
    };
    (
        Some(verdict),
        format!(
            "After the offer started, online consultation submissions changed by {:+.1} per 1,000 patients a \
             month {against} (95% interval {:+.1} to {:+.1}): {reading}.",
            e.change, e.interval.low, e.interval.high
        ),
    )
}
