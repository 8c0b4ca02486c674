//! The test keys in `keys/` (see its README): public in this repository, trusted by nothing real.

pub const ISSUER_KEY: &[u8] = include_bytes!("../keys/issuer.pem");
pub const ISSUER_MODULUS: &str = include_str!("../keys/issuer.n");
pub const IMPOSTOR_KEY: &[u8] = include_bytes!("../keys/impostor.pem");
pub const CLIENT_PUBLIC_KEY: &[u8] = include_bytes!("../keys/client.pub.pem");
/// The client's private key, as a file Lantern reads (`--oidc-private-key`).
pub const CLIENT_PRIVATE_KEY_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/client.pem");
pub const KEY_ID: &str = "lantern-test-issuer-1";

pub fn jwks() -> serde_json::Value {
    serde_json::json!({ "keys": [{
        "kty": "RSA",
        "use": "sig",
        "alg": "RS512",
        "kid": KEY_ID,
        "n": ISSUER_MODULUS.trim(),
        "e": "AQAB",
    }]})
}
