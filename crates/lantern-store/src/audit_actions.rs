//! The actions that occur in the audit trail, so people filter by picking one rather than guessing
//! how an action is spelt.

use crate::sql::{Conditions, Value};
use crate::{Store, StoreError};
use sqlx::Row;

impl Store {
    /// Every distinct action recorded, alphabetically. With `practices`, only actions on records about
    /// those practices: the same boundary the records themselves are read within, so the list reveals
    /// nothing about other practices.
    pub async fn audit_actions(&self, practices: Option<&[String]>) -> Result<Vec<String>, StoreError> {
        let mut c = Conditions::default();
        if let Some(practices) = practices {
            let placeholders: Vec<String> =
                practices.iter().map(|p| c.bind_next(Value::Text(p.clone()))).collect();
            c.push_plain(&if placeholders.is_empty() {
                "FALSE".to_owned()
            } else {
                format!("practice IN ({})", placeholders.join(", "))
            });
        }
        let sql = format!("SELECT DISTINCT action FROM audit_events{} ORDER BY action", c.where_sql());
        let rows = c.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok(row.try_get::<String, _>("action")?)).collect()
    }
}
