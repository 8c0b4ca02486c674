//! The test keys in `keys/` (see its README): public in this repository, trusted by nothing real.

pub const ISSUER_KEY: &[u8] = include_bytes!("../keys/issuer.pem");
pub const ISSUER_MODULUS: &str = include_str!("../keys/issuer.n");
pub const IMPOSTOR_KEY: &[u8] = include_bytes!("../keys/impostor.pem");
/// The key the provider signs with after [`crate::Issuer::rotate_key`], under [`ROTATED_KEY_ID`].
pub const ROTATED_KEY: &[u8] = include_bytes!("../keys/rotated.pem");
pub const ROTATED_MODULUS: &str = include_str!("../keys/rotated.n");
pub const CLIENT_PUBLIC_KEY: &[u8] = include_bytes!("../keys/client.pub.pem");
/// The client's private key, as a file Lantern reads (`--oidc-private-key`).
pub const CLIENT_PRIVATE_KEY_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/client.pem");
pub const KEY_ID: &str = "lantern-test-issuer-1";
pub const ROTATED_KEY_ID: &str = "lantern-test-issuer-2";

/// The key tokens are signed with now, and its id.
pub fn signing_key(rotated: bool) -> (&'static [u8], &'static str) {
    if rotated {
        (ROTATED_KEY, ROTATED_KEY_ID)
    } else {
        (ISSUER_KEY, KEY_ID)
    }
}

/// The published keys: the first key, or after rotation only the new one (the old one retired, so a
/// client still holding the old set cannot check a new token without fetching again).
pub fn jwks(rotated: bool) -> serde_json::Value {
    let (kid, modulus) = if rotated { (ROTATED_KEY_ID, ROTATED_MODULUS) } else { (KEY_ID, ISSUER_MODULUS) };
    serde_json::json!({ "keys": [{
        "kty": "RSA",
        "use": "sig",
        "alg": "RS512",
        "kid": kid,
        "n": modulus.trim(),
        "e": "AQAB",
    }]})
}
