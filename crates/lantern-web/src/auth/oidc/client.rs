//! Talking to the provider: discovery, its keys, the code exchange, the id_token checks, userinfo.

use super::{OidcConfig, OidcError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// Clocks differ a little between servers; a minute either way is the usual allowance.
const LEEWAY_SECONDS: u64 = 60;
/// The longest a client assertion lives; CIS2 refuses any valid for more than five minutes.
const ASSERTION_SECONDS: u64 = 240;
/// An unknown key id refetches the provider's keys (it may have rotated), but not more often than
/// this, so made-up key ids cannot make Lantern hammer the provider.
const JWKS_REFETCH_GAP: Duration = Duration::from_secs(10);
/// RSA signatures only: CIS2 signs with RS512, and refusing HMAC and `none` rules out the classic
/// algorithm-confusion attacks.
const ACCEPTED: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
}

#[derive(Debug, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: String,
}

/// The id_token claims Lantern reads.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    pub iat: u64,
    pub nonce: Option<String>,
    pub selected_roleid: Option<String>,
}

/// A provider Lantern signs people in through. Discovery and keys are fetched when first needed
/// (so Lantern starts while the provider is down) and then kept.
pub struct Oidc {
    pub config: OidcConfig,
    key: EncodingKey,
    http: reqwest::Client,
    metadata: RwLock<Option<Metadata>>,
    jwks: RwLock<Option<(JwkSet, Instant)>>,
    jwks_refetch_gap: Duration,
}

/// Never prints the key.
impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.config.issuer)
            .field("client_id", &self.config.client_id)
            .finish_non_exhaustive()
    }
}

/// The S256 PKCE challenge for a verifier: base64url(SHA-256(verifier)), unpadded.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

