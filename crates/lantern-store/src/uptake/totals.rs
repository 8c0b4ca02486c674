//! A month's uptake summed in the database for the levels POMI rows name themselves (England, region,
//! the file's CCG or sub-ICB column, practice): one row per unit comes back instead of every
//! practice-month. For England, regions and CCGs the sums are kept in `uptake_totals`, added up in
//! memory and written in the import's transaction for the months it changed, so a table is read rather
//! than summed. A practice's row is its own month, summed in SQL as it is read; each SQL sum follows
//! `lantern_core::uptake::UptakeCounts::add` exactly (the contract tests compare the two, and add the
//! practices' SQL sums up by hand to check the kept ones).

use super::reference::batch::insert_rows;
use super::write::months_of_periods;
use crate::sql::{Conditions, Value};
use crate::{Backend, Store, StoreError};
use lantern_core::uptake::measures::{Rated, Sums};
use lantern_core::uptake::{tabulate, Level, PomiField, PracticeMonth, Service, UnitUptake, UptakeCounts};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// How many sums [`select_list`] makes, and so the `sum_NN` columns of `uptake_totals`.
const SUMS: usize = 31;

/// The levels kept in `uptake_totals`, and what the table calls them.
const KEPT: [(Level, &str); 3] =
    [(Level::England, "england"), (Level::Region, "region"), (Level::Ccg, "ccg")];

fn sum_columns() -> Vec<String> {
    (0..SUMS).map(|i| format!("sum_{i:02}")).collect()
}

/// `SUM` of BIGINT is NUMERIC on PostgreSQL: cast back so both backends read an i64.
fn sum(expression: &str) -> String {
    format!("CAST(COALESCE(SUM({expression}), 0) AS BIGINT)")
}

/// A count as the measures take it: negative values, stored as published, count as unknown.
fn count(column: &str) -> String {
    sum(&format!("CASE WHEN {column} >= 0 THEN {column} ELSE 0 END"))
}

/// A rate's two sides: `column` and the list size, over the practices that gave both (NULL >= 0 is
/// not true, so blanks drop out as negatives do).
fn rated(column: &str) -> [String; 2] {
    let both = format!("{column} >= 0 AND patient_list_size >= 0");
    [
        sum(&format!("CASE WHEN {both} THEN {column} ELSE 0 END")),
        sum(&format!("CASE WHEN {both} THEN patient_list_size ELSE 0 END")),
    ]
}

fn select_list() -> Vec<String> {
    let mut list = vec!["CAST(COUNT(*) AS BIGINT)".to_owned(), count("patient_list_size")];
    list.push(count("total_pat_enbld"));
    list.extend(rated("total_pat_enbld"));
    list.extend([count("new_pat_enbld"), count("total_use")]);
    list.extend(rated("total_use"));
    for service in Service::ALL {
        let (system, enabled, uses) =
            (service.system().column(), service.enabled().column(), service.uses().column());
        list.push(sum(&format!("CASE WHEN {system} = 2 THEN 1 ELSE 0 END")));
        list.push(count(enabled));
        list.extend(rated(enabled));
        list.push(count(uses));
        list.extend(rated(uses));
    }
    let enabled = [
        PomiField::TotalPatEnbld,
        PomiField::PatApptsEnbld,
        PomiField::PatPrescEnbld,
        PomiField::PatDetCodeRecEnbld,
    ];
    let above: Vec<String> = enabled
        .iter()
        .map(|f| format!("({} > patient_list_size AND patient_list_size >= 0)", f.column()))
        .collect();
    list.push(sum(&format!("CASE WHEN {} THEN 1 ELSE 0 END", above.join(" OR "))));
    list
}

/// Writes `uptake_totals` for `periods` from `rows`, which must be every practice-month those periods
/// hold once the transaction commits. The units are added up in memory by `tabulate`, as the pages add
/// up the practices the map places, and each unit's counts are kept as their [`Sums`]: summing in SQL
/// took two `GROUP BY` passes of 31 sums over the table (0.18 s of a national import), this takes
/// a few milliseconds. `Store::uptake_totals` at the practice level still sums in SQL, and the
/// contract tests hold the two to each other.
pub(crate) async fn write_totals(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    periods: &[&str],
    rows: &[&PracticeMonth],
) -> Result<(), StoreError> {
    if periods.is_empty() {
        return Ok(());
    }
    let mut c = Conditions::default();
    let listed: Vec<String> = periods.iter().map(|p| c.bind_next(Value::Text((*p).to_owned()))).collect();
    let sql = format!("DELETE FROM uptake_totals WHERE period IN ({})", listed.join(", "));
    c.bind(sqlx::query(&sql)).execute(&mut **tx).await?;
    let units: Vec<(&str, UnitUptake)> = KEPT
        .iter()
        .flat_map(|&(level, name)| {
            tabulate(level, rows.iter().copied(), None).into_iter().map(move |unit| (name, unit))
        })
        .collect();
    let sums = sum_columns();
    let columns: Vec<&str> =
        ["period", "level", "unit"].into_iter().chain(sums.iter().map(String::as_str)).collect();
    insert_rows(tx, backend, "uptake_totals", &columns, "", &units, |q, (name, unit)| {
        let q = q.bind(unit.period.clone()).bind((*name).to_owned()).bind(unit.code.clone());
        sum_values(&unit.counts.sums()).into_iter().fold(q, |q, value| q.bind(value))
    })
    .await
}

