//! Uptake data as NHS Digital publishes it (POMI and registered-patient counts): written a whole file
//! at a time in one transaction, and read back as practice-months for the measures in
//! `lantern_core::uptake`. One row per practice × month with a column per POMI field keeps the national
//! six-month file to ~42,000 rows instead of ~540,000, which is what makes import and the England table
//! fast on SQLite; the field set is closed (an importer rejects unknown fields), so nothing is lost.

mod read;
mod reference;
mod totals;
mod write;

pub use reference::{
    cbt_daily_flag_source, AccessRowCounts, AppointmentShare, CbtDailyBatch, CbtDailyWriteSummary, ImdRow,
    ReferenceBatch, ReferenceRowCounts,
};
pub use write::{PomiBatch, PomiImport, RegistrationRow, UptakeWriteSummary};

use crate::StoreError;
use lantern_core::uptake::{OrgKind, PomiField, PomiValues, PracticeMonth};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

/// A quirk of the data as stored: see `lantern_core::uptake::QuirkKind` for the kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UptakeFlag {
    /// The data set the flag is about: `pomi`, `registrations`.
    pub source: String,
    pub practice: String,
    pub period: String,
    pub kind: String,
    pub field: String,
    pub detail: String,
}

/// The published name of an organisation a file mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UptakeName {
    /// `practice`, `region`, `ccg`, `sub_icb` or `icb`.
    pub kind: String,
    pub code: String,
    pub name: String,
}

/// How many rows each uptake table holds (to show that re-importing changes nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UptakeRowCounts {
    pub pomi: i64,
    pub flags: i64,
    pub names: i64,
    pub registrations: i64,
}

/// `uptake_pomi`'s columns in the order [`bind_month`] binds them.
fn pomi_columns() -> Vec<&'static str> {
    let mut columns = vec!["period", "practice", "supplier", "region", "org_kind", "org", "icb"];
    columns.extend(PomiField::ALL.iter().map(|f| f.column()));
    columns
}

/// Borrows the texts rather than cloning them: a national file binds a quarter of a million.
fn bind_month<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    m: &'q PracticeMonth,
) -> Query<'q, Any, AnyArguments<'q>> {
    let mut query = query
        .bind(m.period.as_str())
        .bind(m.practice.as_str())
        .bind(m.supplier.as_str())
        .bind(m.region.as_str())
        .bind(m.org_kind.code())
        .bind(m.org.as_str())
        .bind(m.icb.as_deref());
    for (_, value) in m.values.iter() {
        query = query.bind(value);
    }
    query
}

/// Reads a row selected with [`pomi_columns`], by position: the England table reads every practice of
/// a month, and looking each of 20 columns up by name was most of its time.
fn practice_month(row: &AnyRow) -> Result<PracticeMonth, StoreError> {
    const FIRST_FIELD: usize = 7;
    let kind: String = row.try_get(4)?;
    let mut values = PomiValues::default();
    for (i, field) in PomiField::ALL.into_iter().enumerate() {
        values.set(field, row.try_get::<Option<i64>, _>(FIRST_FIELD + i)?);
    }
    Ok(PracticeMonth {
        period: row.try_get(0)?,
        practice: row.try_get(1)?,
        supplier: row.try_get(2)?,
        region: row.try_get(3)?,
        org_kind: OrgKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("org_kind {kind:?}")))?,
        org: row.try_get(5)?,
        icb: row.try_get(6)?,
        values,
    })
}
