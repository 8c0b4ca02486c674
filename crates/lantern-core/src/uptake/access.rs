//! How patients reach their practice today, as NHS England publishes it monthly per practice:
//! *Appointments in General Practice* (appointments by mode, booking lead time and status) and
//! *Cloud Based Telephony* (inbound calls and what became of them).
//!
//! Appointments are kept as one row per practice-month holding each dimension's tallies (the
//! published crosstab has a row per combination of mode, lead time, status, staff type and national
//! category: millions a month), which is what the effect measures read: total appointments and the
//! share booked as video or online.

use serde::Serialize;

/// `APPT_MODE` as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ApptMode {
    FaceToFace,
    Telephone,
    /// Published as `Video Conference/Online`.
    VideoOnline,
    HomeVisit,
    Unknown,
}

impl ApptMode {
    pub const ALL: [ApptMode; 5] = [
        ApptMode::FaceToFace,
        ApptMode::Telephone,
        ApptMode::VideoOnline,
        ApptMode::HomeVisit,
        ApptMode::Unknown,
    ];

    /// The published label (compared ignoring case and spacing).
    pub fn label(self) -> &'static str {
        match self {
            ApptMode::FaceToFace => "Face-to-Face",
            ApptMode::Telephone => "Telephone",
            ApptMode::VideoOnline => "Video Conference/Online",
            ApptMode::HomeVisit => "Home Visit",
            ApptMode::Unknown => "Unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| same_label(m.label(), text))
    }
}

/// `APPT_STATUS` as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ApptStatus {
    Attended,
    /// Did not attend.
    Dna,
    Unknown,
}

impl ApptStatus {
    pub const ALL: [ApptStatus; 3] = [ApptStatus::Attended, ApptStatus::Dna, ApptStatus::Unknown];

    pub fn label(self) -> &'static str {
        match self {
            ApptStatus::Attended => "Attended",
            ApptStatus::Dna => "DNA",
            ApptStatus::Unknown => "Unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| same_label(s.label(), text))
    }
}

/// `TIME_BETWEEN_BOOK_AND_APPT` as published (the file writes `8  to 14 Days` with two spaces; labels
/// are compared ignoring case and spacing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum LeadTime {
    SameDay,
    OneDay,
    TwoToSevenDays,
    EightToFourteenDays,
    FifteenToTwentyOneDays,
    TwentyTwoToTwentyEightDays,
    MoreThanTwentyEightDays,
    /// Published as `Unknown / Data Quality` (older files: `Unknown / Data Issue`).
    Unknown,
}

impl LeadTime {
    pub const ALL: [LeadTime; 8] = [
        LeadTime::SameDay,
        LeadTime::OneDay,
        LeadTime::TwoToSevenDays,
        LeadTime::EightToFourteenDays,
        LeadTime::FifteenToTwentyOneDays,
        LeadTime::TwentyTwoToTwentyEightDays,
        LeadTime::MoreThanTwentyEightDays,
        LeadTime::Unknown,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LeadTime::SameDay => "Same Day",
            LeadTime::OneDay => "1 Day",
            LeadTime::TwoToSevenDays => "2 to 7 Days",
            LeadTime::EightToFourteenDays => "8 to 14 Days",
            LeadTime::FifteenToTwentyOneDays => "15 to 21 Days",
            LeadTime::TwentyTwoToTwentyEightDays => "22 to 28 Days",
            LeadTime::MoreThanTwentyEightDays => "More than 28 Days",
            LeadTime::Unknown => "Unknown / Data Quality",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        if key(text).starts_with("unknown") {
            return Some(LeadTime::Unknown);
        }
        Self::ALL.into_iter().find(|t| same_label(t.label(), text))
    }
}

/// `HCP_TYPE` as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HcpType {
    Gp,
    /// Published as `Other Practice staff`.
    OtherStaff,
    Unknown,
}

impl HcpType {
    pub const ALL: [HcpType; 3] = [HcpType::Gp, HcpType::OtherStaff, HcpType::Unknown];

    pub fn label(self) -> &'static str {
        match self {
            HcpType::Gp => "GP",
            HcpType::OtherStaff => "Other Practice staff",
            HcpType::Unknown => "Unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| same_label(h.label(), text))
    }
}

fn key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

fn same_label(label: &str, text: &str) -> bool {
    key(label) == key(text)
}

/// One practice-month of *Appointments in General Practice*: each dimension's tallies of the rows
/// whose count could be used. Every dimension adds up to `total`. Rows whose count was blank or below
/// zero are in no tally (counted in `rows_left_out` and flagged), so a practice-month with rows left
/// out has a total that is a floor, not the practice's whole activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppointmentMonth {
    /// `YYYY-MM`.
    pub period: String,
    pub practice: String,
    /// `SUPPLIER` as published (the GP system), '' when the file has no such column.
    pub supplier: String,
    pub total: i64,
    pub face_to_face: i64,
    pub telephone: i64,
    pub video_online: i64,
    pub home_visit: i64,
    pub mode_unknown: i64,
    pub attended: i64,
    pub dna: i64,
    pub status_unknown: i64,
    pub same_day: i64,
    pub one_day: i64,
    pub two_to_seven_days: i64,
    pub eight_to_fourteen_days: i64,
    pub fifteen_to_twenty_one_days: i64,
    pub twenty_two_to_twenty_eight_days: i64,
    pub more_than_twenty_eight_days: i64,
    pub lead_time_unknown: i64,
    pub gp: i64,
    pub other_staff: i64,
    pub hcp_unknown: i64,
    /// Published rows whose count was blank or below zero: in no tally.
    pub rows_left_out: i64,
}

