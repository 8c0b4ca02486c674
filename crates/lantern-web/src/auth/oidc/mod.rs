//! Signing in through an OpenID Connect provider: NHS CIS2 in production, the local test provider in
//! tests. Authorization code flow with PKCE (S256); the client proves itself with a `private_key_jwt`
//! assertion signed RS512, as CIS2 requires; the id_token is checked against the provider's JWKS.
//!
//! Built on `jsonwebtoken` and `reqwest` rather than the `openidconnect` crate: every check is in
//! view here, and that crate has no `private_key_jwt` client authentication.

mod claims;
mod client;
mod roles;

pub use claims::{selected_role, Cis2Claims, SelectedRole};
pub use client::{pkce_challenge, Oidc};
pub use roles::{RoleMap, RoleMapError, DEFAULT_ROLE_MAP};

/// The scopes CIS2 needs to send the person's roles and the one they chose.
pub const DEFAULT_SCOPES: &str = "openid profile nhsperson nationalrbacaccess associatedorgs selectedrole";

/// What Lantern is registered with at the provider.
#[derive(Clone)]
pub struct OidcConfig {
    /// The provider's issuer URL; discovery is read from `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// The PEM private key whose public half the provider holds for this client.
    pub private_key_pem: Vec<u8>,
    /// The key id (`kid`) the provider knows that key by, if it asks for one.
    pub key_id: Option<String>,
    /// Where the provider sends people back: this server's `/sign-in/oidc/callback`.
    pub redirect_url: String,
    pub scopes: String,
    pub roles: RoleMap,
}

/// Never prints the key.
impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_url", &self.redirect_url)
            .finish_non_exhaustive()
    }
}

/// Why a sign-in through the provider did not go through. Each is shown to the person in words and
/// kept in the audit trail.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider could not be reached or answered unexpectedly: {0}")]
    Provider(String),
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    #[error("the sign-in had expired or was already used")]
    UnknownState,
    #[error("the identity token's signature is not the provider's")]
    BadSignature,
    #[error("the identity token was issued for another service")]
    WrongAudience,
    #[error("the identity token has expired")]
    Expired,
    #[error("the identity token was not issued by the configured provider")]
    WrongIssuer,
    #[error("the identity token belongs to another sign-in (nonce mismatch)")]
    NonceMismatch,
    #[error("the identity token is not acceptable: {0}")]
    BadToken(String),
    #[error("the provider's user information does not match the identity token")]
    SubjectMismatch,
    #[error("no role was selected at the provider, or the selected role is not among the person's roles")]
    NoSelectedRole,
    #[error("the selected role {0} does not give access to Lantern")]
    UnmappedRole(String),
    #[error("the selected role's organisation {0} is not set up in Lantern")]
    UnknownOrganisation(String),
    #[error("the client key cannot be used: {0}")]
    ClientKey(String),
}

impl From<reqwest::Error> for OidcError {
    fn from(error: reqwest::Error) -> Self {
        OidcError::Provider(error.without_url().to_string())
    }
}
