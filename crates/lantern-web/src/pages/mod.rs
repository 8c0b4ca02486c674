//! Server-rendered pages. They work with JavaScript off: every action is a plain form.

mod account;
mod audit;
mod csrf;
mod edit;
mod episode_form;
mod failure;
mod form;
mod log;
mod settings;
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
    let settings = Access::Roles(crate::api::SETTINGS_ROLES);
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
        .route(M::GET, "/account", Access::SignedIn, get(account::show))
        .route(M::POST, "/account/password", Access::SignedIn, post(account::change_password))
        .route(M::POST, "/account/tokens", Access::SignedIn, post(account::create_token))
        .route(M::POST, "/account/tokens/{id}/revoke", Access::SignedIn, post(account::revoke_token))
        .route(M::GET, "/settings", settings, get(settings::show))
        .route(M::POST, "/settings/services", settings, post(settings::switch_service))
        .route(M::POST, "/settings/services/new", settings, post(settings::add_service))
        .route(M::POST, "/settings/staff", settings, post(settings::add_staff))
        .route(M::POST, "/settings/staff/status", settings, post(settings::switch_staff))
        .route(M::GET, "/audit", settings, get(audit::show))
        .route(M::GET, "/audit.csv", settings, get(audit::csv))
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
