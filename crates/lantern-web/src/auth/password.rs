//! Passwords are hashed with argon2id (OWASP's parameters, via `password-auth`) on a blocking thread,
//! because each hash takes tens of milliseconds of CPU by design.

use std::sync::LazyLock;

/// Verified against when the username is unknown, so an unknown user takes as long as a wrong
/// password and timing reveals nothing.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash("not a real password, ever"));

pub async fn hash_password(password: String) -> String {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .unwrap_or_else(|_| String::from("!hashing failed"))
}

/// True when `password` matches `hash`; with no hash (unknown user) it does the same work and is false.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        password_auth::verify_password(password, &hash).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let hash = hash_password("correct horse battery".into()).await;
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("correct horse batterY".into(), Some(hash)).await);
        assert!(
            !verify_password("not a real password, ever".into(), None).await,
            "unknown users never match"
        );
    }
}
