//! Every form a signed-in person submits carries their session's CSRF token; a form from anywhere
//! else cannot know it.

use super::form::Form;
use super::message;
use crate::auth::CurrentUser;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The refusal to send when the form's token is missing or wrong; `None` when it is right.
pub fn rejected(user: &CurrentUser, form: &Form) -> Option<Response> {
    let sent = form.one("csrf").unwrap_or_default();
    match user.csrf.as_deref() {
        Some(expected) if equal(expected.as_bytes(), sent.as_bytes()) => None,
        _ => Some(expired()),
    }
}

fn expired() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "For your security the form could not be accepted. Go back, reload the page and try again.",
    )
}

/// Compares without stopping at the first difference, so timing does not reveal how much matched.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A submitted form that carries this session's CSRF token. Any other form is refused with the
/// "form has expired" page before the handler runs, so no handler can forget the check.
pub struct CheckedForm(pub Form);

impl<S: Send + Sync> FromRequest<S> for CheckedForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let user = request.extensions().get::<CurrentUser>().cloned();
        let body = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        let form = Form::parse(&body);
        match user.map(|user| rejected(&user, &form)) {
            Some(None) => Ok(Self(form)),
            Some(Some(refusal)) => Err(refusal),
            None => Err(expired()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_compares_whole_values() {
        assert!(super::equal(b"abc", b"abc"));
        assert!(!super::equal(b"abc", b"abd"));
        assert!(!super::equal(b"abc", b"ab"));
    }
}
