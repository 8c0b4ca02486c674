//! Random secrets (session cookies, API tokens, CSRF tokens) and the hashes stored in their place.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, hex encoded: unguessable, and safe in cookies, headers and forms.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps instead of a secret, so a leaked table signs nobody in. The secrets are
/// random (not passwords), so a fast hash is enough.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_and_hashes_stable() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), a);
    }
}
