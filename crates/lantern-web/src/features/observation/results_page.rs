//! A study's results as a page: shares of observed time per category with 95% intervals (a chart, then
//! the table), task and interruption rates, multitasking, the logging gap, and reliability for each
//! pair, each with the rule it follows. The figures are the API's (`/api/v1/studies/{id}/results`):
//! the same sessions counted, the same core functions, the same rules text.

use super::counting::{counted, logged_around, GAP_RULE};
use super::reliability::{pairs, PairView};
use super::studies_page::staff_of;
use crate::access::reach::study_in_reach;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::charts::{BarChart, Datum};
use crate::kit::failure::PageError;
use crate::kit::numbers::{decimal, percent};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use lantern_core::observation::slices::SliceLength;
use lantern_core::observation::template::INTERRUPTION_SOURCES;
use lantern_core::observation::{
    logging_gap, summarise, Observed, Summary, CI_METHOD, MULTITASK_RULE, SLICE_RULE,
};
use lantern_core::validation::FieldError;
use serde::Deserialize;
use uuid::Uuid;

struct ShareRow {
    label: String,
    share: String,
    interval: String,
    slices: usize,
}

struct DimensionView {
    code: String,
    label: String,
    /// None until some time has been observed.
    chart: Option<BarChart>,
    rows: Vec<ShareRow>,
}

struct GapRow {
    who: String,
    total: bool,
    sessions: usize,
    observed: String,
    help_tasks: usize,
    help_minutes: String,
    logged: usize,
    logged_minutes: u64,
    episode_ratio: String,
    minutes_ratio: String,
}

#[derive(Template)]
#[template(path = "observation/results.html")]
struct ResultsPage {
    shell: Shell,
    errors: Vec<FieldError>,
    id: Uuid,
    name: String,
    slice: u32,
    version: u32,
    versions: Vec<u32>,
    sessions: usize,
    running: usize,
    excluded: Vec<String>,
    observed: String,
    dimensions: Vec<DimensionView>,
    rates: Vec<(&'static str, String)>,
    gap: Vec<GapRow>,
    gap_unavailable: Option<String>,
    pairs: Vec<PairView>,
    slice_rule: &'static str,
    ci_method: &'static str,
    multitask_rule: &'static str,
    gap_rule: &'static str,
}

impl ResultsPage {
    fn error(&self, field: &str) -> Option<String> {
        crate::kit::field_errors::first(&self.errors, field).map(str::to_owned)
    }
}

#[derive(Debug, Deserialize)]
pub struct ResultsQuery {
    slice: Option<String>,
    version: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let page = page(&state, &user, &id, &query).await?;
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, render(&page)).into_response())
}

