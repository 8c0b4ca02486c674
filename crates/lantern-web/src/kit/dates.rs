//! Dates and times as pages write them ("3 March 2026", "3 March 2026 at 14:05").

use jiff::civil::Date;
use jiff::Timestamp;

pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// A moment in the practices' time zone, to the minute.
pub fn long_time(at: Timestamp) -> String {
    lantern_core::episode::local_time(at).strftime("%-d %B %Y at %H:%M").to_string()
}
