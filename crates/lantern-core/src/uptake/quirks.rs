//! What is odd about a practice-month. Real published files have blanks, more patients enabled than
//! registered, interim suppliers and switched-off services; an analyst must see these beside the
//! figures rather than find them silently dropped or corrected, so each becomes a flag that is stored.

use super::{is_known_status, system_status_meaning, PomiField, PomiValues, Service, SYSTEM_ENABLED};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuirkKind {
    /// The file gives the field with an empty value: kept as unknown (NULL), not zero.
    BlankValue,
    /// The file has no row at all for the field for this practice-month: also unknown.
    MissingField,
    /// More patients enabled (in total or for one service) than on the list: rates are capped at 100%.
    EnabledAboveList,
    /// The supplier carries NHS Digital's `(I)` suffix; the text is kept as published.
    SupplierSuffix,
    /// A `Sys_*` status other than 2: the practice has not switched that service on.
    ServiceOff,
    /// A switched-off service with nonzero patient counts, which NHS Digital says cannot happen.
    ServiceOffWithCounts,
    /// `Total_Pat_Enbld` below one service's enabled count, which cannot happen either.
    TotalBelowService,
    /// A count below zero: stored as published, left out of every sum and rate (as a blank is).
    NegativeValue,
    /// A `Sys_*` value other than 0, 1 or 2: stored as published; the service is not counted as
    /// switched on.
    UnknownStatus,
}

