//! Hidden-work measures: a practice's dashboard, the network view across practices, and their API.

mod api;
mod breakdowns;
mod dashboard_page;
mod network_page;
mod network_table;
mod period_picker;

use crate::access::roles::{NETWORK_ROLES, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let settings = Access::Roles(SETTINGS_ROLES);
    let network = Access::Roles(NETWORK_ROLES);
    let pages = Table::pages().route(M::GET, "/dashboard", settings, get(dashboard_page::show)).route(
        M::GET,
        "/network",
        network,
        get(network_page::show),
    );
    let api = Table::api()
        .route(M::GET, "/api/v1/measures/practices/{ods}", settings, get(api::practice))
        .route(M::GET, "/api/v1/measures/organisations/{code}", network, get(api::organisation))
        .route(M::GET, "/api/v1/practices/{ods}/role-costs", settings, get(api::role_costs))
        .route(M::PUT, "/api/v1/practices/{ods}/role-costs/{role}", settings, put(api::set_role_cost));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::practice, api::organisation, api::role_costs, api::set_role_cost),
    components(schemas(api::RoleCostInput))
)]
pub struct Doc;
