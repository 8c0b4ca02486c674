//! "Did it work?" for one support offer: the practice's online consultation submissions per 1,000
//! patients beside its matched peers' mean with the offer's start marked, the estimate and its interval
//! in words, what the help cost in logged staff time and per extra online user, and plainly "cannot
//! say", with the reasons, when the data cannot answer.

use super::offers_page::{for_whom, run_by};
use crate::access::reach::{chosen_or_current, offer_in_reach};
use crate::auth::CurrentUser;
use crate::kit::choices::ChoiceGroup;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::line_chart::{LineChart, Point};
use crate::kit::numbers::{count, decimal, minutes_and_hours, pounds};
use crate::kit::practice::{frame, practice_choice, shown_practice, PracticeChoice};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::services::effect::{
    cost_line, headline, offer_effect, reasons_text, EffectReport, TrendMonth, Verdict,
};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lantern_core::effect::{CostOutcome, Effect, Outcome};
use lantern_core::offer::Offer;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "effect/effect.html")]
struct EffectPage {
    shell: Shell,
    practice: PracticeChoice,
    offers: ChoiceGroup,
    shown: Option<Shown>,
}

struct Shown {
    synthetic: Option<&'static str>,
    offer_id: String,
    title: String,
    about: Vec<(&'static str, String)>,
    verdict: Option<Verdict>,
    headline: String,
    methods: Vec<(String, String)>,
    chart: Option<LineChart>,
    /// Month, practice, peers' mean, peers counted; latest first.
    trend: Vec<[String; 4]>,
    cost: Vec<(&'static str, String)>,
    reach: String,
    json_href: String,
    appointments: Option<SecondShown>,
    nhs_app: Option<IcbContextShown>,
}

/// NHS App use in the practice's ICB: context, labelled as the ICB's, never the practice's figure.
struct IcbContextShown {
    label: &'static str,
    icb: String,
    /// Month, before or from the start, logins, users who logged in; latest first.
    rows: Vec<[String; 4]>,
}

/// The second measure (video and online appointments): its two estimates and the month-by-month table.
struct SecondShown {
    methods: Vec<(String, String)>,
    /// Month, practice, peers' mean, peers counted; latest first.
    trend: Vec<[String; 4]>,
}

#[derive(Debug, Deserialize)]
pub struct EffectQuery {
    practice: Option<String>,
    offer: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<EffectQuery>,
) -> Result<Response, PageError> {
    let asked = query.offer.as_deref().map(str::trim).filter(|o| !o.is_empty());
    // An offer asked for by id brings its own practice; otherwise the practice chosen or worked in.
    let chosen_offer = match asked {
        Some(raw) => Some(offer_in_reach(&state.store, &user, raw).await?),
        None => None,
    };
    let code = match &chosen_offer {
        Some(offer) => offer.practice.clone(),
        None => {
            let chosen = chosen_or_current(&user, query.practice.as_deref());
            shown_practice(&state, &user, chosen, query.practice.as_deref()).await?
        }
    };
    let offers = state.store.offers(&code).await?;
    // With none asked for, the offer that started last: the one a lead is most likely asking about.
    let offer = chosen_offer.or_else(|| offers.iter().max_by_key(|o| o.started_on).cloned());
    let selected: Vec<String> = offer.iter().map(|o| o.id.to_string()).collect();
    let options =
        offers.iter().map(|o| (o.id.to_string(), format!("{} (from {})", o.title, long_date(o.started_on))));
    let shown = match &offer {
        Some(offer) => {
            let report = offer_effect(&state.store, offer).await?;
            let staff = state.store.staff(&code).await?;
            Some(view(offer, &report, &run_by(&offer.run_by, &staff)))
        }
        None => None,
    };
    let title = "Effect of a support offer";
    let page = EffectPage {
        shell: frame(&state, &user, &code, title, "/effect").await?,
        practice: practice_choice(&state, &user, &code).await?,
        offers: ChoiceGroup::new("offer", "Offer", options, &selected, usize::MAX),
        shown,
    };
    Ok(render(&page))
}

fn month_label(m: lantern_core::effect::Month) -> String {
    m.to_string()
}

fn view(offer: &Offer, r: &EffectReport, runner: &str) -> Shown {
    let (verdict, headline) = headline(&r.effect);
    let oc_methods = methods(&r.effect, "per 1,000 patients a month");
    let start = lantern_core::effect::Month::of(offer.started_on);
    let chart = (!r.trend.is_empty()).then(|| {
        let points: Vec<Point> =
            r.trend.iter().map(|t| Point { label: month_label(t.month), value: t.practice }).collect();
        let peers: Vec<Option<f64>> = r.trend.iter().map(|t| t.peers_mean).collect();
        let marker = r.trend.iter().position(|t| t.month == start).map(|i| (i, "Offer started".to_owned()));
        LineChart::compared(
            "effect",
            format!("Online consultation submissions per 1,000 patients at {}, and its peers' mean", r.practice),
            format!(
                "Solid line: this practice; dashed line: the mean of its {} matched peers; the vertical line marks {}, \
                 when the offer started. The same figures are in the table that follows.",
                r.peers.len(),
                start
            ),
            &points,
            &peers,
            "",
            None,
            marker,
        )
    });
    let trend = trend_rows(&r.trend);
    let appointments = r.appointments.as_ref().map(|a| SecondShown {
        methods: methods(&a.effect, "percentage points"),
        trend: trend_rows(&a.trend),
    });
    let nhs_app = r.nhs_app.as_ref().map(|c| IcbContextShown {
        label: c.label,
        icb: match &c.icb_name {
            Some(name) => format!("{name} ({})", c.icb),
            None => c.icb.clone(),
        },
        rows: c
            .months
            .iter()
            .rev()
            .map(|m| {
                let figure = |v: Option<i64>| v.map_or_else(|| "not published".to_owned(), count);
                let side = if m.from_start { "From the start" } else { "Before" };
                [m.period.clone(), side.to_owned(), figure(m.logins), figure(m.unique_user_logins)]
            })
            .collect(),
    });
    let mut cost = vec![
        ("Staff time logged for the offer", minutes_and_hours(r.staff_minutes)),
        ("Staff cost of that time", pounds(r.staff_cost_pence)),
    ];
    cost.push((
        "Cost per extra online user",
        match &r.cost {
            CostOutcome::PerExtraUser(c) => format!(
                "{} (95% interval {} to {}), over about {} extra submissions",
                pounds(c.pence_per_extra_user),
                pounds(c.interval_pence.low),
                pounds(c.interval_pence.high),
                count(c.extra_users.round() as i64)
            ),
            other => cost_line(other).replacen("Cost per extra online user: cannot say", "Cannot say", 1),
        },
    ));
    let groups = match r.reach.in_groups {
        Some(n) => format!(", and {n} met a barrier matching the groups it is for"),
        None => String::new(),
    };
    Shown {
        synthetic: r.synthetic,
        offer_id: offer.id.to_string(),
        title: offer.title.clone(),
        about: vec![
            ("Kind", format!("{} ({})", offer.kind.label(), offer.mode().code())),
            ("Started", long_date(offer.started_on)),
            ("Ended", offer.ended_on.map_or_else(|| "Still running".to_owned(), long_date)),
            ("Run by", runner.to_owned()),
            ("For whom", for_whom(offer)),
        ],
        verdict,
        headline,
        methods: oc_methods,
        chart,
        trend,
        cost,
        reach: format!(
            "{} episodes of help were logged for the offer; of the {} with an age band recorded, {} were in the age bands it is for{groups}.",
            r.reach.episodes, r.reach.with_age_band, r.reach.in_age_bands
        ),
        json_href: format!("/api/v1/offers/{}/effect", offer.id),
        appointments,
        nhs_app,
    }
}

/// Both estimates in words, against peers first, each change in `unit`.
fn methods(effect: &Effect, unit: &str) -> Vec<(String, String)> {
    let method = |name: &str, outcome: &Outcome| {
        let text = match outcome {
            Outcome::Estimate(e) => format!(
                "{:+.1} {unit} (95% interval {:+.1} to {:+.1}), from {} months before and {} after",
                e.change, e.interval.low, e.interval.high, e.months_before, e.months_after
            ),
            Outcome::CannotSay { reasons } => format!("Cannot say: {}", reasons_text(reasons)),
        };
        (name.to_owned(), text)
    };
    vec![
        method(
            &format!("Against {} matched similar practices (difference in differences)", effect.peers_used),
            &effect.difference_in_differences,
        ),
        method("Against its own trend and season (interrupted time series)", &effect.interrupted_time_series),
    ]
}

/// The table's rows, latest month first.
fn trend_rows(trend: &[TrendMonth]) -> Vec<[String; 4]> {
    let per = |v: Option<f64>| v.map_or_else(|| "no figure".to_owned(), |v| decimal(v, 1));
    trend
        .iter()
        .rev()
        .map(|t| [month_label(t.month), per(t.practice), per(t.peers_mean), t.peers.to_string()])
        .collect()
}
