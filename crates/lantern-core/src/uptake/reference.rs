//! The published reference data uptake is read against: where a practice sits (PCN, sub-ICB location,
//! ICB, region), how old its patients are, how many online consultations it receives, and how deprived
//! the area it serves is. Each is public, practice-level data: no patient is identifiable from it.

use serde::Serialize;

/// Where a practice sat at one extract of NHS Digital's practice mapping (`gp-reg-pat-prac-map.csv`).
/// Lantern places every month's uptake by the latest map held, so PCN and ICB tables exist for years
/// before PCNs and ICBs did (practices that have since closed are unplaced).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PracticePlace {
    pub practice: String,
    /// `YYYY-MM` of the map's extract.
    pub extract: String,
    pub pcn: Option<String>,
    pub sub_icb: Option<String>,
    pub icb: Option<String>,
    pub region: Option<String>,
    pub supplier: Option<String>,
}

/// Sex as the registrations files give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "female" | "f" => Some(Sex::Female),
            "male" | "m" => Some(Sex::Male),
            _ => None,
        }
    }
}

/// Registered patients of one sex in one 5-year age band at a practice (`gp-reg-pat-prac-quin-age`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgeBandCount {
    /// `YYYY-MM` of the extract.
    pub period: String,
    pub practice: String,
    pub sex: Sex,
    /// Lower bound of the band in years: 0, 5, …, 90, 95 (95 is "95+").
    pub band_from: u8,
    /// None where the file left it blank.
    pub patients: Option<i64>,
}

/// One practice-month of Submissions via Online Consultation Systems (long format, one metric a row).
/// Blank values stay `None`, never zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OcMonth {
    /// `YYYY-MM`.
    pub period: String,
    pub practice: String,
    /// `SUPPLIER` as published: possibly a comma-joined list, or `None/Unknown`.
    pub supplier: String,
    /// `OC_CAPABILITY`: 1 when the practice has an online consultation system.
    pub capability: Option<i64>,
    /// `OC_PARTICIPATION`: 1 when it took part in the collection.
    pub participation: Option<i64>,
    /// `OC_SYSTEM_USAGE`: 1 when submissions were recorded.
    pub system_usage: Option<i64>,
    pub total_submissions: Option<i64>,
    pub clinical: Option<i64>,
    pub admin: Option<i64>,
    pub other: Option<i64>,
    pub patients_registered: Option<i64>,
}

/// A practice's deprivation: the IMD score of the area its patients live in (Fingertips indicator 93553),
/// higher is more deprived.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deprivation {
    pub practice: String,
    /// The IMD edition: 2010, 2015, 2019.
    pub year: i32,
    pub score: f64,
}

/// A practice in ODS's `epraccur` list: name, status and parent, as at the file's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OdsPractice {
    pub practice: String,
    pub name: String,
    /// `A` active, `C` closed, `D` dormant, `P` proposed.
    pub status: String,
    /// Field 26: 4 is a GP practice; others are out-of-hours, walk-in and similar settings.
    pub prescribing_setting: Option<i64>,
    /// Commissioner (field 15 in the 2019 file).
    pub commissioner: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    /// `YYYY-MM-DD`.
    pub opened: Option<String>,
    pub closed: Option<String>,
}

/// Lower bounds of the 5-year bands the registrations files use, `0_4` to `90_94` then `95+`.
pub const AGE_BAND_FROM: [u8; 20] =
    [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95];

/// The published label of the band starting at `from` (`0_4`, …, `90_94`, `95+`).
pub fn age_band_label(from: u8) -> String {
    if from >= 95 {
        "95+".to_owned()
    } else {
        format!("{from}_{}", from + 4)
    }
}

/// The lower bound of a published band label, None unless it is one of [`AGE_BAND_FROM`]'s bands.
pub fn parse_age_band(label: &str) -> Option<u8> {
    let label = label.trim();
    let from = match label.split_once('_') {
        Some((from, to)) => {
            let from: u8 = from.parse().ok()?;
            (to.parse::<u8>().ok()? == from.checked_add(4)? && from < 95).then_some(from)?
        }
        None => label.strip_suffix('+').filter(|f| *f == "95").map(|_| 95)?,
    };
    AGE_BAND_FROM.contains(&from).then_some(from)
}

