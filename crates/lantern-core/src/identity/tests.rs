//! Behaviour of the guard as callers see it: through `screen`, with character offsets.

use proptest::prelude::*;

use super::{nhs_number_is_valid, screen, Finding, IdentifierKind};
use IdentifierKind::{DateOfBirth, Email, NhsNumber, PhoneNumber, Postcode};

/// Each finding as its kind and the text it covers, which reads better in assertions than offsets.
fn found(text: &str) -> Vec<(IdentifierKind, String)> {
    screen(text)
        .into_iter()
        .map(|f| (f.kind, text.chars().skip(f.start).take(f.end - f.start).collect()))
        .collect()
}

fn assert_finds(kind: IdentifierKind, texts: &[(&str, &str)]) {
    for (text, expected) in texts {
        assert_eq!(found(text), vec![(kind, (*expected).to_owned())], "in {text:?}");
    }
}

fn assert_clean(texts: &[&str]) {
    for text in texts {
        assert_eq!(found(text), vec![], "in {text:?}");
    }
}

#[test]
fn nhs_number_found_at_character_offsets() {
    let findings = screen("NHS 943 476 5919");
    assert_eq!(findings, vec![Finding { kind: NhsNumber, start: 4, end: 16 }]);
    assert_eq!(
        findings[0].message(),
        "looks like an NHS number at characters 5\u{2013}16: remove patient identifiers before saving"
    );
}

#[test]
fn number_failing_the_check_digit_is_not_reported_as_anything() {
    assert_clean(&["943 476 5918", "NHS 943 476 5918", "9434765918", "943-476-5918"]);
}

#[test]
fn nhs_numbers_in_every_accepted_layout() {
    assert_finds(
        NhsNumber,
        &[
            ("943-476-5919", "943-476-5919"),
            ("nhs no 9434765919.", "9434765919"),
            ("(943 4765919)", "943 4765919"),
            ("NHS9990000018 given", "9990000018"),
            ("numbers 999 876 5439 and 12", "999 876 5439"),
            ("ref 12 999 111 2227", "999 111 2227"),
        ],
    );
    assert_eq!(found("999 000 0026, 999-999-9999").len(), 2);
}

#[test]
fn nhs_number_inside_a_longer_digit_run_is_not_one() {
    assert_clean(&["19434765919", "94347659190", "barcode 50199943476591912"]);
}

#[test]
fn nhs_number_is_valid_needs_exactly_ten_ascii_digits() {
    assert!(nhs_number_is_valid("9434765919"));
    assert!(nhs_number_is_valid("9990000018"));
    assert!(!nhs_number_is_valid("9434765918"));
    assert!(!nhs_number_is_valid("943 476 5919"));
    assert!(!nhs_number_is_valid("943476591"));
    assert!(!nhs_number_is_valid("94347659190"));
    assert!(!nhs_number_is_valid("943476591a"));
    assert!(!nhs_number_is_valid(""));
    // Arabic-Indic digits are digits to Unicode but not to the NHS.
    assert!(!nhs_number_is_valid("٩٤٣٤٧٦٥٩١٩"));
    // 999000000 gives remainder 1, check digit 10: no number with that body is valid.
    assert!((0..=9).all(|d| !nhs_number_is_valid(&format!("999000000{d}"))));
}

#[test]
fn nhs_number_outranks_phone_number() {
    // 012 345 6789 passes Modulus 11 and is also laid out like a 0-prefixed phone number.
    assert_finds(NhsNumber, &[("call 012 345 6789", "012 345 6789")]);
    assert_finds(PhoneNumber, &[("call 012 345 6788", "012 345 6788")]);
}

#[test]
fn uk_phone_numbers() {
    assert_finds(
        PhoneNumber,
        &[
            ("mobile 07700 900123", "07700 900123"),
            ("07700900123", "07700900123"),
            ("rang +44 7700 900123 twice", "+44 7700 900123"),
            ("+44 (0)7700 900123", "+44 (0)7700 900123"),
            ("+447700900123", "+447700900123"),
            ("020 7946 0958", "020 7946 0958"),
            ("tel (01632) 960 001.", "(01632) 960 001"),
            ("0161-496-0000", "0161-496-0000"),
            ("07700 900 123", "07700 900 123"),
            ("called 07700 900123 2 times", "07700 900123"),
        ],
    );
    assert_eq!(found("07700 900123 07700 900124").len(), 2);
}

#[test]
fn numbers_that_are_not_uk_phone_numbers() {
    assert_clean(&[
        "ring 111 or 999",
        "took 10 minutes",
        "in 2024",
        "version 2.3.1",
        "0800 111",
        "077009001234",
        "0 minutes",
        "00 44 20",
        "dose 0.5 ml",
        "943 476 5918",
        "10/15 minutes",
    ]);
}

