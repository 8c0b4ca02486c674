//! Uptake figures written for people: shares as percentages (marked when capped), rates per 1,000,
//! changes in percentage points and percentiles as ordinals.

use crate::kit::numbers::{count, decimal};
use lantern_core::uptake::measures::Share;

pub fn share(s: Option<Share>) -> String {
    s.map_or_else(
        || "not known".to_owned(),
        |s| format!("{}%{}", decimal(s.percent, 1), if s.capped { " (capped)" } else { "" }),
    )
}

pub fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "not known".to_owned(), |r| decimal(r, 1))
}

pub fn points(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{}{} points", if v > 0.0 { "+" } else { "" }, decimal(v, 1)))
}

pub fn quintile_words(q: u8) -> &'static str {
    match q {
        1 => "least deprived fifth",
        5 => "most deprived fifth",
        _ => "middle fifths",
    }
}

/// A count from 1 to 7 is shown as "<8" on the pages analysts compare practices on (DOMAIN.md); so is
/// anything worked out from it (`then`).
pub fn small_or(counted: i64, then: impl FnOnce() -> String) -> String {
    if (1..lantern_core::measures::SUPPRESS_BELOW).contains(&counted) {
        "<8".to_owned()
    } else {
        then()
    }
}

/// A count, or "<8".
pub fn counted(n: i64) -> String {
    small_or(n, || count(n))
}

/// 62.4 → "62nd".
pub fn ordinal(percentile: f64) -> String {
    let n = percentile.round() as i64;
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_one_to_seven_and_what_comes_of_them_are_hidden() {
        assert_eq!(counted(7), "<8");
        assert_eq!(counted(8), "8");
        assert_eq!(counted(0), "0");
        assert_eq!(small_or(3, || "42.0%".into()), "<8");
        assert_eq!(small_or(12_000, || "42.0%".into()), "42.0%");
    }

    #[test]
    fn percentiles_read_as_ordinals() {
        assert_eq!(ordinal(62.4), "62nd");
        assert_eq!(ordinal(11.0), "11th");
        assert_eq!(ordinal(0.6), "1st");
        assert_eq!(ordinal(73.0), "73rd");
    }
}
