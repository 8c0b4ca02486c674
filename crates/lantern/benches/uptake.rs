//! How fast is the POMI importer, and the England uptake table read from what it stored, against
//! DuckDB doing the same in the same run?
//!
//! 1. Import: the release `lantern` binary, `lantern import pomi FILE --database DB`, on a new SQLite
//!    file each time (so it includes opening and migrating the new database), as a child process. Wall
//!    time and the child's peak resident memory (`/usr/bin/time`'s `%M`, the kernel's ru_maxrss). It
//!    also prints the importer's own "took" line (read, check and store, without process start and
//!    migration), what `lantern migrate` alone costs on a new file, and `read_pomi_file` alone timed in
//!    this process (read and check, nothing stored).
//! 2. England table: in this process, the store opened on the last import's database, then
//!    `Store::uptake_totals(Level::England, month)` (the month summed in the database, as the CLI and the
//!    API do) for one month (default the latest in the file), timed over many runs after a warm-up, and
//!    the same for all months. The row path the pages use for map-placed units (`uptake_months` then
//!    `tabulate`) is timed too, for comparison.
//! 3. DuckDB (PyPI `duckdb`, run by `bench/duckdb_uptake.py`): loads the same file into a practice-month
//!    table and computes the same England table, timed the same way. It runs four times, each in a
//!    process of its own so that each has its own memory peak: single-threaded and with DuckDB's default
//!    threads, from the CSV extracted beforehand (the extraction not counted) and from the .zip (the
//!    extraction counted in the load).
//! 4. Compare: every England figure of every month, one month and all months, from each DuckDB run
//!    must equal Lantern's (counts exactly, rates to 1e-9), or it prints MISMATCH and exits 1.
//!
//! Run with `cargo bench -p lantern --bench uptake` (or `bench/uptake`). Settings:
//! `LANTERN_BENCH_POMI` (the file; default the national April–September 2018 zip under
//! /work/shared/data/pomi), `LANTERN_BENCH_RUNS` (imports, default 3), `LANTERN_BENCH_ITERATIONS` (timed
//! one-month tables, 50), `LANTERN_BENCH_ALL_ITERATIONS` (timed all-month tables, 20),
//! `LANTERN_BENCH_WARMUP` (5), `LANTERN_BENCH_PERIOD` (the month timed alone), `LANTERN_BENCH_DIR`
//! (default a temporary directory under the target directory), `LANTERN_BENCH_PYTHON` (a Python with
//! duckdb; default a virtual environment under the target directory, created if missing).
//! Without `--bench` (as under `cargo test --benches`) it makes a smoke run on the 2,000-row test
//! fixture instead, and skips DuckDB unless it is already installed.
//!
//! It prints figures and asserts nothing about them. It exits non-zero if an import failed, if DuckDB
//! could not run (outside a smoke run), or if the two sides' tables differ.

use lantern_core::uptake::{tabulate, Level, UnitUptake};
use lantern_store::{DatabaseLocation, Store};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const LANTERN: &str = env!("CARGO_BIN_EXE_lantern");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/duckdb_uptake.py");
const NATIONAL: &str = "/work/shared/data/pomi/pomi_apr2018_to_sep2018.zip";
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../lantern-import/tests/fixtures/POMI_APR2018_to_SEP2018.first2000rows.csv"
);
const TIME: &str = "/usr/bin/time";
/// Targets from the issue.
const IMPORT_TARGET_S: f64 = 3.0;
const IMPORT_TARGET_RATIO: f64 = 2.0;
const ONE_MONTH_TARGET_MS: f64 = 50.0;
/// How far apart two rates may be and still match.
const TOLERANCE: f64 = 1e-9;

struct Settings {
    file: PathBuf,
    runs: usize,
    iterations: usize,
    all_iterations: usize,
    warmup: usize,
    period: Option<String>,
    smoke: bool,
}

