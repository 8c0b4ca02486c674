//! A failure while drawing a page is shown as a page in the house style, never as the API's JSON.

use super::message;
use crate::http::error::ApiError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lantern_store::StoreError;

pub fn page(error: ApiError) -> Response {
    match error {
        ApiError::NotFound(_) => message(
            StatusCode::NOT_FOUND,
            "Page not found",
            "It may have been removed, or belong to a practice you are not linked to.",
        ),
        ApiError::Forbidden => message(
            StatusCode::FORBIDDEN,
            "You do not have access to this page",
            "Your role does not include this. Ask your practice manager if you need it.",
        ),
        ApiError::Unauthorised => {
            message(StatusCode::UNAUTHORIZED, "Sign in to continue", "Your session has ended. Sign in again.")
        }
        ApiError::Conflict(reason) => message(StatusCode::CONFLICT, "That could not be done", &reason),
        ApiError::Invalid(errors) => {
            message(StatusCode::UNPROCESSABLE_ENTITY, "There is a problem", &errors.to_string())
        }
        ApiError::BadRequest(reason) | ApiError::UnsupportedMediaType(reason) => {
            message(StatusCode::BAD_REQUEST, "There is a problem", &reason)
        }
        ApiError::PreconditionRequired(reason) => {
            message(StatusCode::PRECONDITION_REQUIRED, "Open the page again and retry", &reason)
        }
        ApiError::MethodNotAllowed => message(
            StatusCode::METHOD_NOT_ALLOWED,
            "This page cannot do that",
            "Go back and use the page's buttons and links.",
        ),
        ApiError::PayloadTooLarge => message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "That was too much to send",
            "Shorten what you entered and try again.",
        ),
        ApiError::Internal(source) => {
            tracing::error!(error = ?source, "page failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later. The problem has been logged for the administrator.",
            )
        }
    }
}

/// What a page handler returns when it cannot draw its page: `?` turns a store or API error into the
/// failure page above, and [`PageError::Page`] carries a page already drawn (a refusal, "not found").
#[derive(Debug)]
pub enum PageError {
    Failed(ApiError),
    Page(Response),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self::Failed(error)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

impl From<Response> for PageError {
    fn from(page: Response) -> Self {
        Self::Page(page)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Failed(error) => page(error),
            Self::Page(page) => page,
        }
    }
}
