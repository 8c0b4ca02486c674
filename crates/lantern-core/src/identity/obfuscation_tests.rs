//! Identifiers disguised the ways people (and people probing the guard) type them — look-alike
//! digits, invisible characters, unusual separators, full-width forms — are still refused.
//!
//! Each generator builds a real identifier (a valid NHS number, a UK phone number, an email address,
//! a postcode, a full date) from its parts, then writes it out with random disguises. The identifier
//! is set among ordinary words and must be refused by `screen` and by every free-text rule.

use proptest::prelude::*;
use proptest::sample::select;

use super::{check_free_text, screen, FreeText};

/// One digit as it may be typed: ASCII, full-width, another script's digit, a mathematical or
/// superscript form.
fn digit(d: u32) -> impl Strategy<Value = String> {
    const ZEROS: [u32; 9] = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1D7F6];
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    prop_oneof![
        4 => select(ZEROS.to_vec()).prop_map(move |zero| char::from_u32(zero + d).map(String::from).unwrap_or_default()),
        1 => Just(SUPERSCRIPT.get(d as usize).map(|c| c.to_string()).unwrap_or_default()),
    ]
}

fn digits(number: &[u32]) -> impl Strategy<Value = Vec<String>> {
    number.iter().map(|&d| digit(d)).collect::<Vec<_>>()
}

/// A run of one or more separators standing between two groups of an identifier.
fn separator_run() -> impl Strategy<Value = String> {
    const SEPARATORS: [&str; 16] = [
        " ", " ", "\u{A0}", ".", "/", "_", "-", "\u{2013}", "\u{2014}", "\n", "\t", "\u{2009}", "\u{3000}",
        "\u{2212}", "\u{FF0D}", "\u{FF0F}",
    ];
    proptest::collection::vec(select(SEPARATORS.to_vec()), 1..3).prop_map(|parts| parts.concat())
}

/// Invisible characters: zero-width space, joiners, soft hyphen, word joiner, byte-order mark,
/// direction marks, combining grapheme joiner, variation selector.
fn invisible() -> impl Strategy<Value = &'static str> {
    const INVISIBLE: [&str; 10] = [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{00AD}", "\u{2060}", "\u{FEFF}", "\u{200E}", "\u{200F}",
        "\u{034F}", "\u{FE0F}",
    ];
    select(INVISIBLE.to_vec())
}

/// The pieces joined, with invisible characters slipped in after some of them.
fn with_invisibles(pieces: Vec<String>) -> impl Strategy<Value = String> {
    let n = pieces.len();
    proptest::collection::vec(proptest::option::weighted(0.3, invisible()), n).prop_map(move |extra| {
        pieces.iter().zip(extra).map(|(piece, after)| format!("{piece}{}", after.unwrap_or(""))).collect()
    })
}

/// Digit groups written with a separator run between each.
fn grouped(number: Vec<u32>, layout: &'static [usize]) -> impl Strategy<Value = Vec<String>> {
    let gaps = layout.len().saturating_sub(1);
    (digits(&number), proptest::collection::vec(separator_run(), gaps)).prop_map(move |(written, runs)| {
        let mut pieces = Vec::new();
        let mut at = 0;
        for (i, &size) in layout.iter().enumerate() {
            pieces.extend(written.iter().skip(at).take(size).cloned());
            at += size;
            if let Some(run) = runs.get(i) {
                pieces.push(run.clone());
            }
        }
        pieces
    })
}

