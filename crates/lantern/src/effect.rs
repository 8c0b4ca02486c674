//! `lantern report effect`: did an offer's start change the practice's online consultation
//! submissions per 1,000 patients (and, where appointment figures are held, its share of video and
//! online appointments), beyond season, trend and matched peers, and what did each extra online user
//! cost in logged staff time. The estimator and its rules are `lantern_core::effect`'s, and
//! `lantern_web::effect` gathers the data (for the pages and API too); this reads the arguments and
//! writes the answer, saying plainly when there is none. NHS App use in the practice's ICB comes
//! after, as context labelled as the ICB's (the figures are published for ICBs, not practices).

use anyhow::{bail, Context};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::effect::{CostOutcome, Outcome};
use lantern_core::ods::OdsCode;
use lantern_store::Store;
use lantern_web::effect::{offer_effect, EffectReport};
use uuid::Uuid;

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
    let report = offer_effect(store, &offer).await?;
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
    let row_of = |measure: &str, estimate: &str| {
        vec![
            synthetic.to_owned(),
            report.practice.clone(),
            offer.clone(),
            measure.to_owned(),
            estimate.to_owned(),
        ]
    };
    let base = |estimate: &str| row_of(report.measure, estimate);
    // The online consultation measure, then the appointment share when it is held.
    let mut measures = vec![(report.measure, &report.effect)];
    if let Some(a) = &report.appointments {
        measures.push((a.measure, &a.effect));
    }
    for (measure, effect, name, outcome) in measures.into_iter().flat_map(|(measure, effect)| {
        [
            (measure, effect, "interrupted_time_series", &effect.interrupted_time_series),
            (measure, effect, "difference_in_differences", &effect.difference_in_differences),
        ]
    }) {
        let mut row = row_of(measure, name);
        match outcome {
            Outcome::Estimate(e) => row.extend([
                "estimate".to_owned(),
                e.change.to_string(),
                e.interval.low.to_string(),
                e.interval.high.to_string(),
                e.months_before.to_string(),
                e.months_after.to_string(),
                effect.peers_used.to_string(),
                String::new(),
            ]),
            Outcome::CannotSay { reasons } => row.extend([
                "cannot_say".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                effect.months_before.to_string(),
                effect.months_after.to_string(),
                effect.peers_used.to_string(),
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
    // NHS App figures are the ICB's, never the practice's: their own measure names and estimate
    // ("icb_context"), the ICB and month in the estimate column, and no interval or months counted.
    if let Some(context) = &report.nhs_app {
        for month in &context.months {
            let side = if month.from_start { "from the start" } else { "before" };
            for (measure, value) in [
                ("nhs_app_logins_icb_context", month.logins),
                ("nhs_app_unique_user_logins_icb_context", month.unique_user_logins),
            ] {
                let mut row = row_of(measure, &format!("ICB {} {} ({side})", context.icb, month.period));
                row.extend([
                    "icb_context".to_owned(),
                    value.map(|v| v.to_string()).unwrap_or_default(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    context.label.to_owned(),
                ]);
                out.write_record(&row)?;
            }
        }
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}
