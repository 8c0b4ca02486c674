//! Uptake storage, on SQLite and on PostgreSQL: whole files in one transaction, re-imports that change
//! nothing, blanks kept as NULL, flags replaced with their practice-month.

use lantern_core::audit::Actor;
use lantern_core::uptake::measures::{Rated, Sums};
use lantern_core::uptake::{tabulate, Level, OrgKind, PomiField, PomiValues, PracticeMonth};
use lantern_store::{
    AuditFilter, PomiBatch, RegistrationRow, Store, UptakeFlag, UptakeName, UptakeWriteSummary,
};

use lantern_store::contract;

contract!(
    a_file_is_stored_whole_and_reimporting_changes_nothing,
    a_changed_practice_month_replaces_the_old_with_its_flags,
    months_are_read_by_period_and_unit,
    registrations_are_all_or_nothing,
    totals_summed_in_the_database_equal_tabulate,
);

fn actor() -> Actor {
    Actor::system("test")
}

/// Practice `n` in `period`: list 1,000 + n, enabled 300, `Total_Use` blank for odd n.
fn month(n: usize, period: &str) -> PracticeMonth {
    let values = PomiValues::from_fn(|f| match f {
        PomiField::PatientListSize => Some(1_000 + n as i64),
        PomiField::TotalPatEnbld => Some(300),
        PomiField::TotalUse => matches!(n % 2, 0).then_some(50),
        f if f.is_system_status() => Some(2),
        _ => Some(7),
    });
    PracticeMonth {
        practice: format!("A{:05}", n),
        period: period.to_owned(),
        supplier: if matches!(n % 10, 0) { "EMIS (I)".into() } else { "TPP".into() },
        region: if matches!(n % 2, 0) { "Y54".into() } else { "Y56".into() },
        org_kind: OrgKind::SubIcb,
        org: format!("0{}X", n % 3),
        icb: (!matches!(n % 4, 0)).then(|| "QK1".to_owned()),
        values,
    }
}

fn flag(m: &PracticeMonth, kind: &str, field: &str) -> UptakeFlag {
    UptakeFlag {
        source: "pomi".into(),
        practice: m.practice.clone(),
        period: m.period.clone(),
        kind: kind.into(),
        field: field.into(),
        detail: format!("{kind} in {field}"),
    }
}

async fn import(store: &Store, months: &[PracticeMonth], flags: &[UptakeFlag]) -> UptakeWriteSummary {
    let names = [UptakeName { kind: "region".into(), code: "Y54".into(), name: "NORTH".into() }];
    let file = serde_json::json!({ "rows_read": months.len() * 13 });
    store
        .import_pomi(PomiBatch { months, flags, names: &names, file: &file }, &actor())
        .await
        .expect("stores")
}

/// 1,200 practice-months: more than two multi-row INSERT batches.
async fn a_file_is_stored_whole_and_reimporting_changes_nothing(store: Store) {
    let months: Vec<PracticeMonth> = (0..1_200).map(|n| month(n, "2023-12")).collect();
    let flags: Vec<UptakeFlag> =
        months.iter().step_by(2).map(|m| flag(m, "blank_value", "Total_Use")).collect();
    let first = import(&store, &months, &flags).await;
    assert_eq!(first, UptakeWriteSummary { created: 1_200, updated: 0, unchanged: 0 });
    let counts = store.uptake_row_counts().await.expect("counts");
    assert_eq!((counts.pomi, counts.flags, counts.names), (1_200, 600, 1));
    let again = import(&store, &months, &flags).await;
    assert_eq!(again, UptakeWriteSummary { created: 0, updated: 0, unchanged: 1_200 });
    assert_eq!(store.uptake_row_counts().await.expect("counts"), counts);
    let stored = store.uptake_months(None, None).await.expect("read");
    let mut expected = months.clone();
    expected.sort_by(|a, b| a.practice.cmp(&b.practice));
    assert_eq!(stored, expected, "every value, NULLs and ICBs included, round-trips");
    let filter = AuditFilter { action: Some("import.pomi".into()), ..Default::default() };
    let audit = store.audit_records(&filter, 5).await.expect("audit");
    assert_eq!(audit.len(), 2);
    assert!(audit[0].after.as_deref().unwrap_or_default().contains("\"unchanged\":1200"));
    assert!(store.verify_audit().await.expect("verify").is_ok());
}

