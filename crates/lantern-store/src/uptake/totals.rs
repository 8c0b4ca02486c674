//! A month's uptake summed in the database for the levels POMI rows name themselves (England, region,
//! the file's CCG or sub-ICB column, practice): one row per unit comes back instead of every
//! practice-month. For England, regions and CCGs the sums are kept in `uptake_totals`, refreshed in the
//! import's transaction for the months it changed, so a table is read rather than summed (a practice's
//! row is its own month, so it is summed as it is read). Each sum follows
//! `lantern_core::uptake::UptakeCounts::add` exactly (the contract tests compare the two).

use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use lantern_core::uptake::measures::{Rated, Sums, ENGLAND};
use lantern_core::uptake::{Level, PomiField, Service, UnitUptake, UptakeCounts};
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

/// Sums `periods` again into `uptake_totals` from what `uptake_pomi` now holds for them. Regions and
/// CCGs are summed from the rows, one pass each; England is summed from the regions' sums (every sum
/// is a sum of integers, so summing the regions gives exactly the sum of the rows) instead of a
/// third pass over the rows.
pub(crate) async fn refresh_totals(
    tx: &mut Transaction<'static, Any>,
    periods: &[&str],
) -> Result<(), StoreError> {
    if periods.is_empty() {
        return Ok(());
    }
    let mut c = Conditions::default();
    let listed: Vec<String> = periods.iter().map(|p| c.bind_next(Value::Text((*p).to_owned()))).collect();
    let within = format!("period IN ({})", listed.join(", "));
    let (sums, list) = (sum_columns(), select_list().join(", "));
    let mut statements = vec![format!("DELETE FROM uptake_totals WHERE {within}")];
    for (level, column) in [("region", "region"), ("ccg", "org")] {
        statements.push(format!(
            "INSERT INTO uptake_totals (period, level, unit, {}) SELECT period, '{level}', {column}, {list} \
             FROM uptake_pomi WHERE {within} GROUP BY period, {column}",
            sums.join(", ")
        ));
    }
    let of_regions: Vec<String> = sums.iter().map(|s| format!("CAST(SUM({s}) AS BIGINT)")).collect();
    statements.push(format!(
        "INSERT INTO uptake_totals (period, level, unit, {}) SELECT period, 'england', '{ENGLAND}', {} \
         FROM uptake_totals WHERE level = 'region' AND {within} GROUP BY period",
        sums.join(", "),
        of_regions.join(", ")
    ));
    for sql in statements {
        c.bind(sqlx::query(&sql)).execute(&mut **tx).await?;
    }
    Ok(())
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
        refresh_totals(&mut w.tx, &missing.iter().map(String::as_str).collect::<Vec<_>>()).await?;
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
