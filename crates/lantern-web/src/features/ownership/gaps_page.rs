//! "Who owns this?": the gap report. Where the practice's arrangements do not match what the episode
//! log shows (no owner, an owner who does little of the work, too few trained, no current guide, no
//! route for escalations, no strategy), each with why it matters, what to do and a link to fix it.

use crate::access::reach::chosen_or_current as chosen;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::failure::PageError;
use crate::kit::practice::shown_practice;
use crate::kit::practice::{frame, practice_choice, PracticeChoice};
use crate::kit::respond;
use crate::kit::shell::Shell;
use crate::services::ownership::{fix_href, fix_label, gap_findings, kind_code, Arrangements};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lantern_core::ods::OdsCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "ownership/gaps.html")]
struct GapsPage {
    shell: Shell,
    practice: PracticeChoice,
    findings: Vec<Finding>,
    /// (kind of gap, how many), in the order of `KINDS`, only kinds that occur: 40 cards are hard to
    /// take in, so the page opens with this.
    summary: Vec<(&'static str, usize)>,
    /// How many switched-on services have at least one finding.
    services_affected: usize,
    csv_href: String,
    json_href: String,
}

struct Finding {
    /// Stable and unique per finding (a kind occurs at most once per service), so it can be linked to.
    id: String,
    service: String,
    finding: String,
    why_it_matters: String,
    what_to_do: String,
    href: String,
    link: String,
}

/// Each kind's code (as in the API) and its name in the summary.
const KINDS: [(&str, &str); 10] = [
    ("no_owner", "No owner"),
    ("owner_inactive", "Owner has left"),
    ("owner_not_doing_it", "Owner does little of the work"),
    ("escalations_without_route", "Escalations with no route"),
    ("few_trained", "Fewer than two trained"),
    ("mostly_untrained", "Help mostly from untrained staff"),
    ("no_guide", "No guide"),
    ("guide_past_review", "Guide past review or not approved"),
    ("no_strategy", "No signed-off strategy"),
    ("strategy_past_review", "Strategy past review"),
];

#[derive(Debug, Deserialize)]
pub struct GapsQuery {
    practice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GapsQuery>,
) -> Result<Response, PageError> {
    let requested = query.practice.as_deref();
    let code = shown_practice(&state, &user, chosen(&user, requested), requested).await?;
    Ok(respond(StatusCode::OK, page(&state, &user, &code).await))
}

async fn page(state: &AppState, user: &CurrentUser, code: &OdsCode) -> Result<GapsPage, ApiError> {
    let a = Arrangements::load(&state.store, code).await?;
    let found = gap_findings(&state.store, code, &a).await?;
    let shell = frame(state, user, code, "Who owns this?", "/gaps").await?;
    let mut affected: Vec<&str> = found.iter().filter_map(|f| f.service.as_deref()).collect();
    affected.sort_unstable();
    affected.dedup();
    let findings = found
        .iter()
        .map(|f| {
            let service = f.service.as_deref();
            Finding {
                id: format!("gap-{}-{}", kind_code(f), service.unwrap_or("practice")),
                service: service.map_or_else(
                    || "Whole practice".to_owned(),
                    |s| a.service(s).map_or(s, |s| &s.label).to_owned(),
                ),
                finding: f.finding.clone(),
                why_it_matters: f.why_it_matters.clone(),
                what_to_do: f.what_to_do.clone(),
                href: fix_href(&f.fix_at, code),
                link: fix_label(&f.fix_at, &a),
            }
        })
        .collect();
    let codes: Vec<String> = found.iter().map(kind_code).collect();
    let summary = KINDS
        .iter()
        .map(|(code, name)| (*name, codes.iter().filter(|c| c == code).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(GapsPage {
        shell,
        summary,
        practice: practice_choice(state, user, code).await?,
        findings,
        services_affected: affected.len(),
        csv_href: format!("/api/v1/practices/{code}/gaps?format=csv"),
        json_href: format!("/api/v1/practices/{code}/gaps"),
    })
}
