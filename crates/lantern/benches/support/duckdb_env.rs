//! Finding (or making) a Python with DuckDB for the benchmarks that compare against it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
pub fn python(install: bool) -> Option<PathBuf> {
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
