//! Synthetic NHS App months for the demo's ICB, so the effect page has the ICB-level context a real
//! ICB's published figures give. They rise with a yearly rhythm and carry no effect of the demo's
//! offer: NHS App use is published for ICBs, and one practice's drop-in would not show in them.

use super::uptake::DEMO_OC_MONTHS;
use super::{SimulationParameters, DEMO_ICB, DEMO_REGION};
use crate::effect::Month;
use crate::uptake::nhs_app::{NhsAppLevel, NhsAppMonth};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const NHS_APP_STREAM: u64 = 6;

/// The demo ICB's NHS App months over the same months as its online consultation months.
pub fn demo_nhs_app(params: &SimulationParameters) -> Vec<NhsAppMonth> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(NHS_APP_STREAM);
    let first = Month::of(params.end).plus(1 - DEMO_OC_MONTHS);
    (0..DEMO_OC_MONTHS)
        .map(|i| {
            let month = first.plus(i);
            // Fewer logins in summer, as in the real publication's months.
            let season = 1.0 + 0.05 * (2.0 * std::f64::consts::PI * f64::from(month.month()) / 12.0).cos();
            let users = 160_000.0 * (1.0 + 0.015 * f64::from(i)) * season * (0.98 + 0.04 * rng.gen::<f64>());
            let logins = users * (2.8 + 0.3 * rng.gen::<f64>());
            NhsAppMonth {
                period: month.to_string(),
                level: NhsAppLevel::Icb.code().to_owned(),
                code: DEMO_ICB.to_owned(),
                name: Some("Demo integrated care board (synthetic)".to_owned()),
                region: Some(DEMO_REGION.to_owned()),
                region_name: Some("Demo region (synthetic)".to_owned()),
                logins: Some(logins.round() as i64),
                unique_user_logins: Some(users.round() as i64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::{demo_online_consultations, demo_pcn};
    use crate::uptake::nhs_app::is_icb_code;
    use std::collections::BTreeSet;

    #[test]
    fn the_demo_icb_has_a_month_for_every_online_consultation_month_and_only_icb_figures() {
        let params = SimulationParameters::default();
        let months = demo_nhs_app(&params);
        let oc = demo_online_consultations(&params, &demo_pcn(&params));
        let oc_periods: BTreeSet<&str> =
            oc.months.iter().filter(|m| m.practice == oc.offer_practice).map(|m| m.period.as_str()).collect();
        let periods: BTreeSet<&str> = months.iter().map(|m| m.period.as_str()).collect();
        assert_eq!(periods, oc_periods);
        assert_eq!(periods.len(), months.len(), "one month each");
        for m in &months {
            assert!(m.level == "icb" && m.code == DEMO_ICB && is_icb_code(&m.code), "{m:?}");
            assert!(m.name.as_deref().is_some_and(|n| n.ends_with("(synthetic)")), "{m:?}");
            let (logins, users) = (m.logins.expect("logins"), m.unique_user_logins.expect("users"));
            assert!(0 < users && users < logins, "{m:?}");
        }
        assert_eq!(months, demo_nhs_app(&params), "the same seed gives the same months");
    }
}
