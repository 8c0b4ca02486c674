//! The audit trail: who did what, filtered on a page, downloaded as CSV, or read over the API.

mod api;
mod audit_page;
mod filter;

use crate::access::roles::SETTINGS_ROLES;
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::get;
use utoipa::OpenApi;

pub fn routes() -> Table {
    let settings = Access::Roles(SETTINGS_ROLES);
    let pages = Table::pages().route(M::GET, "/audit", settings, get(audit_page::show)).route(
        M::GET,
        "/audit.csv",
        settings,
        get(audit_page::csv),
    );
    let api = Table::api().route(M::GET, "/api/v1/audit", settings, get(api::list));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::list),
    components(schemas(lantern_core::audit::AuditRecord, lantern_core::audit::Actor))
)]
pub struct Doc;
