//! Where the test files are: the small fixtures in this crate, and the full published files in the
//! shared data folder beside the checkout (a test of those is recorded as skipped when the folder is
//! absent, and fails under CI).
#![allow(dead_code)] // each test file uses its own subset

pub mod workbook;

use lantern_core::audit::Actor;
use lantern_store::testing::{self, TestDatabase};
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The shared data folder's `file`, or None when this checkout has none: recorded as a skip naming the
/// missing path, and under CI a failure (see `lantern_store::testing::skip`).
pub fn shared_data(file: &str) -> Option<PathBuf> {
    let root = std::env::var_os("LANTERN_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = root.join(file);
    if path.exists() {
        return Some(path);
    }
    lantern_store::testing::skip(&format!(
        "{} is absent (set LANTERN_SHARED_DATA to the shared data folder)",
        path.display()
    ));
    None
}

/// A fresh SQLite database, and a PostgreSQL one when a server is reachable.
pub async fn stores() -> Vec<TestDatabase> {
    let mut stores = vec![testing::sqlite().await];
    stores.extend(testing::postgres().await);
    stores
}

pub fn actor() -> Actor {
    Actor::system("test")
}

/// The records of a CSV (header included when it has one), as text, read independently of the
/// importers so a test can work its expectations out a second way.
pub fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// `name` written to a temporary folder (kept alive by the returned handle).
pub fn temp_file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write");
    (dir, path)
}
