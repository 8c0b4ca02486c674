//! The OpenAPI document: operations from the handlers' annotations, and who may call each one from
//! the route table, so the document cannot disagree with what the server enforces.

use crate::access::routes::{Access, Kind};
use crate::features;
use axum::Json;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lantern API",
        version = "1",
        description = "The episode log of help given to patients with online NHS services. No patient identity is ever accepted or returned. Every operation but health and this document needs a session cookie or an API token (`Authorization: Bearer …`); each operation names the roles it admits."
    ),
    paths(serve),
    components(schemas(
        lantern_core::validation::FieldError,
        lantern_core::access::Role,
        crate::http::error::ErrorBody,
        crate::http::error::ErrorDetail,
    ))
)]
struct ApiDoc;

/// The OpenAPI document, as served at `/api/v1/openapi.json` and committed as `openapi.json`.
pub fn openapi_document() -> Document {
    let mut document = ApiDoc::openapi();
    document.merge(features::episodes::Doc::openapi());
    document.merge(features::settings::Doc::openapi());
    document.merge(features::accounts::Doc::openapi());
    document.merge(features::audit::Doc::openapi());
    document.merge(features::measures::Doc::openapi());
    document.merge(features::uptake::Doc::openapi());
    document.merge(features::guides::Doc::openapi());
    document.merge(features::ownership::Doc::openapi());
    document.merge(features::strategy::Doc::openapi());
    document.merge(features::observation::Doc::openapi());
    document.merge(features::effect::Doc::openapi());
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
    );
    for spec in super::router::route_specs().into_iter().filter(|s| s.kind == Kind::Api) {
        let Some(item) = document.paths.paths.get_mut(&spec.path) else { continue };
        let operation = match spec.method.as_str() {
            "GET" => item.get.as_mut(),
            "POST" => item.post.as_mut(),
            "PUT" => item.put.as_mut(),
            "DELETE" => item.delete.as_mut(),
            _ => None,
        };
        let Some(operation) = operation else { continue };
        let who = match spec.access {
            Access::Public => "Open to anyone.".to_owned(),
            Access::SignedIn => "Any signed-in user.".to_owned(),
            Access::Roles(roles) => {
                format!("Roles: {}.", roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "))
            }
        };
        operation.description = Some(match operation.description.take() {
            Some(text) => format!("{text}\n\n{who}"),
            None => who,
        });
        if spec.access != Access::Public {
            let roles: Vec<String> = spec.access.roles().iter().map(|r| r.code().to_owned()).collect();
            operation.security = Some(vec![
                SecurityRequirement::new("bearer", roles.clone()),
                SecurityRequirement::new("session", roles),
            ]);
        }
    }
    document
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "reference", responses((status = 200, description = "This document")))]
pub async fn serve() -> Json<Document> {
    Json(openapi_document())
}
