//! What every page is made of: rendering, the shell around it, forms and their CSRF check, choices,
//! dates, numbers, charts, Markdown, and the practice switch. Pages work with JavaScript off: every
//! action is a plain form.

pub mod charts;
pub mod choices;
pub mod csrf;
pub mod dates;
pub mod failure;
pub mod field_errors;
pub mod form;
pub mod form_bytes;
pub mod line_chart;
pub mod markdown;
pub mod numbers;
pub mod practice;
pub mod shell;
pub mod urls;

use crate::http::error::ApiError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use shell::Shell;

#[derive(Template)]
#[template(path = "kit/message.html")]
struct MessagePage<'a> {
    shell: Shell,
    heading: &'a str,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "kit/continue.html")]
struct ContinuePage<'a> {
    shell: Shell,
    heading: &'a str,
    next: &'a str,
}

/// A page that moves on to `next` (a path on this site) by itself through a `Refresh` header, with a
/// link for browsers that do not. A navigation the page starts counts as same-site, where a redirect
/// straight after another site's redirect would not.
pub fn continue_to(next: &str, heading: &str) -> Response {
    let mut response = render(&ContinuePage { shell: Shell::public(heading), heading, next });
    if let Ok(value) = format!("0; url={next}").parse() {
        response.headers_mut().insert(axum::http::header::REFRESH, value);
    }
    response
}

/// A plain page in the house style for errors and notices.
pub fn message(status: StatusCode, heading: &str, body: &str) -> Response {
    let page = MessagePage { shell: Shell::public(heading), heading, body };
    (status, render(&page)).into_response()
}

/// The same, keeping the signed-in person's header and menu.
pub fn message_for(
    user: &crate::auth::CurrentUser,
    status: StatusCode,
    heading: &str,
    body: &str,
) -> Response {
    let page = MessagePage { shell: Shell::signed_in(user, heading), heading, body };
    (status, render(&page)).into_response()
}

pub async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Page not found", "If you typed the web address, check it is correct.")
}

pub fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(?error, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service").into_response()
        }
    }
}

/// The page, or the failure page when it could not be drawn.
pub fn respond<T: Template>(status: StatusCode, page: Result<T, ApiError>) -> Response {
    match page {
        Ok(page) => (status, render(&page)).into_response(),
        Err(error) => failure::page(error),
    }
}
