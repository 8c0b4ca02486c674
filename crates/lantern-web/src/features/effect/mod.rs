//! Support offers and their effect: the practice's offer register, "did it work?" for one offer, the
//! same across practices for analysts, and their API. One feature rather than "offers" and "effect":
//! the effect page is read per offer and links into the register, both describe an offer the same way
//! (kind, run by, for whom), and features may not import each other.

mod api;
mod effect_page;
mod network_page;
mod offer_edit_page;
mod offer_form;
mod offers_page;

use crate::access::roles::{EPISODE_ROLES, NETWORK_ROLES, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{get, post, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let episodes = Access::Roles(EPISODE_ROLES);
    let settings = Access::Roles(SETTINGS_ROLES);
    let network = Access::Roles(NETWORK_ROLES);
    let pages = Table::pages()
        .route(M::GET, "/offers", settings, get(offers_page::show))
        .route(M::GET, "/offers/new", settings, get(offer_edit_page::new_form))
        .route(M::POST, "/offers/new", settings, post(offer_edit_page::create))
        .route(M::GET, "/offers/{id}/edit", settings, get(offer_edit_page::edit_form))
        .route(M::POST, "/offers/{id}/edit", settings, post(offer_edit_page::save))
        .route(M::POST, "/offers/{id}/end", settings, post(offer_edit_page::end))
        .route(M::GET, "/effect", settings, get(effect_page::show))
        .route(M::GET, "/network/effect", network, get(network_page::show));
    let api = Table::api()
        .route(M::GET, "/api/v1/practices/{ods}/offers", episodes, get(api::list))
        .route(M::POST, "/api/v1/practices/{ods}/offers", settings, post(api::create))
        .route(M::GET, "/api/v1/offers/{id}", episodes, get(api::read))
        .route(M::PUT, "/api/v1/offers/{id}", settings, put(api::update))
        .route(M::POST, "/api/v1/offers/{id}/end", settings, post(api::end))
        .route(M::GET, "/api/v1/offers/{id}/effect", settings, get(api::effect));
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::list, api::create, api::read, api::update, api::end, api::effect),
    components(schemas(
        lantern_core::offer::Offer,
        lantern_core::offer::OfferDraft,
        lantern_core::offer::OfferKind,
        lantern_core::offer::RunBy,
        api::EndInput,
        crate::services::effect::EffectReport,
    ))
)]
pub struct Doc;