/// "1 h 05 min", "12 min 30 s", "40 s".
pub(super) fn duration(seconds: f64) -> String {
    let total = seconds.round().max(0.0) as i64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s:02} s"),
        _ => format!("{h} h {m:02} min"),
    }
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "No help observed".to_owned(), |r| decimal(r, 2))
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    query: &ResultsQuery,
) -> Result<ResultsPage, ApiError> {
    let record = study_in_reach(&state.store, user, id).await?;
    let study = &record.study;
    let mut errors = Vec::new();
    let asked = query.slice.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let length = match asked.map(|s| s.parse::<u32>().ok().and_then(|n| SliceLength::seconds(n).ok())) {
        None => SliceLength::default(),
        Some(Some(length)) => length,
        Some(None) => {
            errors.push(FieldError::new("slice", "Enter a slice length of 1 to 600 whole seconds"));
            SliceLength::default()
        }
    };
    let current = study.template.version();
    let version = match query.version.as_deref().map(str::parse::<u32>) {
        None => current,
        Some(Ok(v)) if record.template_versions.contains(&v) => v,
        Some(_) => {
            errors.push(FieldError::new("version", "Choose one of the template's versions"));
            current
        }
    };
    let template = state.store.template(study.id, version).await?;
    let timelines = state.store.study_timelines(study.id).await?;
    let (kept, excluded) = counted(&timelines, version);
    let now = Timestamp::now();
    let observed: Vec<Observed> = kept.iter().map(|s| s.timeline.observed(now)).collect();
    let summary = summarise(&observed, &template, length).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let episodes = logged_around(state, &observed).await?;
    let people = staff_of(&state.store, &study.practices).await?;
    let (gap, gap_unavailable) = match logging_gap(&observed, &template, &episodes) {
        Ok(gaps) => (
            gaps.iter()
                .map(|g| GapRow {
                    who: match g.staff {
                        Some(s) => people
                            .get(&s)
                            .map_or_else(|| "Someone no longer listed".into(), |p| p.name.clone()),
                        None => "Everyone observed".into(),
                    },
                    total: g.staff.is_none(),
                    sessions: g.sessions,
                    observed: duration(g.observed_seconds),
                    help_tasks: g.observed_help_tasks,
                    help_minutes: decimal(g.observed_help_minutes, 1),
                    logged: g.logged_episodes,
                    logged_minutes: g.logged_minutes,
                    episode_ratio: ratio(g.episode_ratio),
                    minutes_ratio: ratio(g.minutes_ratio),
                })
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let mut shell = Shell::for_user(state, user, "Results", "/observe").await?;
    shell.has_errors = !errors.is_empty();
    Ok(ResultsPage {
        shell,
        errors,
        id: study.id,
        name: study.name.clone(),
        slice: length.as_seconds(),
        version,
        versions: record.template_versions.clone(),
        sessions: kept.len(),
        running: kept.iter().filter(|s| s.timeline.ended_at().is_none()).count(),
        excluded: excluded.iter().map(|e| format!("Session {}: {}", e.session, e.reason)).collect(),
        observed: duration(summary.observed_seconds),
        dimensions: dimensions(&summary),
        rates: rates(&summary),
        gap,
        gap_unavailable,
        pairs: pairs(&timelines, length, now, &people),
        slice_rule: SLICE_RULE,
        ci_method: CI_METHOD,
        multitask_rule: MULTITASK_RULE,
        gap_rule: GAP_RULE,
    })
}

fn dimensions(summary: &Summary) -> Vec<DimensionView> {
    summary
        .dimensions
        .iter()
        .map(|d| {
            // The chart leaves out categories never seen, so the time spent stands out; the table that
            // follows lists them all.
            let data: Vec<Datum> = d
                .shares
                .iter()
                .filter(|s| s.slices > 0)
                .map(|s| Datum {
                    label: s.label.clone(),
                    value: Some(s.proportion * 100.0),
                    text: percent(s.proportion),
                })
                .collect();
            let title = format!("{}: share of observed time", d.label);
            DimensionView {
                code: d.dimension.clone(),
                label: d.label.clone(),
                chart: (!data.is_empty()).then(|| {
                    BarChart::new(
                        &d.dimension,
                        title,
                        "the share of observed time",
                        "category observed",
                        data,
                    )
                }),
                rows: d
                    .shares
                    .iter()
                    .map(|s| ShareRow {
                        label: s.label.clone(),
                        share: percent(s.proportion),
                        interval: s.interval.map_or_else(
                            || "None".to_owned(),
                            |i| format!("{} to {}", percent(i.low), percent(i.high)),
                        ),
                        slices: s.slices,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn rates(s: &Summary) -> Vec<(&'static str, String)> {
    let per_hour = |v: Option<f64>| v.map_or_else(|| "None observed".to_owned(), |v| decimal(v, 1));
    let by_source: Vec<String> = s
        .interruptions_by_source
        .iter()
        .map(|(code, n)| format!("{} {n}", INTERRUPTION_SOURCES.get(code).map_or(code.as_str(), |t| t.label)))
        .collect();
    vec![
        ("Tasks", s.tasks.to_string()),
        ("Tasks per hour", per_hour(s.tasks_per_hour)),
        ("Mean task duration", s.mean_task_seconds.map_or_else(|| "No tasks".to_owned(), duration)),
        ("Tasks still running at the end (durations are lower bounds)", s.tasks_closed_at_end.to_string()),
        ("Interruptions", s.interruptions.to_string()),
        ("Interruptions per hour", per_hour(s.interruptions_per_hour)),
        ("Interruptions by source", if by_source.is_empty() { "None".into() } else { by_source.join(", ") }),
        ("Time multitasking", duration(s.multitasking_seconds)),
        (
            "Share of observed time multitasking",
            s.multitasking_share.map_or_else(|| "None".to_owned(), percent),
        ),
    ]
}
