//! NHS numbers: ten digits whose last is a Modulus 11 check digit over the first nine.
//!
//! The check digit is what makes this detector precise: a random ten-digit number passes about one
//! time in eleven, so reference numbers and the like are mostly let through, while a real NHS number
//! is never missed however it is grouped.

use std::ops::Range;

use super::{digit_at, digit_before, digit_run, is_separator};

/// Whether `digits` is exactly ten ASCII digits passing the NHS Modulus 11 check.
pub fn nhs_number_is_valid(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (body, check) = bytes.split_at(9);
    check_digit(body).is_some_and(|expected| check == [expected])
}

/// The check digit (as an ASCII byte) for nine ASCII digits, or `None` when the remainder makes it
/// 10: such numbers are never issued, so no valid NHS number starts with those nine digits.
fn check_digit(body: &[u8]) -> Option<u8> {
    let sum: u32 = body.iter().zip((2..=10).rev()).map(|(&d, weight)| u32::from(d - b'0') * weight).sum();
    match 11 - sum % 11 {
        11 => Some(b'0'),
        10 => None,
        check => u8::try_from(check).ok().map(|c| b'0' + c),
    }
}

/// Byte spans of NHS numbers in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        // Only the start of a digit run can start an NHS number; one that continues a longer run is
        // part of some other number.
        if digit_at(bytes, at) && !digit_before(bytes, at) {
            if let Some(end) = match_at(bytes, at) {
                found.push(at..end);
                at = end;
                continue;
            }
        }
        at += 1;
    }
    found
}

/// The end of an NHS number starting at `start`, if one does.
///
/// Its ten digits may be split by single separators (the shadow text has already made every run of
/// separators one) into at most three groups of any size — the NHS's 3-3-4, unbroken, 3-7, 6-4,
/// 5-5 … — or into groups of one or two digits ("9 4 3 4 7 6 5 9 1 9"). Longer chains of bigger
/// groups are left alone: a list of counts or prices could add up to ten digits by chance.
fn match_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut groups: Vec<Range<usize>> = Vec::with_capacity(10);
    let mut digits = 0;
    let mut at = start;
    while digits < 10 {
        // Capped at 11 digits: enough to tell a ten-digit group from a longer run without walking
        // the whole of a long run.
        let run = digit_run(bytes, at, 11);
        groups.push(at..at + run);
        digits += run;
        at += run;
        if !(is_separator(bytes.get(at)) && digit_at(bytes, at + 1)) {
            break;
        }
        at += 1;
    }
    let small_groups = groups.iter().all(|g| g.len() <= 2);
    if digits != 10 || !(groups.len() <= 3 || small_groups) {
        return None;
    }
    let end = groups.last()?.end;
    let number: String =
        groups.iter().filter_map(|g| bytes.get(g.clone())).flatten().map(|&b| char::from(b)).collect();
    nhs_number_is_valid(&number).then_some(end)
}
