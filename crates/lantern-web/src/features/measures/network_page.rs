//! "Practices compared": an organisation's practices side by side for PCN and ICB analysts. Only
//! aggregates, with small numbers suppressed by the same code as the API (the figures arrive already
//! suppressed); no notes, no single episodes and no named staff ever reach this page.

use super::breakdowns::{network_sections, value_of, Section};
use super::network_table::{headers, row, rows, sort_rows, Header, Row, Sort};
use super::period_picker::{pair, params, Params, PeriodPicker, ScopeSelect};
use crate::access::reach::organisation_members;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::charts::{BarChart, Datum};
use crate::kit::choices::Choice;
use crate::kit::failure::PageError;
use crate::kit::shell::Shell;
use crate::kit::{message, render};
use crate::services::measures::{network_figures, NetworkFigures};
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lantern_core::access::Role;
use lantern_core::measures::SUPPRESSION_RULE;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;

#[derive(Template)]
#[template(path = "measures/network.html")]
struct NetworkPage {
    shell: Shell,
    picker: PeriodPicker,
    organisation: String,
    rule: &'static str,
    figures: Option<Figures>,
}

struct Figures {
    synthetic: bool,
    headers: Vec<Header>,
    rows: Vec<Row>,
    total: Row,
    chart: BarChart,
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
    let all = state.store.list_practices().await?;
    let practices: Vec<Practice> =
        all.into_iter().filter(|(p, _)| user.can_reach(&p.ods_code)).map(|(p, _)| p).collect();
    let options = organisations(&user, &practices);
    let requested = params.get("org").map(|o| o.trim()).filter(|o| !o.is_empty());
    let chosen = match requested {
        Some(raw) => OdsCode::parse(raw).ok().filter(|code| options.contains(code)),
        None => options.first().cloned(),
    };
    let Some(org) = chosen else {
        return Ok(message(
            StatusCode::NOT_FOUND,
            "Organisation not found",
            "You can compare the practices of your own primary care network or integrated care board.",
        ));
    };
    let page = page(&state, &user, &org, &options, &practices, &params).await?;
    let status = if page.picker.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, render(&page)).into_response())
}

/// The organisations this person may compare: an analyst's own (and, for an ICB analyst, the PCNs in
/// it); for administrators every PCN, then every ICB, of the practices they can reach.
fn organisations(user: &CurrentUser, practices: &[Practice]) -> Vec<OdsCode> {
    let mut codes: Vec<OdsCode> = user.user.organisation.iter().cloned().collect();
    let icbs = practices.iter().filter_map(|p| p.icb.clone()).filter(|_| user.role() == Role::Admin);
    for code in practices.iter().filter_map(|p| p.pcn.clone()).chain(icbs) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

fn label(code: &OdsCode, practices: &[Practice]) -> String {
    if practices.iter().any(|p| p.pcn.as_ref() == Some(code)) {
        format!("Primary care network {code}")
    } else {
        format!("Integrated care board {code}")
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    org: &OdsCode,
    options: &[OdsCode],
    practices: &[Practice],
    params: &Params,
) -> Result<NetworkPage, ApiError> {
    let sort = Sort::read(params);
    let keep = pair("org", org.as_str());
    let mut picker = PeriodPicker::read(params, "/network", &format!("{keep}{}", sort.query()));
    if options.len() > 1 {
        let options = options
            .iter()
            .map(|code| Choice {
                id: String::new(),
                value: code.to_string(),
                label: label(code, practices),
                checked: code == org,
            })
            .collect();
        picker.scope = Some(ScopeSelect { name: "org", label: "Organisation", options });
    }
    let mut shell = Shell::for_user(state, user, "Practices compared", "/network").await?;
    shell.has_errors = !picker.errors.is_empty();
    let figures = match picker.period {
        Some(period) => {
            let (members, synthetic) = organisation_members(&state.store, user, org).await?;
            let figures = network_figures(&state.store, org, &members, synthetic, period).await?;
            let here = format!("/network?{keep}&{}", picker.query);
            Some(view(&figures, sort, &here, &picker))
        }
        None => None,
    };
    Ok(NetworkPage { shell, picker, organisation: label(org, practices), rule: SUPPRESSION_RULE, figures })
}

fn view(f: &NetworkFigures, sort: Sort, here: &str, picker: &PeriodPicker) -> Figures {
    let mut ranked = f.practices.clone();
    // The chart always reads in rank order, whatever order the table is sorted in.
    sort_rows(&mut ranked, Sort::default());
    let data = ranked
        .iter()
        .map(|r| Datum {
            label: r.name.clone(),
            value: value_of(&r.episodes_per_1000),
            text: crate::kit::numbers::shown(&r.episodes_per_1000, |v| crate::kit::numbers::decimal(v, 1)),
        })
        .collect();
    let title = format!("Episodes of help per 1,000 registered patients by practice, {}", picker.label);
    let chart =
        BarChart::new("per-1000", title, "episodes of help per 1,000 registered patients", "practice", data);
    let mut table = f.practices.clone();
    sort_rows(&mut table, sort);
    let api = format!("/api/v1/measures/organisations/{}?{}", f.organisation, picker.query);
    Figures {
        synthetic: f.synthetic,
        headers: headers(sort, here),
        rows: rows(&table),
        total: row(&f.total),
        chart,
        sections: network_sections(f),
        csv_href: format!("{api}&format=csv"),
        json_href: api,
    }
}
