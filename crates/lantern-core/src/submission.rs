//! Submission keys: what makes logging an episode safe to repeat. A receptionist's double click, a
//! back-and-resubmit, or a program retrying after a lost reply sends the same key again, and the
//! store answers with the episode it already holds instead of counting the help twice.

use crate::episode::EpisodeInput;
use sha2::{Digest, Sha256};

/// The longest key accepted: a UUID is 36 characters; the IETF draft suggests UUIDs or similar.
pub const MAX_KEY_CHARS: usize = 255;

/// A client's key, salted with the account that sent it, and a digest of what it was sent with.
/// Only hashes are kept: the key is the client's secret, and salting by account means one account's
/// key can never find another account's episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionKey {
    pub key_hash: String,
    pub payload_hash: String,
}

/// Why a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key is empty")]
    Empty,
    #[error("the key is longer than {MAX_KEY_CHARS} characters")]
    TooLong,
    #[error("the key may hold only visible ASCII characters")]
    NotPrintable,
}

impl SubmissionKey {
    /// The key `raw` sent by `account` with `input`. `raw` is a UUID from the log form or any visible
    /// ASCII string from an API client's `Idempotency-Key` header.
    pub fn new(account: &str, raw: &str, input: &EpisodeInput) -> Result<Self, KeyError> {
        if raw.is_empty() {
            return Err(KeyError::Empty);
        }
        if raw.chars().count() > MAX_KEY_CHARS {
            return Err(KeyError::TooLong);
        }
        if !raw.chars().all(|c| c.is_ascii_graphic()) {
            return Err(KeyError::NotPrintable);
        }
        let key_hash = digest(&[account.as_bytes(), raw.as_bytes()]);
        // The input as sent, not the validated episode: an absent time means "now", which differs
        // between the first try and the retry, yet they are the same submission.
        let payload = serde_json::to_vec(input).unwrap_or_default();
        let payload_hash = digest(&[&payload]);
        Ok(Self { key_hash, payload_hash })
    }
}

/// SHA-256 over length-prefixed parts, so ("ab", "c") and ("a", "bc") differ.
fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(note: &str) -> EpisodeInput {
        EpisodeInput { practice: "A81001".into(), note: Some(note.into()), ..EpisodeInput::default() }
    }

    #[test]
    fn same_account_key_and_input_give_the_same_hashes() {
        let a = SubmissionKey::new("user-1", "k-1", &input("x")).expect("key");
        let b = SubmissionKey::new("user-1", "k-1", &input("x")).expect("key");
        assert_eq!(a, b);
    }

    #[test]
    fn another_account_or_key_gives_another_key_hash() {
        let a = SubmissionKey::new("user-1", "k-1", &input("x")).expect("key");
        assert_ne!(a.key_hash, SubmissionKey::new("user-2", "k-1", &input("x")).expect("key").key_hash);
        assert_ne!(a.key_hash, SubmissionKey::new("user-1", "k-2", &input("x")).expect("key").key_hash);
        // Length-prefixing keeps the boundary between account and key.
        assert_ne!(
            SubmissionKey::new("ab", "c", &input("x")).expect("key").key_hash,
            SubmissionKey::new("a", "bc", &input("x")).expect("key").key_hash
        );
    }

    #[test]
    fn another_input_keeps_the_key_hash_but_not_the_payload_hash() {
        let a = SubmissionKey::new("user-1", "k-1", &input("x")).expect("key");
        let b = SubmissionKey::new("user-1", "k-1", &input("y")).expect("key");
        assert_eq!(a.key_hash, b.key_hash);
        assert_ne!(a.payload_hash, b.payload_hash);
    }

    #[test]
    fn malformed_keys_are_refused() {
        let i = input("x");
        assert_eq!(SubmissionKey::new("u", "", &i), Err(KeyError::Empty));
        assert_eq!(SubmissionKey::new("u", &"k".repeat(256), &i), Err(KeyError::TooLong));
        assert_eq!(SubmissionKey::new("u", "has space", &i), Err(KeyError::NotPrintable));
        assert_eq!(SubmissionKey::new("u", "caf\u{e9}", &i), Err(KeyError::NotPrintable));
        assert!(SubmissionKey::new("u", &"k".repeat(255), &i).is_ok());
    }
}
