//! Turning one CSV cell into a value and back. Kept apart from the reader and writer so the rules that
//! must agree in both directions (formula neutralising, list separators, yes/no) live in one place.

use std::borrow::Cow;

/// Cells starting with these are run as formulas by spreadsheets (OWASP "CSV injection").
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Separates the values of a multi-valued cell (`helpers`, `services`, `tasks`, `barriers`).
pub const LIST_SEPARATOR: char = ';';

/// Whether a spreadsheet would (after ignoring any quotes we added) read `cell` as a formula.
fn looks_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS)
}

/// Prefixes a single `'` to a cell a spreadsheet would run as a formula. A cell that already starts
/// with quotes followed by a trigger (`'=x`) is prefixed too, so that [`restore`] can tell our quote
/// from the author's and every value survives export and import unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if looks_like_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`neutralise`]: strips exactly one leading `'` when what follows (after any further quotes)
/// starts with a formula trigger. Any other cell is returned unchanged.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// The values of a multi-valued cell: split on `;`, trimmed, empty values dropped.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split(LIST_SEPARATOR).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

pub fn join_list<S: AsRef<str>>(values: &[S]) -> String {
    values.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(";")
}

/// Reads a yes/no cell; spreadsheets and other tools write booleans many ways, so several are accepted.
pub fn parse_yes_no(cell: &str) -> Result<bool, String> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        "" => Err("Enter yes or no".to_owned()),
        _ => Err(format!("{cell:?} is not yes or no")),
    }
}

pub fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_cells_get_one_quote() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("-5 mins"), "'-5 mins");
        assert_eq!(neutralise("+44"), "'+44");
        assert_eq!(neutralise("@x"), "'@x");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("'=x"), "''=x");
        assert_eq!(neutralise("plain - text"), "plain - text");
        assert_eq!(neutralise("'quoted"), "'quoted");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn restore_strips_only_our_quote() {
        assert_eq!(restore("'-see Ben"), "-see Ben");
        assert_eq!(restore("''=x"), "'=x");
        assert_eq!(restore("'quoted"), "'quoted");
        assert_eq!(restore("'"), "'");
        assert_eq!(restore("=typed by hand"), "=typed by hand");
    }

    #[test]
    fn lists_trim_and_drop_empty_values() {
        assert_eq!(split_list(" nhs_app ; ;nhs_login;"), vec!["nhs_app", "nhs_login"]);
        assert!(split_list("  ").is_empty());
        assert_eq!(join_list(&["a", "b"]), "a;b");
    }

    #[test]
    fn yes_no_accepts_common_spellings() {
        for yes in ["yes", "YES", "y", "true", "1", " Yes "] {
            assert_eq!(parse_yes_no(yes), Ok(true), "{yes}");
        }
        for no in ["no", "N", "false", "0"] {
            assert_eq!(parse_yes_no(no), Ok(false), "{no}");
        }
        assert!(parse_yes_no("maybe").is_err());
        assert!(parse_yes_no("").is_err());
        assert_eq!(yes_no(true), "yes");
    }

    proptest! {
        #[test]
        fn every_value_survives_neutralise_and_restore(s in ".*") {
            let written = neutralise(&s);
            prop_assert_eq!(restore(&written), s.as_str());
        }

        #[test]
        fn quoted_prefix_alphabet_round_trips(s in "['=+@\\-\t\r a]{0,6}") {
            let written = neutralise(&s);
            prop_assert_eq!(restore(&written), s.as_str());
        }

        #[test]
        fn neutralised_cells_never_start_a_formula(s in ".*") {
            prop_assert!(!neutralise(&s).starts_with(FORMULA_TRIGGERS));
        }

        #[test]
        fn trimmed_values_survive_the_reader_trimming(s in ".*") {
            let s = s.trim();
            let written = neutralise(s);
            prop_assert_eq!(restore(written.trim()), s);
        }
    }
}
