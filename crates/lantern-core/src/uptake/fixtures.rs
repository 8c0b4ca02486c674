//! Rows for the uptake tests, so each test states only the numbers it works with.

use super::{OrgKind, PomiField, PomiValues, PracticeMonth, PracticePlace};

/// A practice-month with list size, `Total_Pat_Enbld` and `Total_Use` as given. Per service:
/// appointments enabled = half the total, prescriptions = the total, record = a tenth; uses split
/// a quarter, a half and the rest. Region Y54, CCG 00L, no ICB column.
pub fn month(
    practice: &str,
    period: &str,
    list: Option<i64>,
    enabled: Option<i64>,
    used: Option<i64>,
) -> PracticeMonth {
    let values = PomiValues::from_fn(|f| match f {
        PomiField::PatientListSize => list,
        PomiField::TotalPatEnbld | PomiField::PatPrescEnbld => enabled,
        PomiField::TotalUse => used,
        PomiField::NewPatEnbld => Some(0),
        PomiField::SysApptsEnbld | PomiField::SysPrescEnbld | PomiField::SysDetCodeRecEnbld => Some(2),
        PomiField::PatApptsEnbld => enabled.map(|e| e / 2),
        PomiField::PatDetCodeRecEnbld => enabled.map(|e| e / 10),
        PomiField::PatApptsUse => used.map(|u| u / 4),
        PomiField::PatPrescUse => used.map(|u| u / 2),
        PomiField::PatDetCodeRecUse => used.map(|u| u - u / 4 - u / 2),
    });
    PracticeMonth {
        practice: practice.into(),
        period: period.into(),
        supplier: "EMIS".into(),
        region: "Y54".into(),
        org_kind: OrgKind::Ccg,
        org: "00L".into(),
        icb: None,
        values,
    }
}

/// A place in the map with just a PCN and an ICB.
pub fn place(practice: &str, pcn: Option<&str>, icb: Option<&str>) -> PracticePlace {
    PracticePlace {
        practice: practice.into(),
        extract: "2025-12".into(),
        pcn: pcn.map(Into::into),
        sub_icb: Some("04C".into()),
        icb: icb.map(Into::into),
        region: Some("Y60".into()),
        supplier: None,
    }
}

pub fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}
