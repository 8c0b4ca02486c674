//! One error shape for the whole API: `{ "error": { "code", "message", "fields" } }`, where `code` is
//! a stable value clients can switch on.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lantern_core::validation::{FieldError, ValidationErrors};
use lantern_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in first: send a session cookie or an API token (Authorization: Bearer …)")]
    Unauthorised,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A write that must say which version it changes (`expected_version`) did not.
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("this method is not allowed here; the Allow header lists those that are")]
    MethodNotAllowed,
    #[error("the request body is larger than {} bytes", crate::MAX_BODY_BYTES)]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// One of: bad_request, unauthorised, forbidden, not_found, conflict, precondition_required,
    /// method_not_allowed, payload_too_large, unsupported_media_type, validation_failed, internal.
    pub code: &'static str,
    pub message: String,
    /// Every field that failed validation, each with its reason.
    pub fields: Vec<FieldError>,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unauthorised => (StatusCode::UNAUTHORIZED, "unauthorised"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::PreconditionRequired(_) => (StatusCode::PRECONDITION_REQUIRED, "precondition_required"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Self::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status_and_code().0
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            StoreError::Conflict(message) => Self::Conflict(message),
            stale @ StoreError::Stale { .. } => Self::Conflict(stale.to_string()),
            StoreError::Invalid(errors) => Self::Invalid(errors),
            StoreError::KeyReused => {
                Self::Invalid(ValidationErrors::single("idempotency_key", StoreError::KeyReused.to_string()))
            }
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let (message, fields) = match &self {
            Self::Invalid(errors) => ("The request has invalid fields".to_owned(), errors.0.clone()),
            Self::Internal(source) => {
                tracing::error!(error = ?source, "request failed");
                ("Something went wrong; the error has been logged".to_owned(), Vec::new())
            }
            other => (other.to_string(), Vec::new()),
        };
        (status, Json(ErrorBody { error: ErrorDetail { code, message, fields } })).into_response()
    }
}
