//! The reference-data importers (practice map, age bands, online consultations, IMD, epraccur): on
//! small samples cut from the real files, on made-up files that go wrong in one way each, and on the
//! full national files (recorded as skipped when the shared data folder is absent; under CI a failure).

mod shared;
pub use shared::{fixture, shared_data};
#[path = "reference/full.rs"]
mod full;
#[path = "reference/quirks.rs"]
mod quirks;
#[path = "reference/refused.rs"]
mod refused;
#[path = "reference/samples.rs"]
mod samples;

use lantern_core::audit::Actor;
use lantern_store::testing::{self, TestDatabase};
use std::path::PathBuf;

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
