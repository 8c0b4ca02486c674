//! Bulk loading: a whole file's episodes in one transaction, so an import either lands entirely or
//! not at all.

use crate::episodes::{created, insert_new, read_in};
use crate::group_commit::{Effects, EpisodeWrite};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::episode::Episode;
use sqlx::any::Any;
use sqlx::Transaction;
use uuid::Uuid;

/// One episode to import, with the line it came from for error messages.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: u64,
    /// Kept when the file carries ids (an export being re-imported), otherwise new.
    pub id: Option<Uuid>,
    pub episode: Episode,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    /// Rows whose id already exists with identical content: re-importing a file changes nothing.
    pub unchanged: u64,
}

impl Store {
    /// Stores every row in one transaction, each with its audit record, plus one record for the import.
    pub async fn import_episodes(
        &self,
        rows: &[ImportRow],
        actor: &Actor,
    ) -> Result<ImportSummary, StoreError> {
        let write = EpisodeWrite::Import { rows: rows.to_vec(), actor: actor.clone() };
        self.write_episodes(write).await?.import()
    }
}

/// A whole import inside a group commit's transaction: any row that fails fails the import.
pub(crate) async fn import_in(
    tx: &mut Transaction<'static, Any>,
    rows: &[ImportRow],
    actor: &Actor,
    fx: &mut Effects,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    let now = Timestamp::now();
    for row in rows {
        let id = row.id.unwrap_or_else(Uuid::now_v7);
        if row.id.is_some() {
            if let Some(existing) = read_in(tx, id).await? {
                if existing.episode == row.episode {
                    summary.unchanged += 1;
                    continue;
                }
                return Err(StoreError::Conflict(format!(
                    "line {}: episode {id} already exists with different details",
                    row.line
                )));
            }
        }
        insert_new(tx, id, &row.episode, now, actor).await.map_err(|e| match e {
            StoreError::Database(db) => StoreError::Conflict(format!("line {}: {db}", row.line)),
            other => other,
        })?;
        fx.audit.push(created(actor, id, &row.episode));
        fx.deltas.add(&row.episode, 1);
        summary.created += 1;
    }
    let counts = [("created", summary.created), ("unchanged", summary.unchanged)];
    fx.audit.push(AuditEntry::new(actor, "episodes.import").after(&std::collections::BTreeMap::from(counts)));
    Ok(summary)
}
