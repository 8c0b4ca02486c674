//! Dates written as one unbroken run of digits: `01021960` (day, month, year) or `19600102` (year,
//! month, day), and after a date-of-birth keyword also `010260`.
//!
//! Eight digits make a plausible date of birth only about once in a thousand random numbers, and a
//! note has no other reason to hold an eight-digit number, so these are refused like any full date.
//! Six digits are too often something else (a count, a reference) unless a keyword says otherwise.

use std::ops::Range;

use super::date::{continues_number, follows_dob_keyword, is_date};
use super::digit_before;

/// Byte spans of unbroken digit dates in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes.get(at).is_some_and(u8::is_ascii_digit) || digit_before(bytes, at) {
            at += 1;
            continue;
        }
        let run = bytes.get(at..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
        let span = at..at + run;
        let digits = bytes.get(span.clone()).unwrap_or_default();
        let date = match run {
            8 => day_month_year(digits, 4) || year_month_day(digits),
            6 => follows_dob_keyword(text, at) && day_month_year(digits, 2),
            _ => false,
        };
        if date && !continues_number(text, span.clone()) {
            found.push(span);
        }
        at += run;
    }
    found
}

fn value(digits: &[u8]) -> Option<i16> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The number in `digits[range]` as a day or month.
fn part(digits: &[u8], range: Range<usize>) -> Option<i8> {
    value(digits.get(range)?).and_then(|v| i8::try_from(v).ok())
}

/// `ddmmyyyy` with a year from 1900 to 2099, or `ddmmyy` in either century.
fn day_month_year(digits: &[u8], year_len: usize) -> bool {
    let year = value(digits.get(4..4 + year_len).unwrap_or_default());
    let years = match year_len {
        2 => [year.map(|y| 1900 + y), year.map(|y| 2000 + y)],
        _ => [year.filter(|y| (1900..=2099).contains(y)), None],
    };
    is_date(years, part(digits, 2..4), part(digits, 0..2))
}

/// `yyyymmdd` with a year from 1900 to 2099.
fn year_month_day(digits: &[u8]) -> bool {
    let year = value(digits.get(0..4).unwrap_or_default()).filter(|y| (1900..=2099).contains(y));
    is_date([year, None], part(digits, 4..6), part(digits, 6..8))
}
