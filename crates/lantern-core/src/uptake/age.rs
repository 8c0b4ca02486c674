//! How old a practice's registered patients are, from the 5-year age band × sex registrations file.
//! Older patients, 75+ above all, are the least online (68% of over-75s used no online GP service in
//! 2021), so a practice's older share is the context its uptake is read in.

use super::AgeBandCount;
use serde::Serialize;
use std::collections::BTreeMap;

/// The lower bounds of the bands counted as 65+ and 75+ (bands start every five years).
pub const FROM_65: u8 = 65;
pub const FROM_75: u8 = 75;

/// One practice's age profile in one extract, both sexes together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgeProfile {
    pub period: String,
    pub practice: String,
    /// Bands (of either sex) the file left blank.
    pub blank_bands: u32,
    /// All patients in every band; None when any band is blank, since the total is then unknown.
    pub registered: Option<i64>,
    /// None only when a band from 65 up is blank (a blank among the young leaves these known).
    pub aged_65_plus: Option<i64>,
    pub aged_75_plus: Option<i64>,
    /// Percent of registered patients; None when any band is blank or nobody is registered.
    pub share_65_plus: Option<f64>,
    pub share_75_plus: Option<f64>,
}

/// Every practice's profile, with how many could not be completed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgeProfiles {
    /// By extract month, then practice.
    pub practices: Vec<AgeProfile>,
    /// Profiles with at least one blank band (so no total and no shares).
    pub with_blanks: u64,
}

#[derive(Default)]
struct Sums {
    blank: u32,
    blank_from_65: bool,
    blank_from_75: bool,
    all: i64,
    from_65: i64,
    from_75: i64,
}

/// Each practice's registered total (both sexes, all bands) and the shares aged 65+ (bands from 65)
/// and 75+ (bands from 75) = Σ patients in those bands / Σ patients in all bands × 100. A blank band
/// could hide anyone, so a practice with one has no total and no shares, and is counted in
/// `with_blanks` rather than shown with a share that may be wrong.
pub fn age_profiles(bands: &[AgeBandCount]) -> AgeProfiles {
    let mut sums: BTreeMap<(&str, &str), Sums> = BTreeMap::new();
    for band in bands {
        let s = sums.entry((band.period.as_str(), band.practice.as_str())).or_default();
        let Some(patients) = band.patients else {
            s.blank += 1;
            s.blank_from_65 |= band.band_from >= FROM_65;
            s.blank_from_75 |= band.band_from >= FROM_75;
            continue;
        };
        s.all += patients;
        if band.band_from >= FROM_65 {
            s.from_65 += patients;
        }
        if band.band_from >= FROM_75 {
            s.from_75 += patients;
        }
    }
    let practices: Vec<AgeProfile> = sums
        .into_iter()
        .map(|((period, practice), s)| {
            let complete = s.blank == 0;
            let share = |part: i64| (complete && s.all > 0).then(|| 100.0 * part as f64 / s.all as f64);
            AgeProfile {
                period: period.to_owned(),
                practice: practice.to_owned(),
                blank_bands: s.blank,
                registered: complete.then_some(s.all),
                aged_65_plus: (!s.blank_from_65).then_some(s.from_65),
                aged_75_plus: (!s.blank_from_75).then_some(s.from_75),
                share_65_plus: share(s.from_65),
                share_75_plus: share(s.from_75),
            }
        })
        .collect();
    let with_blanks = practices.iter().filter(|p| p.blank_bands > 0).count() as u64;
    AgeProfiles { practices, with_blanks }
}

#[cfg(test)]
#[path = "age_tests.rs"]
mod tests;
