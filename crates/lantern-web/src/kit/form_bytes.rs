//! Forms whose text is not valid UTF-8 are refused before any handler reads them.
//!
//! Form bodies are decoded leniently (`form_urlencoded` swaps bad bytes for U+FFFD), so without this a
//! note sent from a misconfigured client or a hand-made request would be stored altered, where the
//! JSON API refuses the same bytes. Refusing keeps both doors alike and what is stored is what was
//! sent.

use super::message;
use crate::http::error::ApiError;
use crate::MAX_BODY_BYTES;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_invalid_utf8(request: Request, next: Next) -> Response {
    let is_form =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return if api {
            ApiError::PayloadTooLarge.into_response()
        } else {
            message(
                StatusCode::PAYLOAD_TOO_LARGE,
                "That was too much to send",
                "Shorten what you entered and try again.",
            )
        };
    };
    if std::str::from_utf8(&percent_decoded(&bytes)).is_err() {
        let reason = "The form contains text that is not valid UTF-8, so it cannot be saved as sent. \
                      Retype the text, or set the sending program to UTF-8.";
        return if api {
            ApiError::BadRequest(reason.to_owned()).into_response()
        } else {
            message(StatusCode::BAD_REQUEST, "There is a problem", reason)
        };
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The body with every `%XX` escape turned into its byte (`+` and the `&`/`=` structure are ASCII
/// and cannot affect whether the text is valid UTF-8, so they are left as they are).
fn percent_decoded(body: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    while let Some(&b) = body.get(at) {
        let escaped =
            (b == b'%').then(|| Some(hex(*body.get(at + 1)?)? * 16 + hex(*body.get(at + 2)?)?)).flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(b);
                at += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_decoded;

    #[test]
    fn escapes_are_decoded_and_malformed_ones_kept() {
        assert_eq!(percent_decoded(b"a=%C3%A9&b=x+y"), "a=\u{e9}&b=x+y".as_bytes());
        assert_eq!(percent_decoded(b"%zz%4"), b"%zz%4");
        assert!(std::str::from_utf8(&percent_decoded(b"note=%FF%FE")).is_err());
        assert!(std::str::from_utf8(&percent_decoded(b"note=%E2%80")).is_err());
    }
}
