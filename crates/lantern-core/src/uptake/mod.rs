//! Uptake of online services, from the data NHS Digital / NHS England publish per practice: POMI
//! (Patient Online Management Information: patients enabled for, and using, online appointments, repeat
//! prescriptions and the detailed coded record) and registered-patient counts. Uptake is the purpose the
//! hidden work serves, so the two are meant to be read side by side.
//!
//! - [`PomiField`] and [`PomiValues`]: the 13 published fields of one practice-month, blank kept as `None`.
//! - [`quirks`]: what is odd about a practice-month (blank values, more enabled than registered, a
//!   switched-off service with counts, …). Quirks are kept and flagged, never dropped or "fixed".
//! - [`measures`]: counts summed over a unit (practice, PCN, CCG / sub-ICB, ICB, region, England) and
//!   the rates worked out from the sums; [`placed`] for the levels only the practice map knows.
//! - [`peers`] (percentile among practices), [`trend`] (change over time), [`oc`] (online
//!   consultations), [`equity`] (deprivation quintiles, residuals), [`age`] (older patients' share) and
//!   [`beside`] (hidden work next to uptake).
//! - [`oc_notes`]: the months NHS England's notes say a supplier's online consultation data is incomplete.
//! - [`access`]: how patients reach the practice today (appointments by mode, telephony).
//! - [`nhs_app`]: NHS App use, published for ICBs and England only.

pub mod access;
pub mod age;
pub mod beside;
pub mod cbt_daily;
pub mod equity;
pub mod measures;
pub mod nhs_app;
pub mod oc;
pub mod oc_notes;
pub mod peers;
pub mod placed;
mod quirks;
pub mod reference;
pub mod trend;

#[cfg(test)]
mod fixtures;

pub use measures::{tabulate, Level, UnitUptake, UptakeCounts, UptakeRates};
pub use peers::{peer_ranks, Measure};
pub use placed::{tabulate_placed, PlacedTable};
pub use quirks::{quirks, Quirk, QuirkKind};
pub use reference::{AgeBandCount, Deprivation, OcMonth, OdsPractice, PracticePlace, Sex};

use serde::Serialize;

/// A POMI field, as named in the published long-format files (`field` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PomiField {
    PatientListSize,
    TotalPatEnbld,
    NewPatEnbld,
    TotalUse,
    SysApptsEnbld,
    PatApptsEnbld,
    PatApptsUse,
    SysPrescEnbld,
    PatPrescEnbld,
    PatPrescUse,
    SysDetCodeRecEnbld,
    PatDetCodeRecEnbld,
    PatDetCodeRecUse,
}

impl PomiField {
    pub const COUNT: usize = 13;

    /// In the order the store's columns are declared.
    pub const ALL: [PomiField; Self::COUNT] = [
        PomiField::PatientListSize,
        PomiField::TotalPatEnbld,
        PomiField::NewPatEnbld,
        PomiField::TotalUse,
        PomiField::SysApptsEnbld,
        PomiField::PatApptsEnbld,
        PomiField::PatApptsUse,
        PomiField::SysPrescEnbld,
        PomiField::PatPrescEnbld,
        PomiField::PatPrescUse,
        PomiField::SysDetCodeRecEnbld,
        PomiField::PatDetCodeRecEnbld,
        PomiField::PatDetCodeRecUse,
    ];

    /// The name in the published files.
    pub fn name(self) -> &'static str {
        match self {
            PomiField::PatientListSize => "patient_list_size",
            PomiField::TotalPatEnbld => "Total_Pat_Enbld",
            PomiField::NewPatEnbld => "New_Pat_Enbld",
            PomiField::TotalUse => "Total_Use",
            PomiField::SysApptsEnbld => "Sys_Appts_Enbld",
            PomiField::PatApptsEnbld => "Pat_Appts_Enbld",
            PomiField::PatApptsUse => "Pat_Appts_Use",
            PomiField::SysPrescEnbld => "Sys_Presc_Enbld",
            PomiField::PatPrescEnbld => "Pat_Presc_Enbld",
            PomiField::PatPrescUse => "Pat_Presc_Use",
            PomiField::SysDetCodeRecEnbld => "Sys_DetCodeRec_Enbld",
            PomiField::PatDetCodeRecEnbld => "Pat_DetCodeRec_Enbld",
            PomiField::PatDetCodeRecUse => "Pat_DetCodeRec_Use",
        }
    }

    /// The name as a database column (lower case, so no backend needs it quoted).
    pub fn column(self) -> &'static str {
        match self {
            PomiField::PatientListSize => "patient_list_size",
            PomiField::TotalPatEnbld => "total_pat_enbld",
            PomiField::NewPatEnbld => "new_pat_enbld",
            PomiField::TotalUse => "total_use",
            PomiField::SysApptsEnbld => "sys_appts_enbld",
            PomiField::PatApptsEnbld => "pat_appts_enbld",
            PomiField::PatApptsUse => "pat_appts_use",
            PomiField::SysPrescEnbld => "sys_presc_enbld",
            PomiField::PatPrescEnbld => "pat_presc_enbld",
            PomiField::PatPrescUse => "pat_presc_use",
            PomiField::SysDetCodeRecEnbld => "sys_detcoderec_enbld",
            PomiField::PatDetCodeRecEnbld => "pat_detcoderec_enbld",
            PomiField::PatDetCodeRecUse => "pat_detcoderec_use",
        }
    }

    /// Matches the published name regardless of case: spreadsheets and later files vary it.
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        // Lengths first: a national file asks this half a million times.
        Self::ALL.into_iter().find(|f| f.name().len() == name.len() && f.name().eq_ignore_ascii_case(name))
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// A `Sys_*` field: the clinical system's status for a service, not a count.
    pub fn is_system_status(self) -> bool {
        Service::ALL.iter().any(|s| s.system() == self)
    }
}

