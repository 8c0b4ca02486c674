//! The "Telephony (Cloud Based Telephony)" section of a practice's uptake page: the publication
//! summary's latest month (calls and their outcomes) and the daily files' calls answered by time
//! waited. A practice on a shared phone account is told so and shown no figures: the account's calls
//! are several practices' and NHS England does not split them.

use crate::kit::numbers::{count, percent};
use crate::services::telephony::{DailyMonth, PracticeTelephony, SummaryMonth};
use lantern_core::uptake::access::{CbtMonth, CbtStatus};
use lantern_core::uptake::cbt_daily::{CbtBandTotal, CbtDailyFile, CbtDailyStatus};
use lantern_store::UptakeFlag;

pub const SHARED: &str = "Shared phone account: NHS England publishes these calls with the other practices on the account, so no figures are shown for this practice.";

pub struct Telephony {
    pub summary: Option<Part>,
    pub daily: Option<Part>,
}

/// One source's month: either figures (`rows`) or a note saying why there are none.
pub struct Part {
    pub month: String,
    pub note: Option<(&'static str, String)>,
    /// (label, calls, share, flagged at import).
    pub rows: Vec<(String, String, String, bool)>,
    /// Above the table: which days the month's sums cover.
    pub coverage: String,
    pub flags: Vec<String>,
}

pub fn view(t: &PracticeTelephony) -> Option<Telephony> {
    (!t.is_empty())
        .then(|| Telephony { summary: t.summary.as_ref().map(summary), daily: t.daily.as_ref().map(daily) })
}

/// "2025-11" → "November 2025"; anything else as it is.
fn month_name(period: &str) -> String {
    let month = period.split_once('-').and_then(|(year, m)| Some((year, m.parse::<u8>().ok()?)));
    match month {
        Some((year, m)) if (1..=12).contains(&m) => {
            format!("{} {year}", lantern_core::effect::month::name(m))
        }
        _ => period.to_owned(),
    }
}

/// `id` keeps the two parts' notes apart on one page.
fn not_reported(id: &'static str, month: &str) -> Option<(&'static str, String)> {
    Some((id, format!("Not reported for {month} (missing, not zero).")))
}

fn part(month: String) -> Part {
    Part { month, note: None, rows: Vec::new(), coverage: String::new(), flags: Vec::new() }
}

fn flag_lines(flags: &[UptakeFlag]) -> Vec<String> {
    flags.iter().map(|f| format!("{}: {} ({})", f.field, f.detail, f.kind.replace('_', " "))).collect()
}

fn summary(s: &SummaryMonth) -> Part {
    let mut p = part(month_name(&s.period));
    match &s.status {
        CbtStatus::Reported(m) => {
            p.rows = summary_rows(m, &s.flags);
            p.flags = flag_lines(&s.flags);
        }
        CbtStatus::SharedAccount { .. } => p.note = Some(("shared-account", SHARED.to_owned())),
        CbtStatus::NotReported => p.note = not_reported("not-reported", &p.month),
    }
    p
}

/// The published counts, each with its share of inbound calls (call backs made: of those requested,
/// as the summary publishes it). A blank count reads "not published".
fn summary_rows(m: &CbtMonth, flags: &[UptakeFlag]) -> Vec<(String, String, String, bool)> {
    let of = |part: Option<i64>, whole: Option<i64>, what: &str| match (part, whole) {
        (Some(p), Some(w)) if w > 0 && p >= 0 => format!("{} {what}", percent(p as f64 / w as f64)),
        _ => String::new(),
    };
    let inbound = m.inbound;
    let rows = [
        ("Count of Inbound calls", "Inbound calls", inbound, String::new()),
        ("Answered", "Answered", m.answered, of(m.answered, inbound, "of inbound")),
        (
            "Ended during the IVR Stage",
            "Ended during the IVR stage",
            m.ivr_ended,
            of(m.ivr_ended, inbound, "of inbound"),
        ),
        (
            "Call back requested",
            "Call back requested",
            m.callback_requested,
            of(m.callback_requested, inbound, "of inbound"),
        ),
        ("Missed", "Missed", m.missed, of(m.missed, inbound, "of inbound")),
        (
            "Call back made",
            "Call back made",
            m.callback_made,
            of(m.callback_made, m.callback_requested, "of requested"),
        ),
    ];
    rows.into_iter()
        .map(|(field, label, value, share)| {
            let flagged = flags.iter().any(|f| f.field == field);
            (label.to_owned(), value.map_or_else(|| "not published".into(), count), share, flagged)
        })
        .collect()
}

fn daily(d: &DailyMonth) -> Part {
    let mut p = part(month_name(&d.period));
    match &d.status {
        CbtDailyStatus::Reported(bands) => {
            p.rows = answered_by_wait(bands);
            p.coverage = coverage(&d.days);
            p.flags = flag_lines(&d.flags);
        }
        CbtDailyStatus::SharedAccount { .. } => p.note = Some(("shared-account-daily", SHARED.to_owned())),
        CbtDailyStatus::NotReported => p.note = not_reported("not-reported-daily", &p.month),
    }
    p
}

/// "Held for 3 days: 2026-06-01, 2026-06-02, 2026-06-03." (a range when there are more than a week's).
fn coverage(days: &[String]) -> String {
    let listed = match (days.first(), days.last()) {
        (Some(first), Some(last)) if days.len() > 7 => format!("{first} to {last}"),
        _ => days.join(", "),
    };
    match days.len() {
        0 => String::new(),
        1 => format!("Held for 1 day: {listed}."),
        n => format!("Held for {n} days: {listed}."),
    }
}

/// CBT003 summed over the month and the core-hours split, by wait band (shortest first). The Calls
/// Answered files are preferred; the Durations files count the same calls again, so they are used
/// only where no Calls Answered file is held, never added to it.
fn answered_by_wait(bands: &[CbtBandTotal]) -> Vec<(String, String, String, bool)> {
    let file = if bands.iter().any(|b| b.file == CbtDailyFile::CallsAnswered.code()) {
        CbtDailyFile::CallsAnswered
    } else {
        CbtDailyFile::Durations
    };
    let mut by_band: Vec<(String, i64, i64)> = Vec::new();
    for b in bands.iter().filter(|b| b.file == file.code() && b.indicator == "CBT003") {
        match by_band.iter_mut().find(|(band, ..)| *band == b.band) {
            Some(row) => (row.1, row.2) = (row.1 + b.calls, row.2 + b.left_out),
            None => by_band.push((b.band.clone(), b.calls, b.left_out)),
        }
    }
    by_band.sort_by_key(|(band, ..)| band_start(band));
    let total: i64 = by_band.iter().map(|(_, calls, _)| calls).sum();
    let mut rows: Vec<_> = by_band
        .iter()
        .map(|(band, calls, left_out)| {
            let share = if total > 0 { percent(*calls as f64 / total as f64) } else { String::new() };
            let calls = if *left_out > 0 { format!("at least {}", count(*calls)) } else { count(*calls) };
            (band_words(band), calls, share, *left_out > 0)
        })
        .collect();
    rows.push(("All calls answered".into(), count(total), String::new(), by_band.iter().any(|b| b.2 > 0)));
    rows
}

/// The band's lower bound in seconds, for ordering (`>300` after `241_300`).
fn band_start(band: &str) -> i64 {
    let digits = band.trim_start_matches('>');
    let start = digits.split('_').next().and_then(|s| s.parse().ok()).unwrap_or(i64::MAX);
    if band.starts_with('>') {
        start + 1
    } else {
        start
    }
}

/// `1_30` → "1 to 30 seconds", `>300` → "over 300 seconds", `0` → "0 seconds".
fn band_words(band: &str) -> String {
    if let Some(over) = band.strip_prefix('>') {
        return format!("Over {over} seconds");
    }
    match band.split_once('_') {
        Some((from, to)) => format!("{from} to {to} seconds"),
        None => format!("{band} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_bands_read_as_words_in_order() {
        assert_eq!(month_name("2025-11"), "November 2025");
        assert_eq!(month_name("2025-13"), "2025-13");
        let mut bands = vec![">300", "121_180", "0", "1_30", "241_300", "31_60"];
        bands.sort_by_key(|b| band_start(b));
        assert_eq!(bands, ["0", "1_30", "31_60", "121_180", "241_300", ">300"]);
        assert_eq!(band_words(">300"), "Over 300 seconds");
        assert_eq!(band_words("1_30"), "1 to 30 seconds");
    }
}
