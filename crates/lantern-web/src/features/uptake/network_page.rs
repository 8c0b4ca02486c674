//! "Uptake compared" for analysts: an organisation's units (England's regions, a region's ICBs, an ICB's
//! or PCN's practices) in a sortable table with sparklines, England's uptake by deprivation quintile,
//! and the practices whose uptake is low for their deprivation. Published data only: no episodes.

use super::sort::{headers, sorted, Header, Sort};
use super::text::{counted, ordinal, points, rate, share, small_or};
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::charts::{BarChart, Datum};
use crate::kit::failure::PageError;
use crate::kit::line_chart::Sparkline;
use crate::kit::numbers::{count, decimal};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::services::uptake::{network_uptake, parse_month, NetworkUptake, UnitRow};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lantern_core::access::Role;
use lantern_core::uptake::Level;
use lantern_core::validation::FieldError;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "uptake/network.html")]
struct NetworkPage {
    shell: Shell,
    levels: Vec<(&'static str, &'static str, bool)>,
    code: String,
    months: Vec<(String, bool)>,
    errors: Vec<FieldError>,
    figures: Option<Figures>,
}

struct Row {
    name: String,
    code: String,
    href: Option<String>,
    cells: Vec<String>,
    spark: Sparkline,
    percentile: Option<String>,
    /// Shares aged 65+ and 75+, for practices.
    ages: Option<(String, String)>,
}

struct Figures {
    title: String,
    synthetic: bool,
    period: String,
    first_period: String,
    total: Vec<(&'static str, String)>,
    child_noun: &'static str,
    headers: Vec<Header>,
    rows: Vec<Row>,
    practices: bool,
    unplaced: u64,
    quintile_chart: Option<BarChart>,
    quintiles: Vec<Vec<String>>,
    gap: String,
    whole: &'static str,
    rule: &'static str,
    fit: String,
    lagging: Vec<Vec<String>>,
    lagging_total: usize,
    oc_period: String,
    oc: Vec<(String, Vec<String>)>,
    csv_href: String,
    json_href: String,
    equity_csv_href: String,
    attribution: &'static str,
}

/// Nationally hundreds of practices lag; the page lists the furthest below and the JSON holds them all.
const LAGGING_SHOWN: usize = 25;

const LEVELS: [(Level, &str); 5] = [
    (Level::England, "England"),
    (Level::Region, "NHS England region"),
    (Level::Icb, "Integrated care board"),
    (Level::Pcn, "Primary care network"),
    (Level::Ccg, "CCG or sub-ICB location"),
];

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| query.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    // An analyst starts at their own organisation; anyone else (or an organisation the data does not
    // cover) starts at England.
    let own = user.user.organisation.as_ref().map(|o| o.to_string()).filter(|_| user.role() == Role::Analyst);
    let (level, code) = match (get("level").and_then(|l| Level::parse(&l)), get("code")) {
        (Some(level), code) => (level, code),
        (None, _) => match &own {
            Some(org) if org.starts_with('U') => (Level::Pcn, Some(org.clone())),
            Some(org) => (Level::Icb, Some(org.clone())),
            None => (Level::England, None),
        },
    };
    let shell = Shell::for_user(&state, &user, "Uptake compared", "/network/uptake").await?;
    let levels = LEVELS.iter().map(|(l, label)| (l.code(), *label, *l == level)).collect();
    let mut page = NetworkPage {
        shell,
        levels,
        code: code.clone().unwrap_or_default(),
        months: Vec::new(),
        errors: Vec::new(),
        figures: None,
    };
    let result = match get("period").as_deref().map(parse_month).transpose() {
        Ok(period) => network_uptake(&state.store, level, code.as_deref(), period.as_deref()).await,
        Err(error) => Err(error),
    };
    Ok(match result {
        Ok(f) => {
            page.months = f.periods.iter().rev().map(|p| (p.clone(), *p == f.period)).collect();
            let sort = Sort::read(get("sort").as_deref(), get("dir").as_deref());
            page.figures = Some(view(&f, sort));
            render(&page).into_response()
        }
        Err(ApiError::NotFound(message) | ApiError::BadRequest(message)) => {
            page.shell.has_errors = true;
            page.errors = vec![FieldError::new("code", message)];
            (StatusCode::NOT_FOUND, render(&page)).into_response()
        }
        Err(error) => return Err(error.into()),
    })
}

