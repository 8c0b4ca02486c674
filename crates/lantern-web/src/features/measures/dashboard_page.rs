//! "Hidden work": one practice's figures for its leads. How much help was given, what it cost, how it
//! compares with the period before, and who carries it. The figures come from the same code as the
//! API, and the page links to them as CSV and JSON for the same period.

use super::breakdowns::{practice_sections, Section};
use super::period_picker::{pair, params, Params, PeriodPicker, ScopeSelect};
use crate::access::reach::chosen_or_current;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::choices::Choice;
use crate::kit::failure::PageError;
use crate::kit::numbers::{change, count, decimal, minutes_and_hours, percent, pounds, rate_change};
use crate::kit::practice::shown_practice;
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::services::measures::{practice_figures, PracticeFigures};
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lantern_core::measures::Summary;
use lantern_core::ods::OdsCode;
use lantern_core::staff::StaffMember;
use lantern_core::taxonomy::STAFF_ROLES;

#[derive(Template)]
#[template(path = "measures/dashboard.html")]
struct DashboardPage {
    shell: Shell,
    picker: PeriodPicker,
    practice_name: String,
    figures: Option<Figures>,
}

/// One headline figure; `id` lets people (and tests) point at it.
struct Headline {
    id: &'static str,
    key: &'static str,
    value: String,
    /// A second reading of the value ("48.3 hours"), under it.
    note: String,
    trend: String,
}

struct Helper {
    name: String,
    role: String,
    minutes: String,
    share: String,
}

struct Figures {
    period_noun: &'static str,
    synthetic: bool,
    /// The four figures shown large; the rest are in `details`.
    headlines: Vec<Headline>,
    details: Vec<Headline>,
    reading: String,
    defaulted: bool,
    /// (figure, value, what it means)
    concentration: Vec<(&'static str, String, &'static str)>,
    helpers: Vec<Helper>,
    sections: Vec<Section>,
    csv_href: String,
    json_href: String,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = params(raw.as_deref());
    let requested = params.get("practice").map(String::as_str);
    let code = shown_practice(&state, &user, chosen_or_current(&user, requested), requested).await?;
    let page = page(&state, &user, &code, &params).await?;
    let status = if page.picker.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, render(&page)).into_response())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    code: &OdsCode,
    params: &Params,
) -> Result<DashboardPage, ApiError> {
    let mut picker = PeriodPicker::read(params, "/dashboard", &pair("practice", code.as_str()));
    let practices = state.store.list_practices().await?;
    let reachable: Vec<_> = practices.iter().filter(|(p, _)| user.can_reach(&p.ods_code)).collect();
    if reachable.len() > 1 {
        let options = reachable
            .iter()
            .map(|(p, _)| Choice {
                id: String::new(),
                value: p.ods_code.to_string(),
                label: format!("{} ({})", p.name, p.ods_code),
                checked: p.ods_code == *code,
            })
            .collect();
        picker.scope = Some(ScopeSelect { name: "practice", label: "Practice", options });
    }
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    let mut shell = Shell::for_user(state, &viewer, "Hidden work", "/dashboard").await?;
    shell.has_errors = !picker.errors.is_empty();
    let practice_name =
        reachable.iter().find(|(p, _)| p.ods_code == *code).map_or_else(String::new, |(p, _)| p.name.clone());
    let figures = match picker.period {
        Some(period) => {
            let now = practice_figures(&state.store, code, period).await?;
            // The whole previous summary (not just `now.trend`), so every figure gets its own trend.
            let before = practice_figures(&state.store, code, period.previous()).await?;
            let staff = state.store.settings(code).await?.staff;
            Some(figures_view(&now, &before.summary, &staff, &picker))
        }
        None => None,
    };
    Ok(DashboardPage { shell, picker, practice_name, figures })
}

