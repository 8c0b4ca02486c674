//! A lead's (or administrator's) decision on a CIS2 sign-in request. Each decision is one
//! transaction: the identity's new status, the account it makes or changes, and their audit records
//! commit together or not at all, so no approved identity is ever without its account and its record.

use crate::accounts::insert_user;
use crate::audit::append;
use crate::oidc::{identity, IdentityStatus, OidcIdentity, IDENTITY_COLUMNS, NO_PASSWORD};
use crate::{Backend, Store, StoreError};
use jiff::Timestamp;
use lantern_core::access::{Role, User};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::record::storage_time;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

type Tx = Transaction<'static, Any>;

fn already_decided() -> StoreError {
    StoreError::Conflict("this sign-in request was already decided".into())
}

/// The identity, read inside the transaction that changes it. On PostgreSQL the row is locked, so two
/// people deciding at once (or a decision racing the person's sign-in) take turns; SQLite's single
/// writer already makes them.
pub(crate) async fn identity_in(tx: &mut Tx, backend: Backend, id: Uuid) -> Result<OidcIdentity, StoreError> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let sql = format!("SELECT {IDENTITY_COLUMNS} FROM oidc_identities WHERE id = $1{lock}");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("sign-in request {id}")))?;
    identity(&row)
}

/// The account's role now.
pub(crate) async fn account_role(tx: &mut Tx, user_id: Uuid) -> Result<Role, StoreError> {
    let row = sqlx::query("SELECT role FROM users WHERE id = $1")
        .bind(user_id.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {user_id}")))?;
    let role: String = row.try_get("role")?;
    Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))
}

/// Gives an existing account the identity's role. A change between practice roles and
/// organisation-wide ones also moves what the account is linked to, and ends its sessions, which
/// were opened within the old reach.
async fn set_account_role(tx: &mut Tx, user_id: Uuid, found: &OidcIdentity) -> Result<Role, StoreError> {
    let before = account_role(tx, user_id).await?;
    let id = user_id.to_string();
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(found.role.code().to_owned())
        .bind(id.clone())
        .execute(&mut **tx)
        .await?;
    if before.is_practice_based() != found.role.is_practice_based() {
        let practice_based = found.role.is_practice_based();
        let organisation = (!practice_based).then(|| found.organisation.to_string());
        sqlx::query("UPDATE users SET organisation = $1 WHERE id = $2")
            .bind(organisation)
            .bind(id.clone())
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM user_practices WHERE user_id = $1")
            .bind(id.clone())
            .execute(&mut **tx)
            .await?;
        if practice_based {
            sqlx::query("INSERT INTO user_practices (user_id, practice) VALUES ($1, $2)")
                .bind(id.clone())
                .bind(found.organisation.to_string())
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut **tx).await?;
    }
    Ok(before)
}

/// The account an approved person gets: no password, linked to the identity's practice (staff and
/// leads) or organisation (analysts and researchers).
fn new_account(found: &OidcIdentity) -> User {
    let practice_based = found.role.is_practice_based();
    User {
        id: Uuid::now_v7(),
        // The subject is the provider's; the organisation keeps one account per organisation.
        username: format!("cis2-{}-{}", found.subject, found.organisation).to_lowercase(),
        display_name: found.display_name.clone(),
        role: found.role,
        staff_id: None,
        organisation: (!practice_based).then(|| found.organisation.clone()),
        practices: if practice_based { vec![found.organisation.clone()] } else { Vec::new() },
        active: true,
    }
}

/// Marks a pending identity decided; the status guard makes a decision count once.
async fn decide(
    tx: &mut Tx,
    found: &OidcIdentity,
    status: &str,
    user_id: Option<Uuid>,
    actor: &Actor,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE oidc_identities SET status = $1, user_id = $2, decided_at = $3, decided_by = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.to_owned())
    .bind(user_id.map(|id| id.to_string()))
    .bind(storage_time(Timestamp::now()))
    .bind(actor.username.clone())
    .bind(found.id.to_string())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(already_decided());
    }
    Ok(())
}

impl Store {
    /// Approves a pending identity. A first request makes its account (no password); a person who
    /// already has one and asked for a higher role gets that role on the same account.
    pub async fn approve_oidc_identity(&self, id: Uuid, actor: &Actor) -> Result<User, StoreError> {
        let mut w = self.begin_write().await?;
        let found = identity_in(&mut w.tx, self.backend, id).await?;
        if found.status != IdentityStatus::Pending {
            return Err(already_decided());
        }
        let (user_id, before) = match found.user_id {
            Some(existing) => (existing, Some(set_account_role(&mut w.tx, existing, &found).await?)),
            None => {
                let user = new_account(&found);
                insert_user(&mut w.tx, self.backend, &user, NO_PASSWORD, actor).await?;
                (user.id, None)
            }
        };
        decide(&mut w.tx, &found, "approved", Some(user_id), actor).await?;
        let mut entry = AuditEntry::new(actor, "oidc.approved")
            .record("oidc_identity", id)
            .practice(&found.organisation)
            .after(&serde_json::json!({ "user": user_id, "role": found.role.code(), "rbac_role": found.rbac_role }));
        if let Some(before) = before {
            entry = entry.before(&serde_json::json!({ "role": before.code() }));
        }
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await?;
        self.user(user_id).await
    }

    /// Refuses a pending identity. A first request leaves the person without access (they see
    /// "refused" until an administrator acts); a refused request for a higher role leaves their
    /// account as it was.
    pub async fn refuse_oidc_identity(&self, id: Uuid, actor: &Actor) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let found = identity_in(&mut w.tx, self.backend, id).await?;
        if found.status != IdentityStatus::Pending {
            return Err(already_decided());
        }
        decide(&mut w.tx, &found, "refused", found.user_id, actor).await?;
        let entry = AuditEntry::new(actor, "oidc.request_refused")
            .record("oidc_identity", id)
            .practice(&found.organisation)
            .after(&serde_json::json!({ "role_asked": found.role.code(), "account_kept": found.user_id }));
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }
}
