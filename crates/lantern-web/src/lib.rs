//! Lantern over HTTP: the JSON API under `/api/v1` and the server-rendered pages staff use.

mod api;
mod assets;
mod error;
mod pages;
mod security;
mod submit;

pub use api::openapi_document;
pub use error::ApiError;

use axum::Router;
use lantern_store::Store;

/// Largest request body accepted; an episode is a few hundred bytes, so this leaves room without
/// letting a client tie up memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
}

/// The whole application, ready to serve.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(assets::routes())
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(security::headers())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
