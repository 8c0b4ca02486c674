//! Lantern over HTTP: the JSON API under `/api/v1` and the server-rendered pages staff use.

mod api;
mod assets;
pub mod auth;
mod clock;
mod error;
pub mod measures;
mod pages;
mod security;
mod submit;
pub mod uptake;

pub use api::openapi_document;
pub use auth::routes::{Access, Kind, RouteSpec};
pub use auth::SessionConfig;
pub use clock::Clock;
pub use error::ApiError;

use axum::http::Uri;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::Router;
use lantern_store::Store;

/// Largest request body accepted; an episode is a few hundred bytes, so this leaves room without
/// letting a client tie up memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub sessions: SessionConfig,
    /// The time sessions are judged by.
    pub clock: Clock,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self { store, sessions: SessionConfig::default(), clock: Clock::default() }
    }
}

fn table() -> auth::routes::Table {
    pages::table().merge(api::table()).merge(assets::table())
}

/// Every route with who may use it: what the security tests walk.
pub fn route_specs() -> Vec<RouteSpec> {
    table().into_parts().1
}

/// The whole application, ready to serve (with `into_make_service_with_connect_info::<SocketAddr>()`
/// so audit records carry the client's address).
pub fn router(state: AppState) -> Router {
    let (routes, _) = table().into_parts();
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(pages::form_bytes::refuse_invalid_utf8))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(security::headers(state.sessions.secure_cookies))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// 405 in the API's JSON shape (or as a page); axum adds the `Allow` header either way.
async fn method_not_allowed(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::MethodNotAllowed.into_response()
    } else {
        pages::message(
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "This page cannot do that",
            "The page exists, but not for what the browser asked. Go back and use its buttons and links.",
        )
    }
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::NotFound("no such API route".into()).into_response()
    } else {
        pages::not_found().await
    }
}
