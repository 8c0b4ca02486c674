//! One practice's figures for a period, with the trend against the period before.

use crate::http::error::ApiError;
use lantern_core::measures::{summarise, Dimension, Period, PeriodKind, Summary, Trend, NOT_RECORDED};
use lantern_core::ods::OdsCode;
use lantern_core::practice::{Practice, PracticeService};
use lantern_core::staff::StaffMember;
use lantern_core::taxonomy::{AGE_BANDS, APPROACHES, BARRIERS, CHANNELS, OUTCOMES, TASKS};
use lantern_store::{PracticeSettings, Store};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct PracticeFigures {
    pub practice: Practice,
    /// True for the synthetic demonstration practices: shown on every page and file.
    pub synthetic: bool,
    pub summary: Summary,
    pub trend: Trend,
    /// The concentration figures in a sentence, e.g. "62% of the help this quarter was given by one person".
    pub reading: String,
}

pub async fn practice_figures(
    store: &Store,
    code: &OdsCode,
    period: Period,
) -> Result<PracticeFigures, ApiError> {
    let settings = store.settings(code).await?;
    let synthetic = store.list_practices().await?.iter().any(|(p, s)| p.ods_code == *code && *s);
    let costs = store.role_costs(code).await?;
    let summary = summary_for(store, &settings, &costs, period).await?;
    let previous = summary_for(store, &settings, &costs, period.previous()).await?;
    let trend = Trend::between(&summary, &previous);
    let reading = reading(&summary, &settings.staff, period);
    Ok(PracticeFigures { practice: settings.practice, synthetic, summary, trend, reading })
}

pub(super) async fn summary_for(
    store: &Store,
    settings: &PracticeSettings,
    costs: &HashMap<String, i64>,
    period: Period,
) -> Result<Summary, ApiError> {
    let code = &settings.practice.ods_code;
    let tallies = store
        .rollup_tallies(std::slice::from_ref(code), &period.from.to_string(), &period.to.to_string())
        .await?;
    Ok(summary_of(settings, costs, period, &tallies))
}

/// The practice's figures from tallies already read (the network view reuses them for its total).
pub(super) fn summary_of(
    settings: &PracticeSettings,
    costs: &HashMap<String, i64>,
    period: Period,
    tallies: &[(Dimension, String, lantern_core::measures::Tally)],
) -> Summary {
    let cost = |m: &StaffMember| costs.get(&m.role).copied().unwrap_or(0);
    let label = |d: Dimension, key: &str| label(&settings.services, &settings.staff, d, key);
    summarise(period, settings.practice.list_size, tallies, &settings.staff, &cost, &label)
}

/// What people read for a (dimension, key).
pub(super) fn label(
    services: &[PracticeService],
    staff: &[StaffMember],
    dimension: Dimension,
    key: &str,
) -> String {
    let vocabulary = |v: lantern_core::taxonomy::Vocabulary| {
        v.get(key).map_or_else(|| key.to_owned(), |t| t.label.to_owned())
    };
    match dimension {
        Dimension::All => "All help".to_owned(),
        Dimension::Service => {
            services.iter().find(|s| s.code == key).map_or_else(|| key.to_owned(), |s| s.label.clone())
        }
        Dimension::Task => vocabulary(TASKS),
        Dimension::Channel => vocabulary(CHANNELS),
        Dimension::Barrier => vocabulary(BARRIERS),
        Dimension::AgeBand if key == NOT_RECORDED => "Not recorded".to_owned(),
        Dimension::AgeBand => vocabulary(AGE_BANDS),
        Dimension::Outcome => vocabulary(OUTCOMES),
        Dimension::Approach => vocabulary(APPROACHES),
        // Compared as ids, not as text: an ICB's total labels each of hundreds of helpers against
        // hundreds of staff, and formatting every id for every comparison showed in its profile.
        Dimension::Helper => key
            .parse::<uuid::Uuid>()
            .ok()
            .and_then(|id| staff.iter().find(|m| m.id == id))
            .map_or_else(|| "A former member of staff".to_owned(), |m| m.display_name.clone()),
    }
}

fn reading(summary: &Summary, staff: &[StaffMember], period: Period) -> String {
    let when = match period.kind {
        PeriodKind::Week => "this week",
        PeriodKind::Month => "this month",
        PeriodKind::Quarter => "this quarter",
        PeriodKind::Year => "this year",
        PeriodKind::Custom => "in this period",
    };
    let Some(c) = summary.concentration else {
        return format!("No help was logged {when}.").to_owned();
    };
    let top = summary
        .helper_minutes
        .first()
        .and_then(|(id, _)| staff.iter().find(|m| m.id.to_string() == *id))
        .map_or_else(|| "one person".to_owned(), |m| m.display_name.clone());
    let share = (c.top_share * 100.0).round();
    let spread = format!(
        "It was spread across {} staff, as if {:.1} people had shared it equally.",
        c.helpers, c.effective_helpers
    );
    if c.defaulted_to_one_person {
        format!("{share}% of the help {when} was given by one person ({top}): the work has defaulted to them. {spread}")
    } else {
        format!("The person who helped most ({top}) gave {share}% of the help {when}. {spread}")
    }
}
