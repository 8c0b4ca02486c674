//! NHS App use in the practice's ICB around an offer's start, shown beside the effect as context
//! only. NHS England publishes these figures for ICBs and England, never for a practice: they are
//! labelled as the ICB's everywhere they appear and never enter the estimate.

use lantern_core::effect::Month;
use lantern_store::{Store, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// Said wherever the figures are shown.
pub const LABEL: &str = "ICB-level context (NHS App figures are published for ICBs, not practices)";

/// How many months before the offer's start, and from it on, are shown.
pub const MONTHS_EACH_SIDE: i32 = 6;

/// The practice's ICB's NHS App months around an offer's start.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NhsAppContext {
    #[schema(value_type = String)]
    pub label: &'static str,
    /// The ICB's ODS code, from the practice map Lantern holds.
    pub icb: String,
    /// As the NHS App publication names it.
    pub icb_name: Option<String>,
    /// Oldest first; only months held.
    pub months: Vec<NhsAppContextMonth>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NhsAppContextMonth {
    /// `YYYY-MM`.
    pub period: String,
    /// Whether the month is the offer's first or later.
    pub from_start: bool,
    /// The ICB's NHS App logins that month; None when unpublished.
    pub logins: Option<i64>,
    /// The ICB's users who logged in that month; None when unpublished.
    pub unique_user_logins: Option<i64>,
}

/// The context for `practice`, None when the practice map places it in no ICB or no NHS App month of
/// its ICB is held within [`MONTHS_EACH_SIDE`] of `start`.
pub async fn nhs_app_context(
    store: &Store,
    practice: &str,
    start: Month,
) -> Result<Option<NhsAppContext>, StoreError> {
    let places = store.uptake_places_latest().await?;
    let Some(icb) = places.get(practice).and_then(|p| p.icb.clone()) else { return Ok(None) };
    let (from, to) =
        (start.plus(-MONTHS_EACH_SIDE).to_string(), start.plus(MONTHS_EACH_SIDE - 1).to_string());
    let held = store.nhs_app_icb_months(&icb, &from, &to).await?;
    if held.is_empty() {
        return Ok(None);
    }
    let first = start.to_string();
    Ok(Some(NhsAppContext {
        label: LABEL,
        icb_name: held.iter().rev().find_map(|m| m.name.clone()),
        icb,
        months: held
            .into_iter()
            .map(|m| NhsAppContextMonth {
                from_start: m.period >= first,
                period: m.period,
                logins: m.logins,
                unique_user_logins: m.unique_user_logins,
            })
            .collect(),
    }))
}
