//! Small-number suppression for figures shown outside the practice: a count from 1 to 7 could point
//! to an identifiable patient or member of staff, so it is shown as "<8", and so is anything derived
//! from it (its minutes, its cost, its rate).

use serde::Serialize;

/// Counts from 1 up to (not including) this are suppressed.
pub const SUPPRESS_BELOW: i64 = 8;

pub const SUPPRESSION_RULE: &str = "Counts from 1 to 7 are shown as \"<8\", and so are the minutes, costs and \
     rates worked out from them, so that no patient or member of staff can be picked out. Zero is shown as 0.";

/// A figure as it may be shown outside the practice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Suppressed<T> {
    Shown(T),
    /// Always serialises as the text "<8".
    Hidden(&'static str),
}

impl<T: std::fmt::Display> Suppressed<T> {
    pub fn text(&self) -> String {
        match self {
            Suppressed::Shown(value) => value.to_string(),
            Suppressed::Hidden(text) => (*text).to_owned(),
        }
    }
}

/// `value` unless `count` (the number of episodes behind it) is small enough to identify someone.
pub fn suppress<T>(count: i64, value: T) -> Suppressed<T> {
    if (1..SUPPRESS_BELOW).contains(&count) {
        Suppressed::Hidden("<8")
    } else {
        Suppressed::Shown(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_seven_are_hidden_with_what_derives_from_them() {
        for count in 1..=7 {
            assert_eq!(suppress(count, count * 10).text(), "<8");
        }
        assert_eq!(suppress(0, 0).text(), "0");
        assert_eq!(suppress(8, 80).text(), "80");
        assert_eq!(serde_json::to_string(&suppress(3, 1.5)).expect("json"), r#""<8""#);
        assert_eq!(serde_json::to_string(&suppress(9, 1.5)).expect("json"), "1.5");
    }
}