impl Settings {
    fn from_env() -> Self {
        // `cargo bench` passes --bench; anything else (cargo test --benches) gets a quick smoke run.
        let smoke = !std::env::args().any(|a| a == "--bench");
        let number = |name: &str, default: usize| match std::env::var(name) {
            Ok(raw) => raw
                .trim()
                .replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {raw:?} is not a whole number")),
            Err(_) => default,
        };
        let file = std::env::var_os("LANTERN_BENCH_POMI")
            .map_or_else(|| PathBuf::from(if smoke { FIXTURE } else { NATIONAL }), PathBuf::from);
        Self {
            file,
            runs: number("LANTERN_BENCH_RUNS", if smoke { 1 } else { 3 }).max(1),
            iterations: number("LANTERN_BENCH_ITERATIONS", if smoke { 3 } else { 50 }).max(1),
            all_iterations: number("LANTERN_BENCH_ALL_ITERATIONS", if smoke { 3 } else { 20 }).max(1),
            warmup: number("LANTERN_BENCH_WARMUP", if smoke { 1 } else { 5 }),
            period: std::env::var("LANTERN_BENCH_PERIOD").ok().filter(|p| !p.trim().is_empty()),
            smoke,
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Figures and printing

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

fn mb(kb: u64) -> String {
    format!("{:.0}", kb as f64 / 1024.0)
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).stderr(Stdio::null()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The filesystem and device holding `dir`, from the longest matching mount point in /proc/mounts.
fn filesystem(dir: &Path) -> String {
    let Ok(mounts) = std::fs::read_to_string("/proc/mounts") else { return "filesystem unknown".into() };
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (device, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            dir.starts_with(point).then(|| (point.len(), format!("{kind} on {device}")))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "filesystem unknown".into(), |(_, description)| description)
}

fn print_machine(dir: &Path, settings: &Settings) {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let commit = command_output("git", &["-C", manifest, "rev-parse", "--short=12", "HEAD"]).map(|c| {
        // Read-only checks (neither refreshes the index): tracked changes, then untracked files.
        let clean = Command::new("git")
            .args(["-C", manifest, "diff-index", "--quiet", "HEAD", "--"])
            .status()
            .is_ok_and(|s| s.success())
            && command_output("git", &["-C", manifest, "ls-files", "--others", "--exclude-standard", ":/"])
                .is_some_and(|untracked| untracked.is_empty());
        if clean {
            c
        } else {
            format!("{c} + uncommitted changes")
        }
    });
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|info| {
        let line = info.lines().find(|l| l.starts_with("model name"))?.to_owned();
        Some(line.split(':').nth(1)?.trim().to_owned())
    });
    let memory = std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
        let kb: u64 =
            info.lines().find(|l| l.starts_with("MemTotal:"))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0))
    });
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    let size = std::fs::metadata(&settings.file).map_or(0, |m| m.len());
    println!(
        "Lantern POMI import and England uptake table benchmark, against DuckDB, {}",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC")
    );
    println!(
        "  cores        {cores} (available parallelism){}",
        cpu.map(|c| format!(", {c}")).unwrap_or_default()
    );
    println!("  memory       {}", memory.unwrap_or_else(|| "unknown".into()));
    println!("  os           {}", command_output("uname", &["-srm"]).unwrap_or_else(|| "unknown".into()));
    println!("  commit       {}", commit.unwrap_or_else(|| "unknown (no git)".into()));
    println!("  lantern      {LANTERN}");
    println!(
        "  build        {}",
        if cfg!(debug_assertions) { "debug (figures mean little)" } else { "release" }
    );
    println!("  load average {} (at start)", load_average());
    println!("  databases    {} ({})", dir.display(), filesystem(dir));
    println!("  file         {} ({:.1} MB)", settings.file.display(), size as f64 / 1e6);
    println!(
        "  workload     {} imports; England table: {} one-month and {} all-month runs after {} warm-up{}",
        settings.runs,
        settings.iterations,
        settings.all_iterations,
        settings.warmup,
        if settings.smoke { " [SMOKE RUN: not invoked by cargo bench; figures mean nothing]" } else { "" }
    );
    println!();
}

