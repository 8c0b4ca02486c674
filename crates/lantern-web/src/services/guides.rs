//! Guides as other features offer them.

use crate::http::error::ApiError;
use lantern_core::guides::Guide;
use lantern_core::ods::OdsCode;
use lantern_store::Store;
use uuid::Uuid;

/// A link to a guide, as offered beside the quick-log form.
#[derive(Debug, Clone)]
pub struct GuideLink {
    pub id: Uuid,
    pub title: String,
}

/// The guides that cover any of `services` or `tasks`, those covering most first, at most five: a short
/// list the helper can take in while the patient waits.
pub async fn links_for(
    store: &Store,
    practice: &OdsCode,
    services: &[String],
    tasks: &[String],
) -> Result<Vec<GuideLink>, ApiError> {
    let mut scored: Vec<(usize, Guide)> = store
        .guides(practice, None)
        .await?
        .into_iter()
        .map(|g| {
            let score = g.services.iter().filter(|s| services.contains(s)).count()
                + g.tasks.iter().filter(|t| tasks.contains(t)).count();
            (score, g)
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    // Stable: ties keep the store's alphabetical order.
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    Ok(scored.into_iter().take(5).map(|(_, g)| GuideLink { id: g.id, title: g.title }).collect())
}
