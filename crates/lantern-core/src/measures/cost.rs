//! What the hidden work costs: minutes × the hourly cost of the helper's role. Practices edit the
//! hourly costs; these defaults are a documented starting point, not their payroll.
//!
//! Sources (2025/26): NHS Agenda for Change pay scales from 1 April 2025 (NHS Employers, "Pay scales for
//! 2025/26", the 3.6% award); for salaried GPs the DDRB-recommended 2025/26 range (the 2024/25 minimum of
//! £73,113 raised by 4%). Practices are not bound by Agenda for Change, but most benchmark against it.
//! On-costs: employer National Insurance at 15% on pay above £5,000 a year (from April 2025) and the NHS
//! Pension Scheme employer contribution of 14.38%. Hours: 37.5 a week for 52.14 weeks, so the figure is
//! the cost of a paid hour (leave and training are not netted off).

use crate::taxonomy::STAFF_ROLES;
use serde::Serialize;

/// Employer pension contribution (NHS Pension Scheme, employer rate paid by the practice).
pub const ON_COST_RATE: f64 = 0.1438;
const EMPLOYER_NI_RATE: f64 = 0.15;
const EMPLOYER_NI_THRESHOLD_POUNDS: f64 = 5_000.0;
const PAID_HOURS_A_YEAR: f64 = 37.5 * 52.143;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleCost {
    /// A staff-role code.
    pub role: &'static str,
    /// Annual salary used, in pounds.
    pub salary_pounds: u32,
    /// Where the salary comes from.
    pub basis: &'static str,
    /// Hourly cost with on-costs, in pence.
    pub hourly_pence: i64,
}

/// The pay point used for each role: the entry point of the usual band, so defaults err low.
const PAY_POINTS: [(&str, u32, &str); 11] = [
    ("receptionist", 24_937, "Agenda for Change band 3, entry point"),
    ("administrator", 24_937, "Agenda for Change band 3, entry point"),
    ("practice_manager", 46_148, "Agenda for Change band 7, entry point"),
    ("digital_champion", 27_485, "Agenda for Change band 4, entry point"),
    ("digital_lead", 37_338, "Agenda for Change band 6, entry point"),
    ("gp", 76_038, "Salaried GP 2025/26 minimum (DDRB)"),
    ("nurse", 29_970, "Agenda for Change band 5, entry point"),
    ("pharmacist", 46_148, "Agenda for Change band 7, entry point"),
    ("social_prescriber", 27_485, "Agenda for Change band 4, entry point"),
    ("volunteer", 0, "Unpaid"),
    ("other", 24_937, "Agenda for Change band 3, entry point"),
];

/// Annual salary to the employer's cost of one paid hour, in pence.
pub fn hourly_cost_pence(salary_pounds: u32) -> i64 {
    let salary = f64::from(salary_pounds);
    let national_insurance = EMPLOYER_NI_RATE * (salary - EMPLOYER_NI_THRESHOLD_POUNDS).max(0.0);
    let annual = salary * (1.0 + ON_COST_RATE) + national_insurance;
    (annual * 100.0 / PAID_HOURS_A_YEAR).round() as i64
}

/// One default for every staff role, in the order of the staff-role vocabulary.
pub fn default_hourly_costs() -> Vec<RoleCost> {
    STAFF_ROLES
        .terms
        .iter()
        .map(|term| {
            let (_, salary, basis) =
                PAY_POINTS.iter().find(|(role, _, _)| *role == term.code).copied().unwrap_or(PAY_POINTS[10]);
            RoleCost {
                role: term.code,
                salary_pounds: salary,
                basis,
                hourly_pence: hourly_cost_pence(salary),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_band_3_receptionist_hour_costs_about_sixteen_pounds() {
        // £24,937 × 1.1438 = £28,523.0; NI 15% × £19,937 = £2,990.6; total £31,513.6 / 1,955.4 h = £16.12.
        assert_eq!(hourly_cost_pence(24_937), 1_612);
        assert_eq!(hourly_cost_pence(0), 0);
    }

    #[test]
    fn every_role_has_a_default() {
        let costs = default_hourly_costs();
        assert_eq!(costs.len(), STAFF_ROLES.terms.len());
        assert!(costs.iter().all(|c| STAFF_ROLES.contains(c.role)));
        let gp = costs.iter().find(|c| c.role == "gp").expect("gp");
        let reception = costs.iter().find(|c| c.role == "receptionist").expect("receptionist");
        assert!(gp.hourly_pence > 2 * reception.hourly_pence);
    }
}
