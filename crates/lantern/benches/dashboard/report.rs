//! What the benchmark prints: the machine, and the table of results.

use crate::figures::Kind;
use std::path::Path;

/// One line of the results table.
pub struct Row {
    pub episodes: u64,
    pub kind: Kind,
    /// "SQLite" or "PostgreSQL".
    pub backend: &'static str,
    pub samples: usize,
    /// Lantern's times (ms), sorted.
    pub lantern: Vec<f64>,
    /// DuckDB's query times (ms), sorted; empty when DuckDB did not run.
    pub duckdb: Vec<f64>,
    pub duckdb_load_s: Option<f64>,
    /// "MATCH", "MISMATCH" or "-".
    pub matched: &'static str,
    pub lantern_hwm_kb: u64,
    pub duckdb_hwm_kb: Option<u64>,
}

use crate::machine::command_output;
pub use crate::machine::{load_average, mb, percentile};

/// Free bytes on the filesystem holding `dir` (from `df`), if it can be read.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let out = command_output("df", &["-Pk", &dir.display().to_string()])?;
    let kb: u64 = out.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn print_machine(dir: &Path, smoke: bool) {
    let now = jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC");
    println!("Lantern dashboard benchmark (server time of the dashboard figures), {now}");
    println!("  cores        {}", crate::machine::cores());
    println!("  memory       {}", crate::machine::memory());
    println!("  os           {}", crate::machine::os());
    println!("  commit       {}", crate::machine::commit());
    println!("  build        {}", crate::machine::build());
    println!("  load average {} (at start)", load_average());
    println!("  databases    {}", dir.display());
    if smoke {
        println!("  [SMOKE RUN: not invoked by cargo bench; tiny sizes, figures mean nothing]");
    }
    println!();
}

pub fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| {:>10} | {:<16} | {:<10} | {:>4} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} | {:>9} | {:>9} | {:>9} | {:<8} | {:>10} | {:>10} |",
        "episodes",
        "question",
        "backend",
        "n",
        "Lantern p50",
        "Lantern p95",
        "Lantern max",
        "DuckDB p50",
        "DuckDB p95",
        "load s",
        "ratio p50",
        "ratio p95",
        "match",
        "Lantern MB",
        "DuckDB MB"
    );
    println!(
        "|{:->12}|{:-<18}|{:-<12}|{:->6}|{:->13}|{:->13}|{:->13}|{:->12}|{:->12}|{:->11}|{:->11}|{:->11}|{:-<10}|{:->12}|{:->12}|",
        ":", "", "", ":", ":", ":", ":", ":", ":", ":", ":", ":", "", ":", ":"
    );
    let ms = |v: f64| if v.is_nan() { "-".to_owned() } else { format!("{v:.2}") };
    for r in rows {
        let (l50, l95) = (percentile(&r.lantern, 0.5), percentile(&r.lantern, 0.95));
        let (d50, d95) = (percentile(&r.duckdb, 0.5), percentile(&r.duckdb, 0.95));
        let ratio = |d: f64, l: f64| if d.is_nan() { "-".to_owned() } else { format!("{:.1}", d / l) };
        println!(
            "| {:>10} | {:<16} | {:<10} | {:>4} | {:>11} | {:>11} | {:>11} | {:>10} | {:>10} | {:>9} | {:>9} | {:>9} | {:<8} | {:>10} | {:>10} |",
            r.episodes,
            r.kind.label(),
            r.backend,
            r.samples,
            ms(l50),
            ms(l95),
            ms(r.lantern.last().copied().unwrap_or(f64::NAN)),
            ms(d50),
            ms(d95),
            r.duckdb_load_s.map_or_else(|| "-".to_owned(), |s| format!("{s:.1}")),
            ratio(d50, l50),
            ratio(d95, l95),
            r.matched,
            mb(r.lantern_hwm_kb),
            r.duckdb_hwm_kb.map_or_else(|| "-".to_owned(), mb),
        );
    }
    println!();
    println!(
        "ratio = DuckDB query time / Lantern time (above 1: Lantern is faster). MB = peak resident memory"
    );
    println!(
        "(VmHWM) of the process answering the questions: Lantern's query process (store opened, warm-up,"
    );
    println!("questions), DuckDB's Python process (including the table loaded from the CSV).");
}