fn view(f: &NetworkUptake, sort: Sort) -> Figures {
    let scope = format!("level={}&code={}&period={}", f.level.code(), f.code, f.period);
    let here = format!("/network/uptake?{scope}");
    let units = sorted(&f.units, sort);
    let headers = headers(sort, &here);
    let name_of = |r: &UnitRow| r.unit.name.clone().unwrap_or_else(|| r.unit.code.clone());
    let practices = f.child_level == Level::Practice;
    let rows = units
        .iter()
        .map(|r| Row {
            name: name_of(r),
            code: r.unit.code.clone(),
            href: match f.child_level {
                Level::Practice => Some(format!("/uptake?practice={}&period={}", r.unit.code, f.period)),
                level => Some(format!(
                    "/network/uptake?level={}&code={}&period={}",
                    level.code(),
                    r.unit.code,
                    f.period
                )),
            },
            cells: vec![
                counted(r.unit.counts.patient_list_size),
                small_or(r.unit.counts.total_pat_enbld, || share(r.unit.rates.enabled)),
                points(r.change),
                small_or(r.unit.counts.total_use, || rate(r.unit.rates.use_per_1000)),
            ],
            spark: Sparkline::new(&r.series, 100.0),
            percentile: r.percentile.map(ordinal),
            ages: practices.then(|| {
                let pct = |s: Option<f64>| {
                    s.map_or_else(|| "not known".to_owned(), |s| format!("{}%", decimal(s, 1)))
                };
                (pct(r.aged_65_plus), pct(r.aged_75_plus))
            }),
        })
        .collect();
    let total = f
        .total
        .as_ref()
        .map(|t| {
            vec![
                ("Practices", count(t.counts.practices as i64)),
                ("Registered patients", count(t.counts.patient_list_size)),
                ("Registered for online services", share(t.rates.enabled)),
                ("Online transactions per 1,000 patients", rate(t.rates.use_per_1000)),
            ]
        })
        .unwrap_or_default();
    let (quintile_chart, quintiles, gap) = match &f.equity {
        Some(e) => {
            let label = |q: u8| match q {
                1 => "1 (least deprived)".to_owned(),
                5 => "5 (most deprived)".to_owned(),
                q => q.to_string(),
            };
            let data = e
                .quintiles
                .iter()
                .map(|q| Datum {
                    label: format!("Quintile {}", label(q.quintile)),
                    value: q.rates.enabled.map(|s| s.percent),
                    text: share(q.rates.enabled),
                })
                .collect();
            let chart = BarChart::new(
                "quintiles",
                format!(
                    "Share of patients registered for online services by deprivation quintile, {}, {}",
                    f.england_name, e.period
                ),
                "the share of registered patients enabled for online services",
                "deprivation quintile (IMD 2019 score of the practice, equal numbers of practices in each)",
                data,
            );
            let bands = &f.quintile_bands;
            let rows = e
                .quintiles
                .iter()
                .map(|q| {
                    let band = bands.iter().find(|b| b.quintile == q.quintile);
                    vec![
                        label(q.quintile),
                        band.map_or_else(String::new, |b| {
                            format!("{} to {}", decimal(b.min_score, 1), decimal(b.max_score, 1))
                        }),
                        count(q.counts.practices as i64),
                        count(q.counts.patient_list_size),
                        share(q.rates.enabled),
                    ]
                })
                .collect();
            let gap = e.gap.map_or_else(String::new, |g| {
                format!(
                    "The most deprived fifth of practices had {}% of patients registered, the least deprived {}%: a gap of {}{}.",
                    decimal(g.most_deprived, 1),
                    decimal(g.least_deprived, 1),
                    points(Some(g.difference)),
                    g.ratio.map_or_else(String::new, |r| format!(" (a ratio of {})", decimal(r, 2)))
                )
            });
            (Some(chart), rows, gap)
        }
        None => (None, Vec::new(), String::new()),
    };
    let fit = f.fit.map_or_else(String::new, |fit| {
        format!(
            "Fitted across {} practices: expected share = {} {} {} × IMD score{}. A practice is listed when its share is more than 1.5 residual standard deviations ({} points) below the line.",
            count(fit.n as i64),
            decimal(fit.intercept, 1),
            if fit.slope < 0.0 { "−" } else { "+" },
            decimal(fit.slope.abs(), 3),
            fit.r_squared.map_or_else(String::new, |r| format!(" (R² {})", decimal(r, 2))),
            decimal(1.5 * fit.residual_sd, 1)
        )
    });
    let lagging = f
        .lagging
        .iter()
        .take(LAGGING_SHOWN)
        .map(|l| {
            vec![
                format!(
                    "{} ({})",
                    l.name.clone().unwrap_or_else(|| l.residual.practice.clone()),
                    l.residual.practice
                ),
                decimal(l.residual.score, 1),
                format!("{}%", decimal(l.residual.share, 1)),
                format!("{}%", decimal(l.residual.fitted, 1)),
                points(Some(l.residual.residual)),
            ]
        })
        .collect();
    let api = format!("/api/v1/uptake/network?{scope}");
    Figures {
        title: f.name.clone().unwrap_or_else(|| f.code.clone()),
        synthetic: f.synthetic,
        period: f.period.clone(),
        first_period: f.periods.first().cloned().unwrap_or_default(),
        total,
        child_noun: match f.child_level {
            Level::Region => "Regions",
            Level::Icb => "Integrated care boards",
            _ => "Practices",
        },
        headers,
        rows,
        practices,
        unplaced: f.unplaced_practices,
        quintile_chart,
        quintiles,
        gap,
        whole: f.england_name,
        rule: lantern_core::measures::SUPPRESSION_RULE,
        fit,
        lagging,
        lagging_total: f.lagging.len(),
        oc_period: f.online_consultations.first().map(|u| u.period.clone()).unwrap_or_default(),
        oc: f
            .online_consultations
            .iter()
            .map(|u| {
                let name = u.name.clone().unwrap_or_else(|| u.code.clone());
                let cells = vec![
                    counted(u.counts.total_submissions),
                    small_or(u.counts.total_submissions, || rate(u.rates.submissions_per_1000)),
                    small_or(u.counts.clinical, || share(u.rates.clinical)),
                    small_or(u.counts.admin, || share(u.rates.admin)),
                ];
                (format!("{name} ({})", u.code), cells)
            })
            .collect(),
        csv_href: format!("{api}&format=csv"),
        json_href: api,
        equity_csv_href: format!("/api/v1/uptake/equity?period={}&format=csv", f.period),
        attribution: f.attribution,
    }
}
