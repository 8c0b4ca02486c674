//! Signing in and out (with a password or through NHS CIS2), one's own account (password, API
//! tokens), administrators' user accounts, and CIS2 sign-in requests (page and API).

mod account_page;
mod approvals_page;
mod oidc_page;
mod sign_in_page;
mod sign_in_requests;
mod sign_in_requests_api;
mod tokens_api;
mod users_api;

use crate::access::roles::{ADMIN, SETTINGS_ROLES};
use crate::access::routes::{Access, Table};
use axum::http::Method as M;
use axum::routing::{delete, get, post, put};
use utoipa::OpenApi;

pub fn routes() -> Table {
    let pages = Table::pages()
        .route(M::GET, "/", Access::Public, get(sign_in_page::home))
        .route(M::GET, "/sign-in", Access::Public, get(sign_in_page::show))
        .route(M::POST, "/sign-in", Access::Public, post(sign_in_page::submit))
        .route(M::GET, "/sign-in/oidc", Access::Public, get(oidc_page::start))
        .route(M::GET, "/sign-in/oidc/callback", Access::Public, get(oidc_page::callback))
        .route(M::GET, "/sign-in-requests", Access::Roles(SETTINGS_ROLES), get(approvals_page::show))
        .route(
            M::POST,
            "/sign-in-requests/{id}/approve",
            Access::Roles(SETTINGS_ROLES),
            post(approvals_page::approve),
        )
        .route(
            M::POST,
            "/sign-in-requests/{id}/refuse",
            Access::Roles(SETTINGS_ROLES),
            post(approvals_page::refuse),
        )
        .route(M::POST, "/sign-out", Access::SignedIn, post(sign_in_page::sign_out))
        .route(M::GET, "/account", Access::SignedIn, get(account_page::show))
        .route(M::POST, "/account/password", Access::SignedIn, post(account_page::change_password))
        .route(M::POST, "/account/tokens", Access::SignedIn, post(account_page::create_token))
        .route(M::POST, "/account/tokens/{id}/revoke", Access::SignedIn, post(account_page::revoke_token));
    let api = Table::api()
        .route(M::GET, "/api/v1/me", Access::SignedIn, get(users_api::me))
        .route(M::GET, "/api/v1/users", Access::Roles(ADMIN), get(users_api::list))
        .route(M::POST, "/api/v1/users", Access::Roles(ADMIN), post(users_api::create))
        .route(M::PUT, "/api/v1/users/{id}/password", Access::Roles(ADMIN), put(users_api::reset_password))
        .route(M::GET, "/api/v1/tokens", Access::SignedIn, get(tokens_api::list))
        .route(M::POST, "/api/v1/tokens", Access::SignedIn, post(tokens_api::create))
        .route(M::DELETE, "/api/v1/tokens/{id}", Access::SignedIn, delete(tokens_api::revoke))
        .route(
            M::GET,
            "/api/v1/sign-in-requests",
            Access::Roles(SETTINGS_ROLES),
            get(sign_in_requests_api::list),
        )
        .route(
            M::POST,
            "/api/v1/sign-in-requests/{id}/approve",
            Access::Roles(SETTINGS_ROLES),
            post(sign_in_requests_api::approve),
        )
        .route(
            M::POST,
            "/api/v1/sign-in-requests/{id}/refuse",
            Access::Roles(SETTINGS_ROLES),
            post(sign_in_requests_api::refuse),
        );
    pages.merge(api)
}

#[derive(OpenApi)]
#[openapi(
    paths(
        users_api::me,
        users_api::list,
        users_api::create,
        users_api::reset_password,
        tokens_api::list,
        tokens_api::create,
        tokens_api::revoke,
        sign_in_requests_api::list,
        sign_in_requests_api::approve,
        sign_in_requests_api::refuse,
    ),
    components(schemas(
        users_api::UserView,
        crate::auth::NewUser,
        users_api::PasswordReset,
        tokens_api::TokenView,
        tokens_api::NewToken,
        tokens_api::CreatedToken,
        sign_in_requests_api::SignInRequestView,
    ))
)]
pub struct Doc;
