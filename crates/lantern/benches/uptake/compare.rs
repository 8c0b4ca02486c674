//! Lantern's England table against DuckDB's, value by value.

use crate::TOLERANCE;
use lantern_core::uptake::UnitUptake;
use serde_json::Value;

/// A Lantern table in the shape the DuckDB script writes: period, counts and rates of each month.
pub fn comparable(table: &[UnitUptake]) -> Vec<Value> {
    table
        .iter()
        .map(|unit| {
            let value = serde_json::to_value(unit).expect("json");
            serde_json::json!({ "period": value["period"], "counts": value["counts"], "rates": value["rates"] })
        })
        .collect()
}

/// Where two JSON values differ: integers, strings, booleans and nulls exactly, other numbers to
/// [`TOLERANCE`].
pub fn differences(path: &str, lantern: &Value, duck: &Value, out: &mut Vec<String>) {
    match (lantern, duck) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let (x, y) = (a.get(key).unwrap_or(&Value::Null), b.get(key).unwrap_or(&Value::Null));
                let missing = !a.contains_key(key) || !b.contains_key(key);
                if missing {
                    out.push(format!("{path}.{key}: Lantern {x}, DuckDB {y} (missing on one side)"));
                } else {
                    differences(&format!("{path}.{key}"), x, y, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: Lantern has {} entries, DuckDB {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let label = x["period"].as_str().map_or_else(|| i.to_string(), str::to_owned);
                differences(&format!("{path}[{label}]"), x, y, out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let exact = (a.is_i64() || a.is_u64()) && (b.is_i64() || b.is_u64());
            let same = if exact {
                a == b || a.as_i64().zip(b.as_i64()).is_some_and(|(x, y)| x == y)
            } else {
                a.as_f64().zip(b.as_f64()).is_some_and(|(x, y)| (x - y).abs() <= TOLERANCE)
            };
            if !same {
                out.push(format!("{path}: Lantern {a}, DuckDB {b}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: Lantern {a}, DuckDB {b}")),
    }
}
