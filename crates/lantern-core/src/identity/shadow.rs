//! The text the detectors read: what a person would *see*, not how it was typed.
//!
//! An identifier survives being typed with full-width or Arabic-Indic digits, a full-width `＠`, a
//! zero-width space or soft hyphen between its digits, or an en dash, NBSP, newline or underscore
//! between its groups: a reader still sees the number, so the guard must too. The shadow is built
//! one original character at a time, so each of its bytes remembers which character it came from and
//! a finding can still point at the original text.
//!
//! Per character: compatibility decomposition (NFKD: full-width forms, ligatures, superscript and
//! circled digits become their plain forms), then format characters and combining marks are dropped,
//! any remaining Unicode decimal digit becomes its ASCII digit, and a run of separators (whitespace,
//! control characters, dots, slashes, underscores, hyphens and dashes, in any mix) becomes one
//! separator — the run's dot, else its slash, hyphen or underscore, else a space.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

pub(super) struct Shadow {
    pub(super) text: String,
    /// For each byte of `text`, the index of the original character it came from.
    origin: Vec<usize>,
}

/// What one decomposed character becomes in the shadow.
enum Class {
    Dropped,
    Separator(char),
    Kept(char),
}

impl Shadow {
    pub(super) fn of(original: &str) -> Self {
        let mut shadow = Self { text: String::with_capacity(original.len()), origin: Vec::new() };
        // The separator run being read: its canonical character and where it started.
        let mut run: Option<(char, usize)> = None;
        for (index, c) in original.chars().enumerate() {
            let mut take = |d: char| match classify(d) {
                Class::Dropped => {}
                Class::Separator(kind) => {
                    run = match run {
                        None => Some((kind, index)),
                        Some((held, start)) if rank(kind) < rank(held) => Some((kind, start)),
                        held => held,
                    };
                }
                Class::Kept(kept) => {
                    if let Some((kind, start)) = run.take() {
                        shadow.push(kind, start);
                    }
                    shadow.push(kept, index);
                }
            };
            if c.is_ascii() {
                take(c);
            } else {
                decompose_compatible(c, &mut take);
            }
        }
        if let Some((kind, start)) = run {
            shadow.push(kind, start);
        }
        shadow
    }

    fn push(&mut self, c: char, origin: usize) {
        self.text.push(c);
        self.origin.resize(self.text.len(), origin);
    }

    /// The original characters (start, exclusive end) that a non-empty byte span of the shadow
    /// came from.
    pub(super) fn original_chars(&self, span: Range<usize>) -> (usize, usize) {
        let start = self.origin.get(span.start).copied().unwrap_or_default();
        let last = span.end.checked_sub(1).and_then(|i| self.origin.get(i)).copied().unwrap_or(start);
        (start, last + 1)
    }
}

fn classify(c: char) -> Class {
    if c.is_ascii_alphanumeric() {
        return Class::Kept(c);
    }
    if let Some(kind) = separator(c) {
        return Class::Separator(kind);
    }
    if is_invisible(c) {
        return Class::Dropped;
    }
    match decimal_value(c) {
        Some(digit) => Class::Kept(digit),
        None => Class::Kept(c),
    }
}

/// Which separator stands for a mixed run (lowest first). A dot goes first because an email address
/// needs it ("a@b-.com" is still the domain "b-.com"); a space only when the run has nothing else.
fn rank(separator: char) -> u8 {
    match separator {
        '.' => 0,
        '/' => 1,
        '-' => 2,
        '_' => 3,
        _ => 4,
    }
}

/// The separator a character stands for, if it is one.
fn separator(c: char) -> Option<char> {
    match c {
        '.' | '\u{00B7}' | '\u{2022}' | '\u{2219}' | '\u{22C5}' | '\u{3002}' => Some('.'),
        '/' | '\\' | '\u{2044}' | '\u{2215}' | '\u{29F8}' => Some('/'),
        '-' | '\u{2212}' | '\u{2043}' => Some('-'),
        '_' => Some('_'),
        _ if c.is_whitespace() || c.is_control() => Some(' '),
        _ if c.is_ascii() => None,
        _ => match c.general_category() {
            GeneralCategory::DashPunctuation => Some('-'),
            GeneralCategory::ConnectorPunctuation => Some('_'),
            _ => None,
        },
    }
}

