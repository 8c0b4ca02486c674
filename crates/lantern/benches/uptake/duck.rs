//! DuckDB's side: `bench/duckdb_uptake.py` loading the same file and computing the same England table.

use crate::{Settings, SCRIPT};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Debug, Deserialize)]
pub struct Duck {
    pub version: String,
    pub threads: u32,
    pub rows: u64,
    pub practice_months: u64,
    /// Each load's seconds, and of them the extraction's (from a .zip).
    pub extract_seconds: Option<Vec<f64>>,
    pub load_seconds: Vec<f64>,
    pub hwm_load_kb: u64,
    pub hwm_kb: u64,
    pub period: String,
    pub one_month_ms: Vec<f64>,
    pub all_months_ms: Vec<f64>,
    pub one_month: Vec<Value>,
    pub all_months: Vec<Value>,
}

/// Extracts the CSV from a .zip once, with Python's zipfile (not counted in any figure); a .csv is
/// used as it is. Returns the CSV and the seconds the extraction took.
pub fn extract(python: &Path, dir: &Path, file: &Path) -> Option<(PathBuf, f64)> {
    if !file.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        return Some((file.to_owned(), 0.0));
    }
    let into = dir.join("csv");
    let started = Instant::now();
    let ok = Command::new(python)
        .args(["-m", "zipfile", "-e"])
        .arg(file)
        .arg(&into)
        .status()
        .is_ok_and(|s| s.success());
    let seconds = started.elapsed().as_secs_f64();
    let csv = std::fs::read_dir(&into)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    if !ok || csv.is_none() {
        eprintln!("could not extract a CSV from {}", file.display());
    }
    Some((csv?, seconds))
}

/// One run of the DuckDB script; `None` (with the reason printed) if it failed.
pub fn duck(
    python: &Path,
    dir: &Path,
    source: &Path,
    threads: u32,
    period: &str,
    settings: &Settings,
) -> Option<Duck> {
    let output = dir.join("duckdb-uptake.json");
    let _ = std::fs::remove_file(&output);
    let status = Command::new(python)
        .arg(SCRIPT)
        .arg(source)
        .arg(&output)
        .args(["--threads", &threads.to_string(), "--period", period])
        .args(["--iterations", &settings.iterations.to_string()])
        .args(["--all-iterations", &settings.all_iterations.to_string()])
        .args(["--warmup", &settings.warmup.to_string()])
        .args(["--loads", &settings.runs.to_string()])
        .status();
    match status {
        Ok(s) if s.success() => match std::fs::read(&output).map(|b| serde_json::from_slice::<Duck>(&b)) {
            Ok(Ok(d)) => Some(d),
            other => {
                eprintln!("could not read DuckDB's output: {other:?}");
                None
            }
        },
        other => {
            eprintln!("the DuckDB script failed: {other:?}");
            None
        }
    }
}
