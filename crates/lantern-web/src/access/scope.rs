//! Practice boundaries. Everything outside the caller's reach answers 404, never 403, so nobody can
//! learn that another practice's record exists.

use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use lantern_core::access::Role;
use lantern_core::ods::OdsCode;
use lantern_core::record::EpisodeRecord;

pub fn practice(user: &CurrentUser, raw: &str) -> Result<OdsCode, ApiError> {
    OdsCode::parse(raw)
        .ok()
        .filter(|code| user.can_reach(code))
        .ok_or_else(|| ApiError::NotFound(format!("practice {raw} not found")))
}

pub fn episode(user: &CurrentUser, record: EpisodeRecord) -> Result<EpisodeRecord, ApiError> {
    if user.can_reach(&record.episode.practice) {
        Ok(record)
    } else {
        Err(ApiError::NotFound(format!("episode {} not found", record.id)))
    }
}

/// Staff change only episodes they logged or helped with; leads and administrators any in reach.
pub fn may_change(user: &CurrentUser, record: &EpisodeRecord) -> Result<(), ApiError> {
    let own = record.created_by.as_deref() == Some(&user.user.id.to_string())
        || user.user.staff_id.is_some_and(|id| record.episode.helpers.contains(&id));
    match user.role() {
        Role::Staff if !own => Err(ApiError::Forbidden),
        _ => Ok(()),
    }
}
