//! Lantern over HTTP: the JSON API under `/api/v1` and the server-rendered pages staff use.
//!
//! Layers, each importing only those below it (`tests/architecture.rs` holds the rule):
//! `app` → `features` → `access` → `services`/`kit` → `http`/`auth` → store/core. See README.md.

mod access;
mod app;
pub mod auth;
mod clock;
mod features;
mod http;
mod kit;
mod services;

pub use access::routes::{Access, Kind, RouteSpec};
pub use app::openapi::openapi_document;
pub use app::router::{route_specs, router};
pub use auth::SessionConfig;
pub use clock::Clock;
pub use http::error::ApiError;
pub use http::forwarded::TrustedProxies;
pub use kit::markdown::render as render_markdown;
pub use services::{effect, measures, uptake};

use lantern_store::Store;

/// Largest request body accepted; an episode is a few hundred bytes, so this leaves room without
/// letting a client tie up memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub sessions: SessionConfig,
    /// The time sessions are judged by.
    pub clock: Clock,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub proxies: TrustedProxies,
    /// The OpenID Connect provider people may sign in through (NHS CIS2), if one is set up.
    pub oidc: Option<std::sync::Arc<auth::oidc::Oidc>>,
    /// Whether usernames and passwords are accepted at all; off when everyone signs in through CIS2.
    pub local_passwords: bool,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            sessions: SessionConfig::default(),
            clock: Clock::default(),
            proxies: TrustedProxies::default(),
            oidc: None,
            local_passwords: true,
        }
    }
}