/// Characters nobody sees: format characters (zero-width space and joiners, soft hyphen, byte-order
/// mark, direction marks), combining marks, and the blank "filler" letters used to hide text.
fn is_invisible(c: char) -> bool {
    !c.is_ascii()
        && (matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}')
            || is_combining_mark(c)
            || c.general_category() == GeneralCategory::Format)
}

/// The ASCII digit for any Unicode decimal digit (Arabic-Indic, Devanagari, Bengali, Thai …).
///
/// Unicode guarantees that decimal digits are encoded in contiguous runs of ten, zero first, so a
/// digit's value is its distance from the start of its run of decimal digits, modulo ten (modulo,
/// because some scripts' runs sit back to back). NFKD has already turned full-width, mathematical
/// and other compatibility digits into ASCII ones, so this only meets the scripts' own digits.
fn decimal_value(c: char) -> Option<char> {
    if c.is_ascii() || c.general_category() != GeneralCategory::DecimalNumber {
        return None;
    }
    let code = u32::from(c);
    let mut zero = code;
    // The longest back-to-back run of decimal digits is five sets of ten; the bound is a safeguard.
    while code - zero < 100
        && zero
            .checked_sub(1)
            .and_then(char::from_u32)
            .is_some_and(|p| p.general_category() == GeneralCategory::DecimalNumber)
    {
        zero -= 1;
    }
    char::from_digit((code - zero) % 10, 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shadow(text: &str) -> String {
        Shadow::of(text).text
    }

    #[test]
    fn digits_of_every_script_become_ascii() {
        assert_eq!(shadow("٩٤٣ ۴۷۶ ५९१९"), "943 476 5919");
        assert_eq!(shadow("９４３４７６５９１９"), "9434765919");
        assert_eq!(shadow("𝟗𝟒𝟑 ৪৭৬ ๕๙๑๙"), "943 476 5919");
        assert_eq!(shadow("①²₃"), "123");
    }

    #[test]
    fn every_unicode_decimal_digit_has_its_value() {
        // Each run of ten decimal digits reads 0 to 9 in order, whatever the script.
        let mut checked = 0;
        for code in 0..=0x10FFFF_u32 {
            let Some(c) = char::from_u32(code) else { continue };
            if c.general_category() != GeneralCategory::DecimalNumber {
                continue;
            }
            let mapped = shadow(&c.to_string());
            assert_eq!(mapped.len(), 1, "{c:?} (U+{code:04X}) maps to {mapped:?}");
            assert!(mapped.chars().all(|d| d.is_ascii_digit()), "{c:?} (U+{code:04X}) maps to {mapped:?}");
            checked += 1;
        }
        assert!(checked > 600, "only {checked} decimal digits");
        for (zero, name) in
            [(0x0660, "Arabic-Indic"), (0x0966, "Devanagari"), (0x0E50, "Thai"), (0x1040, "Myanmar")]
        {
            let run: String = (0..10).filter_map(|i| char::from_u32(zero + i)).collect();
            assert_eq!(shadow(&run), "0123456789", "{name}");
        }
    }

    #[test]
    fn invisible_characters_are_dropped_and_separator_runs_become_one() {
        assert_eq!(shadow("943\u{200B}476\u{00AD}59\u{FEFF}1\u{2060}9"), "9434765919");
        assert_eq!(shadow("943 \u{2013} 476\u{00A0}\u{00A0}5919"), "943-476 5919");
        assert_eq!(shadow("943\n\t476_5919"), "943 476_5919");
        assert_eq!(shadow("SW1A\u{200B}  1AA"), "SW1A 1AA");
        assert_eq!(shadow("jane\u{FF0E}doe\u{FF20}example\u{FF0E}com"), "jane.doe@example.com");
        assert_eq!(shadow("Cafe\u{301} 9\u{0}4"), "Cafe 9 4");
    }

    #[test]
    fn spans_map_back_to_the_original_characters() {
        let text = "NHS ９\u{200B}４３ – 476";
        let shadow = Shadow::of(text);
        assert_eq!(shadow.text, "NHS 943-476");
        let start = shadow.text.find('9').unwrap_or_default();
        assert_eq!(shadow.original_chars(start..shadow.text.len()), (4, 14));
    }
}
