//! The effect estimator's second measure, from *Appointments in General Practice* (NHS England,
//! practice-level crosstab, monthly): the share of a practice's appointments in a month that were
//! booked as video or online, in percentage points.
//!
//! A practice whose patients have learnt to book and attend online should show it here as well as in
//! online consultation submissions. A month with no appointments counted has no share (missing is not
//! zero). The publication names no change of method in the months Lantern reads, so no window is cut.

use super::{Month, Series};

/// What the measure is, for people.
pub const APPOINTMENT_MEASURE: &str = "appointments booked as video or online, % of all appointments";

/// One practice-month of appointments: `YYYY-MM`, all appointments counted, and those whose mode was
/// video conference or online.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppointmentCount<'a> {
    pub period: &'a str,
    pub total: i64,
    pub video_online: i64,
}

/// The video/online share in percentage points, one value a month.
pub fn appointment_series<'a>(
    practice: &str,
    months: impl IntoIterator<Item = AppointmentCount<'a>>,
) -> Series {
    Series::new(
        practice,
        months.into_iter().filter_map(|m| {
            let month = Month::parse(m.period)?;
            (m.total > 0 && m.video_online >= 0)
                .then(|| (month, m.video_online as f64 * 100.0 / m.total as f64))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_video_and_online_over_all_in_percentage_points() {
        let months = [
            AppointmentCount { period: "2025-01", total: 400, video_online: 30 },
            AppointmentCount { period: "2025-02", total: 0, video_online: 0 },
            AppointmentCount { period: "2025-03", total: 250, video_online: -1 },
            AppointmentCount { period: "March", total: 100, video_online: 5 },
            AppointmentCount { period: "2025-04", total: 8, video_online: 1 },
        ];
        let series = appointment_series("A81001", months);
        let values: Vec<(String, f64)> = series.values.iter().map(|(m, v)| (m.to_string(), *v)).collect();
        // 30 of 400 is 7.5 points, 1 of 8 is 12.5; no appointments, a negative count and an unreadable
        // month give no value at all.
        assert_eq!(values, vec![("2025-01".to_owned(), 7.5), ("2025-04".to_owned(), 12.5)]);
        assert_eq!(series.code, "A81001");
    }
}
