//! The OpenAPI document: operations from the handlers' annotations, and who may call each one from
//! the route table, so the document cannot disagree with what the server enforces.

use super::{
    audit, episodes, guides, measures, observation, ownership, reference, settings, strategy, tokens, uptake,
    users,
};
use crate::auth::routes::{Access, Kind};
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
        users::me,
        users::list,
        users::create,
        users::reset_password,
        tokens::list,
        tokens::create,
        tokens::revoke,
        audit::list,
        measures::practice,
        uptake::table,
        uptake::practice,
        uptake::network,
        uptake::equity,
        uptake::online_consultations,
        measures::organisation,
        measures::role_costs,
        measures::set_role_cost,
        guides::list,
        guides::read,
        guides::create,
        guides::update,
        guides::approve,
        guides::acknowledge,
        ownership::list_ownership,
        ownership::set_ownership,
        ownership::list_training,
        ownership::record_training,
        ownership::gap_report,
        serve,
        strategy::versions,
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
        lantern_core::access::Role,
        lantern_core::audit::AuditRecord,
        lantern_core::audit::Actor,
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        episodes::EpisodeList,
        episodes::DeleteRequest,
        settings::PracticeInput,
        settings::ServiceSwitch,
        settings::NewService,
        settings::NewStaffMember,
        settings::StaffSwitch,
        users::UserView,
        crate::auth::NewUser,
        users::PasswordReset,
        tokens::TokenView,
        tokens::NewToken,
        tokens::CreatedToken,
        measures::RoleCostInput,
        strategy::StrategyView,
        lantern_core::ownership::StrategyVersion,
        lantern_core::ownership::Guide,
        lantern_core::ownership::GuideDraft,
        guides::GuideView,
        guides::GuideApproval,
        guides::GuideAcknowledgement,
        guides::Acknowledged,
        lantern_core::ownership::Ownership,
        lantern_core::ownership::Training,
        lantern_core::ownership::Confidence,
        ownership::OwnershipInput,
        ownership::TrainingInput,
        ownership::GapReport,
        ownership::GapView,
    ))
)]
struct ApiDoc;

/// The OpenAPI document, as served at `/api/v1/openapi.json` and committed as `openapi.json`.
pub fn openapi_document() -> Document {
    let mut document = ApiDoc::openapi();
    document.merge(observation::ObservationDoc::openapi());
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
    );
    for spec in crate::route_specs().into_iter().filter(|s| s.kind == Kind::Api) {
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
