//! Observation studies: researchers shadow staff, code what they see, and compare it with what was
//! logged. Pages to run a study, and the API the capture page syncs through.

mod api;
mod counting;
mod reliability;
mod results_page;
mod session_page;
mod studies_page;
mod study_page;
mod template_page;

use crate::access::roles::RESEARCH_ROLES;
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post};

pub use api::ObservationDoc as Doc;

pub fn routes() -> Table {
    let research = Access::Roles(RESEARCH_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/observe", research, get(studies_page::list))
        .route(M::POST, "/observe/studies", research, post(studies_page::create))
        .route(M::GET, "/observe/studies/{id}", research, get(study_page::show))
        .route(M::POST, "/observe/studies/{id}/sessions", research, post(study_page::start_session))
        .route(M::POST, "/observe/studies/{id}/pairs", research, post(study_page::pair))
        .route(M::GET, "/observe/studies/{id}/template", research, get(template_page::edit))
        .route(M::POST, "/observe/studies/{id}/template", research, post(template_page::save))
        .route(M::GET, "/observe/studies/{id}/results", research, get(results_page::show))
        .route(M::GET, "/observe/sessions/{id}", research, get(session_page::show));
    pages.merge(api::table())
}