async fn a_changed_practice_month_replaces_the_old_with_its_flags(store: Store) {
    let months: Vec<PracticeMonth> = (0..3).map(|n| month(n, "2023-12")).collect();
    let flags = vec![
        flag(&months[0], "blank_value", "Total_Use"),
        flag(&months[1], "enabled_above_list", "Total_Pat_Enbld"),
    ];
    import(&store, &months, &flags).await;
    let mut corrected = months.clone();
    corrected[1].values.set(PomiField::TotalPatEnbld, Some(900));
    let summary = import(&store, &corrected, &[flag(&months[0], "blank_value", "Total_Use")]).await;
    assert_eq!(summary, UptakeWriteSummary { created: 0, updated: 1, unchanged: 2 });
    let left: Vec<(String, String)> = store
        .uptake_flags("pomi", None)
        .await
        .expect("flags")
        .into_iter()
        .map(|f| (f.practice, f.kind))
        .collect();
    assert_eq!(left, [("A00000".to_owned(), "blank_value".to_owned())]);
    let stored = store.uptake_months(Some("2023-12"), Some((Level::Practice, "a00001"))).await.expect("read");
    assert_eq!(stored[0].values.get(PomiField::TotalPatEnbld), Some(900));
}

async fn months_are_read_by_period_and_unit(store: Store) {
    let mut months: Vec<PracticeMonth> = (0..6).map(|n| month(n, "2023-11")).collect();
    months.extend((0..6).map(|n| month(n, "2023-12")));
    import(&store, &months, &[]).await;
    assert_eq!(store.uptake_periods().await.expect("periods"), ["2023-11", "2023-12"]);
    let count = |period: Option<&'static str>, unit: Option<(Level, &'static str)>| {
        let store = store.clone();
        async move { store.uptake_months(period, unit).await.expect("read").len() }
    };
    assert_eq!(count(None, None).await, 12);
    assert_eq!(count(Some("2023-12"), None).await, 6);
    assert_eq!(count(Some("2023-12"), Some((Level::England, "ignored"))).await, 6);
    assert_eq!(count(Some("2023-12"), Some((Level::Region, "Y54"))).await, 3);
    assert_eq!(count(None, Some((Level::Ccg, "01x"))).await, 4);
    assert_eq!(count(Some("2023-11"), Some((Level::Icb, "QK1"))).await, 4);
    assert_eq!(count(Some("2024-01"), None).await, 0);
    let of =
        store.uptake_months_of(&["A00001".into(), "A00003".into(), "Z99999".into()]).await.expect("read");
    let keys: Vec<(&str, &str)> = of.iter().map(|m| (m.period.as_str(), m.practice.as_str())).collect();
    assert_eq!(
        keys,
        [("2023-11", "A00001"), ("2023-11", "A00003"), ("2023-12", "A00001"), ("2023-12", "A00003")]
    );
    assert_eq!(
        store.uptake_names("region").await.expect("names").get("Y54").map(String::as_str),
        Some("NORTH")
    );
}

async fn registrations_are_all_or_nothing(store: Store) {
    let row = |practice: &str, patients: Option<i64>| RegistrationRow {
        period: "2021-01".into(),
        practice: practice.into(),
        patients,
    };
    let file = serde_json::json!({});
    let bad = [row("A84002", Some(5_903)), row("A84003", Some(-1))];
    assert!(store.import_registrations(&bad, &[], &file, &actor()).await.is_err(), "the CHECK refuses -1");
    assert_eq!(store.uptake_row_counts().await.expect("counts").registrations, 0, "nothing stored");
    let good = [row("A84002", Some(5_903)), row("A84003", None)];
    let first = store.import_registrations(&good, &[], &file, &actor()).await.expect("stores");
    assert_eq!(first.created, 2);
    let again = store.import_registrations(&good, &[], &file, &actor()).await.expect("stores");
    assert_eq!((again.created, again.unchanged), (0, 2));
    let stored = store.uptake_registrations("2021-01").await.expect("read");
    assert_eq!(
        stored.into_iter().collect::<Vec<_>>(),
        [("A84002".to_owned(), Some(5_903)), ("A84003".to_owned(), None)]
    );
}

