//! What Cloud Based Telephony says of one practice: the publication summary's latest month and the
//! practice-level daily files' latest month, each with the quirks flagged when it was imported. A
//! practice on a shared account gets the status only, never the account's figures (the store reads
//! only `account = 'practice'` rows for a practice).

use lantern_core::uptake::access::CbtStatus;
use lantern_core::uptake::cbt_daily::{CbtDailyFile, CbtDailyStatus};
use lantern_store::{cbt_daily_flag_source, Store, StoreError, UptakeFlag};

/// The source the summary importer flags under.
const SUMMARY_SOURCE: &str = "cbt";

#[derive(Debug, Clone)]
pub struct PracticeTelephony {
    /// None when no publication summary is held at all.
    pub summary: Option<SummaryMonth>,
    /// None when no practice-level file is held at all.
    pub daily: Option<DailyMonth>,
}

impl PracticeTelephony {
    pub fn is_empty(&self) -> bool {
        self.summary.is_none() && self.daily.is_none()
    }

    /// Whether either source says anything of the practice itself (its figures, or that it shares an
    /// account), rather than only that it is not reported.
    pub fn knows_practice(&self) -> bool {
        let summary = self.summary.as_ref().is_some_and(|s| !matches!(s.status, CbtStatus::NotReported));
        let daily = self.daily.as_ref().is_some_and(|d| !matches!(d.status, CbtDailyStatus::NotReported));
        summary || daily
    }
}

#[derive(Debug, Clone)]
pub struct SummaryMonth {
    /// `YYYY-MM`, the latest month held.
    pub period: String,
    pub status: CbtStatus,
    /// Flags raised on the practice's own row that month (empty unless reported).
    pub flags: Vec<UptakeFlag>,
}

#[derive(Debug, Clone)]
pub struct DailyMonth {
    pub period: String,
    pub status: CbtDailyStatus,
    /// The days held for the practice's own account.
    pub days: Vec<String>,
    pub flags: Vec<UptakeFlag>,
}

/// The latest month of each telephony source for `practice`.
pub async fn practice_telephony(store: &Store, practice: &str) -> Result<PracticeTelephony, StoreError> {
    let summary = match store.cbt_latest_period().await? {
        Some(period) => {
            let status = store.cbt_status(practice, &period).await?;
            let flags = match status {
                CbtStatus::Reported(_) => store.uptake_flags_of(SUMMARY_SOURCE, practice, &period).await?,
                _ => Vec::new(),
            };
            Some(SummaryMonth { period, status, flags })
        }
        None => None,
    };
    let daily = match store.cbt_daily_latest_period().await? {
        Some(period) => {
            let status = store.cbt_daily_status(practice, &period).await?;
            let (days, mut flags) = (store.cbt_daily_days(practice, &period).await?, Vec::new());
            if matches!(status, CbtDailyStatus::Reported(_)) {
                for file in [CbtDailyFile::CallsAnswered, CbtDailyFile::Durations] {
                    flags
                        .extend(store.uptake_flags_of(cbt_daily_flag_source(file), practice, &period).await?);
                }
            }
            Some(DailyMonth { period, status, days, flags })
        }
        None => None,
    };
    Ok(PracticeTelephony { summary, daily })
}
