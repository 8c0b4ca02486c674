//! Turning what a person submitted into a valid episode for its practice, shared by the API and pages.

use crate::http::error::ApiError;
use jiff::Timestamp;
use lantern_core::episode::{Episode, EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::submission::SubmissionKey;
use lantern_core::validation::ValidationErrors;
use lantern_store::{Store, StoreError};

/// Whether the submission logs new help or corrects help already logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    New,
    Edit,
}

pub async fn validate(store: &Store, input: &EpisodeInput, mode: Mode) -> Result<Episode, ApiError> {
    let practice = OdsCode::parse(&input.practice)
        .map_err(|e| ApiError::Invalid(ValidationErrors::single("practice", e.to_string())))?;
    let settings = match store.settings_cached(&practice).await {
        Err(StoreError::NotFound(_)) => {
            return Err(ApiError::Invalid(ValidationErrors::single(
                "practice",
                format!("No practice {practice} is set up in Lantern"),
            )))
        }
        other => other?,
    };
    let ctx = PracticeContext {
        practice: &practice,
        services: &settings.services,
        staff: &settings.staff,
        offers: &settings.offers,
        now: Timestamp::now(),
    };
    match mode {
        Mode::New => input.validate(&ctx),
        Mode::Edit => input.validate_past(&ctx),
    }
    .map_err(ApiError::Invalid)
}

/// Stores a validated new episode for `user`: once per submission `key` when one came with it (the
/// log form's hidden key, the API's `Idempotency-Key`), so a repeated submission finds the first.
pub async fn create(
    store: &Store,
    user: &crate::auth::CurrentUser,
    input: &EpisodeInput,
    episode: &Episode,
    key: Option<&str>,
) -> Result<lantern_store::Submitted, ApiError> {
    let actor = user.actor();
    let Some(raw) = key else {
        let record = store.create_episode(episode, &actor).await?;
        return Ok(lantern_store::Submitted { record, replayed: false });
    };
    let key = SubmissionKey::new(&user.user.id.to_string(), raw, input)
        .map_err(|e| ApiError::Invalid(ValidationErrors::single("idempotency_key", e.to_string())))?;
    Ok(store.create_episode_once(episode, &actor, &key).await?)
}
