//! Every feature's routes merged with the layers each request passes through, and the answers for
//! paths and methods no route has.

use super::{assets, openapi};
use crate::access::routes::{Access, RouteSpec, Table};
use crate::http::error::ApiError;
use crate::http::security;
use crate::kit::form_bytes;
use crate::{auth, features, kit, AppState, MAX_BODY_BYTES};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

fn table() -> Table {
    let document =
        Table::api().route(Method::GET, "/api/v1/openapi.json", Access::Public, get(openapi::serve));
    features::routes().merge(document).merge(assets::table())
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
        .layer(axum::middleware::from_fn(form_bytes::refuse_invalid_utf8))
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
        kit::message(
            StatusCode::METHOD_NOT_ALLOWED,
            "This page cannot do that",
            "The page exists, but not for what the browser asked. Go back and use its buttons and links.",
        )
    }
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::NotFound("no such API route".into()).into_response()
    } else {
        kit::not_found().await
    }
}
