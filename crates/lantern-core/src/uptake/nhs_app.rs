//! NHS App use as NHS England's *NHS App Management Information Statistics* publish it: monthly, for
//! England and for each ICB (by the registered practice of the user), never for a practice. A
//! practice's page may show its ICB's figures as context, labelled as the ICB's; nothing here is ever
//! divided down or given to a practice.

use serde::Serialize;

/// The code the publication gives usage it could not map to an ICB (`Unknown`, in the ICB and
/// region columns alike).
pub const UNMAPPED: &str = "Unknown";

/// Which part of England a month's figures are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NhsAppLevel {
    /// `Table 1`: the national summary.
    England,
    /// A `Table 2` row for one ICB.
    Icb,
    /// The `Table 2` row published as ICB `Unknown`: usage whose practice could not be linked to an
    /// ICB. Part of England's figure, never an ICB's.
    Unmapped,
}

impl NhsAppLevel {
    pub const ALL: [NhsAppLevel; 3] = [NhsAppLevel::England, NhsAppLevel::Icb, NhsAppLevel::Unmapped];

    pub fn code(self) -> &'static str {
        match self {
            NhsAppLevel::England => "england",
            NhsAppLevel::Icb => "icb",
            NhsAppLevel::Unmapped => "unmapped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.code() == text)
    }
}

/// The code England's rows are keyed by: its ONS code, as NHS England's own tables use.
pub const ENGLAND: &str = "E92000001";

/// Whether `code` is written as an ICB's ODS code: `Q` and two letters or digits (`QHM`, `QOP`).
pub fn is_icb_code(code: &str) -> bool {
    code.len() == 3
        && code.starts_with('Q')
        && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// One month of NHS App use at one level, as published. A blank or suppressed figure is None, never
/// zero; a figure below zero is kept as published (and flagged by the importer).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NhsAppMonth {
    /// `YYYY-MM`.
    pub period: String,
    /// [`NhsAppLevel::code`].
    pub level: String,
    /// The ICB's ODS code; [`ENGLAND`] for England; [`UNMAPPED`] for usage mapped to no ICB.
    pub code: String,
    /// The ICB's name as published (None for England and unmapped usage).
    pub name: Option<String>,
    /// The NHS England region's ODS code and name the ICB sits in, as published.
    pub region: Option<String>,
    pub region_name: Option<String>,
    /// `NHS App logins`: sessions logged in during the calendar month.
    pub logins: Option<i64>,
    /// `NHS App unique user logins`: distinct users who logged in during the month, each counted in
    /// the ICB of their practice at their last login that month.
    pub unique_user_logins: Option<i64>,
}

impl NhsAppMonth {
    /// Logins per user who logged in, None when either is unknown or no one logged in.
    pub fn logins_per_user(&self) -> Option<f64> {
        match (self.logins, self.unique_user_logins) {
            (Some(logins), Some(users)) if users > 0 && logins >= 0 => Some(logins as f64 / users as f64),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icb_codes_levels_and_logins_per_user() {
        for good in ["QHM", "QOP", "QE1", "QF7"] {
            assert!(is_icb_code(good), "{good}");
        }
        for bad in ["Unknown", "Y58", "qhm", "QH", "QHMX", "", "A81001"] {
            assert!(!is_icb_code(bad), "{bad}");
        }
        for level in NhsAppLevel::ALL {
            assert_eq!(NhsAppLevel::parse(level.code()), Some(level));
        }
        // Greater Manchester, June 2025: 2,791,609 logins by 607,905 users (Table 2 of the workbook).
        let month =
            NhsAppMonth { logins: Some(2_791_609), unique_user_logins: Some(607_905), ..Default::default() };
        assert!((month.logins_per_user().expect("both known") - 4.592_180).abs() < 1e-6);
        assert_eq!(NhsAppMonth { logins: Some(5), ..Default::default() }.logins_per_user(), None);
    }
}
