//! The NHS.UK frontend styles, compiled into the binary so Lantern needs no CDN and works offline.

use crate::access::routes::{Access, Table};
use axum::extract::Path;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const FILES: &[(&str, &str, &[u8])] = &[
    ("nhsuk-frontend.min.css", "text/css", include_bytes!("../../assets/nhsuk/nhsuk-frontend.min.css")),
    ("lantern.css", "text/css", include_bytes!("../../assets/lantern.css")),
    ("print.css", "text/css", include_bytes!("../../assets/print.css")),
    ("observe.css", "text/css", include_bytes!("../../assets/observe.css")),
    ("observe.js", "text/javascript", include_bytes!("../../assets/observe.js")),
    ("images/favicon.ico", "image/x-icon", include_bytes!("../../assets/nhsuk/images/favicon.ico")),
    ("images/favicon.svg", "image/svg+xml", include_bytes!("../../assets/nhsuk/images/favicon.svg")),
    (
        "images/nhsuk-icon-arrow-down.svg",
        "image/svg+xml",
        include_bytes!("../../assets/nhsuk/images/nhsuk-icon-arrow-down.svg"),
    ),
    (
        "images/nhsuk-icon-arrow-up-down.svg",
        "image/svg+xml",
        include_bytes!("../../assets/nhsuk/images/nhsuk-icon-arrow-up-down.svg"),
    ),
    (
        "images/nhsuk-icon-arrow-up.svg",
        "image/svg+xml",
        include_bytes!("../../assets/nhsuk/images/nhsuk-icon-arrow-up.svg"),
    ),
    (
        "images/nhsuk-icon-cross.svg",
        "image/svg+xml",
        include_bytes!("../../assets/nhsuk/images/nhsuk-icon-cross.svg"),
    ),
];

pub fn table() -> Table {
    Table::pages().route(Method::GET, "/assets/{*path}", Access::Public, get(asset))
}

async fn asset(Path(path): Path<String>) -> Response {
    let path = path.strip_prefix("nhsuk/").unwrap_or(&path);
    let found = FILES.iter().find(|(name, _, _)| *name == path);
    match found {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes)
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
