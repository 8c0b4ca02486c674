//! Server-rendered pages. They work with JavaScript off: every action is a plain form.

mod csrf;
mod edit;
mod episode_form;
mod failure;
mod form;
mod log;
mod shell;
mod sign_in;
mod view;

use crate::api::EPISODE_ROLES;
use crate::auth::routes::{Access, Table};
use askama::Template;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use shell::Shell;

pub fn table() -> Table {
    use Method as M;
    let episodes = Access::Roles(EPISODE_ROLES);
    Table::pages()
        .route(M::GET, "/", Access::Public, get(sign_in::home))
        .route(M::GET, "/sign-in", Access::Public, get(sign_in::show))
        .route(M::POST, "/sign-in", Access::Public, post(sign_in::submit))
        .route(M::POST, "/sign-out", Access::SignedIn, post(sign_in::sign_out))
        .route(M::GET, "/log", episodes, get(log::show))
        .route(M::POST, "/log", episodes, post(log::submit))
        .route(M::POST, "/log/undo", episodes, post(log::undo))
        .route(M::GET, "/episodes/{id}/edit", episodes, get(edit::show))
        .route(M::POST, "/episodes/{id}/edit", episodes, post(edit::save))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    shell: Shell,
    heading: &'a str,
    body: &'a str,
}

/// A plain page in the house style for errors and notices.
pub fn message(status: StatusCode, heading: &str, body: &str) -> Response {
    let page = MessagePage { shell: Shell::public(heading), heading, body };
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
