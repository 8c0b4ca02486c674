//! Uptake of online services from published NHS figures: a practice's page, the network's, the import
//! of new months, and their API.

mod api;
mod import_page;
mod network_page;
mod practice_page;
mod sort;
mod telephony;
mod text;

use crate::access::roles::NETWORK_ROLES;
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let network = Access::Roles(NETWORK_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/uptake", Access::SignedIn, get(practice_page::show))
        .route(M::GET, "/network/uptake", network, get(network_page::show))
        .route(M::GET, "/network/uptake/import", network, get(import_page::show))
        .route(
            M::POST,
            "/network/uptake/import",
            network,
            post(import_page::submit)
                .layer(axum::extract::DefaultBodyLimit::max(import_page::MAX_UPLOAD_BYTES)),
        );
    let api = Table::api()
        .route(M::GET, "/api/v1/uptake", Access::SignedIn, get(api::table))
        .route(M::GET, "/api/v1/uptake/practices/{code}", Access::SignedIn, get(api::practice))
        .route(M::GET, "/api/v1/uptake/network", network, get(api::network))
        .route(M::GET, "/api/v1/uptake/equity", Access::SignedIn, get(api::equity))
        .route(
            M::GET,
            "/api/v1/uptake/online-consultations",
            Access::SignedIn,
            get(api::online_consultations),
        );
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(paths(api::table, api::practice, api::network, api::equity, api::online_consultations))]
pub struct Doc;
