//! A small OpenID Connect provider shaped like NHS CIS2, for tests only: a real HTTP peer on
//! 127.0.0.1 that serves discovery, its JWKS, authorize (approving at once as the configured person),
//! token (checking the PKCE verifier and the client's `private_key_jwt` assertion) and userinfo with
//! CIS2's claims. On request it misbehaves the ways a real provider or an attacker might.

mod keys;
mod person;
mod routes;

pub use keys::{CLIENT_PRIVATE_KEY_PATH, CLIENT_PUBLIC_KEY};
pub use person::{NrbacRole, Person};

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// How the next tokens go wrong.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    #[default]
    None,
    /// The id_token is for another client.
    WrongAudience,
    /// The id_token expired ten minutes ago.
    Expired,
    /// The id_token is signed by another key under the provider's key id.
    BadSignature,
    /// The id_token carries the nonce of the previous sign-in, not this one's.
    StaleNonce,
}

/// One authorization waiting for its code to be exchanged.
#[derive(Debug, Clone)]
struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: String,
    person: Person,
}

#[derive(Debug, Default)]
struct Inner {
    person: Option<Person>,
    fault: Fault,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, Person>,
    previous_nonce: Option<String>,
    used_assertions: Vec<String>,
    /// Client assertions accepted: tests check the provider really was asked this way.
    assertions_accepted: usize,
    /// Signing with the next key (new `kid`), and publishing only it.
    rotated: bool,
    /// How often the JWKS was fetched: tests check a client refetches on an unknown key id, and
    /// not more often than its limit.
    jwks_fetches: usize,
}

#[derive(Debug)]
struct Shared {
    url: String,
    client_id: String,
    inner: Mutex<Inner>,
}

impl Shared {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A running provider; it stops when the test's runtime ends.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub url: String,
    shared: Arc<Shared>,
}

impl Issuer {
    /// Starts on 127.0.0.1 at `port` (0 for any free one) for the client `client_id`.
    pub async fn start(client_id: &str, port: u16) -> std::io::Result<Issuer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            url: url.clone(),
            client_id: client_id.to_owned(),
            inner: Mutex::new(Inner::default()),
        });
        let app = routes::router(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Issuer { url, shared })
    }

    /// Who the next authorization signs in as.
    pub fn sign_in_as(&self, person: Person) {
        self.shared.with(|inner| inner.person = Some(person));
    }

    pub fn fault(&self, fault: Fault) {
        self.shared.with(|inner| inner.fault = fault);
    }

    /// Rotates the provider's signing key: tokens from now on carry a new `kid`, and the JWKS
    /// publishes only the new key.
    pub fn rotate_key(&self) {
        self.shared.with(|inner| inner.rotated = true);
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.shared.with(|inner| inner.jwks_fetches)
    }

    /// How many token requests carried a valid client assertion.
    pub fn assertions_accepted(&self) -> usize {
        self.shared.with(|inner| inner.assertions_accepted)
    }
}
