//! The reference-data importers (practice map, age bands, online consultations, IMD, epraccur): on
//! small samples cut from the real files, on made-up files that go wrong in one way each, and on the
//! full national files (recorded as skipped when the shared data folder is absent; under CI a failure).

mod shared;
pub use shared::{actor, fixture, records, shared_data, stores, temp_file};
#[path = "reference/full.rs"]
mod full;
#[path = "reference/quirks.rs"]
mod quirks;
#[path = "reference/refused.rs"]
mod refused;
#[path = "reference/samples.rs"]
mod samples;
