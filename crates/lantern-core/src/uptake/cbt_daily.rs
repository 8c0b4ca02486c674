//! *Cloud Based Telephony* as NHS England publishes it per practice, per day, in one CSV per region
//! (named by its code, e.g. `_Y58`) plus one of accounts it cannot place (`_Unmapped`): the *Calls Answered Metric*
//! files (calls answered by wait-time band, split by core hours) and the *By Durations* files (every
//! indicator, by wait-time or duration band). The monthly publication summary's practice table is
//! [`super::access::CbtMonth`].
//!
//! Every published value is kept as one [`CbtDailyValue`]: the bands are the publisher's, and a
//! practice-month's figures are sums of its days, read back by the store. An account published with
//! the practice code `Unassigned` is shared by several practices and belongs to none of them.

use serde::Serialize;

/// The indicators, as NHS England's publication summary and data-quality notes define them.
pub const CBT_INDICATORS: [(&str, &str); 7] = [
    ("CBT001", "inbound calls"),
    ("CBT002", "calls ended during the IVR stage, before joining the queue"),
    ("CBT003", "calls answered, by time waited"),
    ("CBT004", "calls missed, by time waited"),
    ("CBT005", "calls resulting in a call back request"),
    ("CBT006", "call backs made"),
    ("CBT007", "calls answered, by call duration"),
];

/// What an indicator counts, or None when it is not one of CBT001–CBT007.
pub fn cbt_indicator(code: &str) -> Option<&'static str> {
    CBT_INDICATORS.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)).map(|(_, meaning)| *meaning)
}

/// The `Core_Category` of the Calls Answered Metric files: within core hours 08:00–10:00, within core
/// hours 10:00–18:30, or outside them.
pub const CBT_CORE_CATEGORIES: [&str; 3] = ["Core_8_10", "Core_10_1830", "Non-Core"];

/// Which of the practice-level files a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CbtDailyFile {
    /// `Cloud Based Telephony Calls Answered Metric - <Month> <Year>_<Region>.csv`.
    CallsAnswered,
    /// `Cloud Based Telephony By Durations - <Month> <Year>_<Region>.csv`.
    Durations,
}

impl CbtDailyFile {
    pub fn code(self) -> &'static str {
        match self {
            CbtDailyFile::CallsAnswered => "calls_answered",
            CbtDailyFile::Durations => "durations",
        }
    }

    /// The file's name as NHS England publishes it, for messages.
    pub fn title(self) -> &'static str {
        match self {
            CbtDailyFile::CallsAnswered => "Cloud Based Telephony Calls Answered Metric",
            CbtDailyFile::Durations => "Cloud Based Telephony By Durations",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [CbtDailyFile::CallsAnswered, CbtDailyFile::Durations].into_iter().find(|f| f.code() == code)
    }
}

/// One published value: one account, one day, one indicator, one band (and, in the Calls Answered
/// files, one core-hours category).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CbtDailyValue {
    /// [`CbtDailyFile::code`].
    pub file: String,
    /// `YYYY-MM`, the month of `day`.
    pub period: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Where the account sits, as published (`Unmapped` where the publisher could not place it).
    pub region: String,
    pub icb: String,
    pub sub_icb: String,
    pub pcn: String,
    /// The practice's ODS code, or `Unassigned` for an account several practices share.
    pub practice: String,
    /// `practice` or `shared` ([`super::access::CbtAccount::code`]).
    pub account: String,
    /// `CBT001` … `CBT007`.
    pub indicator: String,
    /// The wait-time or duration band as published (`1_30`, `>300`, `0_10`), `TOTAL` for a plain count.
    pub band: String,
    /// [`CBT_CORE_CATEGORIES`] in the Calls Answered files; empty in the Durations files.
    pub core_category: String,
    /// The `Value` cell as published (the files write counts as `6.0`).
    pub published: String,
    /// The count when `published` is a whole number (below zero included, flagged); None when blank or
    /// not a whole number. Sums leave out None and values below zero.
    pub value: Option<i64>,
}

impl CbtDailyValue {
    /// The phone account the value belongs to: the practice's code, or for a shared account
    /// `Unassigned` and where it sits (several PCNs each have one, and `Unmapped` ones sit under
    /// different ICBs in one file).
    pub fn account_key(&self) -> String {
        if self.account == "shared" {
            format!("Unassigned {}/{}/{}/{}", self.region, self.icb, self.sub_icb, self.pcn)
        } else {
            self.practice.clone()
        }
    }
}

/// A practice-month's total for one indicator and band (and core-hours category), summed over days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CbtBandTotal {
    pub file: String,
    pub indicator: String,
    pub band: String,
    pub core_category: String,
    /// Sum of the days' whole, non-negative values.
    pub calls: i64,
    /// Days with a value in the file.
    pub days: i64,
    /// Values left out of `calls` (blank, below zero, not whole): when not 0, `calls` is a floor.
    pub left_out: i64,
}

/// What the practice-level files can say of one practice in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CbtDailyStatus {
    /// The practice's own account's totals by band.
    Reported(Vec<CbtBandTotal>),
    /// No rows of its own, and its PCN has an `Unassigned` account that month: shown as "shared
    /// account", never given that account's figures.
    SharedAccount { pcn: String },
    /// Not in the files that month: missing, not zero.
    NotReported,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_are_the_seven_published_and_a_shared_account_is_keyed_by_its_place() {
        assert_eq!(cbt_indicator("cbt003"), Some("calls answered, by time waited"));
        assert_eq!(cbt_indicator("CBT008"), None);
        let mut value = CbtDailyValue {
            file: "calls_answered".into(),
            period: "2026-06".into(),
            day: "2026-06-01".into(),
            region: "Y59".into(),
            icb: "QRL".into(),
            sub_icb: "D9Y0V".into(),
            pcn: "U88279".into(),
            practice: "Unassigned".into(),
            account: "shared".into(),
            indicator: "CBT003".into(),
            band: "1_30".into(),
            core_category: "Core_8_10".into(),
            published: "70.0".into(),
            value: Some(70),
        };
        assert_eq!(value.account_key(), "Unassigned Y59/QRL/D9Y0V/U88279");
        value.account = "practice".into();
        value.practice = "G81001".into();
        assert_eq!(value.account_key(), "G81001");
        assert_eq!(CbtDailyFile::parse("durations"), Some(CbtDailyFile::Durations));
    }
}
