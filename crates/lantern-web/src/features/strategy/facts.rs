//! Gathering what the draft strategy is written from: the practice's settings and last quarter's figures.

use crate::clock::today;
use crate::http::error::ApiError;
use crate::kit::dates::long_date;
use crate::services::effect::{headline, offer_effect};
use crate::services::measures::practice_figures;
use jiff::civil::Date;
use jiff::ToSpan;
use lantern_core::measures::{Period, PeriodKind};
use lantern_core::ods::OdsCode;
use lantern_core::strategy::{OfferPlan, ServicePlan, StrategyFacts};
use lantern_store::Store;

/// The facts for `practice`, using the last complete financial quarter's figures.
pub async fn gather(store: &Store, practice: &OdsCode) -> Result<StrategyFacts, ApiError> {
    let period = Period::containing(PeriodKind::Quarter, today()).previous();
    let figures = practice_figures(store, practice, period).await?;
    let settings = store.settings(practice).await?;
    let ownership = store.ownership(practice).await?;
    let training = store.training(practice).await?;
    let guides = store.guides(practice, None).await?;
    // An owner who has left owns nothing: the strategy says "No owner", as the gap report does.
    let name = |id: uuid::Uuid| {
        settings.staff.iter().find(|m| m.id == id && m.active).map(|m| m.display_name.clone())
    };
    let services = settings
        .services
        .iter()
        .filter(|s| s.enabled)
        .map(|s| {
            let plan = ownership.iter().find(|o| o.service == s.code);
            let trained = training
                .iter()
                .filter(|t| {
                    t.service == s.code && settings.staff.iter().any(|m| m.id == t.staff_id && m.active)
                })
                .count();
            ServicePlan {
                label: s.label.clone(),
                owner: plan.and_then(|o| o.owner).and_then(name),
                escalation_route: plan.and_then(|o| o.escalation_route.clone()),
                offline_alternative: plan.and_then(|o| o.offline_alternative.clone()),
                trained,
            }
        })
        .collect();
    let summary = &figures.summary;
    let rows =
        |by: &str| summary.breakdowns.iter().find(|b| b.by == by).map(|b| b.rows.clone()).unwrap_or_default();
    let channel_episodes =
        |code: &str| rows("channel").iter().find(|r| r.key == code).map_or(0, |r| r.episodes);
    let ad_hoc = channel_episodes("desk") + channel_episodes("telephone");
    let mut barriers = rows("barrier");
    barriers.sort_by_key(|r| std::cmp::Reverse(r.episodes));
    let mut ages: Vec<_> = rows("age_band").into_iter().filter(|r| r.key != "not_recorded").collect();
    ages.sort_by_key(|r| std::cmp::Reverse(r.episodes));
    Ok(StrategyFacts {
        practice_name: settings.practice.name.clone(),
        ods_code: practice.to_string(),
        list_size: settings.practice.list_size,
        synthetic: figures.synthetic,
        period_label: period.label(),
        episodes: summary.episodes,
        minutes: summary.minutes,
        cost_pence: summary.cost_pence,
        episodes_per_1000: summary.episodes_per_1000,
        reading: figures.reading,
        ad_hoc_share: if summary.episodes == 0 { 0.0 } else { ad_hoc as f64 / summary.episodes as f64 },
        top_barriers: barriers.into_iter().take(3).map(|r| r.label).collect(),
        top_age_band: ages.first().map(|r| r.label.clone()),
        services,
        offers: offers(store, practice).await?,
        guides_approved: guides.iter().filter(|g| g.approved_by.is_some() && g.review_by >= today()).count(),
        guides_total: guides.len(),
        review_by: default_review(today()),
    })
}

/// The offers running today, each with its effect in words ("cannot say" and why, where it cannot).
async fn offers(store: &Store, practice: &OdsCode) -> Result<Vec<OfferPlan>, ApiError> {
    let mut plans = Vec::new();
    for offer in store.offers(practice).await?.into_iter().filter(|o| o.running_on(today())) {
        let report = offer_effect(store, &offer).await?;
        plans.push(OfferPlan {
            title: offer.title.clone(),
            kind: format!("{} ({})", offer.kind.label(), offer.mode().code()),
            since: long_date(offer.started_on),
            effect: headline(&report.effect).1,
        });
    }
    Ok(plans)
}

/// A year from now: the study's practices had no review cycle at all.
pub fn default_review(today: Date) -> Date {
    today.saturating_add(1.year())
}
