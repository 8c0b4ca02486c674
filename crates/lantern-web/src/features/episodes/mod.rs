//! Episodes of help: the quick-log page, correcting an episode, and the episodes API. Page and API
//! validate through the same [`submit`] functions.

mod api;
mod edit_page;
mod episode_form;
mod log_page;
mod submit;

use crate::access::roles::EPISODE_ROLES;
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{delete, get, post, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let episodes = Access::Roles(EPISODE_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/log", episodes, get(log_page::show))
        .route(M::POST, "/log", episodes, post(log_page::submit))
        .route(M::POST, "/log/undo", episodes, post(log_page::undo))
        .route(M::GET, "/episodes/{id}/edit", episodes, get(edit_page::show))
        .route(M::POST, "/episodes/{id}/edit", episodes, post(edit_page::save));
    let api = Table::api()
        .route(M::GET, "/api/v1/episodes", episodes, get(api::list))
        .route(M::POST, "/api/v1/episodes", episodes, post(api::create))
        .route(M::GET, "/api/v1/episodes/{id}", episodes, get(api::read))
        .route(M::PUT, "/api/v1/episodes/{id}", episodes, put(api::update))
        .route(M::DELETE, "/api/v1/episodes/{id}", episodes, delete(api::delete))
        .route(M::GET, "/api/v1/episodes/{id}/history", episodes, get(api::history));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::create, api::list, api::read, api::update, api::delete, api::history),
    components(schemas(
        lantern_core::episode::EpisodeInput,
        lantern_core::episode::Episode,
        lantern_core::record::EpisodeRecord,
        lantern_core::record::EpisodeVersion,
        lantern_core::record::Deletion,
        api::EpisodeList,
        api::DeleteRequest,
    ))
)]
pub struct Doc;
