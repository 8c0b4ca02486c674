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

impl Table for PracticePlace {
    const TABLE: &'static str = "uptake_places";
    const SOURCE: &'static str = "places";
    const PERIOD: Option<&'static str> = Some("extract");
    const COLUMNS: &'static [&'static str] =
        &["extract", "practice", "pcn", "sub_icb", "icb", "region", "supplier"];

    fn unit(&self) -> (String, String) {
        (self.extract.clone(), self.practice.clone())
    }

    fn bind<'q>(&self, query: Q<'q>) -> Q<'q> {
        query
            .bind(self.extract.clone())
            .bind(self.practice.clone())
            .bind(self.pcn.clone())
            .bind(self.sub_icb.clone())
            .bind(self.icb.clone())
            .bind(self.region.clone())
            .bind(self.supplier.clone())
    }

    fn read(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            extract: row.try_get("extract")?,
            practice: row.try_get("practice")?,
            pcn: row.try_get("pcn")?,
            sub_icb: row.try_get("sub_icb")?,
            icb: row.try_get("icb")?,
            region: row.try_get("region")?,
            supplier: row.try_get("supplier")?,
        })
    }
}

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

impl Table for OcMonth {
    const TABLE: &'static str = "uptake_oc";
    const SOURCE: &'static str = "oc";
    const PERIOD: Option<&'static str> = Some("period");
    const COLUMNS: &'static [&'static str] = &[
        "period",
        "practice",
        "supplier",
        "capability",
        "participation",
        "system_usage",
        "total_submissions",
        "clinical",
        "admin",
        "other",
        "patients_registered",
    ];

    fn unit(&self) -> (String, String) {
        (self.period.clone(), self.practice.clone())
    }

    fn bind<'q>(&self, query: Q<'q>) -> Q<'q> {
        query
            .bind(self.period.clone())
            .bind(self.practice.clone())
            .bind(self.supplier.clone())
            .bind(self.capability)
            .bind(self.participation)
            .bind(self.system_usage)
            .bind(self.total_submissions)
            .bind(self.clinical)
            .bind(self.admin)
            .bind(self.other)
            .bind(self.patients_registered)
    }

    fn read(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            period: row.try_get("period")?,
            practice: row.try_get("practice")?,
            supplier: row.try_get("supplier")?,
            capability: row.try_get("capability")?,
            participation: row.try_get("participation")?,
            system_usage: row.try_get("system_usage")?,
            total_submissions: row.try_get("total_submissions")?,
            clinical: row.try_get("clinical")?,
            admin: row.try_get("admin")?,
            other: row.try_get("other")?,
            patients_registered: row.try_get("patients_registered")?,
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

impl Table for OdsPractice {
    const TABLE: &'static str = "ods_practices";
    const SOURCE: &'static str = "epraccur";
    const PERIOD: Option<&'static str> = None;
    const COLUMNS: &'static [&'static str] = &[
        "practice",
        "name",
        "status",
        "prescribing_setting",
        "commissioner",
        "region",
        "postcode",
        "opened",
        "closed",
    ];

    fn unit(&self) -> (String, String) {
        (String::new(), self.practice.clone())
    }

    fn bind<'q>(&self, query: Q<'q>) -> Q<'q> {
        query
            .bind(self.practice.clone())
            .bind(self.name.clone())
            .bind(self.status.clone())
            .bind(self.prescribing_setting)
            .bind(self.commissioner.clone())
            .bind(self.region.clone())
            .bind(self.postcode.clone())
            .bind(self.opened.clone())
            .bind(self.closed.clone())
    }

    fn read(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            practice: row.try_get("practice")?,
            name: row.try_get("name")?,
            status: row.try_get("status")?,
            prescribing_setting: row.try_get("prescribing_setting")?,
            commissioner: row.try_get("commissioner")?,
            region: row.try_get("region")?,
            postcode: row.try_get("postcode")?,
            opened: row.try_get("opened")?,
            closed: row.try_get("closed")?,
        })
    }
}