impl Oidc {
    pub fn new(config: OidcConfig) -> Result<Oidc, OidcError> {
        let key = EncodingKey::from_rsa_pem(&config.private_key_pem)
            .map_err(|e| OidcError::ClientKey(format!("not an RSA private key in PEM form ({e})")))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OidcError::Provider(e.to_string()))?;
        Ok(Oidc {
            config,
            key,
            http,
            metadata: RwLock::new(None),
            jwks: RwLock::new(None),
            jwks_refetch_gap: JWKS_REFETCH_GAP,
        })
    }

    /// The least time between two fetches of the provider's keys. Tests shorten or lengthen it to see
    /// both sides of the limit without waiting for the clock.
    pub fn with_jwks_refetch_gap(mut self, gap: Duration) -> Oidc {
        self.jwks_refetch_gap = gap;
        self
    }

    /// The provider's endpoints, read once from its discovery document.
    pub async fn metadata(&self) -> Result<Metadata, OidcError> {
        if let Some(found) = self.metadata.read().await.clone() {
            return Ok(found);
        }
        let issuer = self.config.issuer.trim_end_matches('/');
        let url = format!("{issuer}/.well-known/openid-configuration");
        let found: Metadata = self.http.get(&url).send().await?.error_for_status()?.json().await?;
        // Discovery must name the issuer it was fetched from, or another provider could stand in.
        if found.issuer.trim_end_matches('/') != issuer {
            return Err(OidcError::Provider(format!("discovery names issuer {}", found.issuer)));
        }
        *self.metadata.write().await = Some(found.clone());
        Ok(found)
    }

    /// Where to send the person to sign in.
    pub async fn authorize_url(&self, state: &str, nonce: &str, verifier: &str) -> Result<String, OidcError> {
        let metadata = self.metadata().await?;
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_url)
            .append_pair("scope", &self.config.scopes)
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", &pkce_challenge(verifier))
            .append_pair("code_challenge_method", "S256")
            .finish();
        let separator = if metadata.authorization_endpoint.contains('?') { '&' } else { '?' };
        Ok(format!("{}{separator}{query}", metadata.authorization_endpoint))
    }

    /// A JWT proving this client is Lantern: iss = sub = client id, aud = the token endpoint.
    fn client_assertion(&self, token_endpoint: &str) -> Result<String, OidcError> {
        let mut header = Header::new(Algorithm::RS512);
        header.kid = self.config.key_id.clone();
        let issued = now();
        let claims = serde_json::json!({
            "iss": self.config.client_id,
            "sub": self.config.client_id,
            "aud": token_endpoint,
            "jti": uuid::Uuid::new_v4().to_string(),
            "iat": issued,
            "exp": issued + ASSERTION_SECONDS,
        });
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| OidcError::ClientKey(e.to_string()))
    }

    /// Exchanges the code the provider sent back for tokens.
    pub async fn exchange(&self, code: &str, verifier: &str) -> Result<Tokens, OidcError> {
        let metadata = self.metadata().await?;
        let assertion = self.client_assertion(&metadata.token_endpoint)?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.config.redirect_url),
            ("client_id", &self.config.client_id),
            ("code_verifier", verifier),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", &assertion),
        ];
        let response = self.http.post(&metadata.token_endpoint).form(&form).send().await?;
        if !response.status().is_success() {
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let error = body["error"].as_str().unwrap_or("no error code");
            let description = body["error_description"].as_str().unwrap_or("");
            return Err(OidcError::Refused(format!("{status}: {error} {description}").trim().to_owned()));
        }
        Ok(response.json().await?)
    }

    /// The key with this id from the provider's JWKS, refetched once if it is not known (yet).
    async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, OidcError> {
        let find = |set: &JwkSet| match kid {
            Some(kid) => set.find(kid).cloned(),
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        };
        let cached = self.jwks.read().await.clone();
        let fresh_enough = cached.as_ref().is_some_and(|(_, at)| at.elapsed() < self.jwks_refetch_gap);
        let jwk = match cached.as_ref().and_then(|(set, _)| find(set)) {
            Some(jwk) => jwk,
            None if fresh_enough => return Err(OidcError::BadSignature),
            None => {
                let uri = self.metadata().await?.jwks_uri;
                let set: JwkSet = self.http.get(&uri).send().await?.error_for_status()?.json().await?;
                let found = find(&set);
                *self.jwks.write().await = Some((set, Instant::now()));
                found.ok_or(OidcError::BadSignature)?
            }
        };
        DecodingKey::from_jwk(&jwk).map_err(|e| OidcError::BadToken(format!("provider key unusable: {e}")))
    }

    /// Checks the id_token: signed by the provider's key with an RSA algorithm, from the configured
    /// issuer, for this client, in date, and carrying this sign-in's nonce.
    pub async fn verify(&self, id_token: &str, nonce: &str) -> Result<IdClaims, OidcError> {
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|_| OidcError::BadToken("unreadable header or unsupported algorithm".into()))?;
        if !ACCEPTED.contains(&header.alg) {
            return Err(OidcError::BadToken(format!("algorithm {:?} is not accepted", header.alg)));
        }
        let key = self.key_for(header.kid.as_deref()).await?;
        let metadata = self.metadata().await?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.leeway = LEEWAY_SECONDS;
        validation.set_issuer(&[metadata.issuer.as_str()]);
        validation.set_audience(&[self.config.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => OidcError::BadSignature,
                ErrorKind::ExpiredSignature => OidcError::Expired,
                ErrorKind::InvalidAudience => OidcError::WrongAudience,
                ErrorKind::InvalidIssuer => OidcError::WrongIssuer,
                other => OidcError::BadToken(format!("{other:?}")),
            })?
            .claims;
        if claims.iat > now() + LEEWAY_SECONDS {
            return Err(OidcError::BadToken("issued in the future".into()));
        }
        let sent = claims.nonce.as_deref().unwrap_or_default().as_bytes();
        if sent.len() != nonce.len() || sent.iter().zip(nonce.as_bytes()).any(|(a, b)| a != b) {
            return Err(OidcError::NonceMismatch);
        }
        Ok(claims)
    }

    /// The person's details and roles from the userinfo endpoint.
    pub async fn userinfo(&self, access_token: &str) -> Result<serde_json::Value, OidcError> {
        let uri = self.metadata().await?.userinfo_endpoint;
        Ok(self.http.get(&uri).bearer_auth(access_token).send().await?.error_for_status()?.json().await?)
    }
}