// ---------------------------------------------------------------------------------------------------
// Lantern's side

/// One `lantern import pomi` child process.
struct Import {
    seconds: f64,
    /// Peak resident memory of the child (kB), when /usr/bin/time could tell.
    peak_kb: Option<u64>,
    /// The importer's own "took" line: read, check and store.
    took: Option<f64>,
    summary: Vec<String>,
}

/// Runs `lantern ARGS` under /usr/bin/time (when present): wall seconds, peak kB, stdout. Panics, with
/// the child's output, if it fails.
fn run_lantern(dir: &Path, args: &[&std::ffi::OsStr]) -> (f64, Option<u64>, String) {
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

fn database_files(database: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"].iter().map(|s| PathBuf::from(format!("{}{s}", database.display()))).collect()
}

fn import(dir: &Path, file: &Path, database: &Path) -> Import {
    for path in database_files(database) {
        let _ = std::fs::remove_file(path);
    }
    let (seconds, peak_kb, stdout) = run_lantern(
        dir,
        &["import".as_ref(), "pomi".as_ref(), file.as_os_str(), "--database".as_ref(), database.as_os_str()],
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

struct Tables {
    period: String,
    one_month_ms: Vec<f64>,
    all_months_ms: Vec<f64>,
    /// The row path (every practice-month read, then `tabulate`), which the pages use for units the map
    /// places, timed apart for comparison.
    read_ms: Vec<f64>,
    tabulate_ms: Vec<f64>,
    one_month: Vec<UnitUptake>,
    all_months: Vec<UnitUptake>,
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

async fn tables(database: &Path, settings: &Settings) -> Tables {
    let store = Store::connect(&DatabaseLocation::Sqlite(database.to_owned())).await.expect("open the store");
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

// ---------------------------------------------------------------------------------------------------
// DuckDB's side

#[derive(Debug, Deserialize)]
struct Duck {
    version: String,
    threads: u32,
    rows: u64,
    practice_months: u64,
    /// Each load's seconds, and of them the extraction's (from a .zip).
    extract_seconds: Option<Vec<f64>>,
    load_seconds: Vec<f64>,
    hwm_load_kb: u64,
    hwm_kb: u64,
    period: String,
    one_month_ms: Vec<f64>,
    all_months_ms: Vec<f64>,
    one_month: Vec<Value>,
    all_months: Vec<Value>,
}

fn has_duckdb(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import duckdb"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A Python with the `duckdb` package: `LANTERN_BENCH_PYTHON`, else a virtual environment under the
/// target directory, created (with `pip install duckdb`) when `install` is set and it has none.
fn python(install: bool) -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("LANTERN_BENCH_PYTHON") {
        return Some(PathBuf::from(python)).filter(|p| has_duckdb(p));
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap_or(Path::new(".")).join("bench-venv");
    let python = venv.join("bin/python");
    if has_duckdb(&python) {
        return Some(python);
    }
    if !install {
        return None;
    }
    println!("installing DuckDB (PyPI `duckdb`) into {}", venv.display());
    let ok = |c: &mut Command| c.status().is_ok_and(|s| s.success());
    let created = python.exists() || ok(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    let installed = created && ok(Command::new(&python).args(["-m", "pip", "install", "--quiet", "duckdb"]));
    (installed && has_duckdb(&python)).then_some(python)
}

/// Extracts the CSV from a .zip once, with Python's zipfile (not counted in any figure); a .csv is
/// used as it is. Returns the CSV and the seconds the extraction took.
fn extract(python: &Path, dir: &Path, file: &Path) -> Option<(PathBuf, f64)> {
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
fn duck(
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

// ---------------------------------------------------------------------------------------------------
// Comparing

/// A Lantern table in the shape the DuckDB script writes: period, counts and rates of each month.
fn comparable(table: &[UnitUptake]) -> Vec<Value> {
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
fn differences(path: &str, lantern: &Value, duck: &Value, out: &mut Vec<String>) {
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

// ---------------------------------------------------------------------------------------------------

struct DuckRun {
    label: String,
    duck: Duck,
    /// Load seconds, sorted.
    load_s: Vec<f64>,
    matched: bool,
}

fn main() {
    let settings = Settings::from_env();
    let base = std::env::var_os("LANTERN_BENCH_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from);
    std::fs::create_dir_all(&base).expect("create the benchmark directory");
    let dir = tempfile::tempdir_in(&base).expect("temporary benchmark directory");
    let dir = dir.path();
    print_machine(dir, &settings);
    assert!(settings.file.exists(), "no POMI file at {} (set LANTERN_BENCH_POMI)", settings.file.display());
    let mut failed = false;

    // 1. Imports, each into a new database, one at a time.
    let migrate_db = dir.join("migrate-only.db");
    let (migrate_s, migrate_kb, _) =
        run_lantern(dir, &["migrate".as_ref(), "--database".as_ref(), migrate_db.as_os_str()]);
    println!(
        "== Lantern import: `lantern import pomi FILE --database NEW.db` (child process, new database each run)"
    );
    println!(
        "  migrate only   `lantern migrate` on a new database: {migrate_s:.2} s, peak {} MB (included in each import below)",
        migrate_kb.map_or_else(|| "-".into(), mb)
    );
    let database = dir.join("uptake.db");
    let mut imports = Vec::new();
    for run in 1..=settings.runs {
        let import = import(dir, &settings.file, &database);
        println!(
            "  run {run}          {:.2} s wall, peak {} MB; the importer's own \"took\": {}",
            import.seconds,
            import.peak_kb.map_or_else(|| "-".into(), mb),
            import.took.map_or_else(|| "-".into(), |t| format!("{t:.2} s"))
        );
        imports.push(import);
    }
    for line in &imports[0].summary {
        println!("                 {line}");
    }
    let db_bytes: u64 =
        database_files(&database).iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    println!("  database       {:.1} MB after the import", db_bytes as f64 / 1e6);
    let mut read_s = Vec::new();
    for _ in 0..settings.runs {
        let started = Instant::now();
        let file = lantern_import::pomi::read_pomi_file(&settings.file).expect("read the POMI file");
        read_s.push(started.elapsed().as_secs_f64());
        std::hint::black_box(file);
    }
    let read_s = sorted(read_s);
    println!(
        "  read + check   `read_pomi_file` alone, in the benchmark process: median {:.2} s, min {:.2} s (nothing stored)",
        percentile(&read_s, 0.5),
        read_s[0]
    );
    let import_s = sorted(imports.iter().map(|i| i.seconds).collect());
    let import_median = percentile(&import_s, 0.5);
    let import_peak_kb = imports.iter().filter_map(|i| i.peak_kb).max();

    // 2. The England table, in-process, from the last import's database.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let mine = runtime.block_on(tables(&database, &settings));
    println!(
        "\n== Lantern England table: Store::uptake_totals(Level::England), summed in SQLite, in-process"
    );
    println!(
        "  {}        p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} runs)",
        mine.period,
        percentile(&mine.one_month_ms, 0.5),
        percentile(&mine.one_month_ms, 0.95),
        mine.one_month_ms.last().copied().unwrap_or(f64::NAN),
        mine.one_month_ms.len()
    );
    println!(
        "                 row path instead: Store::uptake_months p50 {:.2} ms ({} practice-months read), tabulate p50 {:.2} ms",
        percentile(&mine.read_ms, 0.5),
        mine.one_month.first().map_or(0, |u| u.counts.practices),
        percentile(&mine.tabulate_ms, 0.5)
    );
    println!(
        "  all months ({}) p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} runs)",
        mine.all_months.len(),
        percentile(&mine.all_months_ms, 0.5),
        percentile(&mine.all_months_ms, 0.95),
        mine.all_months_ms.last().copied().unwrap_or(f64::NAN),
        mine.all_months_ms.len()
    );

    // 3. DuckDB, four runs, one at a time.
    println!("\n== DuckDB: bench/duckdb_uptake.py, a process per run");
    let python = python(!settings.smoke);
    let mut runs: Vec<DuckRun> = Vec::new();
    match &python {
        None if settings.smoke => println!("  skipped (no Python with duckdb; a smoke run installs nothing)"),
        None => {
            println!("  FAILED: no Python with duckdb, and it could not be installed");
            failed = true;
        }
        Some(python) => {
            let extracted = extract(python, dir, &settings.file);
            if let Some((_, seconds)) = &extracted {
                if *seconds > 0.0 {
                    println!("  extracted the CSV from the zip once with Python's zipfile in {seconds:.2} s (not counted in the \"CSV\" runs)");
                }
            }
            let mut sources: Vec<(&str, PathBuf)> = Vec::new();
            if let Some((csv, _)) = &extracted {
                sources.push(("CSV", csv.clone()));
            }
            if settings.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
                sources.push(("zip", settings.file.clone()));
            }
            failed |= extracted.is_none();
            for (source, path) in &sources {
                for threads in [1, 0] {
                    let Some(d) = duck(python, dir, path, threads, &mine.period, &settings) else {
                        failed = true;
                        continue;
                    };
                    let label = format!(
                        "DuckDB {}, {} thread{}{}, from the {source}",
                        d.version,
                        d.threads,
                        if d.threads == 1 { "" } else { "s" },
                        if threads == 0 { " (default)" } else { "" }
                    );
                    let mut found = Vec::new();
                    differences(
                        &format!("{} one month", d.period),
                        &Value::Array(comparable(&mine.one_month)),
                        &Value::Array(d.one_month.clone()),
                        &mut found,
                    );
                    differences(
                        "all months",
                        &Value::Array(comparable(&mine.all_months)),
                        &Value::Array(d.all_months.clone()),
                        &mut found,
                    );
                    if d.period != mine.period {
                        found.push(format!("timed month: Lantern {}, DuckDB {}", mine.period, d.period));
                    }
                    let load_s = sorted(d.load_seconds.clone());
                    let extract_s = d.extract_seconds.clone().map(sorted);
                    println!(
                        "  {label}: {} rows, {} practice-months, loaded {} times: median {:.2} s, min {:.2} s{}; peak {} MB after loading ({} MB at the end); England tables {}",
                        d.rows,
                        d.practice_months,
                        load_s.len(),
                        percentile(&load_s, 0.5),
                        load_s.first().copied().unwrap_or(f64::NAN),
                        extract_s.map_or_else(String::new, |e| format!(" (of which extracting: median {:.2} s)", percentile(&e, 0.5))),
                        mb(d.hwm_load_kb),
                        mb(d.hwm_kb),
                        if found.is_empty() { "MATCH".to_owned() } else { format!("MISMATCH ({} differences)", found.len()) }
                    );
                    for difference in found.iter().take(10) {
                        eprintln!("    MISMATCH {difference}");
                    }
                    failed |= !found.is_empty();
                    runs.push(DuckRun { label, matched: found.is_empty(), duck: d, load_s });
                }
            }
        }
    }

    // 4. The summary.
    println!("\n== Summary (load average now {})", load_average());
    let ms = |v: f64| if v.is_nan() { "-".to_owned() } else { format!("{v:.2}") };
    println!();
    println!("Import / load:");
    println!();
    println!(
        "| {:<52} | {:>8} | {:>8} | {:>8} | {:>9} | {:>16} |",
        "", "median s", "min s", "peak MB", "rows", "Lantern ÷ DuckDB"
    );
    println!("|{:-<54}|{:->10}|{:->10}|{:->10}|{:->11}|{:->18}|", "", ":", ":", ":", ":", ":");
    let rows_read = imports[0]
        .summary
        .iter()
        .find_map(|l| l.strip_prefix("rows read: ")?.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "-".into());
    println!(
        "| {:<52} | {:>8.2} | {:>8.2} | {:>8} | {:>9} | {:>16} |",
        "Lantern `import pomi` (new database, process)",
        import_median,
        import_s[0],
        import_peak_kb.map_or_else(|| "-".into(), mb),
        rows_read,
        ""
    );
    for run in &runs {
        println!(
            "| {:<52} | {:>8.2} | {:>8.2} | {:>8} | {:>9} | {:>16.2} |",
            run.label,
            percentile(&run.load_s, 0.5),
            run.load_s.first().copied().unwrap_or(f64::NAN),
            mb(run.duck.hwm_load_kb),
            run.duck.rows,
            import_median / percentile(&run.load_s, 0.5)
        );
    }
    println!();
    println!("England table ({} alone, and all months ({}) together):", mine.period, mine.all_months.len());
    println!();
    println!(
        "| {:<52} | {:>9} | {:>9} | {:>9} | {:>9} | {:>11} | {:<8} |",
        "", "1 mo p50", "1 mo p95", "all p50", "all p95", "L ÷ D p50", "match"
    );
    println!("|{:-<54}|{:->11}|{:->11}|{:->11}|{:->11}|{:->13}|{:-<10}|", "", ":", ":", ":", ":", ":", "");
    let l50 = percentile(&mine.one_month_ms, 0.5);
    println!(
        "| {:<52} | {:>9} | {:>9} | {:>9} | {:>9} | {:>11} | {:<8} |",
        "Lantern (in-process, SQLite)",
        ms(l50),
        ms(percentile(&mine.one_month_ms, 0.95)),
        ms(percentile(&mine.all_months_ms, 0.5)),
        ms(percentile(&mine.all_months_ms, 0.95)),
        "",
        ""
    );
    for run in &runs {
        let one = sorted(run.duck.one_month_ms.clone());
        let all = sorted(run.duck.all_months_ms.clone());
        println!(
            "| {:<52} | {:>9} | {:>9} | {:>9} | {:>9} | {:>11.2} | {:<8} |",
            run.label,
            ms(percentile(&one, 0.5)),
            ms(percentile(&one, 0.95)),
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.95)),
            l50 / percentile(&one, 0.5),
            if run.matched { "MATCH" } else { "MISMATCH" }
        );
    }
    println!();
    println!(
        "Times in ms unless marked. Lantern ÷ DuckDB: below 1, Lantern is faster. Peak MB: the importing"
    );
    println!("process's peak resident memory (Lantern: the `lantern` child; DuckDB: its Python process after the load).");
    println!();

    // Targets.
    let met = |ok: bool| if ok { "MET" } else { "NOT MET" };
    println!(
        "target: import < {IMPORT_TARGET_S} s: median {import_median:.2} s: {}",
        met(import_median < IMPORT_TARGET_S)
    );
    for run in &runs {
        let ratio = import_median / percentile(&run.load_s, 0.5);
        println!(
            "target: import within {IMPORT_TARGET_RATIO}x of {}: {ratio:.2}x: {}",
            run.label,
            met(ratio <= IMPORT_TARGET_RATIO)
        );
    }
    if runs.is_empty() {
        println!("target: import within {IMPORT_TARGET_RATIO}x of DuckDB: not measured");
    }
    let p95 = percentile(&mine.one_month_ms, 0.95);
    println!(
        "target: England table for one month < {ONE_MONTH_TARGET_MS} ms once imported: p95 {p95:.2} ms: {}",
        met(p95 < ONE_MONTH_TARGET_MS)
    );
    if failed {
        eprintln!("\nFAILED: see the messages above");
        std::process::exit(1);
    }
}
