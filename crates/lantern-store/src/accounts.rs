//! Accounts, sessions, API tokens and sign-in throttling. Secrets never reach this layer in the clear:
//! it stores password hashes and token hashes made by the caller.

use crate::audit::append;
use crate::rows::{ods, time, uuid};
use crate::sql::flag;
use crate::{Backend, Store, StoreError};
use jiff::Timestamp;
use lantern_core::access::{Role, User};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::identity::{check_free_text, FreeText};
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use lantern_core::validation::ValidationErrors;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

/// A signed-in browser session, found by the hash of its cookie.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub current_practice: Option<OdsCode>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An API token as listed to its owner (never the token itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiTokenInfo {
    pub id: Uuid,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.staff_id, u.organisation, u.active";

/// The account in `row` (read with [`USER_COLUMNS`]) with the practices it belongs to.
fn user_with(row: &AnyRow, practices: Vec<OdsCode>) -> Result<User, StoreError> {
    let id: String = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    Ok(User {
        id: uuid(&id)?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        staff_id: row.try_get::<Option<String>, _>("staff_id")?.as_deref().map(uuid).transpose()?,
        organisation: row.try_get::<Option<String>, _>("organisation")?.as_deref().map(ods).transpose()?,
        practices,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

impl Store {
    /// Creates an account; `password_hash` is already an argon2id PHC string.
    pub async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        insert_user(&mut w.tx, self.backend, user, password_hash, actor).await?;
        w.commit().await
    }

    /// The account and its password hash, for signing in.
    pub async fn user_for_sign_in(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1");
        let Some(row) = sqlx::query(&sql).bind(username.to_owned()).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let hash: String = row.try_get("password_hash")?;
        Ok(Some((self.user_from(&row).await?, hash)))
    }

    pub async fn user(&self, id: Uuid) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))?;
        self.user_from(&row).await
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut users = Vec::with_capacity(rows.len());
        for row in &rows {
            users.push(self.user_from(row).await?);
        }
        Ok(users)
    }

    async fn user_from(&self, row: &AnyRow) -> Result<User, StoreError> {
        let id: String = row.try_get("id")?;
        let practices =
            sqlx::query("SELECT practice FROM user_practices WHERE user_id = $1 ORDER BY practice")
                .bind(id.clone())
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| ods(&r.try_get::<String, _>("practice")?))
                .collect::<Result<_, _>>()?;
        user_with(row, practices)
    }

    /// Replaces a password and signs the account out everywhere: all sessions end and all its API
    /// tokens are revoked.
    pub async fn set_password(
        &self,
        user_id: Uuid,
        password_hash: &str,
        actor: &Actor,
        action: &str,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(password_hash.to_owned())
            .bind(storage_time(Timestamp::now()))
            .bind(user_id.to_string())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *w.tx)
            .await?;
        // A token made under the old password must not outlive it: whoever knew that password may
        // have made one, and a reset after a compromise has to shut them out too.
        let revoked =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(storage_time(Timestamp::now()))
                .bind(user_id.to_string())
                .execute(&mut *w.tx)
                .await?
                .rows_affected();
        let entry = AuditEntry::new(actor, action)
            .record("user", user_id)
            .after(&serde_json::json!({ "api_tokens_revoked": revoked }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }

    /// Starts a session at `started_at` (the server's clock), recording the sign-in in the same
    /// transaction.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &User,
        csrf_token: &str,
        started_at: Timestamp,
        expires_at: Timestamp,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let now = storage_time(started_at);
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, current_practice, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash.to_owned())
        .bind(user.id.to_string())
        .bind(csrf_token.to_owned())
        .bind(user.practices.first().map(ToString::to_string))
        .bind(now)
        .bind(storage_time(expires_at))
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE username = $1")
            .bind(user.username.clone())
            .execute(&mut *w.tx)
            .await?;
        append(&mut w.tx, self.backend, AuditEntry::new(actor, "sign_in").record("user", user.id)).await?;
        w.commit().await
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.current_practice, s.created_at, s.last_seen_at, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        );
        let Some(row) = sqlx::query(&sql).bind(token_hash.to_owned()).fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user: self.user_from(&row).await?,
            csrf_token: row.try_get("csrf_token")?,
            current_practice: row
                .try_get::<Option<String>, _>("current_practice")?
                .as_deref()
                .map(ods)
                .transpose()?,
            created_at: time(&row, "created_at")?,
            last_seen_at: time(&row, "last_seen_at")?,
            expires_at: time(&row, "expires_at")?,
        }))
    }

    /// Marks the session used at `at` (the server's clock), so its idle clock restarts. Not audited: it
    /// is not a change anyone made.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        current_practice: Option<&OdsCode>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1, current_practice = COALESCE($2, current_practice) WHERE token_hash = $3")
            .bind(storage_time(at))
            .bind(current_practice.map(ToString::to_string))
            .bind(token_hash.to_owned())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    /// Ends a session; `action` says why (`sign_out`, `session.expired`).
    pub async fn end_session(&self, token_hash: &str, actor: &Actor, action: &str) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() > 0 {
            let mut entry = AuditEntry::new(actor, action);
            if let Some(id) = &actor.user_id {
                entry = entry.record("user", id);
            }
            append(&mut w.tx, self.backend, entry).await?;
        }
        w.commit().await
    }

    /// Records a failed sign-in (the audit record and the throttle count) in one transaction.
    pub async fn record_sign_in_failure(&self, username: &str, actor: &Actor) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        sqlx::query("INSERT INTO sign_in_failures (id, username, client, at) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::now_v7().to_string())
            .bind(username.to_owned())
            .bind(actor.client.clone().unwrap_or_default())
            .bind(storage_time(Timestamp::now()))
            .execute(&mut *w.tx)
            .await?;
        let entry = AuditEntry::new(actor, "sign_in.failed")
            .after(&serde_json::json!({ "username": auditable_username(username) }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }

    /// Records a sign-in refused because of too many failures (audit only: it is not another failure).
    pub async fn record_sign_in_throttled(&self, username: &str, actor: &Actor) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let entry =
            AuditEntry::new(actor, "sign_in.throttled").after(&serde_json::json!({ "username": username }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }

    /// Failed sign-ins since `since`: (for this username, from this client address).
    pub async fn recent_sign_in_failures(
        &self,
        username: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<(i64, i64), StoreError> {
        let since = storage_time(since);
        let mut counts = [0; 2];
        for (slot, (column, value)) in [("username", username), ("client", client)].into_iter().enumerate() {
            let row = sqlx::query(&format!(
                "SELECT COUNT(*) AS n FROM sign_in_failures WHERE {column} = $1 AND at >= $2"
            ))
            .bind(value.to_owned())
            .bind(since.clone())
            .fetch_one(&self.pool)
            .await?;
            counts[slot] = row.try_get::<i64, _>("n")?;
        }
        Ok((counts[0], counts[1]))
    }

    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
        token_hash: &str,
        actor: &Actor,
    ) -> Result<Uuid, StoreError> {
        ValidationErrors::check(check_free_text("name", "The token name", name, FreeText::LINE))?;
        let id = Uuid::now_v7();
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(user.id.to_string())
        .bind(name.to_owned())
        .bind(token_hash.to_owned())
        .bind(storage_time(Timestamp::now()))
        .execute(&mut *w.tx)
        .await?;
        let entry = AuditEntry::new(actor, "api_token.create").record("api_token", id);
        append(
            &mut w.tx,
            self.backend,
            entry.after(&serde_json::json!({ "name": name, "user": user.username })),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// The live (unrevoked) token's owner. Its "last used" time is refreshed at most once a minute, so
    /// reading with a token does not turn every request into a write.
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        // One query for the token, its account and the account's practices (a row per practice):
        // every API request asks this before anything else.
        let sql = format!(
            "SELECT t.id AS token_id, t.last_used_at, {USER_COLUMNS}, up.practice FROM api_tokens t \
             JOIN users u ON u.id = t.user_id LEFT JOIN user_practices up ON up.user_id = u.id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL ORDER BY up.practice"
        );
        let rows = sqlx::query(&sql).bind(token_hash.to_owned()).fetch_all(&self.pool).await?;
        let Some(row) = rows.first() else { return Ok(None) };
        let id: String = row.try_get("token_id")?;
        let practices = rows
            .iter()
            .filter_map(|r| r.try_get::<Option<String>, _>("practice").transpose())
            .map(|practice| ods(&practice?))
            .collect::<Result<_, _>>()?;
        let user = user_with(row, practices)?;
        let now = Timestamp::now();
        let fresh = match row.try_get::<Option<String>, _>("last_used_at")? {
            Some(_) => now.duration_since(time(row, "last_used_at")?) < jiff::SignedDuration::from_secs(60),
            None => false,
        };
        if !fresh {
            let mut w = self.begin_write().await?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(storage_time(now))
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
            w.commit().await?;
        }
        Ok(Some(user))
    }

    pub async fn api_tokens(&self, user_id: Uuid) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let optional_time = |row: &AnyRow, column: &str| -> Result<Option<Timestamp>, StoreError> {
            match row.try_get::<Option<String>, _>(column)? {
                Some(_) => time(row, column).map(Some),
                None => Ok(None),
            }
        };
        rows.iter()
            .map(|row| {
                Ok(ApiTokenInfo {
                    id: uuid(&row.try_get::<String, _>("id")?)?,
                    name: row.try_get("name")?,
                    created_at: time(row, "created_at")?,
                    last_used_at: optional_time(row, "last_used_at")?,
                    revoked_at: optional_time(row, "revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of the user's tokens; another user's token is "not found".
    pub async fn revoke_api_token(
        &self,
        user_id: Uuid,
        token_id: Uuid,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(storage_time(Timestamp::now()))
        .bind(token_id.to_string())
        .bind(user_id.to_string())
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("API token {token_id}")));
        }
        append(
            &mut w.tx,
            self.backend,
            AuditEntry::new(actor, "api_token.revoke").record("api_token", token_id),
        )
        .await?;
        w.commit().await
    }
}

/// What a failed sign-in's audit record says was typed as the username. Whatever was typed stays in
/// the append-only trail for good, and a mistyped username can be anything (a password, a patient's
/// details), so it is kept only when it could be a username and carries no identifier other than an
/// email address (staff may sign in with theirs).
fn auditable_username(typed: &str) -> String {
    let screened = check_free_text("username", "The username", typed, FreeText::EMAIL_ALLOWED);
    match lantern_core::access::parse_username(typed) {
        Ok(username) if screened.is_empty() => username,
        _ => "(withheld: not a possible username, or it looks like a patient identifier)".to_owned(),
    }
}

/// Inserts an account and its practices, audited, inside the caller's transaction, so a caller that
/// makes an account as part of something larger (approving a CIS2 sign-in request) commits or loses both.
pub(crate) async fn insert_user(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    user: &User,
    password_hash: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    ValidationErrors::check(check_free_text("display_name", "The name", &user.display_name, FreeText::LINE))?;
    let now = storage_time(Timestamp::now());
    let inserted = sqlx::query(
        "INSERT INTO users (id, username, display_name, role, staff_id, organisation, password_hash, active, \
         created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (username) DO NOTHING",
    )
    .bind(user.id.to_string())
    .bind(user.username.clone())
    .bind(user.display_name.clone())
    .bind(user.role.code().to_owned())
    .bind(user.staff_id.map(|id| id.to_string()))
    .bind(user.organisation.as_ref().map(ToString::to_string))
    .bind(password_hash.to_owned())
    .bind(flag(user.active))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("there is already an account called {}", user.username)));
    }
    for practice in &user.practices {
        sqlx::query("INSERT INTO user_practices (user_id, practice) VALUES ($1, $2)")
            .bind(user.id.to_string())
            .bind(practice.to_string())
            .execute(&mut **tx)
            .await?;
    }
    let entry = AuditEntry::new(actor, "user.create").record("user", user.id);
    let entry = match user.practices.first() {
        Some(p) => entry.practice(p),
        None => entry,
    };
    append(tx, backend, entry.after(user)).await?;
    Ok(())
}
