//! Appending to and reading the hash-chained audit trail. Records are appended inside the same
//! transaction as the change they describe, so a change and its record stand or fall together.

use crate::sql::values_rows;
use crate::{Backend, Store, StoreError};
use lantern_core::audit::{self, Actor, AuditEntry, AuditRecord, ChainBreak};
use sqlx::any::{Any, AnyRow};
use sqlx::{Row, Transaction};

const COLUMNS: &str =
    "seq, at, user_id, username, role, organisation, client, action, record_type, record_id, \
    practice, before_json, after_json, prev_hash, hash";

/// Which audit records to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only records about these practices (plus, when `include_unplaced`, records about no practice).
    pub practices: Option<Vec<String>>,
    pub include_unplaced: bool,
    pub action: Option<String>,
    pub username: Option<String>,
    pub record_id: Option<String>,
    /// Only records with `seq` below this (for paging back through history).
    pub before_seq: Option<i64>,
}

pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    entry: AuditEntry,
) -> Result<AuditRecord, StoreError> {
    let mut records = append_all(tx, backend, vec![entry]).await?;
    records.pop().ok_or_else(|| StoreError::Corrupt("no audit record was appended".into()))
}

/// Appends `entries` in order as consecutive records: one read and one update of the head, and the
/// records inserted many to a statement (a group commit's writes can bring hundreds).
pub(crate) async fn append_all(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    entries: Vec<AuditEntry>,
) -> Result<Vec<AuditRecord>, StoreError> {
    // Well under both backends' limits on bound parameters (SQLite 32,766; PostgreSQL 65,535).
    const ROWS_PER_INSERT: usize = 500;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // On PostgreSQL the row lock queues concurrent appenders so the chain never forks; SQLite's
    // single writer already does.
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let head = sqlx::query(&format!("SELECT seq, hash FROM audit_head WHERE id = 1{lock}"))
        .fetch_one(&mut **tx)
        .await?;
    let (mut seq, mut prev): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    let mut records = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let record = entry.chain(seq, &prev);
        prev.clone_from(&record.hash);
        records.push(record);
    }
    for chunk in records.chunks(ROWS_PER_INSERT) {
        let sql =
            format!("INSERT INTO audit_events ({COLUMNS}) VALUES {}", values_rows(backend, 15, chunk.len()));
        let mut query = sqlx::query(&sql);
        for record in chunk {
            query = query
                .bind(record.seq)
                .bind(record.at.clone())
                .bind(record.actor.user_id.clone())
                .bind(record.actor.username.clone())
                .bind(record.actor.role.clone())
                .bind(record.actor.organisation.clone())
                .bind(record.actor.client.clone())
                .bind(record.action.clone())
                .bind(record.record_type.clone())
                .bind(record.record_id.clone())
                .bind(record.practice.clone())
                .bind(record.before.clone())
                .bind(record.after.clone())
                .bind(record.prev_hash.clone())
                .bind(record.hash.clone());
        }
        query.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(prev)
        .execute(&mut **tx)
        .await?;
    Ok(records)
}

fn record(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: Actor {
            user_id: row.try_get("user_id")?,
            username: row.try_get("username")?,
            role: row.try_get("role")?,
            organisation: row.try_get("organisation")?,
            client: row.try_get("client")?,
        },
        action: row.try_get("action")?,
        record_type: row.try_get("record_type")?,
        record_id: row.try_get("record_id")?,
        practice: row.try_get("practice")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl Store {
    /// Records something that changes no other table (a sign-in, an export) as its own transaction.
    pub async fn audit(&self, entry: AuditEntry) -> Result<AuditRecord, StoreError> {
        let mut w = self.begin_write().await?;
        let record = append(&mut w.tx, self.backend, entry).await?;
        w.commit().await?;
        Ok(record)
    }

    /// Records newest first, at most `limit`.
    pub async fn audit_records(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut c = crate::sql::Conditions::default();
        if let Some(practices) = &filter.practices {
            let placeholders: Vec<String> =
                practices.iter().map(|p| c.bind_next(crate::sql::Value::Text(p.clone()))).collect();
            let listed = if placeholders.is_empty() {
                "FALSE".to_owned()
            } else {
                format!("practice IN ({})", placeholders.join(", "))
            };
            let unplaced = if filter.include_unplaced { " OR practice IS NULL" } else { "" };
            c.push_plain(&format!("({listed}{unplaced})"));
        }
        for (column, value) in
            [("action", &filter.action), ("username", &filter.username), ("record_id", &filter.record_id)]
        {
            if let Some(value) = value {
                c.push(&format!("{column} = ?"), crate::sql::Value::Text(value.clone()));
            }
        }
        if let Some(before) = filter.before_seq {
            c.push("seq < ?", crate::sql::Value::Int(before));
        }
        let limit_p = c.bind_next(crate::sql::Value::Int(limit.clamp(1, 10_000)));
        let sql =
            format!("SELECT {COLUMNS} FROM audit_events{} ORDER BY seq DESC LIMIT {limit_p}", c.where_sql());
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter().map(record).collect()
    }

    /// Walks the whole chain in order, a page at a time, checking every link and the recorded head.
    pub async fn verify_audit(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        let mut anchor = (0, audit::GENESIS.to_owned());
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 5000"
            ))
            .bind(anchor.0)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            let page = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
            match audit::verify_from(&page, (anchor.0, &anchor.1)) {
                Ok(next) => anchor = next,
                Err(found) => return Ok(Err(found)),
            }
        }
        Ok(audit::check_head((anchor.0, &anchor.1), (head_seq, &head_hash)))
    }
}