/// The sums in [`select_list`]'s order, as `uptake_totals` keeps them and [`unit_uptake`] reads them.
fn sum_values(s: &Sums) -> [i64; SUMS] {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let mut values = [0; SUMS];
    values[..9].copy_from_slice(&[
        n(s.practices),
        s.patient_list_size,
        s.total_pat_enbld,
        s.enabled_rated.count,
        s.enabled_rated.list,
        s.new_pat_enbld,
        s.total_use,
        s.use_rated.count,
        s.use_rated.list,
    ]);
    for (i, (on, enabled, enabled_rated, uses, uses_rated)) in s.services.iter().enumerate() {
        let at = 9 + 7 * i;
        values[at..at + 7].copy_from_slice(&[
            n(*on),
            *enabled,
            enabled_rated.count,
            enabled_rated.list,
            *uses,
            uses_rated.count,
            uses_rated.list,
        ]);
    }
    values[30] = n(s.practices_enabled_above_list);
    values
}

/// One unit's row: its code, then the sums in [`select_list`]'s order.
fn unit_uptake(row: &AnyRow, level: Level, period: &str) -> Result<UnitUptake, StoreError> {
    let n = |i: usize| row.try_get::<i64, _>(i + 1);
    let count = |i: usize| n(i).map(|v| u64::try_from(v).unwrap_or(0));
    let rated = |i: usize| -> Result<Rated, sqlx::Error> { Ok(Rated { count: n(i)?, list: n(i + 1)? }) };
    let mut services = [(0, 0, Rated::default(), 0, Rated::default()); 3];
    for (s, slot) in services.iter_mut().enumerate() {
        let at = 9 + 7 * s;
        *slot = (count(at)?, n(at + 1)?, rated(at + 2)?, n(at + 4)?, rated(at + 5)?);
    }
    let sums = Sums {
        practices: count(0)?,
        patient_list_size: n(1)?,
        total_pat_enbld: n(2)?,
        enabled_rated: rated(3)?,
        new_pat_enbld: n(5)?,
        total_use: n(6)?,
        use_rated: rated(7)?,
        services,
        practices_enabled_above_list: count(30)?,
    };
    let code: String = row.try_get(0)?;
    Ok(UnitUptake::new(level, &code, period, UptakeCounts::from_sums(&sums)))
}

impl Store {
    /// The uptake table of `period` at `level`, ordered by unit code; None for levels the rows do not
    /// name (PCN, and ICB, which CCG-era rows leave blank): those need the map.
    pub async fn uptake_totals(
        &self,
        level: Level,
        period: &str,
    ) -> Result<Option<Vec<UnitUptake>>, StoreError> {
        let sql = match level {
            Level::England | Level::Region | Level::Ccg => {
                let name = KEPT.iter().find(|(l, _)| *l == level).map_or("", |(_, name)| name);
                format!(
                    "SELECT unit, {} FROM uptake_totals WHERE period = $1 AND level = '{name}' ORDER BY unit",
                    sum_columns().join(", ")
                )
            }
            Level::Practice => format!(
                "SELECT practice AS unit, {} FROM uptake_pomi WHERE period = $1 GROUP BY 1 ORDER BY 1",
                select_list().join(", ")
            ),
            Level::Icb | Level::Pcn => return Ok(None),
        };
        let rows = sqlx::query(&sql).bind(period.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(|row| unit_uptake(row, level, period)).collect::<Result<Vec<_>, _>>().map(Some)
    }

    /// The kept table of every month at `level` (England, region, CCG or sub-ICB), ordered by month
    /// then unit: what a series of monthly tables needs, read in one query. None for the other levels.
    pub async fn uptake_totals_all(&self, level: Level) -> Result<Option<Vec<UnitUptake>>, StoreError> {
        let Some((_, name)) = KEPT.iter().find(|(l, _)| *l == level) else { return Ok(None) };
        // The period goes last, so the sums keep the column numbers `unit_uptake` reads them by.
        let sql = format!(
            "SELECT unit, {}, period FROM uptake_totals WHERE level = '{name}' ORDER BY period, unit",
            sum_columns().join(", ")
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let period: String = row.try_get("period")?;
                unit_uptake(row, level, &period)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Whether some month of POMI has no kept totals (a database from before `uptake_totals`).
    pub(crate) async fn uptake_totals_missing(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT period FROM uptake_pomi WHERE period NOT IN (SELECT period FROM uptake_totals) \
             ORDER BY period",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok(row.try_get("period")?)).collect()
    }

    /// Fills `uptake_totals` for the months of POMI it lacks, in one transaction.
    pub(crate) async fn fill_uptake_totals(&self) -> Result<(), StoreError> {
        let missing = self.uptake_totals_missing().await?;
        if missing.is_empty() {
            return Ok(());
        }
        let mut w = self.begin_write().await?;
        let periods: Vec<&str> = missing.iter().map(String::as_str).collect();
        let rows = months_of_periods(&mut w.tx, &periods).await?;
        write_totals(&mut w.tx, self.backend, &periods, &rows.iter().collect::<Vec<_>>()).await?;
        w.commit().await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sum_has_a_column() {
        assert_eq!(super::select_list().len(), super::SUMS);
    }
}
