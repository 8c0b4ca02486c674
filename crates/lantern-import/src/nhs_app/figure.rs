//! One published figure cell of either table, read without ever refusing the file: what it held
//! decides what is stored and which flag it raises.

use crate::reference::Flags;
use crate::xlsx::XlsxCell;
use lantern_core::uptake::reference::ReferenceQuirk;

/// The two metrics the workbook publishes, by (header or row label as published, its
/// [`crate::xlsx::header_key`]).
pub const METRICS: [(&str, &str); 2] =
    [("NHS App logins", "nhsapplogins"), ("NHS App unique user logins", "nhsappuniqueuserlogins")];

/// A figure cell as published.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Count(i64),
    Blank,
    /// Text where a count belongs (a suppression mark such as `*` or `[c]`).
    Text(String),
    /// A number that is not a whole count.
    Fraction(f64),
}

impl Figure {
    pub fn read(cell: &XlsxCell) -> Self {
        match cell {
            XlsxCell::Empty => Figure::Blank,
            XlsxCell::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Figure::Count(*n as i64),
            XlsxCell::Number(n) => Figure::Fraction(*n),
            XlsxCell::Text(t) if t.trim().is_empty() => Figure::Blank,
            XlsxCell::Text(t) => Figure::Text(t.trim().to_owned()),
        }
    }

    /// What is stored: the count as published (below zero included), None for anything else.
    pub fn stored(&self) -> Option<i64> {
        match self {
            Figure::Count(n) => Some(*n),
            _ => None,
        }
    }

    /// Raises the flag this figure calls for, if any, against `unit` (code, period).
    pub fn flag(&self, flags: &mut Flags, line: u64, unit: (&str, &str), field: &str) {
        match self {
            Figure::Count(n) if *n < 0 => flags.negative(line, unit, field, *n, "stored as published"),
            Figure::Count(_) => {}
            Figure::Blank => flags.blank(line, unit.0, unit.1, field),
            Figure::Text(text) => {
                let reason =
                    format!("published as {text:?} (suppressed or not available); kept as unknown, not zero");
                flags.at(line, unit, ReferenceQuirk::BlankValue, field, &reason);
            }
            Figure::Fraction(n) => {
                let reason = format!("published as {n}, not a whole count; kept as unknown");
                flags.at(line, unit, ReferenceQuirk::Implausible, field, &reason);
            }
        }
    }
}

/// Flags a month with more unique users than logins: every user who logged in did so at least once.
pub fn flag_users_above_logins(
    flags: &mut Flags,
    line: u64,
    unit: (&str, &str),
    logins: &Figure,
    users: &Figure,
) {
    if let (Figure::Count(logins), Figure::Count(users)) = (logins, users) {
        if users > logins && *logins >= 0 {
            let reason = format!("{users} unique users but {logins} logins; stored as published");
            flags.at(line, unit, ReferenceQuirk::Implausible, METRICS[1].0, &reason);
        }
    }
}

/// The spreadsheet's letter for column `at` (A = 0).
pub fn column_letter(at: usize) -> String {
    let (mut n, mut letters) = (at + 1, Vec::new());
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|b| char::from(*b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_become_figures_and_columns_letters() {
        assert_eq!(Figure::read(&XlsxCell::Number(42.0)), Figure::Count(42));
        assert_eq!(Figure::read(&XlsxCell::Number(-3.0)).stored(), Some(-3));
        assert_eq!(Figure::read(&XlsxCell::Text(" * ".into())), Figure::Text("*".into()));
        assert_eq!(Figure::read(&XlsxCell::Number(1.5)).stored(), None);
        assert_eq!(Figure::read(&XlsxCell::Empty).stored(), None);
        assert_eq!([column_letter(0), column_letter(6), column_letter(26)], ["A", "G", "AA"]);
    }
}