impl AppointmentMonth {
    /// Adds `count` appointments of one published combination to every dimension's tally.
    pub fn add(&mut self, count: i64, mode: ApptMode, status: ApptStatus, lead: LeadTime, hcp: HcpType) {
        self.total += count;
        *match mode {
            ApptMode::FaceToFace => &mut self.face_to_face,
            ApptMode::Telephone => &mut self.telephone,
            ApptMode::VideoOnline => &mut self.video_online,
            ApptMode::HomeVisit => &mut self.home_visit,
            ApptMode::Unknown => &mut self.mode_unknown,
        } += count;
        *match status {
            ApptStatus::Attended => &mut self.attended,
            ApptStatus::Dna => &mut self.dna,
            ApptStatus::Unknown => &mut self.status_unknown,
        } += count;
        *match lead {
            LeadTime::SameDay => &mut self.same_day,
            LeadTime::OneDay => &mut self.one_day,
            LeadTime::TwoToSevenDays => &mut self.two_to_seven_days,
            LeadTime::EightToFourteenDays => &mut self.eight_to_fourteen_days,
            LeadTime::FifteenToTwentyOneDays => &mut self.fifteen_to_twenty_one_days,
            LeadTime::TwentyTwoToTwentyEightDays => &mut self.twenty_two_to_twenty_eight_days,
            LeadTime::MoreThanTwentyEightDays => &mut self.more_than_twenty_eight_days,
            LeadTime::Unknown => &mut self.lead_time_unknown,
        } += count;
        *match hcp {
            HcpType::Gp => &mut self.gp,
            HcpType::OtherStaff => &mut self.other_staff,
            HcpType::Unknown => &mut self.hcp_unknown,
        } += count;
    }

    /// The share of appointments booked as video or online, None when there are none to divide by.
    pub fn video_online_share(&self) -> Option<f64> {
        (self.total > 0).then(|| self.video_online as f64 / self.total as f64)
    }
}

/// A row of the Cloud Based Telephony practice table: a practice's own phone account, or a phone
/// account several practices share, which the publisher cannot split between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CbtAccount {
    Practice,
    /// Published with the practice code `Unassigned`: its figures belong to no one practice.
    Shared,
}

impl CbtAccount {
    pub fn code(self) -> &'static str {
        match self {
            CbtAccount::Practice => "practice",
            CbtAccount::Shared => "shared",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [CbtAccount::Practice, CbtAccount::Shared].into_iter().find(|a| a.code() == text)
    }
}

/// One month of one phone account in *Cloud Based Telephony*: a practice's (keyed by its ODS code)
/// or a shared account's (keyed `shared-N`, N its order among the month's shared accounts in the
/// file). Blank counts stay None, never zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CbtMonth {
    /// `YYYY-MM`.
    pub period: String,
    /// The practice's ODS code, or `shared-N` for a shared account.
    pub practice: String,
    /// `practice` or `shared` ([`CbtAccount::code`]).
    pub account: String,
    /// Where the account sits as published; `Unmapped` for a shared account crossing boundaries.
    pub pcn: Option<String>,
    pub sub_icb: Option<String>,
    pub icb: Option<String>,
    pub region: Option<String>,
    /// CBT001.
    pub inbound: Option<i64>,
    /// CBT003/CBT007.
    pub answered: Option<i64>,
    /// CBT002: ended during the IVR stage, before joining the queue.
    pub ivr_ended: Option<i64>,
    /// CBT005.
    pub callback_requested: Option<i64>,
    /// CBT004: ended while queueing.
    pub missed: Option<i64>,
    pub callback_made: Option<i64>,
}

/// What can be said of one practice's telephony in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CbtStatus {
    /// The practice's own account's figures.
    Reported(Box<CbtMonth>),
    /// Not reported on its own, and its PCN has an account shared by several practices that month:
    /// shown as "shared account", never given that account's figures.
    SharedAccount { pcn: String },
    /// Not in the publication that month (not taking part, or its supplier not yet reporting):
    /// missing, not zero.
    NotReported,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_read_ignoring_case_and_spacing() {
        assert_eq!(LeadTime::parse("8  to 14 Days"), Some(LeadTime::EightToFourteenDays));
        assert_eq!(LeadTime::parse("Unknown / Data Issue"), Some(LeadTime::Unknown));
        assert_eq!(ApptMode::parse("video conference/online"), Some(ApptMode::VideoOnline));
        assert_eq!(HcpType::parse("Other Practice staff"), Some(HcpType::OtherStaff));
        assert_eq!(ApptStatus::parse("DNA"), Some(ApptStatus::Dna));
        assert_eq!(ApptMode::parse("Carrier pigeon"), None);
        for mode in ApptMode::ALL {
            assert_eq!(ApptMode::parse(mode.label()), Some(mode));
        }
        for lead in LeadTime::ALL {
            assert_eq!(LeadTime::parse(lead.label()), Some(lead));
        }
    }

    #[test]
    fn every_dimension_adds_up_to_the_total() {
        let mut month = AppointmentMonth::default();
        month.add(5, ApptMode::VideoOnline, ApptStatus::Attended, LeadTime::SameDay, HcpType::Gp);
        month.add(15, ApptMode::Telephone, ApptStatus::Dna, LeadTime::Unknown, HcpType::OtherStaff);
        assert_eq!(month.total, 20);
        assert_eq!(month.video_online + month.telephone, 20);
        assert_eq!(month.attended + month.dna, 20);
        assert_eq!(month.same_day + month.lead_time_unknown, 20);
        assert_eq!(month.video_online_share(), Some(0.25));
        assert_eq!(AppointmentMonth::default().video_online_share(), None);
    }
}
