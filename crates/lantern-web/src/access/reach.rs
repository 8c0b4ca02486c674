//! The practice boundary for things found by id: a study, a session, a guide, or the practice a page
//! is asked about. Anything outside the caller's reach answers "not found", never "forbidden", so
//! nobody learns that another practice's record exists. Pages and API both ask here.

use super::scope;
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use lantern_core::access::Role;
use lantern_core::guides::Guide;
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_store::{ObservationSession, Store, StoreError, StudyRecord};
use uuid::Uuid;

/// The study, if the user reaches every one of its practices and may read it.
pub async fn study_in_reach(store: &Store, user: &CurrentUser, raw: &str) -> Result<StudyRecord, ApiError> {
    let missing = || ApiError::NotFound(format!("study {raw} not found"));
    let id = Uuid::parse_str(raw).map_err(|_| missing())?;
    let record = store.study(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => missing(),
        other => other.into(),
    })?;
    if may_read(user, &record) {
        Ok(record)
    } else {
        Err(missing())
    }
}

/// A session and its study, if the study is in reach.
pub async fn session_in_reach(
    store: &Store,
    user: &CurrentUser,
    raw: &str,
) -> Result<(StudyRecord, ObservationSession), ApiError> {
    let missing = || ApiError::NotFound(format!("session {raw} not found"));
    let id = Uuid::parse_str(raw).map_err(|_| missing())?;
    let session = store.observation_session(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => missing(),
        other => other.into(),
    })?;
    let study = study_in_reach(store, user, &session.info.study.to_string()).await.map_err(|_| missing())?;
    Ok((study, session))
}

/// Who may see a study: someone who reaches all its practices and is in the study (made it, or is
/// one of its observers); administrators see every study. Observation notes are a researcher's field
/// record of named practices' staff, not for every researcher in the organisation.
pub fn may_read(user: &CurrentUser, record: &StudyRecord) -> bool {
    let study = &record.study;
    let member = user.role() == Role::Admin
        || record.created_by == Some(user.user.id)
        || study.observers.contains(&user.user.id);
    member && study.practices.iter().all(|p| user.can_reach(p))
}

/// The guide and its practice, if the user may reach that practice.
pub async fn guide_in_reach(
    store: &Store,
    user: &CurrentUser,
    id: &str,
) -> Result<(OdsCode, Guide), ApiError> {
    let not_found = || ApiError::NotFound(format!("guide {id}"));
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let (practice, guide) = store.guide(id).await?;
    if user.can_reach(&practice) {
        Ok((practice, guide))
    } else {
        Err(not_found())
    }
}

/// The practice asked for (if within reach) or the one the session works in; `None` answers "not found".
pub fn chosen_practice(user: &CurrentUser, requested: Option<&str>) -> Option<OdsCode> {
    match requested {
        Some(raw) => scope::practice(user, raw).ok(),
        None => user.current_practice.clone(),
    }
}

/// As [`chosen_practice`], reading a blank choice as no choice (the practice switch's empty option).
pub fn chosen_or_current(user: &CurrentUser, requested: Option<&str>) -> Option<OdsCode> {
    chosen_practice(user, requested.map(str::trim).filter(|p| !p.is_empty()))
}

/// The practices of organisation `org` (PCN or ICB) that `user` may see, and whether any is synthetic.
/// Analysts see their own organisation (or, for an ICB analyst, a PCN inside it); admins any. The
/// "Practices compared" page and its API both ask here, so they cover the same practices.
pub async fn organisation_members(
    store: &Store,
    user: &CurrentUser,
    org: &OdsCode,
) -> Result<(Vec<Practice>, bool), ApiError> {
    let all = store.list_practices().await?;
    let members: Vec<_> =
        all.iter().filter(|(p, _)| p.pcn.as_ref() == Some(org) || p.icb.as_ref() == Some(org)).collect();
    // An organisation is shown whole or not at all: figures labelled as an ICB must not quietly cover
    // only the part of it a PCN analyst may see.
    let whole = members.iter().all(|(p, _)| user.can_reach(&p.ods_code));
    if members.is_empty() || !whole || (user.role() != Role::Admin && user.user.organisation.is_none()) {
        return Err(ApiError::NotFound(format!("organisation {org} not found")));
    }
    let synthetic = members.iter().any(|(_, s)| *s);
    Ok((members.iter().map(|(p, _)| p.clone()).collect(), synthetic))
}

/// The offer, if the user may reach its practice; otherwise "not found", as if it did not exist.
pub async fn offer_in_reach(
    store: &Store,
    user: &CurrentUser,
    raw: &str,
) -> Result<lantern_core::offer::Offer, ApiError> {
    let missing = || ApiError::NotFound(format!("offer {raw} not found"));
    let id = Uuid::parse_str(raw.trim()).map_err(|_| missing())?;
    let offer = store.offer(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => missing(),
        other => other.into(),
    })?;
    if user.can_reach(&offer.practice) {
        Ok(offer)
    } else {
        Err(missing())
    }
}
