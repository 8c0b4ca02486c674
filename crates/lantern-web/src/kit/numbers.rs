//! Figures written for people rather than machines: thousands separated, money in pounds and pence,
//! rates as percentages, and changes in words ("up 12% on the previous quarter").

use lantern_core::measures::{PeriodKind, Suppressed};

/// 12345 → "12,345".
pub fn count(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if value < 0 {
        out.insert(0, '-');
    }
    out
}

/// `value` with `places` decimals and thousands separated: 1234.56 → "1,234.6" (places 1).
pub fn decimal(value: f64, places: usize) -> String {
    let fixed = format!("{:.*}", places, value.abs());
    let (whole, fraction) = fixed.split_once('.').map_or((fixed.as_str(), ""), |(w, f)| (w, f));
    let whole = count(whole.parse().unwrap_or(0));
    // A value that rounds to zero should not read "-0.0".
    let sign = if value < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// Pence → "£1,234.56".
pub fn pounds(pence: f64) -> String {
    format!("£{}", decimal(pence / 100.0, 2))
}

/// A share from 0 to 1 → "12.3%".
pub fn percent(share: f64) -> String {
    format!("{}%", decimal(share * 100.0, 1))
}

/// Minutes → "1,234 minutes (20.6 hours)".
pub fn minutes_and_hours(minutes: i64) -> String {
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("{} {unit} ({} hours)", count(minutes), decimal(minutes as f64 / 60.0, 1))
}

/// What the period before is called in a sentence.
pub fn previous_name(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Week => "the previous week",
        PeriodKind::Month => "the previous month",
        PeriodKind::Quarter => "the previous quarter",
        PeriodKind::Year => "the previous year",
        PeriodKind::Custom => "the period before",
    }
}

/// A figure against the period before, as a relative change; `had_help_before` is false when nothing
/// was logged then (no percentage can be worked out from nothing).
pub fn change(now: f64, before: f64, had_help_before: bool, kind: PeriodKind) -> String {
    let against = previous_name(kind);
    if !had_help_before {
        return format!("No help logged in {against}");
    }
    if before == 0.0 {
        return if now == 0.0 { format!("None in {against} either") } else { format!("None in {against}") };
    }
    let ratio = (now - before) / before;
    let rounded = (ratio * 100.0).round();
    if rounded == 0.0 {
        format!("About the same as {against}")
    } else if rounded > 0.0 {
        format!("Up {}% on {against}", count(rounded as i64))
    } else {
        format!("Down {}% on {against}", count(-rounded as i64))
    }
}

/// A rate against the period before, in percentage points (a relative change of a rate misleads).
pub fn rate_change(now: f64, before: f64, had_help_before: bool, kind: PeriodKind) -> String {
    let against = previous_name(kind);
    if !had_help_before {
        return format!("No help logged in {against}");
    }
    let points = (now - before) * 100.0;
    if points.abs() < 0.05 {
        format!("About the same as {against}")
    } else if points > 0.0 {
        format!("Up {} percentage points on {against}", decimal(points, 1))
    } else {
        format!("Down {} percentage points on {against}", decimal(-points, 1))
    }
}

/// A suppressed figure: "<8" as it is, a shown one through `show`.
pub fn shown<T: Copy>(value: &Suppressed<T>, show: impl Fn(T) -> String) -> String {
    match value {
        Suppressed::Shown(v) => show(*v),
        Suppressed::Hidden(text) => (*text).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(-1_234_567), "-1,234,567");
        assert_eq!(decimal(1234.56, 1), "1,234.6");
        assert_eq!(decimal(-0.01, 1), "0.0");
        assert_eq!(decimal(7.0, 0), "7");
        assert_eq!(pounds(161_200.0), "£1,612.00");
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(minutes_and_hours(90), "90 minutes (1.5 hours)");
    }

    #[test]
    fn changes_are_in_words() {
        let q = PeriodKind::Quarter;
        assert_eq!(change(112.0, 100.0, true, q), "Up 12% on the previous quarter");
        assert_eq!(change(50.0, 100.0, true, q), "Down 50% on the previous quarter");
        assert_eq!(change(100.0, 100.2, true, q), "About the same as the previous quarter");
        assert_eq!(change(5.0, 0.0, false, q), "No help logged in the previous quarter");
        assert_eq!(
            rate_change(0.25, 0.2, true, PeriodKind::Month),
            "Up 5.0 percentage points on the previous month"
        );
        assert_eq!(shown(&Suppressed::Hidden("<8"), count), "<8");
        assert_eq!(shown(&Suppressed::Shown(12_000), count), "12,000");
    }
}
