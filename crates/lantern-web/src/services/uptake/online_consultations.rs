//! Online consultation submissions at any level, placed by the practice map like PCN uptake: the
//! submissions file names PCN, ICB and region itself, but the map is what every other table uses, so
//! one practice sits in the same unit everywhere.

use super::unit_names;
use crate::http::error::ApiError;
use lantern_core::uptake::oc::{tabulate_oc, OcTable};
use lantern_core::uptake::Level;
use lantern_store::Store;

/// The table at `level` (only `code` when given) for `period`, or every month held when None.
pub async fn oc_table(
    store: &Store,
    level: Level,
    code: Option<&str>,
    period: Option<&str>,
) -> Result<OcTable, ApiError> {
    let months = store.uptake_oc_months(period).await?;
    if months.is_empty() {
        let held = store.uptake_oc_periods().await?;
        return Err(ApiError::NotFound(if held.is_empty() {
            "no online consultation data is held: load it with `lantern import oc`".to_owned()
        } else {
            format!("no online consultation data for that month; months held: {}", held.join(", "))
        }));
    }
    let places = store.uptake_places_latest().await?;
    let mut table = tabulate_oc(level, &months, &places, code);
    let names = unit_names(store, level).await?;
    for unit in &mut table.units {
        unit.name = names.get(&unit.code).cloned();
    }
    Ok(table)
}
