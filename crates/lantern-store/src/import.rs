//! Bulk loading: a whole file's episodes in one transaction, so an import either lands entirely or
//! not at all.

use crate::episodes::insert_new;
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::episode::Episode;
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
    pub async fn import_episodes(&self, rows: &[ImportRow]) -> Result<ImportSummary, StoreError> {
        let mut summary = ImportSummary::default();
        let mut w = self.begin_write().await?;
        let now = Timestamp::now();
        for row in rows {
            let id = row.id.unwrap_or_else(Uuid::now_v7);
            if row.id.is_some() {
                if let Some(existing) = self.existing_in(&mut w, id).await? {
                    if existing == row.episode {
                        summary.unchanged += 1;
                        continue;
                    }
                    return Err(StoreError::Conflict(format!(
                        "line {}: episode {id} already exists with different details",
                        row.line
                    )));
                }
            }
            insert_new(&mut w.tx, id, &row.episode, now).await.map_err(|e| match e {
                StoreError::Database(db) => StoreError::Conflict(format!("line {}: {db}", row.line)),
                other => other,
            })?;
            summary.created += 1;
        }
        w.commit().await?;
        Ok(summary)
    }

    async fn existing_in(&self, w: &mut crate::WriteTx<'_>, id: Uuid) -> Result<Option<Episode>, StoreError> {
        let sql = format!(
            "SELECT {}, {} FROM episodes e JOIN episode_versions v ON v.episode_id = e.id \
             AND v.version = e.current_version WHERE e.id = $1",
            crate::rows::RECORD_COLUMNS,
            crate::rows::VERSION_COLUMNS
        );
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&mut *w.tx).await?;
        row.as_ref().map(crate::rows::record).transpose().map(|r| r.map(|r| r.episode))
    }
}
