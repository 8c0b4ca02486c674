//! The provider's endpoints, and `/_test/*` for the browser suite to pick the person and the fault.

use crate::keys::{jwks, signing_key, CLIENT_PUBLIC_KEY, IMPOSTOR_KEY};
use crate::{Fault, Grant, Person, Shared};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

type S = State<Arc<Shared>>;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(published_keys))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .route("/_test/person", post(set_person))
        .route("/_test/fault", post(set_fault))
        .with_state(shared)
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn refuse(error: &str, description: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error, "error_description": description })))
        .into_response()
}

fn secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

async fn discovery(State(shared): S) -> Json<serde_json::Value> {
    let url = &shared.url;
    Json(json!({
        "issuer": url,
        "authorization_endpoint": format!("{url}/authorize"),
        "token_endpoint": format!("{url}/token"),
        "userinfo_endpoint": format!("{url}/userinfo"),
        "jwks_uri": format!("{url}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS512"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "nhsperson", "nationalrbacaccess", "associatedorgs", "selectedrole"],
    }))
}

async fn published_keys(State(shared): S) -> Json<serde_json::Value> {
    let rotated = shared.with(|inner| {
        inner.jwks_fetches += 1;
        inner.rotated
    });
    Json(jwks(rotated))
}

async fn authorize(State(shared): S, Query(q): Query<HashMap<String, String>>) -> Response {
    let param = |name: &str| q.get(name).cloned().unwrap_or_default();
    if param("client_id") != shared.client_id {
        return refuse("unauthorized_client", "unknown client");
    }
    if param("response_type") != "code" || param("code_challenge_method") != "S256" {
        return refuse("invalid_request", "only the code flow with S256 PKCE");
    }
    if !param("scope").split(' ').any(|s| s == "openid") || param("nonce").is_empty() {
        return refuse("invalid_request", "openid scope and a nonce are required");
    }
    let Some(person) = shared.with(|inner| inner.person.clone()) else {
        return refuse("access_denied", "no person configured to sign in as");
    };
    let code = secret();
    let grant = Grant {
        redirect_uri: param("redirect_uri"),
        challenge: param("code_challenge"),
        nonce: param("nonce"),
        person,
    };
    let target = format!(
        "{}?code={code}&state={}",
        grant.redirect_uri,
        form_urlencoded::byte_serialize(param("state").as_bytes()).collect::<String>()
    );
    shared.with(|inner| inner.codes.insert(code, grant));
    Redirect::to(&target).into_response()
}

#[derive(Debug, serde::Serialize, Deserialize)]
struct Assertion {
    iss: String,
    sub: String,
    jti: String,
    exp: i64,
}

/// The client proves who it is with a JWT signed by its private key (RS512, as CIS2 requires).
fn check_assertion(shared: &Shared, form: &HashMap<String, String>) -> Result<(), &'static str> {
    if form.get("client_assertion_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    {
        return Err("client_assertion_type must be jwt-bearer");
    }
    let jwt = form.get("client_assertion").ok_or("no client_assertion")?;
    let key = DecodingKey::from_rsa_pem(CLIENT_PUBLIC_KEY).map_err(|_| "bad client key")?;
    let mut validation = Validation::new(Algorithm::RS512);
    validation.set_audience(&[format!("{}/token", shared.url)]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let claims = jsonwebtoken::decode::<Assertion>(jwt, &key, &validation)
        .map_err(|_| "client assertion signature, audience or expiry wrong")?
        .claims;
    if claims.iss != shared.client_id || claims.sub != shared.client_id {
        return Err("client assertion iss and sub must be the client id");
    }
    if claims.exp > now() + 300 {
        return Err("client assertion must expire within five minutes");
    }
    shared.with(|inner| {
        if inner.used_assertions.contains(&claims.jti) {
            return Err("client assertion jti replayed");
        }
        inner.used_assertions.push(claims.jti);
        inner.assertions_accepted += 1;
        Ok(())
    })
}

async fn token(State(shared): S, Form(form): Form<HashMap<String, String>>) -> Response {
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return refuse("unsupported_grant_type", "authorization_code only");
    }
    if let Err(why) = check_assertion(&shared, &form) {
        return refuse("invalid_client", why);
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(grant) = shared.with(|inner| inner.codes.remove(&code)) else {
        return refuse("invalid_grant", "unknown or used code");
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return refuse("invalid_grant", "redirect_uri differs from the authorization's");
    }
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return refuse("invalid_grant", "PKCE verifier does not match the challenge");
    }
    let (fault, previous, rotated) = shared.with(|inner| {
        let previous = inner.previous_nonce.replace(grant.nonce.clone());
        (inner.fault, previous, inner.rotated)
    });
    let (mut aud, mut exp, mut iat, mut nonce) =
        (shared.client_id.clone(), now() + 600, now(), grant.nonce.clone());
    let (mut signing, kid) = signing_key(rotated);
    match fault {
        Fault::None => {}
        Fault::WrongAudience => aud = "some-other-client".into(),
        Fault::Expired => (exp, iat) = (now() - 600, now() - 1200),
        Fault::BadSignature => signing = IMPOSTOR_KEY,
        Fault::StaleNonce => nonce = previous.unwrap_or_else(secret),
    }
    let claims = json!({
        "iss": shared.url,
        "sub": grant.person.sub,
        "aud": aud,
        "exp": exp,
        "iat": iat,
        "auth_time": iat,
        "nonce": nonce,
        "selected_roleid": grant.person.selected_roleid,
        "id_assurance_level": 3,
        "authentication_assurance_level": 3,
    });
    let mut header = Header::new(Algorithm::RS512);
    header.kid = Some(kid.to_owned());
    let Ok(key) = EncodingKey::from_rsa_pem(signing) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "test key unreadable").into_response();
    };
    let Ok(id_token) = jsonwebtoken::encode(&header, &claims, &key) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response();
    };
    let access_token = secret();
    shared.with(|inner| inner.tokens.insert(access_token.clone(), grant.person));
    Json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "id_token": id_token,
    }))
    .into_response()
}

async fn userinfo(State(shared): S, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match shared.with(|inner| inner.tokens.get(token).cloned()) {
        Some(person) => Json(person.userinfo()).into_response(),
        None => (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_token" }))).into_response(),
    }
}

async fn set_person(State(shared): S, Json(person): Json<Person>) -> StatusCode {
    shared.with(|inner| inner.person = Some(person));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct FaultBody {
    fault: Fault,
}

async fn set_fault(State(shared): S, Json(body): Json<FaultBody>) -> StatusCode {
    shared.with(|inner| inner.fault = body.fault);
    StatusCode::NO_CONTENT
}
