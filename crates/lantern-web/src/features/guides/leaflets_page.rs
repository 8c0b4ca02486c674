//! Printable patient leaflets: a plain-English how-to for each online service the practice offers,
//! made from the practice's own settings (its name, its name for the service, and the offline
//! alternative it has agreed). Posters and leaflets are the passive help most practices already give;
//! these make sure every one also says "ask us, we can help" and how to manage without going online.

use super::leaflet_text::leaflet_text;
use crate::access::reach::chosen_practice;
use crate::auth::CurrentUser;
use crate::clock::today;
use crate::http::error::ApiError;
use crate::kit::choices::Choice;
use crate::kit::dates::long_date;
use crate::kit::failure::PageError;
use crate::kit::practice::{practice_choices, practice_not_found};
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lantern_core::ods::OdsCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "guides/leaflets.html")]
struct LeafletsPage {
    shell: Shell,
    practice_code: String,
    practice_name: String,
    practices: Vec<Choice>,
    /// (code, label) of each service switched on.
    services: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "guides/leaflet.html")]
struct LeafletPage {
    shell: Shell,
    practice_code: String,
    practice_name: String,
    service_code: String,
    service_label: String,
    what: String,
    steps: Vec<String>,
    offline: Option<String>,
    large: bool,
    made_on: String,
}

#[derive(Debug, Deserialize)]
pub struct LeafletQuery {
    practice: Option<String>,
    /// The large-print variant (at least 18 point, high contrast).
    #[serde(default)]
    large: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<LeafletQuery>,
) -> Result<Response, PageError> {
    let code = chosen_practice(&user, query.practice.as_deref()).ok_or_else(practice_not_found)?;
    let built = async {
        let settings = state.store.settings(&code).await?;
        Ok::<_, ApiError>(LeafletsPage {
            shell: shell(&state, &user, &code, "Patient leaflets").await?,
            practice_code: code.to_string(),
            practice_name: settings.practice.name,
            practices: practice_choices(&state.store, &user, &code).await?,
            services: settings
                .services
                .into_iter()
                .filter(|s| s.enabled)
                .map(|s| (s.code, s.label))
                .collect(),
        })
    };
    Ok(render(&built.await?))
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(service): Path<String>,
    Query(query): Query<LeafletQuery>,
) -> Result<Response, PageError> {
    let code = chosen_practice(&user, query.practice.as_deref()).ok_or_else(practice_not_found)?;
    let built = async {
        let settings = state.store.settings(&code).await?;
        // Only services the practice offers: a leaflet for a switched-off one would send patients
        // to something that is not there.
        let offered = settings.services.iter().find(|s| s.code == service && s.enabled);
        let offered = offered.ok_or_else(|| ApiError::NotFound(format!("service {service}")))?;
        let text = leaflet_text(&offered.code, &offered.label);
        let ownership = state.store.ownership(&code).await?;
        let offline = ownership
            .into_iter()
            .find(|o| o.service == offered.code)
            .and_then(|o| o.offline_alternative)
            .filter(|text| !text.trim().is_empty());
        let title = format!("Leaflet: {}", offered.label);
        Ok::<_, ApiError>(LeafletPage {
            shell: shell(&state, &user, &code, &title).await?,
            practice_code: code.to_string(),
            practice_name: settings.practice.name.clone(),
            service_code: offered.code.clone(),
            service_label: offered.label.clone(),
            what: text.what,
            steps: text.steps,
            offline,
            large: query.large,
            made_on: long_date(today()),
        })
    };
    Ok(render(&built.await?))
}

async fn shell(state: &AppState, user: &CurrentUser, code: &OdsCode, title: &str) -> Result<Shell, ApiError> {
    let mut viewer = user.clone();
    viewer.current_practice = Some(code.clone());
    Shell::for_user(state, &viewer, title, "/leaflets").await
}