/// The NHS check digit, written out from the NHS definition independently of the code under test.
fn valid_nhs_number() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(0..10u32, 9).prop_filter_map("check digit would be 10", |mut body| {
        let sum: u32 = body.iter().zip([10, 9, 8, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        (check != 10).then(|| {
            body.push(check);
            body
        })
    })
}

fn obfuscated_nhs_number() -> impl Strategy<Value = String> {
    const LAYOUTS: [&[usize]; 8] =
        [&[3, 3, 4], &[10], &[3, 7], &[6, 4], &[5, 5], &[4, 3, 3], &[1; 10], &[2, 2, 2, 2, 2]];
    (valid_nhs_number(), select(LAYOUTS.to_vec()))
        .prop_flat_map(|(number, layout)| grouped(number, layout))
        .prop_flat_map(with_invisibles)
}

fn obfuscated_phone_number() -> impl Strategy<Value = String> {
    // (leading national digits, digits still to draw, layout of the national number after the 0)
    const PLANS: [(&[u32], usize, &[usize]); 4] = [
        (&[7], 9, &[4, 6]),
        (&[2, 0], 8, &[2, 4, 4]),
        (&[1, 6, 1], 7, &[3, 3, 4]),
        (&[1, 2, 3, 4], 6, &[4, 6]),
    ];
    const PREFIXES: [&str; 7] =
        ["0", "+44 ", "+44 (0)", "0044 ", "00 44 ", "\u{FF0B}44", "\u{FF10}\u{FF10}44 "];
    (select(PLANS.to_vec()), select(PREFIXES.to_vec()))
        .prop_flat_map(|((lead, rest, layout), prefix)| {
            proptest::collection::vec(0..10u32, rest).prop_flat_map(move |tail| {
                let mut national = lead.to_vec();
                national.extend(tail);
                grouped(national, layout).prop_map(move |pieces| {
                    let mut all = vec![prefix.to_owned()];
                    all.extend(pieces);
                    all
                })
            })
        })
        .prop_flat_map(with_invisibles)
}

/// A lower-case ASCII letter, or its full-width form.
fn letter(c: char) -> impl Strategy<Value = String> {
    let wide = char::from_u32(u32::from(c) - u32::from('a') + 0xFF41).unwrap_or(c);
    prop_oneof![3 => Just(c.to_string()), 1 => Just(wide.to_string())]
}

fn obfuscated_email() -> impl Strategy<Value = String> {
    let address =
        ("[a-z]{1,8}(\\.[a-z]{1,8})?", "[a-z]{2,10}", select(vec!["com", "org", "nhs.uk", "co.uk"]));
    address
        .prop_flat_map(|(local, domain, tld)| {
            let text = format!("{local}@{domain}.{tld}");
            text.chars()
                .map(|c| match c {
                    '@' => select(vec!["@", "\u{FF20}", "\u{FE6B}"]).prop_map(str::to_owned).boxed(),
                    '.' => select(vec![".", "\u{FF0E}"]).prop_map(str::to_owned).boxed(),
                    c => letter(c).boxed(),
                })
                .collect::<Vec<_>>()
        })
        .prop_flat_map(with_invisibles)
}

fn obfuscated_postcode() -> impl Strategy<Value = String> {
    let outward = prop_oneof![
        "[A-PR-UWYZ][0-9]{1,2}",
        "[A-PR-UWYZ][A-HK-Y][0-9]{1,2}",
        "[A-PR-UWYZ][0-9][A-HJKPSTUW]",
        "[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]",
    ];
    let gap = select(vec!["", " ", "  ", "\u{A0}", "\n", "\t", "-", " - ", "\u{2009}", "\u{200B}", "."]);
    (outward, gap, "[0-9][ABD-HJLNP-UW-Z]{2}", any::<bool>())
        .prop_flat_map(|(outward, gap, inward, lower)| {
            let case = |s: &str| if lower { s.to_lowercase() } else { s.to_owned() };
            let mut pieces: Vec<BoxedStrategy<String>> = Vec::new();
            for c in case(&outward).chars().chain(std::iter::once('|')).chain(case(&inward).chars()) {
                pieces.push(match c {
                    '|' => Just(gap.to_owned()).boxed(),
                    c if c.is_ascii_digit() => digit(c.to_digit(10).unwrap_or_default()).boxed(),
                    c if c.is_ascii_lowercase() => letter(c).boxed(),
                    c => Just(c.to_string()).boxed(),
                });
            }
            pieces
        })
        .prop_flat_map(with_invisibles)
}

fn obfuscated_date() -> impl Strategy<Value = String> {
    const KINDS: [&[&str]; 5] = [
        &["/", " / ", "\u{FF0F}", "\u{2215}"],
        &[".", ". ", "\u{FF0E}"],
        &["-", "\u{2013}", " \u{2014} ", "\u{2212}"],
        &[" ", "\u{A0}", "  ", "\n"],
        &["_", "__"],
    ];
    let date = (1900..=2025i16, 1..=12i8, 1..=28i8);
    (date, select(KINDS.to_vec()), 0..3usize)
        .prop_flat_map(|((year, month, day), kind, form)| {
            let (d, m) = (format!("{day:02}"), format!("{month:02}"));
            let parts: Vec<String> = match form {
                0 => vec![d, m, year.to_string()],
                1 => vec![year.to_string(), m, d],
                _ => vec![format!("{d}{m}{year}")],
            };
            let runs = proptest::collection::vec(select(kind), 2);
            (Just(parts), runs)
        })
        .prop_flat_map(|(parts, runs)| {
            let mut pieces: Vec<BoxedStrategy<String>> = Vec::new();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    pieces.push(Just(runs.get(i - 1).copied().unwrap_or("/").to_owned()).boxed());
                }
                pieces.extend(part.chars().map(|c| digit(c.to_digit(10).unwrap_or_default()).boxed()));
            }
            pieces
        })
        .prop_flat_map(with_invisibles)
}

fn words() -> impl Strategy<Value = (String, String)> {
    ("([a-z]{1,8} ){0,4}", "( [a-z]{1,8}){0,4}")
}

/// The identifier is refused: a finding overlaps it, and every free-text rule that does not allow
/// its kind refuses the whole text.
fn assert_refused(identifier: &str, (before, after): (String, String)) -> Result<(), TestCaseError> {
    let text = format!("{before}{identifier}{after}");
    let start = before.chars().count();
    let end = start + identifier.chars().count();
    let findings = screen(&text);
    prop_assert!(
        findings.iter().any(|f| f.start < end && f.end > start),
        "{identifier:?} in {text:?} was not found: {findings:?}"
    );
    for rule in [FreeText::LINE, FreeText::NOTE] {
        prop_assert!(!check_free_text("note", "The note", &text, rule).is_empty(), "{text:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn disguised_nhs_numbers_are_refused(number in obfuscated_nhs_number(), around in words()) {
        assert_refused(&number, around)?;
        // An NHS number is refused even where contact details are welcome.
        for rule in [FreeText::HELPDESK, FreeText::DOCUMENT] {
            prop_assert!(!check_free_text("body", "The guide", &number, rule).is_empty(), "{number:?}");
        }
    }

    #[test]
    fn disguised_phone_numbers_are_refused(number in obfuscated_phone_number(), around in words()) {
        assert_refused(&number, around)?;
    }

    #[test]
    fn disguised_email_addresses_are_refused(address in obfuscated_email(), around in words()) {
        assert_refused(&address, around)?;
    }

    #[test]
    fn disguised_postcodes_are_refused(postcode in obfuscated_postcode(), around in words()) {
        assert_refused(&postcode, around)?;
    }

    #[test]
    fn disguised_dates_are_refused(date in obfuscated_date(), around in words()) {
        assert_refused(&date, around)?;
    }
}
