//! Lantern's file formats: getting episodes into and out of the store as files people can open in a
//! spreadsheet, and (in a later issue) loading NHS published data files. Each format is a sibling
//! module so that importers share nothing but the store they write to.
//!
//! - [`episodes_csv`]: the episode CSV, for bulk entry, backup and moving data between installations.

pub mod episodes_csv;
