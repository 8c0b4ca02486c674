//! Where the test files are: the small fixtures in this crate, and the full published files in the
//! shared data folder beside the checkout (a test of those is recorded as skipped when the folder is
//! absent, and fails under CI).
#![allow(dead_code)] // each test file uses its own subset

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
