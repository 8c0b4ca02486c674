//! Server-rendered pages. They work with JavaScript off: every action is a plain form.

mod account;
mod audit;
mod breakdowns;
mod charts;
mod csrf;
mod dashboard;
mod edit;
mod episode_form;
mod failure;
mod form;
pub(crate) mod form_bytes;
mod gaps;
mod guide_edit;
mod guide_view;
pub(crate) mod guides;
mod leaflet_text;
mod leaflets;
mod line_chart;
mod log;
pub(crate) mod markdown;
mod network;
mod network_table;
mod numbers;
mod observe;
mod observe_reliability;
mod observe_results;
mod observe_session;
mod observe_study;
mod observe_template;
mod ownership;
mod ownership_edit;
mod period_picker;
mod settings;
mod shell;
mod sign_in;
mod strategy;
mod strategy_facts;
mod training;
mod uptake;
mod uptake_import;
mod uptake_network;
mod uptake_sort;
mod uptake_text;
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
    let research = Access::Roles(crate::api::RESEARCH_ROLES);
    Table::pages()
        .route(M::GET, "/", Access::Public, get(sign_in::home))
        .route(M::GET, "/sign-in", Access::Public, get(sign_in::show))
        .route(M::POST, "/sign-in", Access::Public, post(sign_in::submit))
        .route(M::POST, "/sign-out", Access::SignedIn, post(sign_in::sign_out))
        .route(M::GET, "/strategy", episodes, get(strategy::show))
        .route(M::GET, "/strategy/versions/{version}", episodes, get(strategy::show_version))
        .route(M::GET, "/strategy/versions/{version}/strategy.md", episodes, get(strategy::markdown_file))
        .route(M::POST, "/strategy/draft", settings, post(strategy::draft))
        .route(M::POST, "/strategy/save", settings, post(strategy::save))
        .route(M::POST, "/strategy/versions/{version}/sign-off", settings, post(strategy::sign_off))
        .route(M::POST, "/strategy/versions/{version}/acknowledge", episodes, post(strategy::acknowledge))
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
        .route(M::GET, "/dashboard", settings, get(dashboard::show))
        .route(M::GET, "/network", Access::Roles(crate::api::NETWORK_ROLES), get(network::show))
        .route(M::GET, "/uptake", Access::SignedIn, get(uptake::show))
        .route(M::GET, "/network/uptake", Access::Roles(crate::api::NETWORK_ROLES), get(uptake_network::show))
        .route(
            M::GET,
            "/network/uptake/import",
            Access::Roles(crate::api::NETWORK_ROLES),
            get(uptake_import::show),
        )
        .route(
            M::POST,
            "/network/uptake/import",
            Access::Roles(crate::api::NETWORK_ROLES),
            post(uptake_import::submit)
                .layer(axum::extract::DefaultBodyLimit::max(uptake_import::MAX_UPLOAD_BYTES)),
        )
        .route(M::GET, "/guides", episodes, get(guides::list))
        .route(M::GET, "/guides/new", settings, get(guide_edit::new_form))
        .route(M::POST, "/guides/new", settings, post(guide_edit::create))
        .route(M::GET, "/guides/{id}", episodes, get(guide_view::show))
        .route(M::GET, "/guides/{id}/history", episodes, get(guide_view::history))
        .route(M::GET, "/guides/{id}/edit", settings, get(guide_edit::edit_form))
        .route(M::POST, "/guides/{id}/edit", settings, post(guide_edit::save))
        .route(M::POST, "/guides/{id}/approve", settings, post(guide_view::approve))
        .route(M::POST, "/guides/{id}/acknowledge", episodes, post(guide_view::acknowledge))
        .route(M::GET, "/leaflets", episodes, get(leaflets::list))
        .route(M::GET, "/leaflets/{service}", episodes, get(leaflets::show))
        .route(M::GET, "/services", episodes, get(ownership::show))
        .route(M::GET, "/services/{code}", episodes, get(ownership_edit::show))
        .route(M::POST, "/services/{code}", settings, post(ownership_edit::save))
        .route(M::GET, "/training", settings, get(training::show))
        .route(M::POST, "/training", settings, post(training::record))
        .route(M::GET, "/gaps", settings, get(gaps::show))
        .route(M::GET, "/observe", research, get(observe::list))
        .route(M::POST, "/observe/studies", research, post(observe::create))
        .route(M::GET, "/observe/studies/{id}", research, get(observe_study::show))
        .route(M::POST, "/observe/studies/{id}/sessions", research, post(observe_study::start_session))
        .route(M::POST, "/observe/studies/{id}/pairs", research, post(observe_study::pair))
        .route(M::GET, "/observe/studies/{id}/template", research, get(observe_template::edit))
        .route(M::POST, "/observe/studies/{id}/template", research, post(observe_template::save))
        .route(M::GET, "/observe/studies/{id}/results", research, get(observe_results::show))
        .route(M::GET, "/observe/sessions/{id}", research, get(observe_session::show))
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
