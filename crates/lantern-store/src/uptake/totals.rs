//! A month's uptake summed in the database for the levels POMI rows name themselves (England, region,
//! the file's CCG or sub-ICB column, practice): one row per unit comes back instead of every
//! practice-month, which is what keeps the England table well inside its 50 ms. Each sum follows
//! `lantern_core::uptake::UptakeCounts::add` exactly (the contract tests compare the two).

use crate::{Store, StoreError};
use lantern_core::uptake::measures::{Rated, Sums, ENGLAND};
use lantern_core::uptake::{Level, PomiField, Service, UnitUptake, UptakeCounts};
use sqlx::Row;

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

impl Store {
    /// The uptake table of `period` at `level`, summed in the database, ordered by unit code; None for
    /// levels the rows do not name (PCN, and ICB, which CCG-era rows leave blank): those need the map.
    pub async fn uptake_totals(
        &self,
        level: Level,
        period: &str,
    ) -> Result<Option<Vec<UnitUptake>>, StoreError> {
        let unit = match level {
            Level::England => format!("'{ENGLAND}'"),
            Level::Region => "region".to_owned(),
            Level::Ccg => "org".to_owned(),
            Level::Practice => "practice".to_owned(),
            Level::Icb | Level::Pcn => return Ok(None),
        };
        let sql = format!(
            "SELECT {unit} AS unit, {} FROM uptake_pomi WHERE period = $1 GROUP BY 1 ORDER BY 1",
            select_list().join(", ")
        );
        let rows = sqlx::query(&sql).bind(period.to_owned()).fetch_all(&self.pool).await?;
        let mut table = Vec::with_capacity(rows.len());
        for row in &rows {
            let n = |i: usize| row.try_get::<i64, _>(i + 1);
            let count = |i: usize| n(i).map(|v| u64::try_from(v).unwrap_or(0));
            let rated =
                |i: usize| -> Result<Rated, sqlx::Error> { Ok(Rated { count: n(i)?, list: n(i + 1)? }) };
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
            let code: String = row.try_get("unit")?;
            table.push(UnitUptake::new(level, &code, period, UptakeCounts::from_sums(&sums)));
        }
        Ok(Some(table))
    }
}
