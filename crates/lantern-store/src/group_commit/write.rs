//! The episode writes that share a group commit, and what each hands back.

use crate::import::{import_in, ImportRow, ImportSummary};
use crate::rollups::Deltas;
use crate::submissions::{create_once_in, Submitted};
use crate::{episodes, StoreError};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::episode::Episode;
use lantern_core::record::EpisodeRecord;
use lantern_core::submission::SubmissionKey;
use sqlx::any::Any;
use sqlx::Transaction;
use uuid::Uuid;

/// One write, owning what it needs: it runs later, on the committing task, and may run twice (alone,
/// after its batch failed), so ids are fixed when it is made.
pub(crate) enum EpisodeWrite {
    Create { id: Uuid, episode: Episode, actor: Actor },
    CreateOnce { id: Uuid, episode: Episode, actor: Actor, key: SubmissionKey },
    Update { id: Uuid, expected_version: Option<i64>, episode: Episode, actor: Actor },
    Delete { id: Uuid, expected_version: Option<i64>, reason: String, actor: Actor },
    Import { rows: Vec<ImportRow>, actor: Actor },
}

pub(crate) enum Written {
    Record(EpisodeRecord),
    Submitted(Submitted),
    Import(ImportSummary),
}

impl Written {
    pub fn record(self) -> Result<EpisodeRecord, StoreError> {
        match self {
            Written::Record(record) => Ok(record),
            _ => Err(StoreError::Corrupt("a group commit answered with the wrong kind of result".into())),
        }
    }

    pub fn submitted(self) -> Result<Submitted, StoreError> {
        match self {
            Written::Submitted(submitted) => Ok(submitted),
            _ => Err(StoreError::Corrupt("a group commit answered with the wrong kind of result".into())),
        }
    }

    pub fn import(self) -> Result<ImportSummary, StoreError> {
        match self {
            Written::Import(summary) => Ok(summary),
            _ => Err(StoreError::Corrupt("a group commit answered with the wrong kind of result".into())),
        }
    }
}

/// What a write leaves for the end of the batch: its rollup changes and its audit records, kept only
/// if the write succeeds.
#[derive(Default)]
pub(crate) struct Effects {
    pub deltas: Deltas,
    pub audit: Vec<AuditEntry>,
}

impl EpisodeWrite {
    pub async fn run(
        &self,
        tx: &mut Transaction<'static, Any>,
        fx: &mut Effects,
    ) -> Result<Written, StoreError> {
        Ok(match self {
            EpisodeWrite::Create { id, episode, actor } => {
                Written::Record(episodes::create_in(tx, *id, episode, actor, fx).await?)
            }
            EpisodeWrite::CreateOnce { id, episode, actor, key } => {
                Written::Submitted(create_once_in(tx, *id, episode, actor, key, fx).await?)
            }
            EpisodeWrite::Update { id, expected_version, episode, actor } => {
                Written::Record(episodes::update_in(tx, *id, *expected_version, episode, actor, fx).await?)
            }
            EpisodeWrite::Delete { id, expected_version, reason, actor } => {
                Written::Record(episodes::delete_in(tx, *id, *expected_version, reason, actor, fx).await?)
            }
            EpisodeWrite::Import { rows, actor } => Written::Import(import_in(tx, rows, actor, fx).await?),
        })
    }
}
