//! Lantern roles follow CIS2 at every sign-in, not just the first. CIS2 is where a Registration
//! Authority records what a person does now, so a role taken away there must not live on here.
//!
//! - The same role as the account's: nothing changes.
//! - A lower one (practice lead → staff): the account steps down at once, with no one's approval,
//!   because less access cannot hurt anyone.
//! - A higher one, or another kind (staff → lead): the person keeps the role they were approved for
//!   and a request for the new one waits for a lead, as a first sign-in does. The effective role is
//!   therefore the lower of approved and mapped. Raising it silently would let whoever controls a
//!   smartcard's RBAC entry (or a mistaken role table) grant practice-wide access that no lead of the
//!   practice agreed to; locking the person out until someone decides would punish a promotion.
//! - No mapped role: sign-in is refused (by the caller) and [`Store::withdraw_oidc_access`] ends the
//!   account's sessions and API tokens here.
//!
//! Every change is audited in the transaction that makes it.

use crate::audit::append;
use crate::oidc::{IdentityStatus, SignInClaim};
use crate::oidc_decisions::{account_role, identity_in};
use crate::{Store, StoreError};
use jiff::Timestamp;
use lantern_core::access::{Role, User};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::ods::OdsCode;
use lantern_core::record::storage_time;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

/// A step down that needs nobody's approval. Only lead → staff: the one pair where one role plainly
/// holds less than the other (an analyst sees aggregates of many practices, staff one practice's
/// episodes, so neither is "lower" than the other).
fn is_lower(to: Role, from: Role) -> bool {
    from == Role::PracticeLead && to == Role::Staff
}

/// Sets the identity's status and the role it names (the approved role, or the one asked for).
async fn set_identity(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    status: &str,
    claim: &SignInClaim,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE oidc_identities SET status = $1, role = $2, rbac_role = $3 WHERE id = $4")
        .bind(status.to_owned())
        .bind(claim.role.code().to_owned())
        .bind(claim.rbac_role.clone())
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Brings the account of an identity that has one in line with the role CIS2 maps to now (see
    /// the module's comment), and returns the account as it signs in.
    pub async fn follow_oidc_role(
        &self,
        id: Uuid,
        claim: &SignInClaim,
        actor: &Actor,
    ) -> Result<User, StoreError> {
        let mut w = self.begin_write().await?;
        let found = identity_in(&mut w.tx, self.backend, id).await?;
        let user_id = found
            .user_id
            .ok_or_else(|| StoreError::Conflict("this sign-in request has no account yet".into()))?;
        let current = account_role(&mut w.tx, user_id).await?;
        let entry = |action: &str| {
            AuditEntry::new(actor, action)
                .record("oidc_identity", id)
                .practice(&found.organisation)
                .before(&serde_json::json!({ "role": current.code() }))
        };
        let mapped = claim.role;
        if mapped == current {
            if found.status != IdentityStatus::Approved {
                // CIS2 is back to the role they have: the request for another has nothing left to decide.
                set_identity(&mut w.tx, id, "approved", claim).await?;
                let after =
                    serde_json::json!({ "withdrawn": found.role.code(), "rbac_role": claim.rbac_role });
                append(&mut w.tx, self.backend, entry("oidc.role_request_withdrawn").after(&after)).await?;
            }
        } else if is_lower(mapped, current) {
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                .bind(mapped.code().to_owned())
                .bind(user_id.to_string())
                .execute(&mut *w.tx)
                .await?;
            set_identity(&mut w.tx, id, "approved", claim).await?;
            let after = serde_json::json!({ "role": mapped.code(), "rbac_role": claim.rbac_role });
            append(&mut w.tx, self.backend, entry("oidc.role_lowered").after(&after)).await?;
        } else if !(found.role == mapped && found.status != IdentityStatus::Approved) {
            // Not already asked for (waiting, or refused once: a refusal is not asked again until CIS2
            // names yet another role).
            set_identity(&mut w.tx, id, "pending", claim).await?;
            let after = serde_json::json!({ "asked": mapped.code(), "rbac_role": claim.rbac_role });
            append(&mut w.tx, self.backend, entry("oidc.role_raise_requested").after(&after)).await?;
        }
        w.commit().await?;
        self.user(user_id).await
    }

    /// CIS2 no longer gives this person a role Lantern maps at `organisation`: the account they were
    /// approved for there (if any) loses its sessions and API tokens now, rather than when they next
    /// expire. The account stays, so a later mapped role signs in again without a new request.
    pub async fn withdraw_oidc_access(
        &self,
        issuer: &str,
        subject: &str,
        organisation: &OdsCode,
        rbac_role: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut w = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT id, user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2 AND organisation = $3",
        )
        .bind(issuer.to_owned())
        .bind(subject.to_owned())
        .bind(organisation.to_string())
        .fetch_optional(&mut *w.tx)
        .await?;
        let Some(row) = row else { return Ok(()) };
        let Some(user_id) = row.try_get::<Option<String>, _>("user_id")? else { return Ok(()) };
        let identity_id: String = row.try_get("id")?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.clone())
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        let tokens =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(storage_time(Timestamp::now()))
                .bind(user_id.clone())
                .execute(&mut *w.tx)
                .await?
                .rows_affected();
        let after = serde_json::json!({
            "user": user_id, "rbac_role": rbac_role, "sessions_ended": sessions, "api_tokens_revoked": tokens,
        });
        let entry = AuditEntry::new(actor, "oidc.role_withdrawn")
            .record("oidc_identity", identity_id)
            .practice(organisation)
            .after(&after);
        append(&mut w.tx, self.backend, entry).await?;
        w.commit().await
    }
}
