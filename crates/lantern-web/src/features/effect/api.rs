//! The offer register and an offer's effect as JSON. Staff may read the register (to name the offer
//! an episode belongs to); leads and administrators register, change and end offers and read effects.
//! Offers of practices outside the caller's reach are not found.

use crate::access::reach::offer_in_reach;
use crate::access::scope;
use crate::auth::CurrentUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::services::effect::{offer_effect, EffectReport};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use jiff::civil::Date;
use lantern_core::offer::{Offer, OfferDraft};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    /// The last day the offer ran.
    #[schema(value_type = String, format = Date)]
    ended_on: Date,
}

#[utoipa::path(get, path = "/api/v1/practices/{ods}/offers", tag = "offers", params(("ods" = String, Path)),
    responses((status = 200, body = Vec<Offer>, description = "The practice's support offers, oldest start first"), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
) -> Result<Json<Vec<Offer>>, ApiError> {
    let code = scope::practice(&user, &ods)?;
    Ok(Json(state.store.offers(&code).await?))
}

#[utoipa::path(post, path = "/api/v1/practices/{ods}/offers", tag = "offers", request_body = OfferDraft,
    params(("ods" = String, Path)),
    responses((status = 201, body = Offer, description = "Registered"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "Every field's problem, free text refused by the identity guard included")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ods): Path<String>,
    ApiJson(draft): ApiJson<OfferDraft>,
) -> Result<(StatusCode, Json<Offer>), ApiError> {
    let code = scope::practice(&user, &ods)?;
    let offer = state.store.create_offer(&code, &draft, &user.actor()).await?;
    Ok((StatusCode::CREATED, Json(offer)))
}

#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "offers", params(("id" = String, Path)),
    responses((status = 200, body = Offer), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Offer>, ApiError> {
    Ok(Json(offer_in_reach(&state.store, &user, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/offers/{id}", tag = "offers", request_body = OfferDraft,
    params(("id" = String, Path)),
    responses((status = 200, body = Offer, description = "Rewritten whole"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<OfferDraft>,
) -> Result<Json<Offer>, ApiError> {
    let offer = offer_in_reach(&state.store, &user, &id).await?;
    Ok(Json(state.store.edit_offer(&offer.practice, offer.id, &draft, &user.actor()).await?))
}

#[utoipa::path(post, path = "/api/v1/offers/{id}/end", tag = "offers", request_body = EndInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Offer, description = "Ended"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already ended"), (status = 422, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EndInput>,
) -> Result<Json<Offer>, ApiError> {
    let offer = offer_in_reach(&state.store, &user, &id).await?;
    Ok(Json(state.store.end_offer(&offer.practice, offer.id, input.ended_on, &user.actor()).await?))
}

#[utoipa::path(get, path = "/api/v1/offers/{id}/effect", tag = "offers", params(("id" = String, Path)),
    responses((status = 200, body = EffectReport, description = "The offer's effect on online consultation submissions per 1,000 patients, its cost per extra online user, and the answer in words; \"cannot_say\" with reasons where the data cannot answer"), (status = 404, body = ErrorBody)))]
pub async fn effect(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<EffectReport>, ApiError> {
    let offer = offer_in_reach(&state.store, &user, &id).await?;
    Ok(Json(offer_effect(&state.store, &offer).await?))
}