fn figures_view(
    f: &PracticeFigures,
    before: &Summary,
    staff: &[StaffMember],
    picker: &PeriodPicker,
) -> Figures {
    let s = &f.summary;
    let kind = s.period.kind;
    let helped_before = before.episodes > 0;
    let trend = |now: f64, then: f64| change(now, then, helped_before, kind);
    let rate = |now: f64, then: f64| rate_change(now, then, helped_before, kind);
    let line = |id, key, value, trend| Headline { id, key, value, note: String::new(), trend };
    let headlines = vec![
        line(
            "episodes",
            "Episodes of help",
            count(s.episodes),
            trend(s.episodes as f64, before.episodes as f64),
        ),
        Headline {
            note: format!("{} hours", decimal(s.minutes as f64 / 60.0, 1)),
            ..line(
                "minutes",
                "Minutes of help",
                count(s.minutes),
                trend(s.minutes as f64, before.minutes as f64),
            )
        },
        line(
            "cost",
            "Cost of staff time",
            pounds(s.cost_pence as f64),
            trend(s.cost_pence as f64, before.cost_pence as f64),
        ),
        line(
            "episodes-per-1000",
            "Episodes per 1,000 registered patients",
            decimal(s.episodes_per_1000, 1),
            trend(s.episodes_per_1000, before.episodes_per_1000),
        ),
    ];
    let details = vec![
        line(
            "staff-minutes",
            "Staff time (two people helping count twice)",
            minutes_and_hours(s.staff_minutes),
            trend(s.staff_minutes as f64, before.staff_minutes as f64),
        ),
        line(
            "episodes-per-week",
            "Episodes per week",
            decimal(s.episodes_per_week, 1),
            trend(s.episodes_per_week, before.episodes_per_week),
        ),
        line(
            "minutes-per-week",
            "Minutes per week",
            decimal(s.minutes_per_week, 0),
            trend(s.minutes_per_week, before.minutes_per_week),
        ),
        line(
            "cost-per-week",
            "Cost per week",
            pounds(s.cost_per_week_pence),
            trend(s.cost_per_week_pence, before.cost_per_week_pence),
        ),
        line(
            "minutes-per-1000",
            "Minutes per 1,000 registered patients",
            decimal(s.minutes_per_1000, 1),
            trend(s.minutes_per_1000, before.minutes_per_1000),
        ),
        line(
            "cost-per-1000",
            "Cost per 1,000 registered patients",
            pounds(s.cost_per_1000_pence),
            trend(s.cost_per_1000_pence, before.cost_per_1000_pence),
        ),
        line("list-size", "Registered patients", count(i64::from(s.list_size)), String::new()),
        line(
            "escalated",
            "Escalated to a named person",
            percent(s.escalated_rate),
            rate(s.escalated_rate, before.escalated_rate),
        ),
        line(
            "unresolved",
            "Not resolved",
            percent(s.unresolved_rate),
            rate(s.unresolved_rate, before.unresolved_rate),
        ),
    ];
    let concentration = s.concentration.map_or_else(Vec::new, |c| {
        vec![
            (
                "Share given by the person who helped most",
                percent(c.top_share),
                "Over half means the work has defaulted to one person",
            ),
            ("Staff who helped", count(c.helpers as i64), ""),
            (
                "Effective number of helpers",
                decimal(c.effective_helpers, 1),
                "How many people it would be if the work were shared equally",
            ),
            (
                "Gini coefficient",
                decimal(c.gini, 2),
                "0 when everyone gives the same time, nearer 1 when one person gives nearly all",
            ),
        ]
    });
    let helpers = s
        .helper_minutes
        .iter()
        .map(|(id, minutes)| {
            let member = staff.iter().find(|m| m.id.to_string() == *id);
            Helper {
                name: member
                    .map_or_else(|| "A former member of staff".to_owned(), |m| m.display_name.clone()),
                role: member.map_or("Not known", |m| STAFF_ROLES.label(&m.role)).to_owned(),
                minutes: count(*minutes),
                share: percent(if s.staff_minutes == 0 {
                    0.0
                } else {
                    *minutes as f64 / s.staff_minutes as f64
                }),
            }
        })
        .collect();
    let api = format!("/api/v1/measures/practices/{}?{}", f.practice.ods_code, picker.query);
    Figures {
        period_noun: picker.noun(),
        synthetic: f.synthetic,
        headlines,
        details,
        reading: f.reading.clone(),
        defaulted: s.concentration.is_some_and(|c| c.defaulted_to_one_person),
        concentration,
        helpers,
        sections: practice_sections(&s.breakdowns, &picker.label),
        csv_href: format!("{api}&format=csv"),
        json_href: api,
    }
}
