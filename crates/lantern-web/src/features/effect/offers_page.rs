//! The practice's support offer register: every offer it runs or ran (passive or active, its kind, from
//! and to, who runs it and whom it is for), with links to register, edit and end one.

use crate::access::reach::chosen_or_current;
use crate::auth::CurrentUser;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::practice::{frame, practice_choice, shown_practice, PracticeChoice};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lantern_core::offer::{Offer, RunBy, OFFER_GROUPS};
use lantern_core::staff::StaffMember;
use lantern_core::taxonomy::AGE_BANDS;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "effect/offers.html")]
struct RegisterPage {
    shell: Shell,
    practice: PracticeChoice,
    synthetic: bool,
    rows: Vec<Row>,
    /// What was just done ("registered", "saved", "ended"), for the notice at the top.
    done: Option<String>,
}

struct Row {
    id: String,
    title: String,
    mode: &'static str,
    kind: &'static str,
    from: String,
    to: String,
    run_by: String,
    for_whom: String,
    running: bool,
}

#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    practice: Option<String>,
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let chosen = chosen_or_current(&user, query.practice.as_deref());
    let code = shown_practice(&state, &user, chosen, query.practice.as_deref()).await?;
    let offers = state.store.offers(&code).await?;
    let staff = state.store.staff(&code).await?;
    let synthetic = state.store.list_practices().await?.iter().any(|(p, s)| p.ods_code == code && *s);
    let today = crate::clock::today();
    let page = RegisterPage {
        shell: frame(&state, &user, &code, "Support offers", "/offers").await?,
        practice: practice_choice(&state, &user, &code).await?,
        synthetic,
        rows: offers.iter().map(|o| row(o, &staff, today)).collect(),
        done: query.done.filter(|d| matches!(d.as_str(), "registered" | "saved" | "ended")),
    };
    Ok(render(&page))
}

fn row(offer: &Offer, staff: &[StaffMember], today: jiff::civil::Date) -> Row {
    Row {
        id: offer.id.to_string(),
        title: offer.title.clone(),
        mode: if offer.mode() == lantern_core::offer::Mode::Active { "Active" } else { "Passive" },
        kind: offer.kind.label(),
        from: long_date(offer.started_on),
        to: offer.ended_on.map_or_else(|| "Still running".to_owned(), long_date),
        run_by: run_by(&offer.run_by, staff),
        for_whom: for_whom(offer),
        running: offer.ended_on.is_none() && offer.started_on <= today,
    }
}

/// Who runs it, as people read it.
pub fn run_by(run_by: &RunBy, staff: &[StaffMember]) -> String {
    match run_by {
        RunBy::Staff(id) => staff
            .iter()
            .find(|m| m.id == *id)
            .map_or_else(|| "A member of staff".to_owned(), |m| m.display_name.clone()),
        RunBy::Named(name) => name.clone(),
    }
}

/// The age bands and groups it is for, or "Everyone" when it names none.
pub fn for_whom(offer: &Offer) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !offer.age_bands.is_empty() {
        let bands: Vec<&str> = offer.age_bands.iter().map(|c| AGE_BANDS.label(c)).collect();
        parts.push(format!("Aged {}", bands.join(", ")));
    }
    parts.extend(offer.groups.iter().map(|c| OFFER_GROUPS.label(c).to_owned()));
    if parts.is_empty() {
        "Everyone".to_owned()
    } else {
        parts.join("; ")
    }
}
