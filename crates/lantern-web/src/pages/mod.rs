//! Server-rendered pages. They work with JavaScript off: every action is a plain form.

mod form;
mod log;
mod view;

use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/log") }))
        .route("/log", get(log::show).post(log::submit))
        .route("/log/undo", post(log::undo))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    title: &'a str,
    title_prefix: &'a str,
    heading: &'a str,
    body: &'a str,
    organisation: &'a str,
    synthetic: bool,
    has_errors: bool,
}

/// A plain page in the house style for errors and notices.
pub fn message(status: StatusCode, heading: &str, body: &str) -> Response {
    let page = MessagePage {
        title: heading,
        title_prefix: "",
        heading,
        body,
        organisation: "",
        synthetic: false,
        has_errors: false,
    };
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
