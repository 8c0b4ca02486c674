//! A small builder for queries whose WHERE clause depends on the request, numbering `$n` placeholders
//! the way both backends accept.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default)]
pub(crate) struct Conditions {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    /// Adds a clause in which `?` stands for the next placeholder.
    pub fn push(&mut self, clause: &str, value: Value) {
        self.values.push(value);
        let placeholder = format!("${}", self.values.len());
        self.clauses.push(clause.replace('?', &placeholder));
    }

    pub fn push_plain(&mut self, clause: &str) {
        self.clauses.push(clause.to_owned());
    }

    /// The placeholder the next value pushed with [`Self::bind_next`] will take.
    pub fn bind_next(&mut self, value: Value) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    pub fn bind<'q>(&self, mut query: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        for value in &self.values {
            query = match value {
                Value::Text(text) => query.bind(text.clone()),
                Value::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

/// Integer flags rather than booleans: the one representation both backends decode alike through `Any`.
pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
}

pub(crate) fn join_codes<S: AsRef<str>>(codes: &[S]) -> String {
    codes.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ")
}

pub(crate) fn split_codes(joined: &str) -> Vec<String> {
    joined.split_whitespace().map(str::to_owned).collect()
}

/// The `VALUES` list of a multi-row insert: `count` rows of `width` placeholders. SQLite gets
/// anonymous `?` placeholders: with `$n` ones, SQLite finds each of a statement's parameters by name
/// among all of them, which costs more than the insert once there are a thousand. PostgreSQL needs `$n`.
pub(crate) fn values_rows(backend: crate::Backend, width: usize, count: usize) -> String {
    let mut sql = String::with_capacity(count * width * 5);
    for row in 0..count {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 1..=width {
            if column > 1 {
                sql.push_str(", ");
            }
            match backend {
                crate::Backend::Sqlite => sql.push('?'),
                crate::Backend::Postgres => sql.push_str(&format!("${}", row * width + column)),
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::values_rows;
    use crate::Backend;

    #[test]
    fn values_rows_number_postgres_placeholders_across_rows() {
        assert_eq!(values_rows(Backend::Postgres, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(values_rows(Backend::Sqlite, 3, 2), "(?, ?, ?), (?, ?, ?)");
    }
}
