//! What each extra online user cost in staff time: the minutes of help logged for the offer × the staff
//! cost per minute, over the extra online users the estimate implies.
//!
//! Extra online users = the level change × the measure's denominator / its base (1,000 for a rate per
//! 1,000 registered patients, 100 for a percentage) × the months since the start. For online
//! consultations that counts extra submissions in those months, the nearest published figure to a
//! person going online (one patient may send several, so it errs towards more users and a lower cost).
//! The minutes should be those logged for the offer over the same months. The interval is the cost over
//! each end of the estimate's interval; logged minutes are taken as exact. When the estimate's interval
//! reaches zero or below, the offer may have brought nobody online and there is no cost per user to give.

use super::{Effect, Estimate, Interval};
use serde::Serialize;

/// What the measure is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Exposure {
    /// Registered patients for a rate per 1,000 patients; appointments a month for a share of them.
    pub denominator: f64,
    /// 1,000 for a rate per 1,000; 100 for a percentage.
    pub per: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostPerExtra {
    /// `difference_in_differences` or `interrupted_time_series`: see [`Effect::preferred`].
    pub basis: &'static str,
    pub minutes: i64,
    pub cost_pence: f64,
    /// Extra online users over the months since the start, and its interval.
    pub extra_users: f64,
    pub extra_users_interval: Interval,
    pub pence_per_extra_user: f64,
    pub interval_pence: Interval,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CostCannotSay {
    /// Neither estimate could be given.
    NoEstimate,
    /// The estimate's interval reaches zero or below.
    NotClearlyPositive {
        interval: Interval,
    },
    NoHelpLogged,
}

impl CostCannotSay {
    pub fn explain(&self) -> String {
        match self {
            CostCannotSay::NoEstimate => "there is no estimate of the offer's effect to cost".to_owned(),
            CostCannotSay::NotClearlyPositive { interval } => format!(
                "the effect's interval ({:.2} to {:.2}) includes no change or a fall, so there may be no extra \
                 online users to divide the cost by",
                interval.low, interval.high
            ),
            CostCannotSay::NoHelpLogged => "no minutes of help have been logged for the offer".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CostOutcome {
    PerExtraUser(CostPerExtra),
    CannotSay { reason: CostCannotSay },
}

/// The cost per extra online user from the effect's preferred estimate.
pub fn cost_per_extra_user(
    effect: &Effect,
    exposure: Exposure,
    minutes: i64,
    pence_per_minute: f64,
) -> CostOutcome {
    match effect.preferred() {
        None => CostOutcome::CannotSay { reason: CostCannotSay::NoEstimate },
        Some((basis, estimate)) => cost_of(basis, estimate, exposure, minutes, pence_per_minute),
    }
}

fn cost_of(
    basis: &'static str,
    estimate: &Estimate,
    exposure: Exposure,
    minutes: i64,
    pence_per_minute: f64,
) -> CostOutcome {
    if estimate.interval.low <= 0.0 {
        return CostOutcome::CannotSay {
            reason: CostCannotSay::NotClearlyPositive { interval: estimate.interval },
        };
    }
    if minutes <= 0 {
        return CostOutcome::CannotSay { reason: CostCannotSay::NoHelpLogged };
    }
    let users = |change: f64| change * exposure.denominator / exposure.per * estimate.months_after as f64;
    let cost_pence = minutes as f64 * pence_per_minute;
    let (extra, low, high) =
        (users(estimate.change), users(estimate.interval.low), users(estimate.interval.high));
    CostOutcome::PerExtraUser(CostPerExtra {
        basis,
        minutes,
        cost_pence,
        extra_users: extra,
        extra_users_interval: Interval { low, high },
        pence_per_extra_user: cost_pence / extra,
        interval_pence: Interval { low: cost_pence / high, high: cost_pence / low },
    })
}