impl QuirkKind {
    pub const ALL: [QuirkKind; 9] = [
        QuirkKind::BlankValue,
        QuirkKind::MissingField,
        QuirkKind::EnabledAboveList,
        QuirkKind::SupplierSuffix,
        QuirkKind::ServiceOff,
        QuirkKind::ServiceOffWithCounts,
        QuirkKind::TotalBelowService,
        QuirkKind::NegativeValue,
        QuirkKind::UnknownStatus,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuirkKind::BlankValue => "blank_value",
            QuirkKind::MissingField => "missing_field",
            QuirkKind::EnabledAboveList => "enabled_above_list",
            QuirkKind::SupplierSuffix => "supplier_suffix",
            QuirkKind::ServiceOff => "service_off",
            QuirkKind::ServiceOffWithCounts => "service_off_with_counts",
            QuirkKind::TotalBelowService => "total_below_service",
            QuirkKind::NegativeValue => "negative_value",
            QuirkKind::UnknownStatus => "unknown_status",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One quirk of one practice-month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quirk {
    pub kind: QuirkKind,
    /// The field (or `system_supplier`) it is about, so a practice-month has at most one quirk of a
    /// kind per field and re-importing finds the same set.
    pub field: &'static str,
    pub detail: String,
}

/// The supplier suffix NHS Digital appends to some supplier names.
pub const SUPPLIER_SUFFIX: &str = "(I)";

/// Every quirk of one practice-month. `missing` lists fields the file did not give at all, to tell
/// them from fields given blank. The checks between fields compare only counts the measures use, so
/// a negative count is flagged once, as negative, and not again as below or above another.
pub fn quirks(values: &PomiValues, supplier: &str, missing: &[PomiField]) -> Vec<Quirk> {
    let mut found = Vec::new();
    for (field, value) in values.iter() {
        let (kind, detail) = match value {
            None if missing.contains(&field) => {
                (QuirkKind::MissingField, "not in the file; kept as unknown".to_owned())
            }
            None => (QuirkKind::BlankValue, "blank in the file; kept as unknown, not zero".to_owned()),
            Some(status) if field.is_system_status() && !is_known_status(status) => (
                QuirkKind::UnknownStatus,
                format!(
                    "{status} is not a status POMI defines (0, 1 or 2); kept as published, the service \
                     not counted as switched on"
                ),
            ),
            Some(count) if count < 0 && !field.is_system_status() => (
                QuirkKind::NegativeValue,
                format!("{count} is below zero; kept as published, left out of sums and rates as unknown"),
            ),
            Some(_) => continue,
        };
        found.push(Quirk { kind, field: field.name(), detail });
    }
    if supplier.trim().is_empty() {
        found.push(Quirk {
            kind: QuirkKind::BlankValue,
            field: "system_supplier",
            detail: "no supplier given; kept blank".to_owned(),
        });
    } else if supplier.trim_end().ends_with(SUPPLIER_SUFFIX) {
        found.push(Quirk {
            kind: QuirkKind::SupplierSuffix,
            field: "system_supplier",
            detail: format!("supplier published as {supplier:?}; kept as written"),
        });
    }
    let list = values.count(PomiField::PatientListSize);
    let total = values.count(PomiField::TotalPatEnbld);
    let enabled_fields =
        std::iter::once(PomiField::TotalPatEnbld).chain(Service::ALL.into_iter().map(Service::enabled));
    for field in enabled_fields {
        if let (Some(enabled), Some(list)) = (values.count(field), list) {
            if enabled > list {
                found.push(Quirk {
                    kind: QuirkKind::EnabledAboveList,
                    field: field.name(),
                    detail: format!("{enabled} enabled but {list} on the list; its share is capped at 100%"),
                });
            }
        }
    }
    for service in Service::ALL {
        let enabled = values.count(service.enabled());
        if let (Some(total), Some(enabled)) = (total, enabled) {
            if total < enabled {
                found.push(Quirk {
                    kind: QuirkKind::TotalBelowService,
                    field: service.enabled().name(),
                    detail: format!(
                        "Total_Pat_Enbld {total} is below {} {enabled}; a patient enabled for one \
                         service is enabled for at least one",
                        service.enabled().name()
                    ),
                });
            }
        }
        let off = |s: &i64| *s != SYSTEM_ENABLED && is_known_status(*s);
        let Some(status) = values.get(service.system()).filter(off) else { continue };
        found.push(Quirk {
            kind: QuirkKind::ServiceOff,
            field: service.system().name(),
            detail: format!("{} = {status}: {}", service.system().name(), system_status_meaning(status)),
        });
        let counts: Vec<String> = [service.enabled(), service.uses()]
            .into_iter()
            .filter_map(|f| values.count(f).filter(|&v| v != 0).map(|v| format!("{} {v}", f.name())))
            .collect();
        if !counts.is_empty() {
            found.push(Quirk {
                kind: QuirkKind::ServiceOffWithCounts,
                field: service.system().name(),
                detail: format!(
                    "{} = {status} but {}; a switched-off service should count 0",
                    service.system().name(),
                    counts.join(", ")
                ),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plausible practice-month: 9,000 patients, every service on, counts consistent.
    fn normal() -> PomiValues {
        PomiValues::from_fn(|f| {
            Some(match f {
                PomiField::PatientListSize => 9_000,
                PomiField::TotalPatEnbld => 3_000,
                PomiField::NewPatEnbld => 40,
                PomiField::TotalUse => 1_500,
                PomiField::SysApptsEnbld | PomiField::SysPrescEnbld | PomiField::SysDetCodeRecEnbld => 2,
                PomiField::PatApptsEnbld | PomiField::PatPrescEnbld => 2_900,
                PomiField::PatDetCodeRecEnbld => 500,
                PomiField::PatApptsUse => 600,
                PomiField::PatPrescUse => 800,
                PomiField::PatDetCodeRecUse => 100,
            })
        })
    }

    fn kinds(found: &[Quirk]) -> Vec<(QuirkKind, &'static str)> {
        found.iter().map(|q| (q.kind, q.field)).collect()
    }

    #[test]
    fn a_consistent_practice_month_has_no_quirks() {
        assert!(quirks(&normal(), "EMIS", &[]).is_empty());
    }

    #[test]
    fn blank_and_missing_values_are_told_apart() {
        let mut values = normal();
        values.set(PomiField::TotalUse, None);
        values.set(PomiField::NewPatEnbld, None);
        let found = quirks(&values, "TPP", &[PomiField::NewPatEnbld]);
        assert_eq!(
            kinds(&found),
            [(QuirkKind::MissingField, "New_Pat_Enbld"), (QuirkKind::BlankValue, "Total_Use")]
        );
    }

    #[test]
    fn enabled_above_the_list_is_flagged_per_count() {
        let mut values = normal();
        values.set(PomiField::TotalPatEnbld, Some(9_100));
        values.set(PomiField::PatApptsEnbld, Some(9_050));
        let found = quirks(&values, "EMIS", &[]);
        assert_eq!(
            kinds(&found),
            [
                (QuirkKind::EnabledAboveList, "Total_Pat_Enbld"),
                (QuirkKind::EnabledAboveList, "Pat_Appts_Enbld")
            ]
        );
        assert_eq!(found[0].detail, "9100 enabled but 9000 on the list; its share is capped at 100%");
    }

    #[test]
    fn supplier_suffix_is_flagged_and_kept() {
        let found = quirks(&normal(), "EMIS (I)", &[]);
        assert_eq!(kinds(&found), [(QuirkKind::SupplierSuffix, "system_supplier")]);
        assert!(found[0].detail.contains("\"EMIS (I)\""));
        assert_eq!(kinds(&quirks(&normal(), " ", &[])), [(QuirkKind::BlankValue, "system_supplier")]);
    }

    #[test]
    fn a_switched_off_service_is_flagged_and_its_counts_checked() {
        let mut values = normal();
        values.set(PomiField::SysDetCodeRecEnbld, Some(1));
        values.set(PomiField::PatDetCodeRecEnbld, Some(0));
        values.set(PomiField::PatDetCodeRecUse, Some(0));
        assert_eq!(kinds(&quirks(&values, "TPP", &[])), [(QuirkKind::ServiceOff, "Sys_DetCodeRec_Enbld")]);
        values.set(PomiField::PatDetCodeRecUse, Some(12));
        let found = quirks(&values, "TPP", &[]);
        assert_eq!(
            kinds(&found),
            [
                (QuirkKind::ServiceOff, "Sys_DetCodeRec_Enbld"),
                (QuirkKind::ServiceOffWithCounts, "Sys_DetCodeRec_Enbld")
            ]
        );
        assert_eq!(
            found[1].detail,
            "Sys_DetCodeRec_Enbld = 1 but Pat_DetCodeRec_Use 12; a switched-off service should count 0"
        );
    }

    #[test]
    fn total_below_a_service_breaks_the_invariant() {
        let mut values = normal();
        values.set(PomiField::PatPrescEnbld, Some(3_001));
        assert_eq!(kinds(&quirks(&values, "EMIS", &[])), [(QuirkKind::TotalBelowService, "Pat_Presc_Enbld")]);
    }

    #[test]
    fn negative_counts_and_unknown_statuses_are_flagged_once_and_not_compared() {
        let mut values = normal();
        values.set(PomiField::PatientListSize, Some(-4));
        values.set(PomiField::PatPrescEnbld, Some(-1));
        values.set(PomiField::SysApptsEnbld, Some(7));
        values.set(PomiField::SysPrescEnbld, Some(-2));
        let found = quirks(&values, "EMIS", &[]);
        assert_eq!(
            kinds(&found),
            [
                (QuirkKind::NegativeValue, "patient_list_size"),
                (QuirkKind::UnknownStatus, "Sys_Appts_Enbld"),
                (QuirkKind::UnknownStatus, "Sys_Presc_Enbld"),
                (QuirkKind::NegativeValue, "Pat_Presc_Enbld"),
            ]
        );
        assert!(found[1].detail.starts_with("7 is not a status POMI defines"));
        assert_eq!(values.count(PomiField::PatientListSize), None);
        assert_eq!(values.get(PomiField::PatientListSize), Some(-4), "kept as published");
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for kind in QuirkKind::ALL {
            assert_eq!(QuirkKind::parse(kind.code()), Some(kind));
        }
    }
}
