//! A calendar month, as the monthly publications index their data (`YYYY-MM`).

use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar month; ordered, and counted in months since year 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    ordinal: i32,
}

impl Month {
    /// None when `month` is not 1 to 12 or the year is outside 1 to 9999.
    pub fn new(year: i32, month: u8) -> Option<Month> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month))
            .then(|| Month { ordinal: year * 12 + i32::from(month) - 1 })
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        Month::new(year.parse().ok()?, month.parse().ok()?)
    }

    /// The month a date falls in.
    pub fn of(date: jiff::civil::Date) -> Month {
        Month { ordinal: i32::from(date.year()) * 12 + i32::from(date.month()) - 1 }
    }

    pub fn year(self) -> i32 {
        self.ordinal.div_euclid(12)
    }

    /// 1 (January) to 12.
    pub fn month(self) -> u8 {
        (self.ordinal.rem_euclid(12) + 1) as u8
    }

    /// Months since year 0: consecutive months differ by one.
    pub fn ordinal(self) -> i32 {
        self.ordinal
    }

    /// `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        Month { ordinal: self.ordinal + n }
    }

    /// Months from `earlier` to this one.
    pub fn since(self, earlier: Month) -> i32 {
        self.ordinal - earlier.ordinal
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The calendar month's English name (1 = January); "?" outside 1 to 12.
pub fn name(month: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_print_and_count() {
        let april = Month::parse("2024-04").expect("month");
        assert_eq!((april.year(), april.month()), (2024, 4));
        assert_eq!(april.to_string(), "2024-04");
        assert_eq!(april.plus(9).to_string(), "2025-01");
        assert_eq!(april.plus(-4).to_string(), "2023-12");
        assert_eq!(april.plus(9).since(april), 9);
        assert_eq!(Month::of(jiff::civil::date(2024, 4, 30)), april);
        for bad in ["2024-13", "2024-00", "24-04", "2024-4", "April"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!((name(1), name(12), name(0)), ("January", "December", "?"));
    }
}
