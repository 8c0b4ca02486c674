//! The support offer register (see `lantern_core::offer`) and the help logged for an offer. Every write
//! is one transaction with its audit record: create, edit and end record the offer before and after.
//! An episode names its offer as part of the episode itself (`Episode::offer_id`, written by the
//! episode's own create or edit: see [`crate::episodes`]).

use crate::audit::append;
use crate::ownership::date;
use crate::rows::{uuid, RECORD_COLUMNS, VERSION_COLUMNS};
use crate::sql::{join_codes, split_codes};
use crate::{Store, StoreError};
use jiff::civil::Date;
use jiff::Timestamp;
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::ods::OdsCode;
use lantern_core::offer::{check_end, Offer, OfferDraft, OfferFields, OfferKind, RunBy};
use lantern_core::record::storage_time;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

pub(crate) const COLUMNS: &str =
    "id, practice, kind, title, started_on, ended_on, run_by_staff, run_by_name, age_bands, audience";

pub(crate) fn offer(row: &AnyRow) -> Result<Offer, StoreError> {
    let kind: String = row.try_get("kind")?;
    let run_by = match (row.try_get::<Option<String>, _>("run_by_staff")?, row.try_get("run_by_name")?) {
        (Some(id), None) => RunBy::Staff(uuid(&id)?),
        (None, Some(name)) => RunBy::Named(name),
        _ => return Err(StoreError::Corrupt("an offer run by both or neither of staff and a name".into())),
    };
    Ok(Offer {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        practice: crate::rows::ods(&row.try_get::<String, _>("practice")?)?,
        kind: OfferKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("offer kind {kind:?}")))?,
        title: row.try_get("title")?,
        started_on: date(Some(row.try_get("started_on")?))?.unwrap_or_default(),
        ended_on: date(row.try_get("ended_on")?)?,
        run_by,
        age_bands: split_codes(&row.try_get::<String, _>("age_bands")?),
        groups: split_codes(&row.try_get::<String, _>("audience")?),
    })
}

async fn read_in(connection: &mut AnyConnection, id: Uuid) -> Result<Offer, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM support_offers WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("offer {id}")))?;
    offer(&row)
}

/// The help logged for an offer: episodes naming it (current versions, not deleted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OfferHelp {
    pub episodes: i64,
    /// Minutes of the episodes.
    pub minutes: i64,
    /// Staff minutes by helper (an episode's minutes count once for each of its helpers, as in the
    /// hidden-work figures), most first.
    pub helper_minutes: Vec<(Uuid, i64)>,
}

