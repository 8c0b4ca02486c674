//! Uptake measures for a unit (a practice, PCN, CCG / sub-ICB location, ICB, region or England) in a month.
//!
//! Counts are summed over the unit's practices and rates worked out from the sums, never by averaging
//! the practices' rates: a unit's share is its enabled patients over its registered patients, so a
//! practice of 20,000 weighs ten times one of 2,000.
//!
//! A blank count is unknown, not zero. The counts shown are sums of the values given; each rate is
//! worked out over just the practices that gave both its numerator and a list size, so a practice
//! with a blank `Total_Use` neither lowers the unit's transactions per 1,000 nor is dropped from its
//! other rates, and one with an unknown list size adds to the counts shown but to no rate. A share above 100% (more enabled than registered, a real quirk of the data) is
//! capped at 100% and marked `capped`.
//!
//! Values the published files hold but cannot mean are kept out ([`PomiValues::count`]): a negative
//! count adds to no sum and no rate, as if blank; a `Sys_*` status other than 0, 1 or 2 does not count
//! the service as switched on. Values that are odd but possible stay in, as published: enabled counts
//! above the list size (the practice's share is capped, the unit's sums keep them), and counts for a
//! switched-off service.

use super::{PomiField, PomiValues, PracticeMonth, Service, SYSTEM_ENABLED};
use serde::Serialize;
use std::collections::BTreeMap;

/// The unit an uptake table is worked out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    England,
    Region,
    Icb,
    /// The file's commissioning column: a CCG (to mid-2022) or a sub-ICB location (since).
    Ccg,
    /// Primary care network: never in the POMI files, so only from the practice map
    /// ([`super::placed::tabulate_placed`]).
    Pcn,
    Practice,
}

/// The code of the one England unit.
pub const ENGLAND: &str = "england";

impl Level {
    pub const ALL: [Level; 6] =
        [Level::England, Level::Region, Level::Icb, Level::Ccg, Level::Pcn, Level::Practice];

    pub fn code(self) -> &'static str {
        match self {
            Level::England => "england",
            Level::Region => "region",
            Level::Icb => "icb",
            Level::Ccg => "ccg",
            Level::Pcn => "pcn",
            Level::Practice => "practice",
        }
    }

    /// `sub-icb` / `sub_icb` name the same level as `ccg`: the column a file groups practices by.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim().to_ascii_lowercase();
        match raw.as_str() {
            "sub-icb" | "sub_icb" | "subicb" => Some(Level::Ccg),
            _ => Self::ALL.into_iter().find(|l| l.code() == raw),
        }
    }

    /// The unit `row` belongs to at this level, or None when the file did not say (ICB in the CCG era,
    /// PCN always).
    pub fn unit(self, row: &PracticeMonth) -> Option<&str> {
        match self {
            Level::England => Some(ENGLAND),
            Level::Region => Some(&row.region),
            Level::Icb => row.icb.as_deref(),
            Level::Ccg => Some(&row.org),
            Level::Pcn => None,
            Level::Practice => Some(&row.practice),
        }
    }

    /// Whether a table at this level may need the practice map: PCN always, ICB for CCG-era files.
    pub fn needs_places(self) -> bool {
        matches!(self, Level::Pcn | Level::Icb)
    }
}

/// One service's counts in a unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ServiceCounts {
    /// Practices whose `Sys_*` status is 2 (switched on).
    pub practices_switched_on: u64,
    pub enabled: i64,
    /// Transactions in the month (appointments booked or cancelled, orders, record views).
    pub uses: i64,
    #[serde(skip)]
    enabled_rated: Rated,
    #[serde(skip)]
    uses_rated: Rated,
}

/// A rate's two sides, from just the practices that gave both the count and a list size: a practice
/// whose list is unknown adds its count to the sum shown but to no rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rated {
    pub count: i64,
    pub list: i64,
}

