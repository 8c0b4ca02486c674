//! What an organisation's table of practices needs, asked once for all its practices: six queries
//! for an ICB of forty practices, where asking practice by practice took about six each.

use crate::offers::{offer, COLUMNS as OFFER_COLUMNS};
use crate::practices::{practice, service, staff_member, PracticeSettings};
use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use lantern_core::measures::{Dimension, Tally};
use lantern_core::ods::OdsCode;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// One practice's settings, role costs and tallies over a period.
#[derive(Debug, Clone)]
pub struct NetworkPractice {
    pub settings: PracticeSettings,
    /// Each role's hourly cost in pence, as [`Store::role_costs`] gives it.
    pub costs: HashMap<String, i64>,
    /// As [`Store::rollup_tallies`] gives them for this practice alone.
    pub tallies: Vec<(Dimension, String, Tally)>,
}

impl Store {
    /// For each of `practices`, in that order, what [`Store::settings`], [`Store::role_costs`] and
    /// [`Store::rollup_tallies`] over `from`..=`to` give for it alone.
    pub async fn network_practices(
        &self,
        practices: &[OdsCode],
        from: &str,
        to: &str,
    ) -> Result<Vec<NetworkPractice>, StoreError> {
        if practices.is_empty() {
            return Ok(Vec::new());
        }
        let by_practice = |sql: &str| {
            let mut c = Conditions::default();
            let listed: Vec<String> =
                practices.iter().map(|p| c.bind_next(Value::Text(p.to_string()))).collect();
            (sql.replace("{practices}", &listed.join(", ")), c)
        };
        let fetch = |(sql, c): (String, Conditions)| async move {
            c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(StoreError::from)
        };
        let rows = fetch(by_practice(
            "SELECT ods_code, name, pcn, icb, list_size FROM practices WHERE ods_code IN ({practices})",
        ))
        .await?;
        let mut found: HashMap<String, lantern_core::practice::Practice> = HashMap::new();
        for row in &rows {
            let p = practice(row)?;
            found.insert(p.ods_code.to_string(), p);
        }
        let services = grouped(
            &fetch(by_practice(
                "SELECT practice, code, label, enabled, custom FROM practice_services \
                 WHERE practice IN ({practices}) ORDER BY practice, position, code",
            ))
            .await?,
            service,
        )?;
        let staff = grouped(
            &fetch(by_practice(
                "SELECT id, practice, display_name, role, active FROM staff \
                 WHERE practice IN ({practices}) ORDER BY practice, display_name, id",
            ))
            .await?,
            staff_member,
        )?;
        let offers = grouped(
            &fetch(by_practice(&format!(
                "SELECT {OFFER_COLUMNS} FROM support_offers WHERE practice IN ({{practices}}) \
                 ORDER BY practice, started_on, title, id"
            )))
            .await?,
            offer,
        )?;
        let own_costs = grouped(
            &fetch(by_practice(
                "SELECT practice, role, hourly_pence FROM role_costs WHERE practice IN ({practices})",
            ))
            .await?,
            |row| Ok((row.try_get::<String, _>("role")?, row.try_get::<i64, _>("hourly_pence")?)),
        )?;
        let tallies = self.rollup_tallies_each(practices, from, to).await?;
        let (mut services, mut staff, mut offers, mut own_costs) = (services, staff, offers, own_costs);
        let mut out = Vec::with_capacity(practices.len());
        for (code, tallies) in practices.iter().zip(tallies) {
            let practice = found
                .remove(code.as_str())
                .ok_or_else(|| StoreError::NotFound(format!("practice {code}")))?;
            let mut costs: HashMap<String, i64> = lantern_core::measures::default_hourly_costs()
                .into_iter()
                .map(|c| (c.role.to_owned(), c.hourly_pence))
                .collect();
            costs.extend(own_costs.remove(code.as_str()).unwrap_or_default());
            let settings = PracticeSettings {
                practice,
                services: services.remove(code.as_str()).unwrap_or_default(),
                staff: staff.remove(code.as_str()).unwrap_or_default(),
                offers: offers.remove(code.as_str()).unwrap_or_default(),
            };
            out.push(NetworkPractice { settings, costs, tallies });
        }
        Ok(out)
    }
}

/// Rows with a `practice` column, read with `read` and kept in order under their practice.
fn grouped<T>(
    rows: &[AnyRow],
    read: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<HashMap<String, Vec<T>>, StoreError> {
    let mut out: HashMap<String, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(row.try_get("practice")?).or_default().push(read(row)?);
    }
    Ok(out)
}
