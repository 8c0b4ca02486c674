//! `lantern report effect`: did an offer's start change the practice's online consultation
//! submissions per 1,000 patients, beyond season, trend and matched peers, and what did each extra
//! online user cost in logged staff time. The estimator and its rules are `lantern_core::effect`'s; this
//! gathers the data from the store and writes the answer, saying plainly when there is none.

use anyhow::{bail, Context};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::effect::oc::{
    latest_list_size, match_peers, oc_method_changes, oc_series, PeerCandidate, OC_MEASURE,
};
use lantern_core::effect::{cost_per_extra_user, estimate, CostOutcome, Effect, Exposure, Outcome, Panel};
use lantern_core::ods::OdsCode;
use lantern_core::offer::{Offer, Reach};
use lantern_core::simulator::SYNTHETIC_LABEL;
use lantern_core::uptake::equity::deprivation_quintiles;
use lantern_core::uptake::{Deprivation, OcMonth};
use lantern_store::{OfferHelp, Store};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Serialize)]
struct EffectReport {
    /// Set when the practice is the demo's: none of it is real.
    synthetic: Option<&'static str>,
    practice: String,
    offer: Offer,
    measure: &'static str,
    list_size: Option<i64>,
    peers: Vec<String>,
    effect: Effect,
    help: OfferHelp,
    /// Whether the offer's logged help was with the patients it is for.
    reach: Reach,
    /// Staff minutes (each helper's) costed at the hourly cost of their role.
    staff_minutes: i64,
    staff_cost_pence: f64,
    cost: CostOutcome,
    /// The answer in words, one line each.
    says: Vec<String>,
}

pub async fn report(store: &Store, practice: &str, offer: &str, format: &str) -> anyhow::Result<()> {
    if !matches!(format, "csv" | "json") {
        bail!("--format must be csv or json, not {format:?}");
    }
    let code = OdsCode::parse(practice)?;
    let id = Uuid::parse_str(offer.trim())
        .with_context(|| format!("--offer must be an offer's id, not {offer:?}"))?;
    let offer = store.offer(id).await.with_context(|| format!("no offer {id}"))?;
    if offer.practice != code {
        bail!("offer {id} is not one of {code}'s offers");
    }
    let synthetic =
        store.list_practices().await?.iter().any(|(p, synthetic)| p.ods_code == code && *synthetic);
    let own = store.uptake_oc_months_of(code.as_str()).await?;
    let list_size = latest_list_size(code.as_str(), &own);
    let peers = peers(store, code.as_str(), &own, list_size).await?;
    let mut peer_series = Vec::with_capacity(peers.len());
    for peer in &peers {
        peer_series.push(oc_series(peer, &store.uptake_oc_months_of(peer).await?));
    }
    let panel = Panel {
        practice: oc_series(code.as_str(), &own),
        peers: peer_series,
        start: lantern_core::effect::Month::of(offer.started_on),
        list_size,
        method_changes: oc_method_changes(),
    };
    let effect = estimate(&panel);

    // Help logged for the offer up to the end of the last month with data, so the minutes and the extra
    // users cover the same months.
    let until = effect
        .window
        .and_then(|(_, last)| {
            jiff::civil::Date::new(last.plus(1).year() as i16, last.plus(1).month() as i8, 1).ok()
        })
        .and_then(|day| day.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|zoned| zoned.timestamp());
    let help = store.offer_help(id, until).await?;
    let helped: Vec<_> = store.offer_episodes(id, until).await?.into_iter().map(|r| r.episode).collect();
    let reach = lantern_core::offer::reach(&offer, &helped);
    let staff = store.staff(&code).await?;
    let costs = store.role_costs(&code).await?;
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

    let report = EffectReport {
        synthetic: synthetic.then_some(SYNTHETIC_LABEL),
        practice: code.to_string(),
        says: says(&effect, &cost, &reach, synthetic),
        offer,
        measure: OC_MEASURE,
        list_size,
        peers,
        effect,
        help,
        reach,
        staff_minutes,
        staff_cost_pence: cost_pence,
        cost,
    };
    store
        .audit(
            AuditEntry::new(&Actor::system("lantern report"), "export.effect")
                .record("offer", id)
                .practice(&code),
        )
        .await?;
    let output = if format == "csv" { csv(&report)? } else { serde_json::to_string_pretty(&report)? + "\n" };
    print!("{output}");
    Ok(())
}

