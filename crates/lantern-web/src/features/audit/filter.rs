//! Which audit records a request may read: the query both the page and the API take, and what it
//! becomes for the store.

use crate::auth::CurrentUser;
use lantern_core::access::Role;
use lantern_store::AuditFilter;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. `episode.edit`, `sign_in.failed`.
    action: Option<String>,
    username: Option<String>,
    /// The id of the record the entries are about.
    record_id: Option<String>,
    /// Only records before this sequence number (to page back).
    before: Option<i64>,
    /// At most this many (1 to 1,000; default 100).
    limit: Option<i64>,
}

impl AuditQuery {
    /// How many records to give: 1 to 1,000, 100 when not asked.
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, 1_000)
    }
}

/// What a user may read of the trail: administrators everything, leads their practices' records.
pub fn filter_for(user: &CurrentUser, query: &AuditQuery) -> AuditFilter {
    let practices = match user.role() {
        Role::Admin => None,
        _ => Some(user.practices.iter().map(ToString::to_string).collect()),
    };
    AuditFilter {
        practices,
        include_unplaced: false,
        action: query.action.clone(),
        username: query.username.clone(),
        record_id: query.record_id.clone(),
        before_seq: query.before,
    }
}
