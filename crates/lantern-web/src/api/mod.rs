//! The JSON API under `/api/v1`, described by the OpenAPI document it serves. Who may call each
//! operation is declared in [`table`] and copied into the document.

pub(crate) mod audit;
mod episodes;
mod guides;
mod json;
pub(crate) mod measures;
pub(crate) mod observation;
mod openapi;
pub(crate) mod ownership;
mod reference;
pub(crate) mod scope;
mod settings;
mod strategy;
mod tokens;
mod uptake;
mod users;

pub use openapi::openapi_document;

use crate::auth::routes::{Access, Table};
use axum::http::Method;
use axum::routing::{delete, get, post, put};
use lantern_core::access::Role;

/// People who work with episodes: practice staff, practice leads, administrators.
pub const EPISODE_ROLES: &[Role] = &[Role::Staff, Role::PracticeLead, Role::Admin];
/// People who change a practice's settings.
pub const SETTINGS_ROLES: &[Role] = &[Role::PracticeLead, Role::Admin];
pub const ADMIN: &[Role] = &[Role::Admin];
/// People who read aggregates across an organisation's practices.
pub const NETWORK_ROLES: &[Role] = &[Role::Analyst, Role::Admin];
/// People who run observation studies.
pub const RESEARCH_ROLES: &[Role] = &[Role::Researcher, Role::Admin];

pub fn table() -> Table {
    use Method as M;
    let episodes = Access::Roles(EPISODE_ROLES);
    let settings = Access::Roles(SETTINGS_ROLES);
    Table::api()
        .route(M::GET, "/api/v1/episodes", episodes, get(episodes::list))
        .route(M::POST, "/api/v1/episodes", episodes, post(episodes::create))
        .route(M::GET, "/api/v1/episodes/{id}", episodes, get(episodes::read))
        .route(M::PUT, "/api/v1/episodes/{id}", episodes, put(episodes::update))
        .route(M::DELETE, "/api/v1/episodes/{id}", episodes, delete(episodes::delete))
        .route(M::GET, "/api/v1/episodes/{id}/history", episodes, get(episodes::history))
        .route(M::GET, "/api/v1/practices", Access::SignedIn, get(reference::practices))
        .route(M::PUT, "/api/v1/practices/{ods}", settings, put(settings::put_practice))
        .route(M::GET, "/api/v1/practices/{ods}/services", episodes, get(reference::practice_services))
        .route(M::POST, "/api/v1/practices/{ods}/services", settings, post(settings::add_service))
        .route(M::PUT, "/api/v1/practices/{ods}/services/{code}", settings, put(settings::switch_service))
        .route(M::GET, "/api/v1/practices/{ods}/staff", episodes, get(reference::practice_staff))
        .route(M::POST, "/api/v1/practices/{ods}/staff", settings, post(settings::add_staff))
        .route(M::PUT, "/api/v1/practices/{ods}/staff/{id}", settings, put(settings::switch_staff))
        .route(M::GET, "/api/v1/vocabularies/{name}", Access::SignedIn, get(reference::vocabulary))
        .route(M::GET, "/api/v1/me", Access::SignedIn, get(users::me))
        .route(M::GET, "/api/v1/users", Access::Roles(ADMIN), get(users::list))
        .route(M::POST, "/api/v1/users", Access::Roles(ADMIN), post(users::create))
        .route(M::PUT, "/api/v1/users/{id}/password", Access::Roles(ADMIN), put(users::reset_password))
        .route(M::GET, "/api/v1/tokens", Access::SignedIn, get(tokens::list))
        .route(M::POST, "/api/v1/tokens", Access::SignedIn, post(tokens::create))
        .route(M::DELETE, "/api/v1/tokens/{id}", Access::SignedIn, delete(tokens::revoke))
        .route(M::GET, "/api/v1/audit", settings, get(audit::list))
        .route(M::GET, "/api/v1/uptake", Access::SignedIn, get(uptake::table))
        .route(M::GET, "/api/v1/uptake/practices/{code}", Access::SignedIn, get(uptake::practice))
        .route(M::GET, "/api/v1/uptake/network", Access::Roles(NETWORK_ROLES), get(uptake::network))
        .route(M::GET, "/api/v1/uptake/equity", Access::SignedIn, get(uptake::equity))
        .route(
            M::GET,
            "/api/v1/uptake/online-consultations",
            Access::SignedIn,
            get(uptake::online_consultations),
        )
        .route(M::GET, "/api/v1/measures/practices/{ods}", settings, get(measures::practice))
        .route(
            M::GET,
            "/api/v1/measures/organisations/{code}",
            Access::Roles(NETWORK_ROLES),
            get(measures::organisation),
        )
        .route(M::GET, "/api/v1/practices/{ods}/role-costs", settings, get(measures::role_costs))
        .route(M::PUT, "/api/v1/practices/{ods}/role-costs/{role}", settings, put(measures::set_role_cost))
        .route(M::GET, "/api/v1/practices/{ods}/ownership", episodes, get(ownership::list_ownership))
        .route(M::PUT, "/api/v1/practices/{ods}/ownership/{service}", settings, put(ownership::set_ownership))
        .route(M::GET, "/api/v1/practices/{ods}/training", settings, get(ownership::list_training))
        .route(M::POST, "/api/v1/practices/{ods}/training", settings, post(ownership::record_training))
        .route(M::GET, "/api/v1/practices/{ods}/gaps", settings, get(ownership::gap_report))
        .route(M::GET, "/api/v1/practices/{ods}/guides", episodes, get(guides::list))
        .route(M::POST, "/api/v1/practices/{ods}/guides", settings, post(guides::create))
        .route(M::GET, "/api/v1/guides/{id}", episodes, get(guides::read))
        .route(M::PUT, "/api/v1/guides/{id}", settings, put(guides::update))
        .route(M::POST, "/api/v1/guides/{id}/approve", settings, post(guides::approve))
        .route(M::POST, "/api/v1/guides/{id}/acknowledge", episodes, post(guides::acknowledge))
        .route(M::GET, "/api/v1/practices/{ods}/strategy", episodes, get(strategy::versions))
        .route(M::GET, "/api/v1/health", Access::Public, get(reference::health))
        .route(M::GET, "/api/v1/openapi.json", Access::Public, get(openapi::serve))
        .merge(observation::table())
}
