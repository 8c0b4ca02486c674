//! Who owns each online service at a practice, who is trained in it, and the gaps between the two.

mod api;
mod gaps_page;
mod service_page;
mod services_page;
mod training_page;

use crate::access::roles::{EPISODE_ROLES, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let episodes = Access::Roles(EPISODE_ROLES);
    let settings = Access::Roles(SETTINGS_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/services", episodes, get(services_page::show))
        .route(M::GET, "/services/{code}", episodes, get(service_page::show))
        .route(M::POST, "/services/{code}", settings, post(service_page::save))
        .route(M::GET, "/training", settings, get(training_page::show))
        .route(M::POST, "/training", settings, post(training_page::record))
        .route(M::GET, "/gaps", settings, get(gaps_page::show));
    let api = Table::api()
        .route(M::GET, "/api/v1/practices/{ods}/ownership", episodes, get(api::list_ownership))
        .route(M::PUT, "/api/v1/practices/{ods}/ownership/{service}", settings, put(api::set_ownership))
        .route(M::GET, "/api/v1/practices/{ods}/training", settings, get(api::list_training))
        .route(M::POST, "/api/v1/practices/{ods}/training", settings, post(api::record_training))
        .route(M::GET, "/api/v1/practices/{ods}/gaps", settings, get(api::gap_report));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(
        api::list_ownership,
        api::set_ownership,
        api::list_training,
        api::record_training,
        api::gap_report
    ),
    components(schemas(
        lantern_core::ownership::Ownership,
        lantern_core::ownership::Training,
        lantern_core::ownership::Confidence,
        api::OwnershipInput,
        api::TrainingInput,
        api::GapReport,
        api::GapView,
    ))
)]
pub struct Doc;
