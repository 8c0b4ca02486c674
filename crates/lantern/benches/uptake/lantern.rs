//! Lantern's side: `lantern import pomi` as a child process, and the England table in-process.

use crate::machine::sorted;
use crate::{Settings, LANTERN, TIME};
use lantern_core::uptake::{tabulate, Level, UnitUptake};
use lantern_store::{DatabaseLocation, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One `lantern import pomi` child process.
pub struct Import {
    pub seconds: f64,
    /// Peak resident memory of the child (kB), when /usr/bin/time could tell.
    pub peak_kb: Option<u64>,
    /// The importer's own "took" line: read, check and store.
    pub took: Option<f64>,
    pub summary: Vec<String>,
}

/// Runs `lantern ARGS` under /usr/bin/time (when present): wall seconds, peak kB, stdout. Panics, with
/// the child's output, if it fails.
pub fn run_lantern(dir: &Path, args: &[&std::ffi::OsStr]) -> (f64, Option<u64>, String) {
    let time_file = dir.join("time.txt");
    let timed = Path::new(TIME).exists();
    let mut command = if timed {
        let mut c = Command::new(TIME);
        c.arg("-f").arg("%e %M").arg("-o").arg(&time_file).arg(LANTERN);
        c
    } else {
        Command::new(LANTERN)
    };
    command.args(args).env("LANTERN_LOG", "warn").stdin(Stdio::null());
    let started = Instant::now();
    let output = command.output().expect("start lantern");
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "lantern {args:?} failed ({}):\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let peak_kb = timed
        .then(|| std::fs::read_to_string(&time_file).ok())
        .flatten()
        .and_then(|t| t.lines().last()?.split_whitespace().nth(1)?.parse().ok());
    (seconds, peak_kb, stdout)
}

pub fn database_files(database: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"].iter().map(|s| PathBuf::from(format!("{}{s}", database.display()))).collect()
}

/// An import into a new SQLite file at `database`.
pub fn import(dir: &Path, file: &Path, database: &Path) -> Import {
    for path in database_files(database) {
        let _ = std::fs::remove_file(path);
    }
    import_into(dir, file, database.as_os_str())
}

/// An import into `database` as `--database` takes it (a new PostgreSQL database's URL, say).
pub fn import_into(dir: &Path, file: &Path, database: &std::ffi::OsStr) -> Import {
    let (seconds, peak_kb, stdout) = run_lantern(
        dir,
        &["import".as_ref(), "pomi".as_ref(), file.as_os_str(), "--database".as_ref(), database],
    );
    let took = stdout.lines().find_map(|l| l.strip_prefix("took ")?.strip_suffix(" s")?.trim().parse().ok());
    let summary = stdout
        .lines()
        .filter(|l| {
            ["rows read:", "practices:", "practice-months:", "flags:"].iter().any(|p| l.starts_with(p))
        })
        .map(str::to_owned)
        .collect();
    Import { seconds, peak_kb, took, summary }
}

pub struct Tables {
    pub period: String,
    pub one_month_ms: Vec<f64>,
    pub all_months_ms: Vec<f64>,
    /// The row path (every practice-month read, then `tabulate`), which the pages use for units the map
    /// places, timed apart for comparison.
    pub read_ms: Vec<f64>,
    pub tabulate_ms: Vec<f64>,
    pub one_month: Vec<UnitUptake>,
    pub all_months: Vec<UnitUptake>,
}

/// The England table as `lantern report uptake` and the API work it out: each month summed in the
/// database (`Store::uptake_totals`).
async fn england(store: &Store, period: Option<&str>) -> Vec<UnitUptake> {
    let periods = match period {
        Some(period) => vec![period.to_owned()],
        None => store.uptake_periods().await.expect("periods"),
    };
    let mut table = Vec::new();
    for period in periods {
        table.extend(store.uptake_totals(Level::England, &period).await.expect("totals").expect("England"));
    }
    table
}

async fn timed(store: &Store, period: Option<&str>, iterations: usize, warmup: usize) -> Vec<f64> {
    for _ in 0..warmup {
        england(store, period).await;
    }
    let mut ms = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        std::hint::black_box(england(store, period).await);
        ms.push(started.elapsed().as_secs_f64() * 1_000.0);
    }
    sorted(ms)
}

pub async fn tables(database: &DatabaseLocation, settings: &Settings) -> Tables {
    let store = Store::connect(database).await.expect("open the store");
    let period = match &settings.period {
        Some(p) => p.clone(),
        None => store.uptake_periods().await.expect("periods").pop().expect("the import stored a month"),
    };
    let one_month_ms = timed(&store, Some(&period), settings.iterations, settings.warmup).await;
    let all_months_ms = timed(&store, None, settings.all_iterations, settings.warmup).await;
    let (mut read_ms, mut tabulate_ms) = (Vec::new(), Vec::new());
    for _ in 0..settings.iterations {
        let started = Instant::now();
        let months = store.uptake_months(Some(&period), None).await.expect("uptake months");
        read_ms.push(started.elapsed().as_secs_f64() * 1_000.0);
        let started = Instant::now();
        std::hint::black_box(tabulate(Level::England, &months, None));
        tabulate_ms.push(started.elapsed().as_secs_f64() * 1_000.0);
    }
    let one_month = england(&store, Some(&period)).await;
    let all_months = england(&store, None).await;
    store.close().await;
    Tables {
        period,
        one_month_ms,
        all_months_ms,
        read_ms: sorted(read_ms),
        tabulate_ms: sorted(tabulate_ms),
        one_month,
        all_months,
    }
}
