//! When help happens: working days (Monday to Friday, not bank holidays), the seasons of demand, the
//! time of day, and UK local time turned into UTC.

use crate::episode::PRACTICE_TIME_ZONE;
use jiff::civil::{self, Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The day after the same date `months` months before `end`, so that `months` whole months end on `end`.
pub(super) fn first_day(end: Date, months: u32) -> Date {
    end.checked_sub(i64::from(months).months()).and_then(|d| d.tomorrow()).unwrap_or(end)
}

/// The UK time zone. The tz database is bundled into the binary (`tzdb-bundle-always`), so the lookup
/// cannot fail in practice; UTC is a harmless fallback (times would be up to an hour out in summer).
fn uk() -> TimeZone {
    TimeZone::get(PRACTICE_TIME_ZONE).unwrap_or(TimeZone::UTC)
}

/// The instant of a UK local date and time. Practice hours never fall in the small-hours clock change,
/// so "compatible" disambiguation never has to choose.
pub(super) fn uk_instant(at: civil::DateTime) -> Option<Timestamp> {
    uk().to_ambiguous_zoned(at).compatible().ok().map(|zoned| zoned.timestamp())
}

/// Midnight UK time at the start of `day`.
pub(super) fn start_of_day(day: Date) -> Timestamp {
    uk_instant(day.to_datetime(civil::Time::midnight())).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// RFC 3339 UTC to the second, fixed width (`2026-03-02T09:15:00Z`), as the store keeps times.
pub(super) fn rfc3339(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Practices help patients when they are open: Monday to Friday, except bank holidays.
pub(super) fn is_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_bank_holiday(day)
}

/// How busy a working day is relative to an ordinary one. Monday is the busiest day in general practice
/// and Friday the quietest; August (staff and patients on holiday) and the days between Christmas and
/// New Year are quiet; January (new year, winter pressures) and the autumn (flu and COVID vaccination
/// clinics bring in older patients who are then asked to use the NHS App) are busy.
pub(super) fn demand_factor(day: Date) -> f64 {
    let weekday = match day.weekday() {
        Weekday::Monday => 1.25,
        Weekday::Tuesday => 1.05,
        Weekday::Wednesday => 1.0,
        Weekday::Thursday => 0.95,
        _ => 0.85,
    };
    let month = match day.month() {
        1 => 1.15,
        2 | 9 | 11 => 1.05,
        3 => 1.0,
        4..=6 => 0.95,
        7 => 0.9,
        8 => 0.6,
        10 => 1.1,
        _ if day.day() >= 22 => 0.35,
        _ => 0.85,
    };
    weekday * month
}

/// Weekly group sessions run on their weekday except in August and over Christmas and New Year, when
/// too few people come.
pub(super) fn group_session_runs(day: Date, session_day: Option<Weekday>) -> bool {
    let holidays =
        day.month() == 8 || (day.month() == 12 && day.day() >= 20) || (day.month() == 1 && day.day() <= 3);
    session_day == Some(day.weekday()) && is_working_day(day) && !holidays
}

/// Relative frequency of help starting in each hour from 08:00 to 18:00 (the last hour only to 18:30):
/// the 8 o'clock rush when the phones open and the morning surgery are busiest, lunchtime is quiet, and
/// there is a smaller afternoon peak.
pub(super) const HOUR_WEIGHTS: [(i8, u32); 11] =
    [(8, 18), (9, 16), (10, 14), (11, 12), (12, 8), (13, 6), (14, 9), (15, 9), (16, 8), (17, 5), (18, 2)];

/// England and Wales bank holidays by their standing rules (one-off changes such as a coronation are
/// not known): New Year's Day, Good Friday, Easter Monday, the early May, spring and summer Mondays,
/// Christmas Day and Boxing Day, with weekend dates moved to the next free weekday.
pub(super) fn is_bank_holiday(day: Date) -> bool {
    let year = day.year();
    let easter = easter_sunday(year);
    let moved = [
        easter.and_then(|d| d.checked_sub(2.days()).ok()),
        easter.and_then(|d| d.checked_add(1.days()).ok()),
        nth_monday(year, 5, Some(1)),
        nth_monday(year, 5, None),
        nth_monday(year, 8, None),
    ];
    if moved.contains(&Some(day)) {
        return true;
    }
    observed(&[civil::date(year, 1, 1)]).contains(&day)
        || observed(&[civil::date(year, 12, 25), civil::date(year, 12, 26)]).contains(&day)
}

/// Fixed-date holidays as observed: one that falls at a weekend moves to the next weekday not already a
/// holiday (Christmas on a Saturday gives Monday 27th and Tuesday 28th).
fn observed(dates: &[Date]) -> Vec<Date> {
    let mut out: Vec<Date> = Vec::new();
    for &date in dates {
        let mut day = date;
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) || out.contains(&day) {
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        out.push(day);
    }
    out
}

/// The first Monday of the month (`Some(1)`) or the last (`None`).
fn nth_monday(year: i16, month: i8, nth: Option<i8>) -> Option<Date> {
    let first = civil::date(year, month, 1);
    match nth {
        Some(n) => first.nth_weekday_of_month(n, Weekday::Monday).ok(),
        None => first.nth_weekday_of_month(-1, Weekday::Monday).ok(),
    }
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = i8::try_from((h + l - 7 * m + 114) / 31).ok()?;
    let day = i8::try_from((h + l - 7 * m + 114) % 31 + 1).ok()?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_holidays_match_the_published_dates() {
        // gov.uk lists for England and Wales, 2025 and 2026.
        for (y, m, d) in [
            (2025, 12, 25),
            (2025, 12, 26),
            (2026, 1, 1),
            (2026, 4, 3),
            (2026, 4, 6),
            (2026, 5, 4),
            (2026, 5, 25),
            (2026, 8, 31),
            (2026, 12, 25),
            (2026, 12, 28), // Boxing Day is a Saturday
            (2027, 12, 27), // Christmas Day is a Saturday
            (2027, 12, 28),
        ] {
            assert!(is_bank_holiday(civil::date(y, m, d)), "{y}-{m}-{d}");
        }
        assert!(!is_bank_holiday(civil::date(2026, 4, 7)));
        assert!(!is_working_day(civil::date(2026, 3, 7)), "a Saturday");
    }

    #[test]
    fn local_times_follow_british_summer_time() {
        let winter = uk_instant(civil::date(2026, 1, 5).at(9, 15, 0, 0)).map(rfc3339);
        let summer = uk_instant(civil::date(2026, 7, 6).at(9, 15, 0, 0)).map(rfc3339);
        assert_eq!(winter.as_deref(), Some("2026-01-05T09:15:00Z"));
        assert_eq!(summer.as_deref(), Some("2026-07-06T08:15:00Z"));
    }

    #[test]
    fn a_year_ends_on_the_end_date() {
        assert_eq!(first_day(civil::date(2026, 10, 31), 12), civil::date(2025, 11, 1));
        assert_eq!(first_day(civil::date(2026, 3, 31), 1), civil::date(2026, 3, 1));
    }
}
