//! "Audit trail": who did what, when, from where, within the same boundary as the API (administrators
//! everything, practice leads their practices' records), and the same records as a CSV download.
//! Downloading is itself recorded: every export is audited.

use super::filter::{filter_for, AuditQuery};
use crate::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::kit::choices::Choice;
use crate::kit::failure::PageError;
use crate::kit::render;
use crate::kit::shell::Shell;
use crate::kit::urls::urlencode;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use lantern_core::access::Role;
use lantern_core::audit::{AuditEntry, AuditRecord};
use lantern_core::episode::local_time;
use lantern_store::AuditFilter;
use serde::Deserialize;
use serde_json::json;

const PAGE: usize = 100;
const MAX_EXPORT: i64 = 10_000;

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    shell: Shell,
    actions: Vec<Choice>,
    username: String,
    record_id: String,
    filtered: bool,
    rows: Vec<Row>,
    /// The link to the next page back, when there is one.
    older: Option<String>,
    csv: String,
}

struct Row {
    when: String,
    username: String,
    role: String,
    action: String,
    record_type: String,
    record_id: String,
    /// The trail filtered to this record: its whole history.
    record_href: String,
    practice: String,
    client: String,
}

/// The filter form as submitted: blank fields mean "any", and nothing here can fail to parse.
#[derive(Debug, Default, Deserialize)]
pub struct AuditPageQuery {
    action: Option<String>,
    username: Option<String>,
    record_id: Option<String>,
    before: Option<String>,
}

impl AuditPageQuery {
    fn text(value: Option<&String>) -> Option<String> {
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// The same filter the API would apply to these parameters for this user (its scoping included).
    fn filter(&self, user: &CurrentUser) -> Result<AuditFilter, ApiError> {
        let query: AuditQuery = serde_json::from_value(json!({
            "action": Self::text(self.action.as_ref()),
            "username": Self::text(self.username.as_ref()).map(|u| u.to_lowercase()),
            "record_id": Self::text(self.record_id.as_ref()),
            "before": self.before.as_deref().and_then(|b| b.trim().parse::<i64>().ok()),
        }))
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
        Ok(filter_for(user, &query))
    }

    /// The filters as a query string (without `before`), for the paging and download links.
    fn query_string(&self) -> String {
        [("action", &self.action), ("username", &self.username), ("record_id", &self.record_id)]
            .into_iter()
            .filter_map(|(key, value)| Self::text(value.as_ref()).map(|v| format!("{key}={}", urlencode(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AuditPageQuery>,
) -> Result<Response, PageError> {
    Ok(render(&page(&state, &user, &query).await?))
}

async fn page(state: &AppState, user: &CurrentUser, query: &AuditPageQuery) -> Result<AuditPage, ApiError> {
    let filter = query.filter(user)?;
    // One more than a page, to know whether there is an older page without counting the whole trail.
    let mut records = state.store.audit_records(&filter, i64::try_from(PAGE + 1).unwrap_or(101)).await?;
    let filters = query.query_string();
    let joiner = if filters.is_empty() { "" } else { "&" };
    let older = (records.len() > PAGE).then(|| {
        records.truncate(PAGE);
        let last = records.last().map_or(0, |r| r.seq);
        format!("/audit?{filters}{joiner}before={last}")
    });
    let mut known = state.store.audit_actions(filter.practices.as_deref()).await?;
    if let Some(action) = filter.action.clone().filter(|a| !known.contains(a)) {
        known.push(action);
    }
    let chosen = filter.action.clone().unwrap_or_default();
    let actions = std::iter::once(String::new())
        .chain(known)
        .enumerate()
        .map(|(i, action)| Choice {
            id: format!("action-{i}"),
            checked: action == chosen,
            label: if action.is_empty() { "Any action".to_owned() } else { action.clone() },
            value: action,
        })
        .collect();
    Ok(AuditPage {
        shell: Shell::for_user(state, user, "Audit trail", "/audit").await?,
        actions,
        username: query.username.clone().unwrap_or_default(),
        record_id: query.record_id.clone().unwrap_or_default(),
        filtered: !filters.is_empty() || filter.before_seq.is_some(),
        rows: records.iter().map(row).collect(),
        older,
        csv: if filters.is_empty() { "/audit.csv".to_owned() } else { format!("/audit.csv?{filters}") },
    })
}

fn row(r: &AuditRecord) -> Row {
    let when =
        r.at.parse::<Timestamp>()
            .map_or_else(|_| r.at.clone(), |at| local_time(at).strftime("%-d %b %Y %H:%M:%S").to_string());
    Row {
        when,
        username: r.actor.username.clone(),
        role: Role::parse(&r.actor.role).map_or_else(|| r.actor.role.clone(), |role| role.label().to_owned()),
        action: r.action.clone(),
        record_type: r.record_type.clone().unwrap_or_default(),
        record_id: r.record_id.clone().unwrap_or_default(),
        record_href: r
            .record_id
            .as_deref()
            .map(|id| format!("/audit?record_id={}", urlencode(id)))
            .unwrap_or_default(),
        practice: r.practice.clone().unwrap_or_default(),
        client: r.actor.client.clone().unwrap_or_default(),
    }
}

/// The filtered trail (newest first, up to 10,000 records) as CSV, every field included.
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AuditPageQuery>,
) -> Result<Response, PageError> {
    let body = export(&state, &user, &query).await?;
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"lantern-audit.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn export(state: &AppState, user: &CurrentUser, query: &AuditPageQuery) -> Result<String, ApiError> {
    let filter = query.filter(user)?;
    let records = state.store.audit_records(&filter, MAX_EXPORT).await?;
    // Recorded before anything is sent: if the record cannot be written, nothing is exported.
    let what = json!({
        "records": records.len(),
        "filters": { "action": filter.action, "username": filter.username, "record_id": filter.record_id,
            "before": filter.before_seq },
    });
    state.store.audit(AuditEntry::new(&user.actor(), "export.audit").after(&what)).await?;
    let mut out = String::from(
        "seq,at,user_id,username,role,organisation,client,action,record_type,record_id,practice,before,after,prev_hash,hash\r\n",
    );
    for r in &records {
        let a = &r.actor;
        let seq = r.seq.to_string();
        let cells: [Option<&str>; 15] = [
            Some(&seq),
            Some(&r.at),
            a.user_id.as_deref(),
            Some(&a.username),
            Some(&a.role),
            a.organisation.as_deref(),
            a.client.as_deref(),
            Some(&r.action),
            r.record_type.as_deref(),
            r.record_id.as_deref(),
            r.practice.as_deref(),
            r.before.as_deref(),
            r.after.as_deref(),
            Some(&r.prev_hash),
            Some(&r.hash),
        ];
        let line: Vec<String> = cells.iter().map(|c| quoted(&neutralise(c.unwrap_or_default()))).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// A cell a spreadsheet would run as a formula (usernames and free text can start with anything)
/// is prefixed with an apostrophe, so opening the file cannot execute it.
fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// RFC 4180 quoting: JSON cells are full of commas and quotes.
fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_quotes_doubled() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("episode.create"), "episode.create");
        assert_eq!(quoted(r#"{"a":1}"#), r#""{""a"":1}""#);
    }
}
