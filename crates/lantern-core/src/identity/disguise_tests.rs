//! The disguises found by probing the running demo, each refused, and ordinary text that looks a
//! little like them, each let through.

use super::{screen, IdentifierKind};
use IdentifierKind::{DateOfBirth, Email, NhsNumber, PhoneNumber, Postcode};

/// The kinds found in `text`, with the original text each covers.
fn found(text: &str) -> Vec<(IdentifierKind, String)> {
    screen(text)
        .into_iter()
        .map(|f| (f.kind, text.chars().skip(f.start).take(f.end - f.start).collect()))
        .collect()
}

fn assert_whole(kind: IdentifierKind, texts: &[&str]) {
    for text in texts {
        let whole = format!("seen {text} today");
        assert_eq!(found(&whole), vec![(kind, (*text).to_owned())], "in {whole:?}");
    }
}

#[test]
fn nhs_numbers_with_any_separator_invisible_character_or_digit_form() {
    assert_whole(
        NhsNumber,
        &[
            "943.476.5919",
            "943/476/5919",
            "943_476_5919",
            "943\u{2013}476\u{2013}5919",
            "943\u{A0}476\u{A0}5919",
            "943\n476\n5919",
            "9 4 3 4 7 6 5 9 1 9",
            "94 34 76 59 19",
            "94347 65919",
            "943 - 476 - 5919",
            "943\u{200B}476\u{200B}5919",
            "9\u{AD}4\u{AD}3\u{AD}4765919",
            "943\u{FEFF}4765919",
            "\u{FF19}\u{FF14}\u{FF13}\u{FF14}\u{FF17}\u{FF16}\u{FF15}\u{FF19}\u{FF11}\u{FF19}",
            "\u{669}\u{664}\u{663} \u{664}\u{667}\u{666} \u{665}\u{669}\u{661}\u{669}",
            "\u{96F}\u{96A}\u{969}4765919",
        ],
    );
}

#[test]
fn phone_numbers_with_an_international_prefix_or_separators() {
    assert_whole(
        PhoneNumber,
        &[
            "0044 7700 900123",
            "00 44 7700 900123",
            "0044 (0)7700 900123",
            "\u{FF0B}44 7700 900123",
            "07700.900.123",
            "07700\u{2013}900123",
            "07700\u{200B}900123",
            "020/7946/0958",
        ],
    );
}

#[test]
fn email_addresses_with_full_width_or_invisible_characters() {
    assert_whole(
        Email,
        &["jane.doe\u{FF20}example.com", "jane\u{200B}.doe@example\u{FF0E}com", "jo\u{FE6B}nhs.net"],
    );
}

#[test]
fn postcodes_with_doubled_or_invisible_spaces() {
    assert_whole(
        Postcode,
        &["SW1A  1AA", "SW1A\u{200B}1AA", "SW1A\u{A0}1AA", "SW1A\n1AA", "ｓｗ１ａ １ａａ", "M1-1AE"],
    );
}

#[test]
fn dates_of_birth_without_separators_or_with_unusual_ones() {
    assert_whole(
        DateOfBirth,
        &["01021960", "19600102", "01 02 1960", "01_02_1960", "01 / 02 / 1960", "01\u{2013}02\u{2013}1960"],
    );
    assert_eq!(found("dob 010260"), vec![(DateOfBirth, "010260".to_owned())]);
}

#[test]
fn ordinary_text_is_still_let_through() {
    for text in [
        "took 10 minutes. 12 people were waiting",
        "fees £12.50 and £3.75",
        "iOS 17.4.1 on an iPhone 12",
        "room 101/2, ext 2345",
        "ref 1234-5678",
        "at 10.30 and 14.15",
        "version 2.3.10",
        "0 1 0 1 0 1 0 1 0 1",
        "rang 111 then 999",
        "12345678 is not a date",
        "aged 75+ \u{2013} 2 of 3 needed help",
        "Zoë – café – naïve",
        "050226 appointments",
        "a@b",
        "B12 2mg",
    ] {
        assert_eq!(found(text), vec![], "in {text:?}");
    }
}

#[test]
fn findings_point_at_the_disguised_text() {
    // Full-width digits and a zero-width space: the finding covers them in the original.
    let text = "NHS \u{FF19}\u{FF14}\u{FF13}\u{200B}4765919 ok";
    let findings = screen(text);
    assert_eq!(findings.len(), 1);
    assert_eq!((findings[0].start, findings[0].end), (4, 15));
}
