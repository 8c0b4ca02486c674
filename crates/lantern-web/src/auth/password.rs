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

/// The hash a sign-in is checked against, and whether a match may count. An account with no usable
/// hash (unknown; made for a CIS2 person, whose marker is not a PHC string; a hash that failed) is
/// checked against the dummy: a marker would be refused without any argon2 work, and the quick answer
/// would tell a prober which usernames are CIS2-only accounts.
fn hash_to_check(hash: Option<String>) -> (String, bool) {
    // Every PHC string starts with `$`; the markers Lantern stores instead start with `!`.
    match hash.filter(|h| h.starts_with('$')) {
        Some(hash) => (hash, true),
        None => (DUMMY_HASH.clone(), false),
    }
}

/// True when `password` matches `hash`; with no usable hash it does the same work and is false.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let (hash, counts) = hash_to_check(hash);
        password_auth::verify_password(password, &hash).is_ok() && counts
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

    #[test]
    fn an_account_without_a_password_is_checked_like_a_wrong_password() {
        let real = password_auth::generate_hash("correct horse battery");
        let (checked, counts) = hash_to_check(Some(lantern_store::NO_PASSWORD.to_owned()));
        assert!(!counts, "nothing typed can match an account with no password");
        assert_eq!(checked, *DUMMY_HASH, "the dummy is verified, not the marker");
        let params = |phc: &str| phc.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(&checked), params(&real), "the same argon2id algorithm and cost as a real hash");
        assert_eq!(hash_to_check(Some(real.clone())), (real, true));
        assert!(!hash_to_check(Some("!hashing failed".into())).1);
    }

    #[tokio::test]
    async fn the_no_password_marker_is_never_a_password() {
        let marker = lantern_store::NO_PASSWORD.to_owned();
        assert!(!verify_password(marker.clone(), Some(marker)).await);
    }
}
