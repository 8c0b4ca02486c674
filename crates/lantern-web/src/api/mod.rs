//! The JSON API under `/api/v1`, described by the OpenAPI document it serves.

mod episodes;
mod json;
mod reference;
mod settings;

use crate::AppState;
use axum::routing::{get, put};
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lantern API",
        version = "1",
        description = "The episode log of help given to patients with online NHS services. No patient identity is ever accepted or returned."
    ),
    paths(
        episodes::create,
        episodes::list,
        episodes::read,
        episodes::update,
        episodes::delete,
        episodes::history,
        reference::practices,
        reference::practice_services,
        reference::practice_staff,
        reference::vocabulary,
        reference::health,
        settings::put_practice,
        settings::add_service,
        settings::switch_service,
        settings::add_staff,
        settings::switch_staff,
    ),
    components(schemas(
        lantern_core::episode::EpisodeInput,
        lantern_core::episode::Episode,
        lantern_core::record::EpisodeRecord,
        lantern_core::record::EpisodeVersion,
        lantern_core::record::Deletion,
        lantern_core::practice::Practice,
        lantern_core::practice::PracticeService,
        lantern_core::staff::StaffMember,
        lantern_core::taxonomy::Term,
        lantern_core::validation::FieldError,
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        episodes::EpisodeList,
        episodes::DeleteRequest,
    ))
)]
struct ApiDoc;

/// The OpenAPI document, as served at `/api/v1/openapi.json` and committed as `openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/episodes", get(episodes::list).post(episodes::create))
        .route("/episodes/{id}", get(episodes::read).put(episodes::update).delete(episodes::delete))
        .route("/episodes/{id}/history", get(episodes::history))
        .route("/practices", get(reference::practices))
        .route("/practices/{ods}", put(settings::put_practice))
        .route("/practices/{ods}/services", get(reference::practice_services).post(settings::add_service))
        .route("/practices/{ods}/services/{code}", put(settings::switch_service))
        .route("/practices/{ods}/staff", get(reference::practice_staff).post(settings::add_staff))
        .route("/practices/{ods}/staff/{id}", put(settings::switch_staff))
        .route("/vocabularies/{name}", get(reference::vocabulary))
        .route("/health", get(reference::health))
        .route("/openapi.json", get(|| async { Json(openapi_document()) }))
        .fallback(|| async { crate::ApiError::NotFound("no such API route".into()) })
}
