//! A practice's settings (its services and staff) and the reference lists every client reads.

mod api;
mod reference_api;
mod settings_page;

use crate::access::roles::{EPISODE_ROLES, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let episodes = Access::Roles(EPISODE_ROLES);
    let settings = Access::Roles(SETTINGS_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/settings", settings, get(settings_page::show))
        .route(M::POST, "/settings/services", settings, post(settings_page::switch_service))
        .route(M::POST, "/settings/services/new", settings, post(settings_page::add_service))
        .route(M::POST, "/settings/staff", settings, post(settings_page::add_staff))
        .route(M::POST, "/settings/staff/status", settings, post(settings_page::switch_staff));
    let api = Table::api()
        .route(M::GET, "/api/v1/practices", Access::SignedIn, get(reference_api::practices))
        .route(M::PUT, "/api/v1/practices/{ods}", settings, put(api::put_practice))
        .route(M::GET, "/api/v1/practices/{ods}/services", episodes, get(reference_api::practice_services))
        .route(M::POST, "/api/v1/practices/{ods}/services", settings, post(api::add_service))
        .route(M::PUT, "/api/v1/practices/{ods}/services/{code}", settings, put(api::switch_service))
        .route(M::GET, "/api/v1/practices/{ods}/staff", episodes, get(reference_api::practice_staff))
        .route(M::POST, "/api/v1/practices/{ods}/staff", settings, post(api::add_staff))
        .route(M::PUT, "/api/v1/practices/{ods}/staff/{id}", settings, put(api::switch_staff))
        .route(M::GET, "/api/v1/vocabularies/{name}", Access::SignedIn, get(reference_api::vocabulary))
        .route(M::GET, "/api/v1/health", Access::Public, get(reference_api::health));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(
        reference_api::practices,
        reference_api::practice_services,
        reference_api::practice_staff,
        reference_api::vocabulary,
        reference_api::health,
        api::put_practice,
        api::add_service,
        api::switch_service,
        api::add_staff,
        api::switch_staff,
    ),
    components(schemas(
        lantern_core::practice::Practice,
        lantern_core::practice::PracticeService,
        lantern_core::staff::StaffMember,
        lantern_core::taxonomy::Term,
        api::PracticeInput,
        api::ServiceSwitch,
        api::NewService,
        api::NewStaffMember,
        api::StaffSwitch,
    ))
)]
pub struct Doc;