#[test]
fn email_addresses() {
    assert_finds(
        Email,
        &[
            ("email jane.doe@example.com today", "jane.doe@example.com"),
            ("<j.o'neil+lantern@nhs.net>", "j.o'neil+lantern@nhs.net"),
            ("x@sub.example.co.uk.", "x@sub.example.co.uk"),
            ("josé@exemple.fr", "josé@exemple.fr"),
        ],
    );
    // An email wholly contains whatever else matches inside it, so it is the one reported.
    assert_finds(Email, &[("9434765919@nhs.net", "9434765919@nhs.net")]);
}

#[test]
fn not_email_addresses() {
    assert_clean(&["@practice on social media", "user@localhost", "meet @ 10", "a@b"]);
}

#[test]
fn uk_postcodes() {
    assert_finds(
        Postcode,
        &[
            ("lives SW1A 1AA", "SW1A 1AA"),
            ("M1 1AE", "M1 1AE"),
            ("B33 8TH,", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("(DN55 1PT)", "DN55 1PT"),
            ("ls1 4ap", "ls1 4ap"),
            ("EC1A1BB", "EC1A1BB"),
            ("W1A 0AX", "W1A 0AX"),
        ],
    );
}

#[test]
fn codes_and_words_that_are_not_postcodes() {
    assert_clean(&[
        "ODS A81001",
        "U89141",
        "QHM",
        "photo ID",
        "NHS App",
        "printed on A4",
        "COVID19 booster",
        "vitamin B12",
        "B12 2mg",
        "version 2.3.1",
        "SW1A",
    ]);
}

#[test]
fn full_dates_are_refused_as_possible_dates_of_birth() {
    assert_finds(
        DateOfBirth,
        &[
            ("born 12/03/1950", "12/03/1950"),
            ("12-03-1950", "12-03-1950"),
            ("12.03.1950", "12.03.1950"),
            ("12/3/50", "12/3/50"),
            ("follow up on 03/12/2026", "03/12/2026"),
            ("12 March 1950", "12 March 1950"),
            ("12th Mar 1950", "12th Mar 1950"),
            ("the 1st of March 1950", "1st of March 1950"),
            ("12-Mar-1950", "12-Mar-1950"),
            ("March 12, 1950", "March 12, 1950"),
            ("sept 3rd 1948", "sept 3rd 1948"),
            ("1950-03-12", "1950-03-12"),
            ("DOB12/03/1950", "12/03/1950"),
            ("12/25/1950", "12/25/1950"),
        ],
    );
}

#[test]
fn short_years_count_only_with_slashes_or_a_keyword() {
    assert_finds(
        DateOfBirth,
        &[
            ("DOB: 12.3.50", "12.3.50"),
            ("d.o.b. 12-03-50", "12-03-50"),
            ("born on 12 Mar 50", "12 Mar 50"),
            ("date of birth - March 12, 50", "March 12, 50"),
        ],
    );
    assert_clean(&["version 2.3.10", "12-03-50", "12 Mar 50 minutes"]);
}

#[test]
fn things_that_are_not_full_dates() {
    assert_clean(&[
        "took 10 minutes",
        "version 2.3.1",
        "ODS A81001",
        "10/15 minutes",
        "2 of 3",
        "at 10:30",
        "in 2024",
        "March 2024",
        "12 March",
        "45/13/2020",
        "31/02/1950",
        "30 Feb 1950",
        "1/12/03/1950",
        "112/03/1950",
        "12/03/19501",
        "Omar 12, 1950",
        "12 Marching 1950",
        "reborn 12.3.50",
    ]);
}

#[test]
fn offsets_count_characters_not_bytes() {
    let text = "Café – patient 07700 900123";
    assert_eq!(screen(text), vec![Finding { kind: PhoneNumber, start: 15, end: 27 }]);
    let text = "😀 émigré NHS 943 476 5919 and ls1 4ap";
    assert_eq!(
        screen(text),
        vec![Finding { kind: NhsNumber, start: 13, end: 25 }, Finding { kind: Postcode, start: 30, end: 37 },]
    );
}

#[test]
fn several_kinds_are_sorted_by_position() {
    let kinds: Vec<IdentifierKind> =
        screen("pt 12/03/1950 at B33 8TH, 07700 900123, jo@x.org, NHS 943 476 5919")
            .into_iter()
            .map(|f| f.kind)
            .collect();
    assert_eq!(kinds, vec![DateOfBirth, Postcode, PhoneNumber, Email, NhsNumber]);
}

#[test]
fn findings_serialise_for_the_api() {
    let json = serde_json::to_value(screen("NHS 943 476 5919")).expect("serialises");
    assert_eq!(json, serde_json::json!([{"kind": "nhs_number", "start": 4, "end": 16}]));
}

#[test]
fn describes_every_kind() {
    let described: Vec<&str> = [NhsNumber, PhoneNumber, Email, Postcode, DateOfBirth]
        .into_iter()
        .map(IdentifierKind::describe)
        .collect();
    assert_eq!(
        described,
        ["an NHS number", "a phone number", "an email address", "a postcode", "a date of birth"]
    );
}

#[test]
fn long_bodies_are_screened_in_linear_time() {
    // Inputs shaped to make a naive scanner or a backtracking pattern go quadratic: long digit runs,
    // chains of short number groups, local parts with no domain, postcode and date near-misses.
    let size = 100_000;
    let adversarial = [
        "1".repeat(size),
        "0 1 ".repeat(size / 4),
        "01 234567890123 ".repeat(size / 16),
        "a.".repeat(size / 2),
        "a@b-".repeat(size / 4),
        "12/12/".repeat(size / 6),
        "1st of ".repeat(size / 7),
        "SW1A ".repeat(size / 5),
        "+44 ".repeat(size / 4),
    ];
    for text in &adversarial {
        assert!(screen(text).is_empty(), "in {:?}…", &text[..20]);
    }
    let repeated = "07700 900123 jo@x.org 943 476 5919 B33 8TH 12/03/1950 ".repeat(2_000);
    assert_eq!(screen(&repeated).len(), 10_000);
}

/// The check digit by the NHS definition, written out independently of the code under test.
fn modulus_11(body: &[u32]) -> u32 {
    let sum: u32 = body.iter().zip([10, 9, 8, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 11
}

fn digits_to_string(digits: &[u32]) -> String {
    digits.iter().map(|d| d.to_string()).collect()
}

/// A valid NHS number as digits.
fn valid_nhs_number() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::vec(0..10u32, 9).prop_filter_map("check digit would be 10", |mut body| {
        let check = modulus_11(&body);
        (check != 10).then(|| {
            body.push(check);
            body
        })
    })
}

fn words() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[a-z]{1,8}", 0..6)
}

proptest! {
    #[test]
    fn check_digit_catches_every_single_digit_substitution(
        number in valid_nhs_number(),
        position in 0..10usize,
        shift in 1..10u32,
    ) {
        prop_assert!(nhs_number_is_valid(&digits_to_string(&number)));
        let mut altered = number.clone();
        altered[position] = (altered[position] + shift) % 10;
        prop_assert!(!nhs_number_is_valid(&digits_to_string(&altered)));
    }

    #[test]
    fn valid_nhs_numbers_in_text_are_found(
        number in valid_nhs_number(),
        layout in 0..3usize,
        before in words(),
        after in words(),
    ) {
        let digits = digits_to_string(&number);
        let written = match layout {
            0 => digits,
            1 => format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..]),
            _ => format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..]),
        };
        let lead = before.iter().map(|w| format!("{w} ")).collect::<String>();
        let text = format!("{lead}{written} {}", after.join(" "));
        let start = lead.chars().count();
        let expected = Finding { kind: NhsNumber, start, end: start + written.len() };
        prop_assert!(screen(&text).contains(&expected), "{text:?}: {:?}", screen(&text));
    }

    #[test]
    fn plain_prose_is_clean(text in "[a-z .,!?]{0,200}") {
        prop_assert_eq!(screen(&text), vec![]);
    }

    #[test]
    fn uk_mobile_numbers_are_found(
        subscriber in "7[0-9]{3} [0-9]{6}",
        before in words(),
    ) {
        let lead = before.iter().map(|w| format!("{w} ")).collect::<String>();
        let text = format!("{lead}0{subscriber} please");
        let start = lead.len();
        prop_assert_eq!(
            screen(&text),
            vec![Finding { kind: PhoneNumber, start, end: start + 12 }]
        );
    }

    #[test]
    fn email_addresses_are_found(
        address in "[a-z][a-z0-9]{0,8}(\\.[a-z0-9_+-]{1,8})?@[a-z][a-z0-9-]{0,10}\\.(com|org|net|nhs\\.uk|co\\.uk)",
        before in words(),
    ) {
        let lead = before.iter().map(|w| format!("{w} ")).collect::<String>();
        let text = format!("{lead}{address} thanks");
        let start = lead.len();
        prop_assert_eq!(
            screen(&text),
            vec![Finding { kind: Email, start, end: start + address.len() }]
        );
    }

    #[test]
    fn findings_are_sorted_disjoint_and_in_bounds(text in any::<String>()) {
        let findings = screen(&text);
        let length = text.chars().count();
        for finding in &findings {
            prop_assert!(finding.start < finding.end && finding.end <= length);
        }
        for pair in findings.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start);
        }
    }

    #[test]
    fn findings_are_sorted_disjoint_and_in_bounds_on_identifier_like_text(
        text in "([0-9]{1,4}|[ /.@+()-]|[A-Za-z]{1,3}|é|–){0,60}",
    ) {
        let findings = screen(&text);
        let length = text.chars().count();
        for finding in &findings {
            prop_assert!(finding.start < finding.end && finding.end <= length);
        }
        for pair in findings.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start);
        }
    }
}
