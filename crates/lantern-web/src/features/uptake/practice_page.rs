//! "Uptake of online services" for one practice: how many of its patients are online, how that has
//! moved, where it stands among England's practices and its own PCN's, its deprivation and age profile,
//! and, for the people who work there, the help logged in Lantern beside it in the same month.

use super::telephony::{self, Telephony};
use super::text::{counted, ordinal, points, quintile_words, rate, share, small_or};
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::failure::PageError;
use crate::kit::line_chart::{LineChart, Point};
use crate::kit::numbers::{count, decimal};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::services::telephony::practice_telephony;
use crate::services::uptake::{parse_month, practice_uptake, PracticeUptake};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lantern_core::measures::Suppressed;
use lantern_core::uptake::measures::Share;
use lantern_core::uptake::Service;
use lantern_core::validation::FieldError;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "uptake/practice.html")]
struct UptakePage {
    shell: Shell,
    practice: String,
    months: Vec<(String, bool)>,
    errors: Vec<FieldError>,
    figures: Option<Figures>,
    /// Said when the practice has telephony figures but no uptake ones, so the page still answers.
    no_uptake: Option<String>,
    telephony: Option<Telephony>,
}

struct Figures {
    title: String,
    synthetic: bool,
    period: String,
    headlines: Vec<(&'static str, &'static str, String, String)>,
    chart: LineChart,
    trend: Vec<Vec<String>>,
    position: Vec<(&'static str, String)>,
    peers_caption: String,
    peers: Vec<(bool, String, Vec<String>)>,
    deprivation: Vec<(&'static str, String)>,
    lagging: bool,
    age: Vec<(&'static str, String)>,
    oc: Vec<Vec<String>>,
    hidden: Option<Hidden>,
    csv_href: String,
    json_href: String,
    attribution: &'static str,
}

struct Hidden {
    summary: Vec<(&'static str, String)>,
    tables: Vec<HiddenTable>,
    rule: &'static str,
}

struct HiddenTable {
    id: &'static str,
    caption: &'static str,
    header: &'static str,
    rows: Vec<(String, String, String)>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let requested = query.get("practice").map(|p| p.trim().to_ascii_uppercase()).filter(|p| !p.is_empty());
    let practice =
        requested.or_else(|| user.current_practice.as_ref().map(|c| c.to_string())).unwrap_or_default();
    let period = query.get("period").map(|p| p.trim()).filter(|p| !p.is_empty());
    let shell = Shell::for_user(&state, &user, "Uptake of online services", "/uptake").await?;
    let mut page = UptakePage {
        shell,
        practice: practice.clone(),
        months: Vec::new(),
        errors: Vec::new(),
        figures: None,
        no_uptake: None,
        telephony: None,
    };
    if practice.is_empty() {
        return Ok(render(&page).into_response());
    }
    let calls = practice_telephony(&state.store, &practice).await?;
    page.telephony = telephony::view(&calls);
    let result = match period.map(parse_month).transpose() {
        Ok(period) => practice_uptake(&state.store, &user, &practice, period.as_deref()).await,
        Err(error) => Err(error),
    };
    Ok(match result {
        Ok(f) => {
            page.months = f.periods.iter().rev().map(|p| (p.clone(), *p == f.period)).collect();
            page.figures = Some(view(&f));
            render(&page).into_response()
        }
        // Telephony is published for practices POMI never listed: a practice it knows still has a page.
        Err(ApiError::NotFound(message)) if calls.knows_practice() => {
            page.no_uptake = Some(format!("Uptake of online services: {message}"));
            render(&page).into_response()
        }
        Err(ApiError::NotFound(message) | ApiError::BadRequest(message)) => {
            page.shell.has_errors = true;
            page.errors = vec![FieldError::new("practice", message)];
            (StatusCode::NOT_FOUND, render(&page)).into_response()
        }
        Err(error) => return Err(error.into()),
    })
}

fn view(f: &PracticeUptake) -> Figures {
    let name = f.name.clone().unwrap_or_else(|| f.practice.clone());
    let rates = f.uptake.as_ref().map(|u| u.rates);
    let england = f.england.as_ref().map(|u| u.rates);
    let whole = f.england_name;
    let vs_england =
        |theirs: Option<Share>| theirs.map_or_else(String::new, |t| format!("{whole}: {}", share(Some(t))));
    let mut headlines = vec![(
        "enabled",
        "Patients registered for online services",
        share(rates.and_then(|r| r.enabled)),
        vs_england(england.and_then(|r| r.enabled)),
    )];
    for (id, key, service) in [
        ("appointments", "Registered for online appointments", Service::Appointments),
        ("prescriptions", "Registered for repeat prescriptions", Service::Prescriptions),
        ("record", "Registered to view their coded record", Service::Record),
    ] {
        let ours = rates.and_then(|r| r.service(service).enabled);
        headlines.push((id, key, share(ours), vs_england(england.and_then(|r| r.service(service).enabled))));
    }
    headlines.push((
        "use",
        "Online transactions per 1,000 patients",
        rate(rates.and_then(|r| r.use_per_1000)),
        england
            .and_then(|r| r.use_per_1000)
            .map_or_else(String::new, |e| format!("{whole}: {}", decimal(e, 1))),
    ));
    let chart_points: Vec<Point> = f
        .months
        .iter()
        .map(|m| Point { label: m.period.clone(), value: m.rates.enabled.map(|s| s.percent) })
        .collect();
    let last = f.months.last().and_then(|m| m.rates.enabled).map(|s| share(Some(s))).unwrap_or_default();
    let chart = LineChart::new(
        "trend",
        format!("Share of {name}'s patients registered for online services, by month"),
        format!(
            "A line from {} to {} ({} months); the latest month reads {last}. The same figures are in the table that follows.",
            f.months.first().map(|m| m.period.as_str()).unwrap_or(""),
            f.months.last().map(|m| m.period.as_str()).unwrap_or(""),
            f.months.len()
        ),
        &chart_points,
        "%",
        Some(100.0),
    );
    let trend = f
        .months
        .iter()
        .rev()
        .map(|m| {
            vec![
                m.period.clone(),
                share(m.rates.enabled),
                points(m.vs_previous.as_ref().and_then(|c| c.enabled_pp)),
                rate(m.rates.use_per_1000),
            ]
        })
        .collect();
    let mut position = Vec::new();
    for ranked in &f.ranks {
        if let Some(rank) = &ranked.rank {
            let label = if ranked.measure == "enabled" {
                "Share registered, among all practices"
            } else {
                "Transactions per 1,000, among all practices"
            };
            position.push((
                label,
                format!(
                    "{} percentile of {} practices",
                    ordinal(rank.england.percentile),
                    count(rank.england.peers as i64)
                ),
            ));
            if let Some(icb) = &rank.within_icb {
                let label = if ranked.measure == "enabled" {
                    "Share registered, within its ICB"
                } else {
                    "Transactions per 1,000, within its ICB"
                };
                position.push((
                    label,
                    format!(
                        "{} percentile of {} practices",
                        ordinal(icb.percentile),
                        count(icb.peers as i64)
                    ),
                ));
            }
        }
    }
    let peers = f
        .peers
        .iter()
        .map(|p| {
            (
                p.code == f.practice,
                format!("{} ({})", p.name.clone().unwrap_or_else(|| p.code.clone()), p.code),
                vec![
                    counted(p.counts.patient_list_size),
                    small_or(p.counts.total_pat_enbld, || share(p.rates.enabled)),
                    small_or(p.counts.total_use, || rate(p.rates.use_per_1000)),
                ],
            )
        })
        .collect();
    let peers_caption = match (&f.pcn, f.peers_level) {
        (Some(pcn), _) => format!(
            "Practices of {} ({}), {}",
            pcn.name.clone().unwrap_or_else(|| "its primary care network".into()),
            pcn.code,
            f.period
        ),
        (None, _) => format!("Practices of its commissioning area, {}", f.period),
    };
    let mut deprivation = Vec::new();
    let mut lagging = false;
    if let Some(d) = &f.deprivation {
        deprivation.push(("IMD 2019 score", decimal(d.score, 1)));
        if let Some(q) = d.quintile {
            deprivation
                .push(("Deprivation quintile in England", format!("{q} of 5 ({})", quintile_words(q))));
        }
        if let Some(r) = &d.residual {
            deprivation.push(("Expected share for its deprivation", format!("{}%", decimal(r.fitted, 1))));
            deprivation.push(("Difference from expected", points(Some(r.residual))));
            lagging = r.lagging;
        }
    }
    let age = f
        .age
        .as_ref()
        .map(|a| {
            vec![
                ("Extract", a.period.clone()),
                ("Registered patients", a.registered.map_or_else(|| "not known".into(), count)),
                (
                    "Aged 65 and over",
                    a.share_65_plus.map_or_else(|| "not known".into(), |s| format!("{}%", decimal(s, 1))),
                ),
                (
                    "Aged 75 and over",
                    a.share_75_plus.map_or_else(|| "not known".into(), |s| format!("{}%", decimal(s, 1))),
                ),
            ]
        })
        .unwrap_or_default();
    let oc = f
        .online_consultations
        .iter()
        .rev()
        .map(|u| {
            vec![
                u.period.clone(),
                u.counts.total_submissions.to_string(),
                rate(u.rates.submissions_per_1000),
                share(u.rates.clinical),
                share(u.rates.admin),
            ]
        })
        .collect();
    let hidden = f.hidden_work.as_ref().map(|b| {
        let shown = |s: &Suppressed<i64>| crate::kit::numbers::shown(s, count);
        let per = |s: &Option<Suppressed<f64>>| {
            s.as_ref()
                .map_or_else(|| "not known".to_owned(), |s| crate::kit::numbers::shown(s, |v| decimal(v, 1)))
        };
        let rows = |rows: &[lantern_core::uptake::beside::BesideRow]| {
            rows.iter().map(|r| (r.label.clone(), shown(&r.episodes), per(&r.per_1000))).collect()
        };
        Hidden {
            summary: vec![
                ("Episodes of help logged", shown(&b.episodes)),
                ("Per 1,000 registered patients", per(&b.episodes_per_1000)),
            ],
            tables: vec![
                HiddenTable {
                    id: "barrier",
                    caption: "Episodes by barrier",
                    header: "Barrier",
                    rows: rows(&b.by_barrier),
                },
                HiddenTable {
                    id: "age",
                    caption: "Episodes by the patient's age band",
                    header: "Age band",
                    rows: rows(&b.by_age_band),
                },
            ],
            rule: b.suppression_rule,
        }
    });
    let api = format!("/api/v1/uptake/practices/{}?period={}", f.practice, f.period);
    Figures {
        title: name,
        synthetic: f.synthetic,
        period: f.period.clone(),
        headlines,
        chart,
        trend,
        position,
        peers_caption,
        peers,
        deprivation,
        lagging,
        age,
        oc,
        hidden,
        csv_href: format!("{api}&format=csv"),
        json_href: api,
        attribution: f.attribution,
    }
}
