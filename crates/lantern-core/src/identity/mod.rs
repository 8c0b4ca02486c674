//! The patient-identity guard.
//!
//! Lantern makes the hidden work of helping patients online visible without ever recording who was
//! helped: an episode carries no patient identity, so its data can be pooled, exported and shown to
//! commissioners and researchers. Every structured field is identity-free by construction; the
//! free-text note is the one place an identifier can slip in, typed by a receptionist with the
//! patient still at the desk. [`screen`] looks for the identifiers that turn up in practice — NHS
//! number, phone number, email address, postcode, date of birth — so a note that carries one is
//! refused before it is stored, with a message that says where, so it can be fixed without retyping.
//!
//! The guard leans towards refusing: a false alarm costs a receptionist a few seconds, a miss puts a
//! patient's identity into data meant to be shared. It is a safety net, not a guarantee — names and
//! street addresses cannot be recognised reliably, so staff guidance still has to say "no names".
//!
//! Every detector is linear in the length of the text (hand-written scanners with bounded look-ahead,
//! or the `regex` crate, which never backtracks), because the API may be handed a long body before its
//! length is validated.

mod date;
mod date_compact;
#[cfg(test)]
mod disguise_tests;
mod email;
mod free_text;
mod nhs_number;
#[cfg(test)]
mod obfuscation_tests;
mod phone;
mod postcode;
mod shadow;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

pub use free_text::{check_free_text, FreeText};
pub use nhs_number::nhs_number_is_valid;

/// The kinds of patient identifier the guard looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    NhsNumber,
    PhoneNumber,
    Email,
    Postcode,
    DateOfBirth,
}

impl IdentifierKind {
    /// The kind as it reads in a sentence shown to staff ("looks like …").
    pub fn describe(self) -> &'static str {
        match self {
            Self::NhsNumber => "an NHS number",
            Self::PhoneNumber => "a phone number",
            Self::Email => "an email address",
            Self::Postcode => "a postcode",
            Self::DateOfBirth => "a date of birth",
        }
    }

    /// Which finding survives when two detectors claim overlapping text (lower wins). An email
    /// address goes first because it wholly contains anything else found inside it ("9434765919@…"),
    /// so removing it removes both. Then the most specific evidence: an NHS number has to pass a
    /// check digit, a phone number only a layout, and a date of birth is the loosest guess.
    fn precedence(self) -> u8 {
        match self {
            Self::Email => 0,
            Self::NhsNumber => 1,
            Self::PhoneNumber => 2,
            Self::Postcode => 3,
            Self::DateOfBirth => 4,
        }
    }
}

/// One identifier found in a note. `start` and `end` count characters, not bytes (the note is shown
/// to people and highlighted in a browser, neither of which thinks in UTF-8 bytes); `end` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: IdentifierKind,
    pub start: usize,
    pub end: usize,
}

impl Finding {
    /// A sentence for the member of staff, with 1-based inclusive positions because that is how
    /// people count characters.
    pub fn message(&self) -> String {
        format!(
            "looks like {} at characters {}\u{2013}{}: remove patient identifiers before saving",
            self.kind.describe(),
            self.start + 1,
            self.end
        )
    }
}

/// A detector returns the byte spans of one kind of identifier, in any order; [`screen`] resolves overlaps.
type Detector = fn(&str) -> Vec<Range<usize>>;

/// Every identifier in `text`, sorted by position and never overlapping. Empty means the text may be
/// stored. The detectors read the text as a person sees it (see [`shadow`]), so an identifier typed
/// with look-alike digits, invisible characters or unusual separators is still found, and each
/// finding's positions are in the original text.
pub fn screen(text: &str) -> Vec<Finding> {
    let shadow = shadow::Shadow::of(text);
    let detectors: [(IdentifierKind, Detector); 6] = [
        (IdentifierKind::Email, email::find),
        (IdentifierKind::NhsNumber, nhs_number::find),
        (IdentifierKind::PhoneNumber, phone::find),
        (IdentifierKind::Postcode, postcode::find),
        (IdentifierKind::DateOfBirth, date::find),
        (IdentifierKind::DateOfBirth, date_compact::find),
    ];
    let mut candidates: Vec<(IdentifierKind, Range<usize>)> = detectors
        .iter()
        .flat_map(|&(kind, find)| find(&shadow.text).into_iter().map(move |span| (kind, span)))
        .filter(|(_, span)| !span.is_empty())
        .collect();
    candidates.sort_by_key(|(kind, span)| (kind.precedence(), span.start));

    // Keyed by start; kept spans are disjoint, so the kept span starting last before a candidate's
    // end is the only one that can overlap it. That keeps resolution O(n log n) however many
    // candidates a long body produces.
    let mut kept: BTreeMap<usize, (usize, IdentifierKind)> = BTreeMap::new();
    for (kind, span) in candidates {
        let overlaps = kept.range(..span.end).next_back().is_some_and(|(_, &(end, _))| end > span.start);
        if !overlaps {
            kept.insert(span.start, (span.end, kind));
        }
    }
    kept.into_iter()
        .map(|(start, (end, kind))| {
            let (start, end) = shadow.original_chars(start..end);
            Finding { kind, start, end }
        })
        .collect()
}

/// The separators the shadow text uses: every run of spaces, dots, slashes, underscores, hyphens
/// and dashes is one of these.
fn is_separator(byte: Option<&u8>) -> bool {
    matches!(byte, Some(b' ' | b'.' | b'/' | b'_' | b'-'))
}

/// Whether the byte just before `at` is an ASCII digit: a number that continues a longer run of
/// digits is something else (a reference, a barcode), not the identifier it resembles.
fn digit_before(bytes: &[u8], at: usize) -> bool {
    at.checked_sub(1).and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit)
}

/// Whether the byte at `at` is an ASCII digit.
fn digit_at(bytes: &[u8], at: usize) -> bool {
    bytes.get(at).is_some_and(u8::is_ascii_digit)
}

/// The length of the run of ASCII digits starting at `at`, counting no further than `cap`: callers
/// only need to know whether a run is too long, and stopping early keeps their scans bounded.
fn digit_run(bytes: &[u8], at: usize, cap: usize) -> usize {
    bytes.get(at..).unwrap_or_default().iter().take(cap).take_while(|b| b.is_ascii_digit()).count()
}
