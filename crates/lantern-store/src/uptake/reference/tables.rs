//! How each reference table's rows are bound into SQL and read back. One place per table, so the
//! write path's comparison and the reads decode a row the same way.

use super::ImdRow;
use crate::StoreError;
use lantern_core::uptake::{AgeBandCount, OcMonth, OdsPractice, PracticePlace, Sex};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

pub(crate) type Q<'q> = Query<'q, Any, AnyArguments<'q>>;

/// A table holding one reference file's rows. A file is compared with what is stored unit by unit:
/// a unit is a practice in one period (one practice for `ods_practices`, which has no period), so a
/// re-import replaces a practice's rows and flags together or leaves them alone.
pub(crate) trait Table: PartialEq + Sized {
    const TABLE: &'static str;
    /// `uptake_flags.source` of the table's flags; the audit action is `import.{SOURCE}`.
    const SOURCE: &'static str;
    /// The column holding the unit's period, None when the table has none (its flags use period '').
    const PERIOD: Option<&'static str>;
    const COLUMNS: &'static [&'static str];
    /// (period, practice).
    fn unit(&self) -> (String, String);
    /// Binds a unit's period as its column's type.
    fn bind_period<'q>(query: Q<'q>, period: &str) -> Result<Q<'q>, StoreError> {
        Ok(query.bind(period.to_owned()))
    }
    fn bind<'q>(&self, query: Q<'q>) -> Q<'q>;
    fn read(row: &AnyRow) -> Result<Self, StoreError>;
}

/// A table whose columns are its type's fields, named alike and stored as they are: the binding and
/// reading follow from the list of fields, so a column cannot be bound in one order and read in another.
macro_rules! plain_table {
    ($ty:ty, table: $table:literal, source: $source:literal, period: $period:expr,
     unit: $unit:expr, columns: [$($field:ident),+ $(,)?]) => {
        impl Table for $ty {
            const TABLE: &'static str = $table;
            const SOURCE: &'static str = $source;
            const PERIOD: Option<&'static str> = $period;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn unit(&self) -> (String, String) {
                let unit: fn(&Self) -> (String, String) = $unit;
                unit(self)
            }

            fn bind<'q>(&self, query: Q<'q>) -> Q<'q> {
                query$(.bind(Clone::clone(&self.$field)))+
            }

            fn read(row: &AnyRow) -> Result<Self, StoreError> {
                Ok(Self { $($field: row.try_get(stringify!($field))?),+ })
            }
        }
    };
}

plain_table!(PracticePlace, table: "uptake_places", source: "places", period: Some("extract"),
    unit: |p| (p.extract.clone(), p.practice.clone()),
    columns: [extract, practice, pcn, sub_icb, icb, region, supplier]);

plain_table!(OcMonth, table: "uptake_oc", source: "oc", period: Some("period"),
    unit: |m| (m.period.clone(), m.practice.clone()),
    columns: [period, practice, supplier, capability, participation, system_usage, total_submissions,
        clinical, admin, other, patients_registered]);

plain_table!(OdsPractice, table: "ods_practices", source: "epraccur", period: None,
    unit: |p| (String::new(), p.practice.clone()),
    columns: [practice, name, status, prescribing_setting, commissioner, region, postcode, opened, closed]);

impl Table for AgeBandCount {
    const TABLE: &'static str = "uptake_age_bands";
    const SOURCE: &'static str = "age_bands";
    const PERIOD: Option<&'static str> = Some("period");
    const COLUMNS: &'static [&'static str] = &["period", "practice", "sex", "band_from", "patients"];

    fn unit(&self) -> (String, String) {
        (self.period.clone(), self.practice.clone())
    }

    fn bind<'q>(&self, query: Q<'q>) -> Q<'q> {
        query
            .bind(self.period.clone())
            .bind(self.practice.clone())
            .bind(self.sex.code())
            .bind(i64::from(self.band_from))
            .bind(self.patients)
    }

    fn read(row: &AnyRow) -> Result<Self, StoreError> {
        let sex: String = row.try_get("sex")?;
        let band: i64 = row.try_get("band_from")?;
        Ok(Self {
            period: row.try_get("period")?,
            practice: row.try_get("practice")?,
            sex: Sex::parse(&sex).ok_or_else(|| StoreError::Corrupt(format!("age band sex {sex:?}")))?,
            band_from: u8::try_from(band).map_err(|_| StoreError::Corrupt(format!("age band {band}")))?,
            patients: row.try_get("patients")?,
        })
    }
}

impl Table for ImdRow {
    const TABLE: &'static str = "uptake_imd";
    const SOURCE: &'static str = "imd";
    const PERIOD: Option<&'static str> = Some("year");
    const COLUMNS: &'static [&'static str] = &["year", "practice", "score"];

    fn unit(&self) -> (String, String) {
        (self.year.to_string(), self.practice.clone())
    }

    fn bind_period<'q>(query: Q<'q>, period: &str) -> Result<Q<'q>, StoreError> {
        let year: i64 = period.parse().map_err(|_| StoreError::Corrupt(format!("IMD year {period:?}")))?;
        Ok(query.bind(year))
    }

    fn bind<'q>(&self, query: Q<'q>) -> Q<'q> {
        query.bind(i64::from(self.year)).bind(self.practice.clone()).bind(self.score)
    }

    fn read(row: &AnyRow) -> Result<Self, StoreError> {
        let year: i64 = row.try_get("year")?;
        Ok(Self {
            year: i32::try_from(year).map_err(|_| StoreError::Corrupt(format!("IMD year {year}")))?,
            practice: row.try_get("practice")?,
            score: row.try_get("score")?,
        })
    }
}