/// Counts summed over a unit's practices for one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UptakeCounts {
    pub practices: u64,
    pub patient_list_size: i64,
    pub total_pat_enbld: i64,
    pub new_pat_enbld: i64,
    pub total_use: i64,
    pub appointments: ServiceCounts,
    pub prescriptions: ServiceCounts,
    pub record: ServiceCounts,
    /// Practices reporting more patients enabled (for any service) than registered.
    pub practices_enabled_above_list: u64,
    #[serde(skip)]
    enabled_rated: Rated,
    #[serde(skip)]
    use_rated: Rated,
}

/// A share of registered patients, in percent, capped at 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    pub percent: f64,
    /// The count was above the list size; `percent` shows 100.
    pub capped: bool,
}

impl Share {
    /// None when no registered patients stand behind the count.
    pub fn of(count: i64, list: i64) -> Option<Share> {
        if list <= 0 {
            return None;
        }
        let capped = count > list;
        let percent = if capped { 100.0 } else { 100.0 * count as f64 / list as f64 };
        Some(Share { percent, capped })
    }
}

/// Per 1,000 registered patients, None when there are none.
pub fn per_1000(count: i64, list: i64) -> Option<f64> {
    (list > 0).then(|| 1_000.0 * count as f64 / list as f64)
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServiceRates {
    pub enabled: Option<Share>,
    pub uses_per_1000: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UptakeRates {
    /// Patients enabled for at least one online service (`Total_Pat_Enbld`): the headline measure.
    pub enabled: Option<Share>,
    /// All online transactions (`Total_Use`) per 1,000 registered patients.
    pub use_per_1000: Option<f64>,
    pub appointments: ServiceRates,
    pub prescriptions: ServiceRates,
    pub record: ServiceRates,
}

impl UptakeRates {
    /// One service's rates.
    pub fn service(&self, service: Service) -> &ServiceRates {
        match service {
            Service::Appointments => &self.appointments,
            Service::Prescriptions => &self.prescriptions,
            Service::Record => &self.record,
        }
    }
}

impl UptakeCounts {
    /// Adds one practice-month.
    pub fn add(&mut self, values: &PomiValues) {
        self.practices += 1;
        let list = values.count(PomiField::PatientListSize);
        self.patient_list_size += list.unwrap_or(0);
        self.new_pat_enbld += values.count(PomiField::NewPatEnbld).unwrap_or(0);
        // A rate's sides grow only with practices that gave both its numerator and a list size.
        let based = |count: Option<i64>, sum: &mut i64, rated: &mut Rated| {
            *sum += count.unwrap_or(0);
            if let (Some(count), Some(list)) = (count, list) {
                rated.count += count;
                rated.list += list;
            }
        };
        based(values.count(PomiField::TotalPatEnbld), &mut self.total_pat_enbld, &mut self.enabled_rated);
        based(values.count(PomiField::TotalUse), &mut self.total_use, &mut self.use_rated);
        let mut above = values.count(PomiField::TotalPatEnbld).zip(list).is_some_and(|(e, l)| e > l);
        for service in Service::ALL {
            let enabled = values.count(service.enabled());
            above |= enabled.zip(list).is_some_and(|(e, l)| e > l);
            let counts = self.service_mut(service);
            counts.practices_switched_on += u64::from(values.get(service.system()) == Some(SYSTEM_ENABLED));
            based(enabled, &mut counts.enabled, &mut counts.enabled_rated);
            based(values.count(service.uses()), &mut counts.uses, &mut counts.uses_rated);
        }
        self.practices_enabled_above_list += u64::from(above);
    }

    pub fn service(&self, service: Service) -> &ServiceCounts {
        match service {
            Service::Appointments => &self.appointments,
            Service::Prescriptions => &self.prescriptions,
            Service::Record => &self.record,
        }
    }

    fn service_mut(&mut self, service: Service) -> &mut ServiceCounts {
        match service {
            Service::Appointments => &mut self.appointments,
            Service::Prescriptions => &mut self.prescriptions,
            Service::Record => &mut self.record,
        }
    }

    pub fn rates(&self) -> UptakeRates {
        let share = |r: Rated| Share::of(r.count, r.list);
        let per_1000 = |r: Rated| per_1000(r.count, r.list);
        let service = |s: &ServiceCounts| ServiceRates {
            enabled: share(s.enabled_rated),
            uses_per_1000: per_1000(s.uses_rated),
        };
        UptakeRates {
            enabled: share(self.enabled_rated),
            use_per_1000: per_1000(self.use_rated),
            appointments: service(&self.appointments),
            prescriptions: service(&self.prescriptions),
            record: service(&self.record),
        }
    }
}

/// A unit's counts as a database sums them (see [`UptakeCounts::add`] for what each means): lets the
/// store add up a month's practices in SQL and still give exactly what `add` would have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub practices: u64,
    pub patient_list_size: i64,
    pub total_pat_enbld: i64,
    /// `Total_Pat_Enbld` and list size summed over the practices that gave both.
    pub enabled_rated: Rated,
    pub new_pat_enbld: i64,
    pub total_use: i64,
    pub use_rated: Rated,
    /// Per service in [`Service::ALL`] order: (switched on, enabled, enabled rated, uses, uses rated).
    pub services: [(u64, i64, Rated, i64, Rated); 3],
    pub practices_enabled_above_list: u64,
}

impl UptakeCounts {
    /// The sums these counts stand on: `from_sums(&counts.sums()) == counts`.
    pub fn sums(&self) -> Sums {
        let service =
            |c: &ServiceCounts| (c.practices_switched_on, c.enabled, c.enabled_rated, c.uses, c.uses_rated);
        Sums {
            practices: self.practices,
            patient_list_size: self.patient_list_size,
            total_pat_enbld: self.total_pat_enbld,
            enabled_rated: self.enabled_rated,
            new_pat_enbld: self.new_pat_enbld,
            total_use: self.total_use,
            use_rated: self.use_rated,
            services: [service(&self.appointments), service(&self.prescriptions), service(&self.record)],
            practices_enabled_above_list: self.practices_enabled_above_list,
        }
    }

    pub fn from_sums(s: &Sums) -> Self {
        let service = |i: usize| {
            let (practices_switched_on, enabled, enabled_rated, uses, uses_rated) = s.services[i];
            ServiceCounts { practices_switched_on, enabled, uses, enabled_rated, uses_rated }
        };
        UptakeCounts {
            practices: s.practices,
            patient_list_size: s.patient_list_size,
            total_pat_enbld: s.total_pat_enbld,
            new_pat_enbld: s.new_pat_enbld,
            total_use: s.total_use,
            appointments: service(0),
            prescriptions: service(1),
            record: service(2),
            practices_enabled_above_list: s.practices_enabled_above_list,
            enabled_rated: s.enabled_rated,
            use_rated: s.use_rated,
        }
    }
}

/// One unit's uptake in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitUptake {
    pub level: Level,
    pub code: String,
    /// Filled in by the caller from the published names, when known.
    pub name: Option<String>,
    pub period: String,
    pub counts: UptakeCounts,
    pub rates: UptakeRates,
}

impl UnitUptake {
    /// A unit's row from its summed counts, unnamed (names come from the published files).
    pub fn new(level: Level, code: &str, period: &str, counts: UptakeCounts) -> Self {
        UnitUptake {
            level,
            code: code.to_owned(),
            name: None,
            period: period.to_owned(),
            counts,
            rates: counts.rates(),
        }
    }
}

/// The uptake table at `level`: one entry per unit and month in `rows`, ordered by month then code;
/// with `code`, only that unit.
pub fn tabulate<'a>(
    level: Level,
    rows: impl IntoIterator<Item = &'a PracticeMonth>,
    code: Option<&str>,
) -> Vec<UnitUptake> {
    let mut units: BTreeMap<(&'a str, &'a str), UptakeCounts> = BTreeMap::new();
    for row in rows {
        let Some(unit) = level.unit(row) else { continue };
        if code.is_some_and(|c| !c.eq_ignore_ascii_case(unit)) {
            continue;
        }
        units.entry((row.period.as_str(), unit)).or_default().add(&row.values);
    }
    units.into_iter().map(|((period, unit), counts)| UnitUptake::new(level, unit, period, counts)).collect()
}

#[cfg(test)]
#[path = "measures_tests.rs"]
mod tests;
