//! UK phone numbers: a trunk `0`, or `+44` or `0044` (optionally followed by `(0)`), then nine or ten
//! digits in groups.
//!
//! Requiring the UK prefix is what keeps ordinary numbers out: "111", "10 minutes", "2024", version
//! numbers and 3-3-4 groups starting 9 (which is how NHS numbers are written) never start with one.

use std::ops::Range;

use super::{digit_at, digit_before, digit_run, is_separator};

/// Byte spans of UK phone numbers in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let could_start = matches!(bytes.get(at), Some(b'0' | b'+' | b'('));
        if could_start && !digit_before(bytes, at) {
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

/// The end of a UK phone number starting at `start`, if one does.
fn match_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    let mut open_paren = false;
    if let Some(after) = international_prefix(bytes, at) {
        at = after;
        at += usize::from(is_separator(bytes.get(at)));
        if bytes.get(at..at + 3) == Some(b"(0)") {
            at += 3;
            at += usize::from(is_separator(bytes.get(at)));
        }
    } else {
        if bytes.get(at) == Some(&b'(') {
            open_paren = true;
            at += 1;
        }
        if bytes.get(at) != Some(&b'0') {
            return None;
        }
        at += 1;
    }
    // "00" starts an international call, and a lone "0" is just zero. Every UK area or mobile code
    // has at least two digits after the trunk zero, which keeps the month of a date ("12/03/1950
    // 07700 900123") from starting a phone number.
    if !matches!(bytes.get(at), Some(b'1'..=b'9')) || digit_run(bytes, at, 2) < 2 {
        return None;
    }

    // Read digit groups until the national number would exceed ten digits, remembering the last
    // group boundary at which it had nine or ten. Stopping at a boundary means a number followed by
    // another ("07700 900123 2 times") is still found, while a digit run too long to be a phone
    // number ("077009001234") is not.
    let mut digits = 0;
    let mut end = None;
    loop {
        let run = digit_run(bytes, at, 11);
        digits += run;
        at += run;
        if digits > 10 {
            break;
        }
        if digits >= 9 {
            end = Some(at);
        }
        let mut next = at;
        if open_paren && bytes.get(next) == Some(&b')') {
            open_paren = false;
            next += 1;
            next += usize::from(is_separator(bytes.get(next)));
        } else if is_separator(bytes.get(next)) {
            next += 1;
        } else {
            break;
        }
        if !digit_at(bytes, next) {
            break;
        }
        at = next;
    }
    end
}

/// Where the national number starts after a UK international prefix (`+44`, `0044`, `00 44`) at
/// `at`, if there is one.
fn international_prefix(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at..at + 3) == Some(b"+44") {
        return Some(at + 3);
    }
    if bytes.get(at..at + 2) != Some(b"00") {
        return None;
    }
    let country = at + 2 + usize::from(is_separator(bytes.get(at + 2)));
    (bytes.get(country..country + 2) == Some(b"44")).then_some(country + 2)
}