/// Blanks, counts above the list size or below zero, services off, on or of unknown status: the
/// database's sums give exactly the counts and rates `tabulate` works out from the same rows, at every
/// level the rows name.
async fn totals_summed_in_the_database_equal_tabulate(store: Store) {
    let mut months: Vec<PracticeMonth> = (0..60).map(|n| month(n, "2023-12")).collect();
    for (i, m) in months.iter_mut().enumerate() {
        match i % 5 {
            0 => m.values.set(PomiField::PatientListSize, None),
            1 => m.values.set(PomiField::TotalPatEnbld, Some(5_000)),
            2 => m.values.set(PomiField::SysPrescEnbld, Some(1)),
            3 => m.values.set(PomiField::PatDetCodeRecEnbld, None),
            _ => m.values.set(PomiField::PatApptsUse, Some(i as i64 * 13)),
        }
        match i % 7 {
            0 => m.values.set(PomiField::PatientListSize, Some(-3)),
            1 => m.values.set(PomiField::TotalUse, Some(-40)),
            2 => m.values.set(PomiField::SysApptsEnbld, Some(7)),
            3 => m.values.set(PomiField::PatPrescEnbld, Some(-1)),
            _ => {}
        }
    }
    months.push(month(1, "2023-11"));
    import(&store, &months, &[]).await;
    let december: Vec<PracticeMonth> = months.iter().filter(|m| m.period == "2023-12").cloned().collect();
    for level in [Level::England, Level::Region, Level::Ccg, Level::Practice] {
        let summed = store.uptake_totals(level, "2023-12").await.expect("totals").expect("a level rows name");
        assert_eq!(summed, tabulate(level, &december, None), "{level:?}");
    }
    assert!(store.uptake_totals(Level::Pcn, "2023-12").await.expect("totals").is_none());
    assert!(store.uptake_totals(Level::England, "2020-01").await.expect("totals").expect("level").is_empty());

    // The kept levels are added up in memory by `tabulate` at import, so comparing them with
    // `tabulate` alone would check that code against itself. The practice level is summed by the
    // database's SQL: adding those rows up here, field by field, must give every kept unit's sums.
    let practices = store.uptake_totals(Level::Practice, "2023-12").await.expect("totals").expect("level");
    for level in [Level::England, Level::Region, Level::Ccg] {
        let kept = store.uptake_totals(level, "2023-12").await.expect("totals").expect("a kept level");
        for unit in &kept {
            let mut by_hand = Sums::default();
            for practice in &practices {
                let row = december.iter().find(|m| m.practice == practice.code).expect("its month");
                if level.unit(row) == Some(unit.code.as_str()) {
                    by_hand = add(by_hand, practice.counts.sums());
                }
            }
            assert_ne!(by_hand.practices, 0, "{level:?} {}", unit.code);
            assert_eq!(unit.counts.sums(), by_hand, "{level:?} {}", unit.code);
        }
    }
}

/// Two units' sums added field by field.
fn add(a: Sums, b: Sums) -> Sums {
    let rated = |x: Rated, y: Rated| Rated { count: x.count + y.count, list: x.list + y.list };
    let mut services = a.services;
    for (s, t) in services.iter_mut().zip(b.services) {
        *s = (s.0 + t.0, s.1 + t.1, rated(s.2, t.2), s.3 + t.3, rated(s.4, t.4));
    }
    Sums {
        practices: a.practices + b.practices,
        patient_list_size: a.patient_list_size + b.patient_list_size,
        total_pat_enbld: a.total_pat_enbld + b.total_pat_enbld,
        enabled_rated: rated(a.enabled_rated, b.enabled_rated),
        new_pat_enbld: a.new_pat_enbld + b.new_pat_enbld,
        total_use: a.total_use + b.total_use,
        use_rated: rated(a.use_rated, b.use_rated),
        services,
        practices_enabled_above_list: a.practices_enabled_above_list + b.practices_enabled_above_list,
    }
}

/// The sums kept per month for England, regions and CCGs: refreshed when an import changes a month,
/// and filled in by `migrate` for a database that holds POMI without them.
mod kept_totals {
    use super::*;
    use lantern_store::testing::TestDatabase;

    contract!(database: kept_totals_follow_changed_months_and_are_refilled_on_migrate);

    async fn equal_tabulate(store: &Store, months: &[PracticeMonth]) {
        for period in ["2023-11", "2023-12"] {
            let held: Vec<PracticeMonth> = months.iter().filter(|m| m.period == period).cloned().collect();
            for level in [Level::England, Level::Region, Level::Ccg] {
                let kept = store.uptake_totals(level, period).await.expect("totals").expect("kept level");
                assert!(!kept.is_empty(), "{level:?} {period}");
                assert_eq!(kept, tabulate(level, &held, None), "{level:?} {period}");
            }
        }
        // Every month at once, as the England page's regional series reads them.
        for level in [Level::England, Level::Region, Level::Ccg] {
            let all = store.uptake_totals_all(level).await.expect("totals").expect("kept level");
            assert_eq!(all, tabulate(level, months, None), "{level:?}, every month");
        }
        assert!(store.uptake_totals_all(Level::Pcn).await.expect("totals").is_none());
    }

    async fn kept_totals_follow_changed_months_and_are_refilled_on_migrate(db: TestDatabase) {
        let store = &db.store;
        let mut months: Vec<PracticeMonth> =
            (0..30).flat_map(|n| [month(n, "2023-11"), month(n, "2023-12")]).collect();
        import(store, &months, &[]).await;
        equal_tabulate(store, &months).await;

        // A later file changes one December practice-month, moving it to another region.
        let changed = months.iter_mut().find(|m| m.period == "2023-12").expect("a December month");
        changed.values.set(PomiField::TotalPatEnbld, Some(999));
        changed.region = "Y99".into();
        let december: Vec<PracticeMonth> = months.iter().filter(|m| m.period == "2023-12").cloned().collect();
        assert_eq!(import(store, &december, &[]).await.updated, 1);
        equal_tabulate(store, &months).await;

        db.execute_raw("DELETE FROM uptake_totals").await.expect("forget the kept totals");
        assert!(store
            .uptake_totals(Level::England, "2023-12")
            .await
            .expect("totals")
            .expect("level")
            .is_empty());
        store.migrate().await.expect("migrate again");
        equal_tabulate(store, &months).await;
    }
}
