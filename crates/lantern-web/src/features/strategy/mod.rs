//! The practice's digital inclusion strategy: drafted from its own figures, signed off, acknowledged.

mod api;
mod facts;
mod strategy_page;

use crate::access::roles::{EPISODE_ROLES, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let episodes = Access::Roles(EPISODE_ROLES);
    let settings = Access::Roles(SETTINGS_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/strategy", episodes, get(strategy_page::show))
        .route(M::GET, "/strategy/versions/{version}", episodes, get(strategy_page::show_version))
        .route(
            M::GET,
            "/strategy/versions/{version}/strategy.md",
            episodes,
            get(strategy_page::markdown_file),
        )
        .route(M::POST, "/strategy/draft", settings, post(strategy_page::draft))
        .route(M::POST, "/strategy/save", settings, post(strategy_page::save))
        .route(M::POST, "/strategy/versions/{version}/sign-off", settings, post(strategy_page::sign_off))
        .route(
            M::POST,
            "/strategy/versions/{version}/acknowledge",
            episodes,
            post(strategy_page::acknowledge),
        );
    let api = Table::api().route(M::GET, "/api/v1/practices/{ods}/strategy", episodes, get(api::versions));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::versions),
    components(schemas(api::StrategyView, lantern_core::strategy::StrategyVersion))
)]
pub struct Doc;
