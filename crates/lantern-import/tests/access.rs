//! How patients reach their practice today: the Appointments in General Practice crosstab (on a file
//! written by hand in the published layout, as no published copy could be reached; see
//! `fixtures/appointments/README.md`) and Cloud Based Telephony (on real publication summaries cut to a
//! few PCNs). Every expectation is worked out a second way, from the file's own cells.

mod shared;
pub use shared::{actor, fixture, records, stores, temp_file};
#[path = "access/appointments.rs"]
mod appointments;
#[path = "access/cbt.rs"]
mod cbt;
#[path = "access/cbt_daily.rs"]
mod cbt_daily;
