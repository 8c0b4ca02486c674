//! The date spellings NHS published files use, turned into the month a figure belongs to. Each era of
//! a publication spells dates its own way (POMI: `30APR2018` to 2021, `31-Dec-23` since; registrations:
//! `01JAN2021`, later `2025-12-01` or `01Dec2025`), so every importer accepts all of them.

use jiff::civil::Date;

const MONTHS: [&str; 12] =
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// What a date cell should look like, for error messages.
pub const DATE_FORMATS: &str = "30APR2018, 31-Dec-23, 31-Dec-2023, 2023-12-31 or 31/12/2023";

/// Parses a published date: `30APR2018` / `01Dec2025` (day, month name, year), `31-Dec-23` /
/// `31-Dec-2023`, ISO `2023-12-31`, or UK `31/12/2023`. Month names in any case; a two-digit year is
/// 20YY (no NHS file in scope predates 2000). None unless it is a real calendar date.
pub fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    let (day, month, year) = if let Some((day, rest)) = raw.split_once('-') {
        if day.len() == 4 {
            // ISO: 2023-12-31
            let (month, day_part) = rest.split_once('-')?;
            (number(day_part)?, number(month)?, number(day)?)
        } else {
            let (month, year) = rest.split_once('-')?;
            (number(day)?, month_number(month)?, year_number(year)?)
        }
    } else if let Some((day, rest)) = raw.split_once('/') {
        let (month, year) = rest.split_once('/')?;
        (number(day)?, number(month)?, year_number(year)?)
    } else {
        // 30APR2018: digits, three letters, digits.
        let letters = raw.find(|c: char| c.is_ascii_alphabetic())?;
        let (day, rest) = raw.split_at(letters);
        let (month, year) = rest.split_at_checked(3)?;
        (number(day)?, month_number(month)?, year_number(year)?)
    };
    Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The month a date falls in, as `YYYY-MM`.
pub fn month_of(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn number(text: &str) -> Option<u32> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn year_number(text: &str) -> Option<u32> {
    match text.len() {
        2 => number(text).map(|y| 2000 + y),
        4 => number(text),
        _ => None,
    }
}

fn month_number(name: &str) -> Option<u32> {
    let position = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(name))?;
    u32::try_from(position + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(raw: &str) -> Option<String> {
        parse_date(raw).map(month_of)
    }

    #[test]
    fn every_published_spelling_gives_its_month() {
        assert_eq!(month("30APR2018").as_deref(), Some("2018-04"));
        assert_eq!(month("01Dec2025").as_deref(), Some("2025-12"));
        assert_eq!(month("31-Dec-23").as_deref(), Some("2023-12"));
        assert_eq!(month("30-sep-2022").as_deref(), Some("2022-09"));
        assert_eq!(month("2025-12-01").as_deref(), Some("2025-12"));
        assert_eq!(month(" 31/03/2024 ").as_deref(), Some("2024-03"));
    }

    #[test]
    fn impossible_or_malformed_dates_are_refused() {
        for bad in
            ["", "31APR2018", "30APX2018", "30APR18x", "2018", "31-13-23", "29-Feb-23", "APR2018", "x-Dec-23"]
        {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(parse_date("29-Feb-24").is_some(), "2024 is a leap year");
    }
}
