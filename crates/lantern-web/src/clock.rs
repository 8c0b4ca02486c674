//! Where the server's time comes from for judging sessions. In production it is the system clock;
//! tests hold a handle to the same clock and move it on, so they prove expiry without sleeping.

use jiff::{SignedDuration, Timestamp};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The system clock plus an offset that only [`Clock::advance`] changes (and nothing in the server
/// calls): zero, and so the plain system time, unless a test moves it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        match self.offset_seconds.load(Ordering::SeqCst) {
            0 => now,
            offset => now.saturating_add(SignedDuration::from_secs(offset)).unwrap_or(now),
        }
    }

    /// Moves this clock, and every copy of it, on by `by` (whole seconds). For tests.
    pub fn advance(&self, by: SignedDuration) {
        self.offset_seconds.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
}

/// Today's date where the practices are, which is what "today" means on every page and report.
pub fn today() -> jiff::civil::Date {
    let tz =
        jiff::tz::TimeZone::get(lantern_core::episode::PRACTICE_TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    Timestamp::now().to_zoned(tz).date()
}
