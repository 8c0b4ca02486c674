//! The practice's staff guides (list, read, write, approve, acknowledge) and the patient leaflets made
//! from its settings.

mod api;
mod edit_page;
mod leaflet_text;
mod leaflets_page;
mod list_page;
mod view_page;

use crate::access::roles::{EPISODE_ROLES, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let episodes = Access::Roles(EPISODE_ROLES);
    let settings = Access::Roles(SETTINGS_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/guides", episodes, get(list_page::list))
        .route(M::GET, "/guides/new", settings, get(edit_page::new_form))
        .route(M::POST, "/guides/new", settings, post(edit_page::create))
        .route(M::GET, "/guides/{id}", episodes, get(view_page::show))
        .route(M::GET, "/guides/{id}/history", episodes, get(view_page::history))
        .route(M::GET, "/guides/{id}/edit", settings, get(edit_page::edit_form))
        .route(M::POST, "/guides/{id}/edit", settings, post(edit_page::save))
        .route(M::POST, "/guides/{id}/approve", settings, post(view_page::approve))
        .route(M::POST, "/guides/{id}/acknowledge", episodes, post(view_page::acknowledge))
        .route(M::GET, "/leaflets", episodes, get(leaflets_page::list))
        .route(M::GET, "/leaflets/{service}", episodes, get(leaflets_page::show));
    let api = Table::api()
        .route(M::GET, "/api/v1/practices/{ods}/guides", episodes, get(api::list))
        .route(M::POST, "/api/v1/practices/{ods}/guides", settings, post(api::create))
        .route(M::GET, "/api/v1/guides/{id}", episodes, get(api::read))
        .route(M::PUT, "/api/v1/guides/{id}", settings, put(api::update))
        .route(M::POST, "/api/v1/guides/{id}/approve", settings, post(api::approve))
        .route(M::POST, "/api/v1/guides/{id}/acknowledge", episodes, post(api::acknowledge));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::list, api::read, api::create, api::update, api::approve, api::acknowledge),
    components(schemas(
        lantern_core::guides::Guide,
        lantern_core::guides::GuideDraft,
        api::GuideView,
        api::GuideApproval,
        api::GuideAcknowledgement,
        api::Acknowledged,
    ))
)]
pub struct Doc;
