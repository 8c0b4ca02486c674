//! The audit trail's tamper evidence. Each record carries the hash of the one before, so altering,
//! inserting or removing any record breaks the chain from that point on, and `verify` names where.

use crate::record::storage_time;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash the first record points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something, as recorded: copied, not referenced, so the record outlives the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub user_id: Option<String>,
    pub username: String,
    pub role: String,
    pub organisation: Option<String>,
    /// The client's network address, when the action came over HTTP.
    pub client: Option<String>,
}

impl Actor {
    /// Lantern itself, acting for a command run on the server (`lantern demo`, `lantern import`).
    pub fn system(command: &str) -> Self {
        Self {
            user_id: None,
            username: format!("system:{command}"),
            role: "system".into(),
            organisation: None,
            client: None,
        }
    }
}

/// One audit record exactly as stored: every field is text so the hash is computed over what the
/// database holds, not over a re-serialisation that could differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    #[serde(flatten)]
    pub actor: Actor,
    /// What happened, e.g. `episode.create`, `sign_in.failed`, `export.episodes`.
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub practice: Option<String>,
    /// JSON of the record before the change (edits and deletions).
    pub before: Option<String>,
    /// JSON of the record after the change.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The parts of a record the writer supplies; sequence and hashes are added when it is appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub actor: Actor,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub practice: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    pub fn new(actor: &Actor, action: &str) -> Self {
        Self {
            at: Timestamp::now(),
            actor: actor.clone(),
            action: action.to_owned(),
            record_type: None,
            record_id: None,
            practice: None,
            before: None,
            after: None,
        }
    }

    pub fn record(mut self, record_type: &str, id: impl ToString) -> Self {
        self.record_type = Some(record_type.to_owned());
        self.record_id = Some(id.to_string());
        self
    }

    pub fn practice(mut self, practice: impl ToString) -> Self {
        self.practice = Some(practice.to_string());
        self
    }

    pub fn before<T: Serialize>(mut self, value: &T) -> Self {
        self.before = serde_json::to_string(value).ok();
        self
    }

    pub fn after<T: Serialize>(mut self, value: &T) -> Self {
        self.after = serde_json::to_string(value).ok();
        self
    }

    /// The stored record that follows `prev` (or starts the chain).
    pub fn chain(self, seq: i64, prev_hash: &str) -> AuditRecord {
        let mut record = AuditRecord {
            seq,
            at: storage_time(self.at),
            actor: self.actor,
            action: self.action,
            record_type: self.record_type,
            record_id: self.record_id,
            practice: self.practice,
            before: self.before,
            after: self.after,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        record.hash = record_hash(&record);
        record
    }
}

/// SHA-256 over every field but the hash itself, each length-prefixed so no two different records
/// can produce the same input.
pub fn record_hash(r: &AuditRecord) -> String {
    let seq = r.seq.to_string();
    let fields: [Option<&str>; 14] = [
        Some(&seq),
        Some(&r.at),
        r.actor.user_id.as_deref(),
        Some(&r.actor.username),
        Some(&r.actor.role),
        r.actor.organisation.as_deref(),
        r.actor.client.as_deref(),
        Some(&r.action),
        r.record_type.as_deref(),
        r.record_id.as_deref(),
        r.practice.as_deref(),
        r.before.as_deref(),
        r.after.as_deref(),
        Some(&r.prev_hash),
    ];
    let mut hasher = Sha256::new();
    for field in fields {
        match field {
            None => hasher.update(b"-;"),
            Some(text) => {
                hasher.update(text.len().to_string().as_bytes());
                hasher.update(b":");
                hasher.update(text.as_bytes());
                hasher.update(b";");
            }
        }
    }
    hex::encode(hasher.finalize())
}

/// Where the chain first fails, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit record {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Checks records given in sequence order that continue the chain after `anchor` (the sequence
/// number and hash of the last record already checked; `(0, GENESIS)` at the start). Returns the new
/// anchor.
pub fn verify_from<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    anchor: (i64, &str),
) -> Result<(i64, String), ChainBreak> {
    let (mut last_seq, mut prev) = (anchor.0, anchor.1.to_owned());
    for record in records {
        let expected = last_seq + 1;
        if record.seq != expected {
            let reason = format!("expected record {expected} next: a record is missing or was inserted");
            return Err(ChainBreak { seq: record.seq, reason });
        }
        if record.prev_hash != prev {
            return Err(ChainBreak {
                seq: record.seq,
                reason: "does not follow the record before it".into(),
            });
        }
        if record_hash(record) != record.hash {
            return Err(ChainBreak {
                seq: record.seq,
                reason: "its contents were altered after it was written".into(),
            });
        }
        prev.clone_from(&record.hash);
        last_seq = record.seq;
    }
    Ok((last_seq, prev))
}

/// Checks that the verified chain ends where the recorded head says it should, so records removed
/// from the end are noticed.
pub fn check_head(verified: (i64, &str), head: (i64, &str)) -> Result<i64, ChainBreak> {
    if verified.0 < head.0 {
        let reason = format!(
            "the trail ends at record {} but {} were written: records were removed",
            verified.0, head.0
        );
        return Err(ChainBreak { seq: verified.0 + 1, reason });
    }
    if verified.0 > head.0 {
        let reason = format!(
            "the trail goes on to record {} but {} were written: records were added",
            verified.0, head.0
        );
        return Err(ChainBreak { seq: head.0 + 1, reason });
    }
    if verified.1 != head.1 {
        let reason = "is not the last record that was written: it was replaced".to_owned();
        return Err(ChainBreak { seq: verified.0, reason });
    }
    Ok(verified.0)
}

/// Checks a whole chain held in memory, optionally against its recorded head.
pub fn verify<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    head: Option<(i64, &str)>,
) -> Result<i64, ChainBreak> {
    let (seq, hash) = verify_from(records, (0, GENESIS))?;
    match head {
        Some(head) => check_head((seq, &hash), head),
        None => Ok(seq),
    }
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
