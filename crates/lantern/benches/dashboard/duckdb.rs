//! DuckDB's side: Lantern's CSV export of the same episodes, and `bench/duckdb_dashboard.py` run on it
//! with the same questions.

use crate::figures::{Question, SUPPRESSED_BELOW};
use crate::lantern::Answer;
use lantern_store::{DatabaseLocation, EpisodeFilter, Store};
use serde::Deserialize;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/duckdb_dashboard.py");

#[derive(Debug, Deserialize)]
pub struct DuckOutput {
    pub version: String,
    pub threads: u32,
    pub rows: u64,
    pub load_seconds: f64,
    pub hwm_load_kb: u64,
    pub hwm_kb: u64,
    pub answers: Vec<Answer>,
}

pub use crate::duckdb_env::python;

/// Writes every episode as `lantern export episodes` does; returns rows, seconds and bytes.
pub async fn export(database: &Path, csv: &Path) -> (u64, f64, u64) {
    let started = Instant::now();
    let store = Store::connect(&DatabaseLocation::Sqlite(database.to_owned())).await.expect("open");
    let file = std::fs::File::create(csv).expect("create the CSV");
    let rows = lantern_import::episodes_csv::export_episodes(
        &store,
        &EpisodeFilter::default(),
        std::io::BufWriter::with_capacity(1 << 20, file),
    )
    .await
    .expect("export episodes");
    store.close().await;
    let bytes = std::fs::metadata(csv).map_or(0, |m| m.len());
    (rows, started.elapsed().as_secs_f64(), bytes)
}

/// Runs the DuckDB script over `csv`; `None` (with the reason printed) if it failed.
pub fn measure(
    python: &Path,
    dir: &Path,
    csv: &Path,
    warmup: usize,
    questions: &[Question],
) -> Option<DuckOutput> {
    let input = dir.join("duckdb-questions.json");
    let output = dir.join("duckdb-answers.json");
    std::fs::write(&input, serde_json::to_vec(questions).expect("json")).expect("write questions");
    let status = Command::new(python)
        .arg(SCRIPT)
        .arg(csv)
        .arg(&input)
        .arg(&output)
        .arg("--warmup")
        .arg(warmup.to_string())
        .arg("--suppress-below")
        .arg(SUPPRESSED_BELOW.to_string())
        .status();
    match status {
        Ok(s) if s.success() => Some(
            serde_json::from_slice(&std::fs::read(&output).expect("read DuckDB's answers")).expect("answers"),
        ),
        other => {
            eprintln!("the DuckDB script failed: {other:?}");
            None
        }
    }
}
