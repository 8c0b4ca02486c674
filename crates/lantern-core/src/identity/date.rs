//! Dates of birth — which, in a note, means any full calendar date.
//!
//! A date of birth cannot be told apart from any other date by its shape, and a note has no reason
//! to carry a full date at all: when the help happened and when to follow up are separate fields. So
//! any day-month-year date is treated as a possible date of birth and refused. A day and month
//! without a year ("10/15", "12 March"), a month and year ("March 2024"), a bare year, a time or a
//! version number is not a date of birth and is let through.
//!
//! After an explicit "DOB", "d.o.b." or "born", looser forms count too ("dob 12.3.50"), because the
//! keyword removes the doubt that a short year would otherwise leave.

use std::ops::Range;
use std::sync::LazyLock;

use jiff::civil::Date;
use regex::{Captures, Regex};

use super::{digit_at, digit_before};

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// 12/03/1950, 12-03-1950, 12.3.50, 12 03 1950 …
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{1,2})([/.\-_ ])([0-9]{1,2})([/.\-_ ])([0-9]{4}|[0-9]{2})")
        .expect("numeric date pattern is valid")
});

/// 1950-03-12 and its slashed or dotted variants.
static YEAR_MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{4})([/.\-_ ])([0-9]{1,2})([/.\-_ ])([0-9]{1,2})").expect("ISO date pattern is valid")
});

/// 12 March 1950, 12th Mar 1950, 1st of March 1950, 12-Mar-1950.
static DAY_NAMED_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)([0-9]{{1,2}})(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t\-/.]{{0,3}}{MONTH}\.?,?[ \t\-/.]{{0,3}}([0-9]{{4}}|[0-9]{{2}})"
    ))
    .expect("day-month date pattern is valid")
});

/// March 12, 1950 and Mar 12th 1950.
static NAMED_MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)\b{MONTH}\.?[ \t\-/.]{{1,3}}([0-9]{{1,2}})(?:st|nd|rd|th)?,?[ \t]{{1,3}}([0-9]{{4}}|[0-9]{{2}})"
    ))
    .expect("month-day date pattern is valid")
});

/// Byte spans of dates in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut search = |pattern: &Regex, accept: fn(&Captures<'_>, bool) -> bool| {
        let mut at = 0;
        while let Some(caps) = pattern.captures_at(text, at) {
            let Some(whole) = caps.get(0) else { break };
            if !continues_number(text, whole.range())
                && accept(&caps, follows_dob_keyword(text, whole.start()))
            {
                found.push(whole.range());
                at = whole.end();
            } else {
                // A refused match may hide a date that starts inside it ("5 12 03 1950": not
                // "5 12 03", but "12 03 1950"), so look again from its next character.
                at = next_char(text, whole.start());
            }
        }
    };
    search(&DAY_MONTH_YEAR, |caps, dob| {
        let separator = same_separator(caps, 2, 4);
        // A two-digit year is only taken as a date with slashes ("12/03/50") or after a keyword:
        // "2.3.10" is far more often a version than a date. Spaces and underscores only separate a
        // date with a four-digit year: "12 3 50" is more likely three counts.
        let spaced = matches!(separator, Some(" " | "_"));
        let short_year_ok = (dob && !spaced) || separator == Some("/");
        let (a, b, year) = (number(caps, 1), number(caps, 3), caps.get(5));
        // Day first is the English way, but "12/25/1950" written the American way is still a date.
        separator.is_some()
            && year.is_some_and(|y| y.len() == 4 || short_year_ok)
            && (is_date(year_of(caps, 5), b, a) || is_date(year_of(caps, 5), a, b))
    });
    search(&YEAR_MONTH_DAY, |caps, _| {
        same_separator(caps, 2, 4).is_some() && is_date(year_of(caps, 1), number(caps, 3), number(caps, 5))
    });
    search(&DAY_NAMED_MONTH_YEAR, |caps, dob| {
        let long_year = caps.get(3).is_some_and(|y| y.len() == 4);
        (long_year || dob) && is_date(year_of(caps, 3), month_of(caps, 2), number(caps, 1))
    });
    search(&NAMED_MONTH_DAY_YEAR, |caps, dob| {
        let long_year = caps.get(3).is_some_and(|y| y.len() == 4);
        (long_year || dob) && is_date(year_of(caps, 3), month_of(caps, 1), number(caps, 2))
    });
    found
}

