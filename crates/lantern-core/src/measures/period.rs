//! Reporting periods. Quarters and years follow the NHS financial year (April to March), the calendar
//! practices and commissioners plan and report in.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
    Custom,
}

impl PeriodKind {
    pub fn parse(code: &str) -> Option<PeriodKind> {
        match code {
            "week" => Some(PeriodKind::Week),
            "month" => Some(PeriodKind::Month),
            "quarter" => Some(PeriodKind::Quarter),
            "year" => Some(PeriodKind::Year),
            "custom" => Some(PeriodKind::Custom),
            _ => None,
        }
    }
}

/// Whole days from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The week (Monday to Sunday), month, financial quarter or financial year containing `day`.
    pub fn containing(kind: PeriodKind, day: Date) -> Period {
        let (from, to) = match kind {
            PeriodKind::Week | PeriodKind::Custom => {
                let back = i64::from(day.weekday().to_monday_zero_offset());
                let from = day.saturating_sub(back.days());
                (from, from.saturating_add(6.days()))
            }
            PeriodKind::Month => (day.first_of_month(), day.last_of_month()),
            PeriodKind::Quarter => {
                // Financial quarters (Q1 April to June) fall on calendar-quarter boundaries.
                let start_month = (day.month() - 1) / 3 * 3 + 1;
                let from = Date::new(day.year(), start_month, 1).unwrap_or(day);
                (from, from.saturating_add(3.months()).saturating_sub(1.day()))
            }
            PeriodKind::Year => {
                let year = if day.month() < 4 { day.year() - 1 } else { day.year() };
                let from = Date::new(year, 4, 1).unwrap_or(day);
                (from, from.saturating_add(1.year()).saturating_sub(1.day()))
            }
        };
        let kind = if kind == PeriodKind::Custom { PeriodKind::Week } else { kind };
        Period { kind, from, to }
    }

    /// A custom period; `None` when it ends before it starts or spans more than ten years.
    pub fn custom(from: Date, to: Date) -> Option<Period> {
        let days = (to - from).get_days();
        (to >= from && days <= 3_660).then_some(Period { kind: PeriodKind::Custom, from, to })
    }

    pub fn days(&self) -> i64 {
        i64::from((self.to - self.from).get_days()) + 1
    }

    pub fn weeks(&self) -> f64 {
        self.days() as f64 / 7.0
    }

    /// The period of the same kind just before this one (the same number of days, for custom periods).
    pub fn previous(&self) -> Period {
        match self.kind {
            PeriodKind::Custom => {
                let to = self.from.saturating_sub(1.day());
                Period { kind: PeriodKind::Custom, from: to.saturating_sub((self.days() - 1).days()), to }
            }
            kind => Period::containing(kind, self.from.saturating_sub(1.day())),
        }
    }

    pub fn label(&self) -> String {
        let day = |d: Date| d.strftime("%-d %B %Y").to_string();
        format!("{} to {}", day(self.from), day(self.to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn periods_contain_their_day() {
        let day = date("2026-02-18"); // a Wednesday in Q4 of 2025/26
        let week = Period::containing(PeriodKind::Week, day);
        assert_eq!((week.from, week.to), (date("2026-02-16"), date("2026-02-22")));
        assert_eq!(week.from.weekday(), jiff::civil::Weekday::Monday);
        let month = Period::containing(PeriodKind::Month, day);
        assert_eq!((month.from, month.to, month.days()), (date("2026-02-01"), date("2026-02-28"), 28));
        let quarter = Period::containing(PeriodKind::Quarter, day);
        assert_eq!((quarter.from, quarter.to), (date("2026-01-01"), date("2026-03-31")));
        let year = Period::containing(PeriodKind::Year, day);
        assert_eq!((year.from, year.to), (date("2025-04-01"), date("2026-03-31")));
        let q1 = Period::containing(PeriodKind::Quarter, date("2026-05-05"));
        assert_eq!((q1.from, q1.to), (date("2026-04-01"), date("2026-06-30")));
        let q3 = Period::containing(PeriodKind::Quarter, date("2025-12-31"));
        assert_eq!((q3.from, q3.to), (date("2025-10-01"), date("2025-12-31")));
    }

    #[test]
    fn previous_periods_abut() {
        let quarter = Period::containing(PeriodKind::Quarter, date("2026-05-05"));
        let before = quarter.previous();
        assert_eq!((before.from, before.to), (date("2026-01-01"), date("2026-03-31")));
        let custom = Period::custom(date("2026-03-10"), date("2026-03-19")).expect("valid");
        let before = custom.previous();
        assert_eq!((before.from, before.to, before.days()), (date("2026-02-28"), date("2026-03-09"), 10));
        assert!(Period::custom(date("2026-03-10"), date("2026-03-09")).is_none());
    }
}