/// The PCN code NHS Digital's files give a practice that belongs to no PCN (named "Unallocated").
/// It is not an organisation, so it is never stored as a PCN.
pub const UNALLOCATED_PCN: &str = "U";

/// What is odd about a row of a reference file, stored in `uptake_flags` beside POMI's
/// [`super::QuirkKind`]s (the blank and missing kinds share its codes, so one filter finds both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceQuirk {
    /// Left empty in the file: kept as unknown (NULL), never zero.
    BlankValue,
    /// Not in the file at all for this practice-month (an OC metric, an age band): also unknown.
    MissingField,
    /// A sex's bands do not add up to the file's own total for it.
    BandSumMismatch,
    /// The published OC rate per 1,000 is not total submissions ÷ registered patients, beyond rounding.
    RateMismatch,
    /// The file puts the practice in no PCN ([`UNALLOCATED_PCN`]): it is unplaced at that level.
    Unallocated,
    /// A count or score below zero (POMI's code too): kept as published where the column can hold it,
    /// NULL where it cannot (registered patients), and left out of sums and rates as unknown.
    NegativeValue,
    /// A code outside the published list (an ODS status other than A, C, D, P; a prescribing setting
    /// outside 0–99): kept as published.
    UnknownCode,
    /// Written as a date (`YYYYMMDD`) but no such day (`20190231`): kept as unknown (NULL).
    ImpossibleDate,
    /// Parts that should add up to a published whole do not (telephony outcomes against inbound
    /// calls, call backs made against requested): kept as published.
    SumMismatch,
    /// An online consultations month before NHS England's method change ([`super::oc::METHOD_CHANGE`]):
    /// kept as published, but not comparable with months from the change on.
    MethodChange,
    /// A month NHS England's notes say the practice's supplier sent partial or no data for
    /// ([`super::oc_notes`]): kept as published; it is not the month's real demand.
    IncompleteSupplier,
    /// A column's month label repeats another column's, and its figures are those the same file
    /// publishes elsewhere for a month no column is labelled with (NHS App `Table 1`): stored as
    /// that month.
    MonthRelabelled,
    /// A figure that cannot be true as defined (more NHS App unique users than logins): kept as
    /// published.
    Implausible,
    /// A count published as a fraction or as text (`2.5`, `n/a`): kept as published, left out of sums
    /// as unknown.
    NotACount,
}

impl ReferenceQuirk {
    pub fn code(self) -> &'static str {
        match self {
            ReferenceQuirk::BlankValue => "blank_value",
            ReferenceQuirk::MissingField => "missing_field",
            ReferenceQuirk::BandSumMismatch => "band_sum_mismatch",
            ReferenceQuirk::RateMismatch => "rate_mismatch",
            ReferenceQuirk::Unallocated => "unallocated",
            ReferenceQuirk::NegativeValue => "negative_value",
            ReferenceQuirk::UnknownCode => "unknown_code",
            ReferenceQuirk::ImpossibleDate => "impossible_date",
            ReferenceQuirk::SumMismatch => "sum_mismatch",
            ReferenceQuirk::MethodChange => "method_change",
            ReferenceQuirk::IncompleteSupplier => "incomplete_supplier",
            ReferenceQuirk::MonthRelabelled => "month_relabelled",
            ReferenceQuirk::Implausible => "implausible",
            ReferenceQuirk::NotACount => "not_a_count",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_labels_round_trip_and_others_are_refused() {
        for from in AGE_BAND_FROM {
            assert_eq!(parse_age_band(&age_band_label(from)), Some(from));
        }
        assert_eq!(age_band_label(0), "0_4");
        assert_eq!(age_band_label(95), "95+");
        for bad in ["ALL", "", "0_5", "3_7", "95_99", "100+", "90+", "_4", "0_", "-5_-1"] {
            assert_eq!(parse_age_band(bad), None, "{bad}");
        }
    }
}