impl Store {
    /// The practice's offers, oldest start first.
    pub async fn offers(&self, practice: &OdsCode) -> Result<Vec<Offer>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM support_offers WHERE practice = $1 ORDER BY started_on, title, id"
        ))
        .bind(practice.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(offer).collect()
    }

    pub async fn offer(&self, id: Uuid) -> Result<Offer, StoreError> {
        let mut connection = self.pool.acquire().await?;
        read_in(&mut connection, id).await
    }

    /// Registers an offer at the practice.
    pub async fn create_offer(
        &self,
        practice: &OdsCode,
        draft: &OfferDraft,
        actor: &Actor,
    ) -> Result<Offer, StoreError> {
        self.create_offer_with_id(practice, Uuid::now_v7(), draft, actor).await
    }

    /// Like [`Self::create_offer`] with the id chosen by the caller: the demo derives it from its seed,
    /// so the same seed gives the same data, the offer its episodes name included.
    pub async fn create_offer_with_id(
        &self,
        practice: &OdsCode,
        id: Uuid,
        draft: &OfferDraft,
        actor: &Actor,
    ) -> Result<Offer, StoreError> {
        let fields = draft.check(practice, &self.staff(practice).await?, None)?;
        let mut w = self.begin_write().await?;
        let now = storage_time(Timestamp::now());
        sqlx::query(
            "INSERT INTO support_offers (id, practice, kind, title, started_on, ended_on, run_by_staff, run_by_name, \
             age_bands, audience, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(id.to_string())
        .bind(practice.to_string())
        .bind(fields.kind.code())
        .bind(fields.title.clone())
        .bind(fields.started_on.to_string())
        .bind(fields.ended_on.map(|d| d.to_string()))
        .bind(staff_of(&fields.run_by))
        .bind(name_of(&fields.run_by))
        .bind(join_codes(&fields.age_bands))
        .bind(join_codes(&fields.groups))
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
        let after = read_in(&mut w.tx, id).await?;
        let entry = AuditEntry::new(actor, "offer.create").record("offer", id).practice(practice);
        append(&mut w.tx, self.backend, entry.after(&after)).await?;
        self.commit_offer(w).await?;
        Ok(after)
    }

    /// Rewrites an offer of the practice (an offer of another practice is not found).
    pub async fn edit_offer(
        &self,
        practice: &OdsCode,
        id: Uuid,
        draft: &OfferDraft,
        actor: &Actor,
    ) -> Result<Offer, StoreError> {
        let staff = self.staff(practice).await?;
        let mut w = self.begin_write().await?;
        let before = practice_offer(&mut w.tx, practice, id).await?;
        let fields = draft.check(practice, &staff, Some(&before))?;
        write(&mut w.tx, id, &fields).await?;
        let after = read_in(&mut w.tx, id).await?;
        let entry = AuditEntry::new(actor, "offer.edit").record("offer", id).practice(practice);
        append(&mut w.tx, self.backend, entry.before(&before).after(&after)).await?;
        self.commit_offer(w).await?;
        Ok(after)
    }

    /// Ends a running offer on `ended_on` (not before it started).
    pub async fn end_offer(
        &self,
        practice: &OdsCode,
        id: Uuid,
        ended_on: Date,
        actor: &Actor,
    ) -> Result<Offer, StoreError> {
        let mut w = self.begin_write().await?;
        let before = practice_offer(&mut w.tx, practice, id).await?;
        if let Some(ended) = before.ended_on {
            return Err(StoreError::Conflict(format!("offer {id} already ended on {ended}")));
        }
        check_end(&before, ended_on)?;
        let fields = OfferFields {
            kind: before.kind,
            title: before.title.clone(),
            started_on: before.started_on,
            ended_on: Some(ended_on),
            run_by: before.run_by.clone(),
            age_bands: before.age_bands.clone(),
            groups: before.groups.clone(),
        };
        write(&mut w.tx, id, &fields).await?;
        let after = read_in(&mut w.tx, id).await?;
        let entry = AuditEntry::new(actor, "offer.end").record("offer", id).practice(practice);
        append(&mut w.tx, self.backend, entry.before(&before).after(&after)).await?;
        self.commit_offer(w).await?;
        Ok(after)
    }

    /// Commits an offer's change and empties the settings cache, which holds each practice's offers for
    /// episode validation (whether the commit went through or not: a failed commit's outcome is not
    /// known for certain).
    async fn commit_offer(&self, w: crate::WriteTx<'_>) -> Result<(), StoreError> {
        let committed = w.commit().await;
        self.settings_cache.invalidate();
        committed
    }

    /// The episodes naming an offer (current versions, not deleted) that occurred before `until` (all
    /// when None), oldest first.
    pub async fn offer_episodes(
        &self,
        offer: Uuid,
        until: Option<Timestamp>,
    ) -> Result<Vec<lantern_core::record::EpisodeRecord>, StoreError> {
        let until = until.map_or_else(|| "9999".to_owned(), storage_time);
        let sql = format!(
            "SELECT {RECORD_COLUMNS}, {VERSION_COLUMNS} FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version \
             WHERE e.offer_id = $1 AND e.deleted_at IS NULL AND e.occurred_at < $2 ORDER BY e.occurred_at, e.id"
        );
        let rows = sqlx::query(&sql).bind(offer.to_string()).bind(until).fetch_all(&self.pool).await?;
        rows.iter().map(crate::rows::record).collect()
    }

    /// Every practice with an offer registered (they are no one's untouched peers).
    pub async fn practices_with_offers(&self) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT practice FROM support_offers").fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok(row.try_get::<String, _>("practice")?)).collect()
    }

    /// The help logged for an offer, from episodes that occurred before `until` (all when None).
    pub async fn offer_help(&self, offer: Uuid, until: Option<Timestamp>) -> Result<OfferHelp, StoreError> {
        let until = until.map_or_else(|| "9999".to_owned(), storage_time);
        let totals = sqlx::query(
            "SELECT COUNT(*) AS episodes, CAST(COALESCE(SUM(v.duration_minutes), 0) AS BIGINT) AS minutes \
             FROM episodes e JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version \
             WHERE e.offer_id = $1 AND e.deleted_at IS NULL AND e.occurred_at < $2",
        )
        .bind(offer.to_string())
        .bind(until.clone())
        .fetch_one(&self.pool)
        .await?;
        let helpers = sqlx::query(
            "SELECT h.staff_id, CAST(SUM(v.duration_minutes) AS BIGINT) AS minutes FROM episodes e \
             JOIN episode_versions v ON v.episode_id = e.id AND v.version = e.current_version \
             JOIN episode_helpers h ON h.episode_id = e.id \
             WHERE e.offer_id = $1 AND e.deleted_at IS NULL AND e.occurred_at < $2 GROUP BY h.staff_id",
        )
        .bind(offer.to_string())
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        let mut helper_minutes = helpers
            .iter()
            .map(|row| Ok((uuid(&row.try_get::<String, _>("staff_id")?)?, row.try_get::<i64, _>("minutes")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        helper_minutes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(OfferHelp {
            episodes: totals.try_get("episodes")?,
            minutes: totals.try_get("minutes")?,
            helper_minutes,
        })
    }
}

/// The offer, when it is the practice's; otherwise not found (as if another practice's did not exist).
async fn practice_offer(
    connection: &mut AnyConnection,
    practice: &OdsCode,
    id: Uuid,
) -> Result<Offer, StoreError> {
    let offer = read_in(connection, id).await?;
    if offer.practice != *practice {
        return Err(StoreError::NotFound(format!("offer {id}")));
    }
    Ok(offer)
}

async fn write(connection: &mut AnyConnection, id: Uuid, fields: &OfferFields) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE support_offers SET kind = $1, title = $2, started_on = $3, ended_on = $4, run_by_staff = $5, \
         run_by_name = $6, age_bands = $7, audience = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(fields.kind.code())
    .bind(fields.title.clone())
    .bind(fields.started_on.to_string())
    .bind(fields.ended_on.map(|d| d.to_string()))
    .bind(staff_of(&fields.run_by))
    .bind(name_of(&fields.run_by))
    .bind(join_codes(&fields.age_bands))
    .bind(join_codes(&fields.groups))
    .bind(storage_time(Timestamp::now()))
    .bind(id.to_string())
    .execute(connection)
    .await?;
    Ok(())
}

fn staff_of(run_by: &RunBy) -> Option<String> {
    match run_by {
        RunBy::Staff(id) => Some(id.to_string()),
        RunBy::Named(_) => None,
    }
}

fn name_of(run_by: &RunBy) -> Option<String> {
    match run_by {
        RunBy::Staff(_) => None,
        RunBy::Named(name) => Some(name.clone()),
    }
}
