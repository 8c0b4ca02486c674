//! An organisation's practices side by side, for PCN and ICB analysts: aggregates only, with every
//! count from 1 to 7 (and whatever is worked out from it) suppressed.

use super::practice::{label, summary_of};
use crate::http::error::ApiError;
use lantern_core::measures::{
    summarise, suppress, Breakdown, Dimension, Period, Summary, Suppressed, SUPPRESSION_RULE,
};
use lantern_core::ods::OdsCode;
use lantern_core::practice::{Practice, PracticeService};
use lantern_core::staff::StaffMember;
use lantern_store::Store;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct NetworkRow {
    pub ods_code: String,
    pub name: String,
    pub list_size: u32,
    pub episodes: Suppressed<i64>,
    pub minutes: Suppressed<i64>,
    pub cost_pounds: Suppressed<f64>,
    pub episodes_per_1000: Suppressed<f64>,
    pub minutes_per_1000: Suppressed<f64>,
    pub escalated_rate: Suppressed<f64>,
    pub unresolved_rate: Suppressed<f64>,
    /// Share of the practice's help given by its busiest helper.
    pub top_helper_share: Suppressed<f64>,
    pub defaulted_to_one_person: Suppressed<bool>,
    /// 1 for the most help per 1,000 patients; practices with suppressed figures are not ranked.
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuppressedShare {
    pub key: String,
    pub label: String,
    pub episodes: Suppressed<i64>,
    pub minutes: Suppressed<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuppressedBreakdown {
    pub by: &'static str,
    pub rows: Vec<SuppressedShare>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkFigures {
    pub organisation: String,
    pub period: Period,
    pub suppression_rule: &'static str,
    pub synthetic: bool,
    pub practices: Vec<NetworkRow>,
    pub total: NetworkRow,
    /// The organisation's help by service, task, channel, barrier, age band, outcome, approach and staff
    /// role (never by named member of staff).
    pub breakdowns: Vec<SuppressedBreakdown>,
}

/// Figures for `practices` (already limited to what the caller may see) as the organisation `code`.
pub async fn network_figures(
    store: &Store,
    code: &OdsCode,
    practices: &[Practice],
    synthetic: bool,
    period: Period,
) -> Result<NetworkFigures, ApiError> {
    let mut rows = Vec::new();
    let mut all_tallies = Vec::new();
    let mut all_staff: Vec<StaffMember> = Vec::new();
    let mut all_services: Vec<PracticeService> = Vec::new();
    let mut cost_by_staff: HashMap<uuid::Uuid, i64> = HashMap::new();
    let codes: Vec<OdsCode> = practices.iter().map(|p| p.ods_code.clone()).collect();
    let each = store.network_practices(&codes, &period.from.to_string(), &period.to.to_string()).await?;
    for (practice, lantern_store::NetworkPractice { settings, costs, tallies }) in practices.iter().zip(each)
    {
        let summary = summary_of(&settings, &costs, period, &tallies);
        rows.push(row(practice.ods_code.as_str(), &practice.name, &summary));
        all_tallies.extend(tallies);
        for member in &settings.staff {
            cost_by_staff.insert(member.id, costs.get(&member.role).copied().unwrap_or(0));
        }
        all_staff.extend(settings.staff);
        for service in settings.services {
            if !all_services.iter().any(|s| s.code == service.code) {
                all_services.push(service);
            }
        }
    }
    rank(&mut rows);
    let list_size = practices.iter().map(|p| p.list_size).sum();
    let cost = |m: &StaffMember| cost_by_staff.get(&m.id).copied().unwrap_or(0);
    let label = |d: Dimension, key: &str| label(&all_services, &all_staff, d, key);
    let total = summarise(period, list_size, &all_tallies, &all_staff, &cost, &label);
    let breakdowns =
        total.breakdowns.iter().filter(|b| b.by != Dimension::Helper.code()).map(suppressed).collect();
    Ok(NetworkFigures {
        organisation: code.to_string(),
        period,
        suppression_rule: SUPPRESSION_RULE,
        synthetic,
        practices: rows,
        total: row(code.as_str(), "All practices", &total),
        breakdowns,
    })
}

fn row(code: &str, name: &str, s: &Summary) -> NetworkRow {
    let n = s.episodes;
    NetworkRow {
        ods_code: code.to_owned(),
        name: name.to_owned(),
        list_size: s.list_size,
        episodes: suppress(n, n),
        minutes: suppress(n, s.minutes),
        cost_pounds: suppress(n, s.cost_pence as f64 / 100.0),
        episodes_per_1000: suppress(n, round(s.episodes_per_1000, 2)),
        minutes_per_1000: suppress(n, round(s.minutes_per_1000, 1)),
        escalated_rate: suppress(n, round(s.escalated_rate, 4)),
        unresolved_rate: suppress(n, round(s.unresolved_rate, 4)),
        top_helper_share: suppress(n, s.concentration.map_or(0.0, |c| round(c.top_share, 4))),
        defaulted_to_one_person: suppress(n, s.concentration.is_some_and(|c| c.defaulted_to_one_person)),
        rank: None,
    }
}

fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

fn rank(rows: &mut [NetworkRow]) {
    let mut order: Vec<(usize, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.episodes_per_1000 {
            Suppressed::Shown(v) => Some((i, v)),
            Suppressed::Hidden(_) => None,
        })
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (place, (i, _)) in order.into_iter().enumerate() {
        rows[i].rank = Some(place + 1);
    }
}

fn suppressed(b: &Breakdown) -> SuppressedBreakdown {
    SuppressedBreakdown {
        by: b.by,
        rows: b
            .rows
            .iter()
            .map(|r| SuppressedShare {
                key: r.key.clone(),
                label: r.label.clone(),
                episodes: suppress(r.episodes, r.episodes),
                minutes: suppress(r.episodes, r.minutes),
            })
            .collect(),
    }
}