/// The practice's matched peers from the practice map, the registered counts, IMD and suppliers held.
async fn peers(
    store: &Store,
    practice: &str,
    own: &[OcMonth],
    list_size: Option<i64>,
) -> anyhow::Result<Vec<String>> {
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
    }
    Ok(match_peers(&target, &candidates, &store.practices_with_offers().await?))
}

fn outcome_line(name: &str, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Estimate(e) => format!(
            "{name}: {:+.2} submissions per 1,000 patients a month (95% interval {:+.2} to {:+.2}), from {} months before and {} after",
            e.change, e.interval.low, e.interval.high, e.months_before, e.months_after
        ),
        Outcome::CannotSay { reasons } => {
            let why: Vec<String> = reasons.iter().map(|r| r.explain()).collect();
            format!("{name}: cannot say: {}", why.join("; "))
        }
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
    lines.push(match cost {
        CostOutcome::PerExtraUser(c) => format!(
            "Cost per extra online user: £{:.2} (95% interval £{:.2} to £{:.2}), {} staff minutes over {:.0} extra submissions",
            c.pence_per_extra_user / 100.0,
            c.interval_pence.low / 100.0,
            c.interval_pence.high / 100.0,
            c.minutes,
            c.extra_users
        ),
        CostOutcome::CannotSay { reason } => format!("Cost per extra online user: cannot say: {}", reason.explain()),
    });
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

/// One row per estimate and one for the cost, then the plain words.
fn csv(report: &EffectReport) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "synthetic",
        "practice",
        "offer",
        "measure",
        "estimate",
        "outcome",
        "value",
        "interval_low",
        "interval_high",
        "months_before",
        "months_after",
        "peers_used",
        "reasons",
    ])?;
    let synthetic = if report.synthetic.is_some() { "synthetic" } else { "" };
    let offer = report.offer.id.to_string();
    let base = |estimate: &str| {
        vec![
            synthetic.to_owned(),
            report.practice.clone(),
            offer.clone(),
            report.measure.to_owned(),
            estimate.to_owned(),
        ]
    };
    for (name, outcome) in [
        ("interrupted_time_series", &report.effect.interrupted_time_series),
        ("difference_in_differences", &report.effect.difference_in_differences),
    ] {
        let mut row = base(name);
        match outcome {
            Outcome::Estimate(e) => row.extend([
                "estimate".to_owned(),
                e.change.to_string(),
                e.interval.low.to_string(),
                e.interval.high.to_string(),
                e.months_before.to_string(),
                e.months_after.to_string(),
                report.effect.peers_used.to_string(),
                String::new(),
            ]),
            Outcome::CannotSay { reasons } => row.extend([
                "cannot_say".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                report.effect.months_before.to_string(),
                report.effect.months_after.to_string(),
                report.effect.peers_used.to_string(),
                reasons.iter().map(|r| r.explain()).collect::<Vec<_>>().join("; "),
            ]),
        }
        out.write_record(&row)?;
    }
    let mut row = base("cost_per_extra_user_pence");
    match &report.cost {
        CostOutcome::PerExtraUser(c) => row.extend([
            "estimate".to_owned(),
            c.pence_per_extra_user.to_string(),
            c.interval_pence.low.to_string(),
            c.interval_pence.high.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]),
        CostOutcome::CannotSay { reason } => row.extend([
            "cannot_say".to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            reason.explain(),
        ]),
    }
    out.write_record(&row)?;
    Ok(String::from_utf8(out.into_inner()?)?)
}
