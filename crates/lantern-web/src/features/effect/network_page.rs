//! "Support offers compared": every offer at the practices an analyst or commissioner reaches, with its
//! estimate. The estimates come from published figures and are shown whole; the help logged for an
//! offer is the practice's own record, so its episodes, minutes and the cost worked out from them are
//! suppressed below eight episodes, as every figure shown outside the practice is.

use crate::auth::CurrentUser;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::numbers::{count, pounds};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::services::effect::{headline, offer_effect, Verdict};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lantern_core::effect::CostOutcome;
use lantern_core::measures::{suppress, SUPPRESSION_RULE};

#[derive(Template)]
#[template(path = "effect/network.html")]
struct NetworkPage {
    shell: Shell,
    synthetic: bool,
    rows: Vec<Row>,
    rule: &'static str,
}

struct Row {
    practice: String,
    offer: String,
    mode: &'static str,
    started: String,
    verdict: &'static str,
    estimate: String,
    episodes: String,
    minutes: String,
    per_user: String,
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let practices = state.store.list_practices().await?;
    let mut rows = Vec::new();
    let mut synthetic = false;
    for (practice, is_synthetic) in practices.iter().filter(|(p, _)| user.can_reach(&p.ods_code)) {
        for offer in state.store.offers(&practice.ods_code).await? {
            synthetic |= *is_synthetic;
            let report = offer_effect(&state.store, &offer).await?;
            let (verdict, estimate) = headline(&report.effect);
            let episodes = report.help.episodes;
            let per_user = match &report.cost {
                CostOutcome::PerExtraUser(c) => suppress(episodes, pounds(c.pence_per_extra_user)).text(),
                CostOutcome::CannotSay { .. } => "Cannot say".to_owned(),
            };
            rows.push(Row {
                practice: format!("{} ({})", practice.name, practice.ods_code),
                offer: offer.title.clone(),
                mode: if offer.mode() == lantern_core::offer::Mode::Active { "Active" } else { "Passive" },
                started: long_date(offer.started_on),
                verdict: match verdict {
                    Some(Verdict::Rise) => "Rise",
                    Some(Verdict::Fall) => "Fall",
                    Some(Verdict::Unclear) => "No clear change",
                    None => "Cannot say",
                },
                estimate,
                episodes: suppress(episodes, count(episodes)).text(),
                minutes: suppress(episodes, count(report.staff_minutes)).text(),
                per_user,
            });
        }
    }
    let page = NetworkPage {
        shell: Shell::for_user(&state, &user, "Support offers compared", "/network/effect").await?,
        synthetic,
        rows,
        rule: SUPPRESSION_RULE,
    };
    Ok(render(&page))
}
