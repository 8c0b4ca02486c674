//! Multi-row statements for the reference files, sized by parameters rather than rows: the age-band
//! file is ~250,000 rows of 5 columns and the OC file ~37,000 of 11, and a statement per few thousand
//! rows is what lets a national file import in seconds.

use super::tables::{Table, Q};
use crate::uptake::{UptakeFlag, UptakeName};
use crate::{Backend, StoreError};
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. SQLite's are fewer because
/// preparing a statement of thousands of parameters takes milliseconds and every import process
/// prepares its own: the national POMI file took a quarter less time at 50 rows a statement (prepared
/// once, run again) than at 600. PostgreSQL's are many because each statement is a round trip.
fn max_parameters(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1_000,
        Backend::Postgres => 12_000,
    }
}

/// Placeholder number `n`. SQLite gets anonymous `?`: sqlx looks up a numbered parameter's name by a
/// linear scan, which makes `$n` cost n² on a statement of thousands of them. Since sqlx numbers
/// anonymous ones in order of appearance, a statement must not mix the two forms.
fn mark(backend: Backend, n: usize) -> String {
    let mut text = String::new();
    push_mark(&mut text, backend, n);
    text
}

/// Writes placeholder `n` (see [`mark`]) onto `text`.
fn push_mark(text: &mut String, backend: Backend, n: usize) {
    match backend {
        Backend::Sqlite => text.push('?'),
        Backend::Postgres => {
            text.push('$');
            text.push_str(&n.to_string());
        }
    }
}

/// `count` placeholders from number `first` on, written into one string: a national file's statements
/// hold hundreds of thousands of them in all.
fn placeholders(backend: Backend, first: usize, count: usize) -> String {
    let mut marks = String::with_capacity(count * 4);
    for n in first..first + count {
        if n > first {
            marks.push_str(", ");
        }
        push_mark(&mut marks, backend, n);
    }
    marks
}

/// `INSERT INTO table (columns) VALUES (…), (…) tail`, as many rows a statement as fit.
pub(in crate::uptake) async fn insert_rows<T>(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    table: &str,
    columns: &[&str],
    tail: &str,
    rows: &[T],
    bind: impl for<'q> Fn(Q<'q>, &'q T) -> Q<'q>,
) -> Result<(), StoreError> {
    let per_statement = (max_parameters(backend) / columns.len().max(1)).max(1);
    for chunk in rows.chunks(per_statement) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(backend, i * columns.len() + 1, columns.len())))
            .collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES {} {tail}", columns.join(", "), tuples.join(", "));
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Deletes the rows of `units` ((period, practice)) from `T`'s table and their flags, a period's
/// practices at a time.
pub(super) async fn delete_units<T: Table>(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    units: &[&(String, String)],
) -> Result<(), StoreError> {
    let mut by_period: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (period, practice) in units {
        by_period.entry(period.as_str()).or_default().push(practice.as_str());
    }
    for (period, practices) in by_period {
        for chunk in practices.chunks(max_parameters(backend) / 2) {
            let (condition, first) = match T::PERIOD {
                Some(column) => (format!("{column} = {} AND ", mark(backend, 1)), 2),
                None => (String::new(), 1),
            };
            let rows_sql = format!(
                "DELETE FROM {} WHERE {condition}practice IN ({})",
                T::TABLE,
                placeholders(backend, first, chunk.len())
            );
            let mut query = sqlx::query(&rows_sql);
            if T::PERIOD.is_some() {
                query = T::bind_period(query, period)?;
            }
            for practice in chunk {
                query = query.bind((*practice).to_owned());
            }
            query.execute(&mut **tx).await?;
            let flags_sql = format!(
                "DELETE FROM uptake_flags WHERE source = {} AND period = {} AND practice IN ({})",
                mark(backend, 1),
                mark(backend, 2),
                placeholders(backend, 3, chunk.len())
            );
            let mut query = sqlx::query(&flags_sql).bind(T::SOURCE).bind(period.to_owned());
            for practice in chunk {
                query = query.bind((*practice).to_owned());
            }
            query.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// Flags of practices whose rows were just written. With `replace`, a flag already stored takes the new
/// detail (POMI keeps the flags of unchanged practice-months); without, the first stored stands.
pub(in crate::uptake) async fn insert_flags(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    flags: &[&UptakeFlag],
    replace: bool,
) -> Result<(), StoreError> {
    let columns = ["source", "practice", "period", "kind", "field", "detail"];
    let tail = if replace {
        "ON CONFLICT (source, period, practice, kind, field) DO UPDATE SET detail = excluded.detail"
    } else {
        "ON CONFLICT (source, period, practice, kind, field) DO NOTHING"
    };
    insert_rows(tx, backend, "uptake_flags", &columns, tail, flags, |q, f| {
        q.bind(f.source.clone())
            .bind(f.practice.clone())
            .bind(f.period.clone())
            .bind(f.kind.clone())
            .bind(f.field.clone())
            .bind(f.detail.clone())
    })
    .await
}

/// Names change rarely, so only the new or renamed are written; the first a file gives for a code wins.
pub(in crate::uptake) async fn upsert_names(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    names: &[UptakeName],
) -> Result<(), StoreError> {
    if names.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query("SELECT kind, code, name FROM uptake_names").fetch_all(&mut **tx).await?;
    let mut stored: HashMap<(String, String), String> = HashMap::with_capacity(rows.len());
    for row in &rows {
        stored.insert((row.try_get("kind")?, row.try_get("code")?), row.try_get("name")?);
    }
    let mut seen = HashSet::new();
    let changed: Vec<&UptakeName> = names
        .iter()
        // One statement may not touch a key twice (PostgreSQL refuses).
        .filter(|n| seen.insert((n.kind.as_str(), n.code.as_str())))
        .filter(|n| stored.get(&(n.kind.clone(), n.code.clone())) != Some(&n.name))
        .collect();
    let tail = "ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name";
    insert_rows(tx, backend, "uptake_names", &["kind", "code", "name"], tail, &changed, |q, n| {
        q.bind(n.kind.clone()).bind(n.code.clone()).bind(n.name.clone())
    })
    .await
}
