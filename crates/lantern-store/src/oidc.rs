//! People who sign in through an OpenID Connect provider (NHS CIS2): the identities waiting for a
//! lead's decision, the decisions, and the sign-ins under way (state, nonce, PKCE verifier), each
//! used once. Nothing about patients is kept: the provider's subject, a name, an organisation, a role.

use crate::audit::append;
use crate::rows::{ods, time, uuid};
use crate::{Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use lantern_core::access::Role;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

/// Where a person stands with one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityStatus {
    Pending,
    Approved,
    Refused,
}

impl IdentityStatus {
    fn parse(code: &str) -> Result<Self, StoreError> {
        match code {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "refused" => Ok(Self::Refused),
            other => Err(StoreError::Corrupt(format!("identity status {other:?}"))),
        }
    }
}

/// A person as the provider names them, at one organisation.
#[derive(Debug, Clone, Serialize)]
pub struct OidcIdentity {
    pub id: Uuid,
    pub issuer: String,
    pub subject: String,
    pub organisation: OdsCode,
    pub display_name: String,
    /// The Lantern role their national RBAC role maps to.
    pub role: Role,
    /// The national RBAC role code they chose at the provider (e.g. R8008).
    pub rbac_role: String,
    pub status: IdentityStatus,
    pub user_id: Option<Uuid>,
    pub created_at: Timestamp,
}

/// What the provider said about a person signing in.
#[derive(Debug, Clone)]
pub struct SignInClaim {
    pub issuer: String,
    pub subject: String,
    pub organisation: OdsCode,
    pub display_name: String,
    pub role: Role,
    pub rbac_role: String,
}

/// A sign-in under way, found again by its state.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    pub nonce: String,
    pub verifier: String,
    pub next: String,
}

pub(crate) const IDENTITY_COLUMNS: &str =
    "id, issuer, subject, organisation, display_name, role, rbac_role, status, user_id, created_at";

pub(crate) fn identity(row: &AnyRow) -> Result<OidcIdentity, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(OidcIdentity {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        issuer: row.try_get("issuer")?,
        subject: row.try_get("subject")?,
        organisation: ods(&row.try_get::<String, _>("organisation")?)?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        rbac_role: row.try_get("rbac_role")?,
        status: IdentityStatus::parse(&row.try_get::<String, _>("status")?)?,
        user_id: row.try_get::<Option<String>, _>("user_id")?.as_deref().map(uuid).transpose()?,
        created_at: time(row, "created_at")?,
    })
}

/// What no password hash ever looks like, so an account made for a provider's person has no password.
pub const NO_PASSWORD: &str = "!oidc: signs in through the identity provider only";

impl Store {
    /// Keeps a sign-in's state (by its hash), nonce and verifier until the provider sends the person back.
    pub async fn start_oidc_login(
        &self,
        state_hash: &str,
        login: &PendingLogin,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        // Abandoned sign-ins are cleared as new ones start, so the table never grows.
        sqlx::query("DELETE FROM oidc_logins WHERE created_at < $1")
            .bind(storage_time(at - SignedDuration::from_hours(1)))
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, nonce, verifier, next, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(state_hash.to_owned())
        .bind(login.nonce.clone())
        .bind(login.verifier.clone())
        .bind(login.next.clone())
        .bind(storage_time(at))
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    /// Takes the sign-in with this state, once: a second call with the same state finds nothing, and
    /// so does one started before `not_before`.
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
        not_before: Timestamp,
    ) -> Result<Option<PendingLogin>, StoreError> {
        let mut w = self.begin_write().await?;
        let row =
            sqlx::query("SELECT nonce, verifier, next, created_at FROM oidc_logins WHERE state_hash = $1")
                .bind(state_hash.to_owned())
                .fetch_optional(&mut *w.tx)
                .await?;
        let deleted = sqlx::query("DELETE FROM oidc_logins WHERE state_hash = $1")
            .bind(state_hash.to_owned())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        let Some(row) = row.filter(|_| deleted.rows_affected() == 1) else { return Ok(None) };
        if time(&row, "created_at")? < not_before {
            return Ok(None);
        }
        Ok(Some(PendingLogin {
            nonce: row.try_get("nonce")?,
            verifier: row.try_get("verifier")?,
            next: row.try_get("next")?,
        }))
    }

    /// The person's identity at the organisation they chose, made (pending, audited) if it is new.
    /// The name is refreshed from the provider each time; status and role change only by decision.
    pub async fn oidc_identity_for(
        &self,
        claim: &SignInClaim,
        actor: &Actor,
    ) -> Result<OidcIdentity, StoreError> {
        let mut w = self.begin_write().await?;
        let now = storage_time(Timestamp::now());
        let inserted = sqlx::query(
            "INSERT INTO oidc_identities (id, issuer, subject, organisation, display_name, role, rbac_role, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) ON CONFLICT (issuer, subject, organisation) DO NOTHING",
        )
        .bind(Uuid::now_v7().to_string())
        .bind(claim.issuer.clone())
        .bind(claim.subject.clone())
        .bind(claim.organisation.to_string())
        .bind(claim.display_name.clone())
        .bind(claim.role.code().to_owned())
        .bind(claim.rbac_role.clone())
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        let sql = format!(
            "SELECT {IDENTITY_COLUMNS} FROM oidc_identities WHERE issuer = $1 AND subject = $2 AND organisation = $3"
        );
        let row = sqlx::query(&sql)
            .bind(claim.issuer.clone())
            .bind(claim.subject.clone())
            .bind(claim.organisation.to_string())
            .fetch_one(&mut *w.tx)
            .await?;
        let found = identity(&row)?;
        if inserted.rows_affected() == 1 {
            let entry = AuditEntry::new(actor, "oidc.requested")
                .record("oidc_identity", found.id)
                .practice(&found.organisation)
                .after(&found);
            append(&mut w.tx, self.backend, entry).await?;
        }
        w.commit().await?;
        Ok(found)
    }

    /// Identities at these organisations (every organisation with `None`), pending ones first.
    pub async fn oidc_identities(
        &self,
        organisations: Option<&[OdsCode]>,
    ) -> Result<Vec<OidcIdentity>, StoreError> {
        let sql = format!(
            "SELECT {IDENTITY_COLUMNS} FROM oidc_identities \
             ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, created_at DESC"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let all = rows.iter().map(identity).collect::<Result<Vec<_>, _>>()?;
        Ok(all.into_iter().filter(|i| organisations.is_none_or(|o| o.contains(&i.organisation))).collect())
    }

    pub async fn oidc_identity(&self, id: Uuid) -> Result<OidcIdentity, StoreError> {
        let sql = format!("SELECT {IDENTITY_COLUMNS} FROM oidc_identities WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("sign-in request {id}")))?;
        identity(&row)
    }

    /// Records how a sign-in through the provider ended when no session was made (`action` such as
    /// `oidc.sign_in_refused` or `oidc.sign_in_pending`), with the reason in words.
    pub async fn record_oidc_outcome(
        &self,
        action: &str,
        reason: &str,
        organisation: Option<&OdsCode>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let mut entry = AuditEntry::new(actor, action).after(&serde_json::json!({ "reason": reason }));
        if let Some(organisation) = organisation {
            entry = entry.practice(organisation);
        }
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }
}