/// `Sys_*` value meaning the practice has switched the service on.
pub const SYSTEM_ENABLED: i64 = 2;

/// Whether a `Sys_*` value is one of the statuses POMI defines (0, 1, 2).
pub fn is_known_status(value: i64) -> bool {
    (0..=SYSTEM_ENABLED).contains(&value)
}

/// What a `Sys_*` value means (data/README.md).
pub fn system_status_meaning(value: i64) -> &'static str {
    match value {
        2 => "enabled by the practice",
        1 => "available but not enabled by the practice",
        0 => "not available in the clinical system",
        _ => "not a known status",
    }
}

/// The three online services POMI counts separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Appointments,
    Prescriptions,
    /// The detailed coded record.
    Record,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::Appointments, Service::Prescriptions, Service::Record];

    pub fn code(self) -> &'static str {
        match self {
            Service::Appointments => "appointments",
            Service::Prescriptions => "prescriptions",
            Service::Record => "record",
        }
    }

    pub fn system(self) -> PomiField {
        match self {
            Service::Appointments => PomiField::SysApptsEnbld,
            Service::Prescriptions => PomiField::SysPrescEnbld,
            Service::Record => PomiField::SysDetCodeRecEnbld,
        }
    }

    pub fn enabled(self) -> PomiField {
        match self {
            Service::Appointments => PomiField::PatApptsEnbld,
            Service::Prescriptions => PomiField::PatPrescEnbld,
            Service::Record => PomiField::PatDetCodeRecEnbld,
        }
    }

    pub fn uses(self) -> PomiField {
        match self {
            Service::Appointments => PomiField::PatApptsUse,
            Service::Prescriptions => PomiField::PatPrescUse,
            Service::Record => PomiField::PatDetCodeRecUse,
        }
    }
}

/// One practice-month's 13 values; `None` is a blank in the file (or a field the file left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PomiValues([Option<i64>; PomiField::COUNT]);

impl PomiValues {
    pub fn get(&self, field: PomiField) -> Option<i64> {
        self.0[field.index()]
    }

    pub fn set(&mut self, field: PomiField, value: Option<i64>) {
        self.0[field.index()] = value;
    }

    /// The value as the measures count it: None when blank or below zero. A negative count cannot be
    /// meant, so it is stored as published, flagged `negative_value`, and left out of every sum and
    /// rate as a blank is.
    pub fn count(&self, field: PomiField) -> Option<i64> {
        self.get(field).filter(|v| *v >= 0)
    }

    /// Values in [`PomiField::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (PomiField, Option<i64>)> + '_ {
        PomiField::ALL.into_iter().map(|f| (f, self.get(f)))
    }

    pub fn from_fn(mut value: impl FnMut(PomiField) -> Option<i64>) -> Self {
        let mut values = Self::default();
        for field in PomiField::ALL {
            values.set(field, value(field));
        }
        values
    }
}

/// The commissioning organisation a published file groups practices under: CCGs until mid-2022,
/// sub-ICB locations since (often with the CCG's old code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Ccg,
    SubIcb,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Ccg => "ccg",
            OrgKind::SubIcb => "sub_icb",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [OrgKind::Ccg, OrgKind::SubIcb].into_iter().find(|k| k.code() == code)
    }
}

/// One practice in one month, as published: where it sat in the NHS hierarchy that month, its clinical
/// system supplier (kept as written, `(I)` suffix included) and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeMonth {
    pub practice: String,
    /// `YYYY-MM`, the month the reporting period ends in.
    pub period: String,
    pub supplier: String,
    pub region: String,
    pub org_kind: OrgKind,
    /// The CCG or sub-ICB location code.
    pub org: String,
    /// Only in files that carry ICB columns.
    pub icb: Option<String>,
    pub values: PomiValues,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse_by_published_name_in_any_case_and_index_in_order() {
        for (i, field) in PomiField::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), i);
            assert_eq!(PomiField::parse(field.name()), Some(field));
            assert_eq!(PomiField::parse(&field.name().to_ascii_uppercase()), Some(field));
            assert_eq!(field.column(), field.name().to_ascii_lowercase());
        }
        assert_eq!(PomiField::parse("Total_Pat_Enabled"), None);
        assert!(PomiField::SysPrescEnbld.is_system_status());
        assert!(!PomiField::PatPrescEnbld.is_system_status());
    }

    #[test]
    fn values_keep_blanks_apart_from_zero() {
        let mut values = PomiValues::default();
        values.set(PomiField::TotalUse, Some(0));
        assert_eq!(values.get(PomiField::TotalUse), Some(0));
        assert_eq!(values.get(PomiField::NewPatEnbld), None);
        assert_eq!(values.iter().filter(|(_, v)| v.is_some()).count(), 1);
    }
}
