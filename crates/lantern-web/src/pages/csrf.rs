//! Every form a signed-in person submits carries their session's CSRF token; a form from anywhere
//! else cannot know it.

use super::form::LogForm as Form;
use super::message;
use crate::auth::CurrentUser;
use axum::http::StatusCode;
use axum::response::Response;

/// The refusal to send when the form's token is missing or wrong; `None` when it is right.
pub fn rejected(user: &CurrentUser, form: &Form) -> Option<Response> {
    let sent = form.one("csrf").unwrap_or_default();
    match user.csrf.as_deref() {
        Some(expected) if equal(expected.as_bytes(), sent.as_bytes()) => None,
        _ => Some(message(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "For your security the form could not be accepted. Go back, reload the page and try again.",
        )),
    }
}

/// Compares without stopping at the first difference, so timing does not reveal how much matched.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