/// Whether a match is only part of a longer number, like "1.12.03.2024" or "112/03/1950": the
/// patterns cannot say "no digit here" themselves, and `\b` would also refuse "DOB12/03/1950".
pub(super) fn continues_number(text: &str, span: Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let joined = |b: Option<&u8>| matches!(b, Some(b'/' | b'.' | b'-' | b'_'));
    let before = digit_before(bytes, span.start)
        || (span.start >= 2 && joined(bytes.get(span.start - 1)) && digit_before(bytes, span.start - 1));
    let after = digit_at(bytes, span.end) || (joined(bytes.get(span.end)) && digit_at(bytes, span.end + 1));
    before || after
}

/// The byte offset of the character after the one starting at `at`.
fn next_char(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.chars().next()).map_or(text.len(), |c| at + c.len_utf8())
}

/// Whether the text just before `start` is a date-of-birth keyword, ignoring the punctuation people
/// put between a label and its value ("DOB: ", "born on - ").
pub(super) fn follows_dob_keyword(text: &str, start: usize) -> bool {
    const KEYWORDS: [&[u8]; 7] =
        [b"dob", b"d.o.b", b"d.o.b.", b"date of birth", b"birth date", b"born", b"born on"];
    let bytes = text.as_bytes();
    let lead = bytes.get(..start).unwrap_or_default();
    let trimmed_len = lead.len()
        - lead.iter().rev().take(8).take_while(|b| matches!(b, b' ' | b'\t' | b':' | b'-' | b'=')).count();
    let lead = lead.get(..trimmed_len).unwrap_or_default();
    KEYWORDS.iter().any(|keyword| {
        lead.len() >= keyword.len() && {
            let at = lead.len() - keyword.len();
            let word_start =
                !at.checked_sub(1).and_then(|i| lead.get(i)).is_some_and(u8::is_ascii_alphanumeric);
            word_start && lead.get(at..).is_some_and(|w| w.eq_ignore_ascii_case(keyword))
        }
    })
}

/// Whether both separators were captured and are the same, returning it: "12/03-1950" is not a
/// date anyone writes.
fn same_separator<'t>(caps: &Captures<'t>, first: usize, second: usize) -> Option<&'t str> {
    let (a, b) = (caps.get(first)?.as_str(), caps.get(second)?.as_str());
    (a == b).then_some(a)
}

fn number(caps: &Captures<'_>, group: usize) -> Option<i8> {
    caps.get(group)?.as_str().parse().ok()
}

/// The year a captured year means; a two-digit year may be in either century (a patient born in
/// '50 or a follow-up in '26), so both are returned.
fn year_of(caps: &Captures<'_>, group: usize) -> [Option<i16>; 2] {
    let Some(year) = caps.get(group) else {
        return [None, None];
    };
    let value: Option<i16> = year.as_str().parse().ok();
    match year.len() {
        2 => [value.map(|y| 1900 + y), value.map(|y| 2000 + y)],
        _ => [value.filter(|y| (1800..=2199).contains(y)), None],
    }
}

fn month_of(caps: &Captures<'_>, group: usize) -> Option<i8> {
    let name = caps.get(group)?.as_str().get(..3)?.to_ascii_lowercase();
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let index = months.iter().position(|m| *m == name)?;
    i8::try_from(index + 1).ok()
}

/// Whether day and month make a real date in any of the candidate years, so "45/13/2020" and
/// "31/02/1950" are not dates.
pub(super) fn is_date(years: [Option<i16>; 2], month: Option<i8>, day: Option<i8>) -> bool {
    let (Some(month), Some(day)) = (month, day) else {
        return false;
    };
    years.into_iter().flatten().any(|year| Date::new(year, month, day).is_ok())
}
