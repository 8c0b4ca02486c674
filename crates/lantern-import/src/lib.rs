//! Lantern's file formats: getting episodes into and out of the store as files people can open in a
//! spreadsheet, and loading the data files NHS bodies publish. Each format is a sibling
//! module so that importers share nothing but the store they write to.
//!
//! - [`episodes_csv`]: the episode CSV, for bulk entry, backup and moving data between installations.
//! - [`pomi`]: NHS Digital's POMI files (patients enabled for and using online services, per practice).
//! - [`registrations`]: Patients Registered at a GP Practice, the totals file.
//! - [`places`], [`age_bands`], [`oc`], [`imd`] and [`epraccur`]: the reference data uptake is read
//!   against (practice map, registered patients by age band, online consultations, deprivation, ODS's
//!   practice list), sharing [`reference`]'s rules.
//! - [`oc_table2`]: the online consultations workbook's practice table (`Table 2`), into [`oc`]'s rows.
//! - [`appointments`]: Appointments in General Practice (appointments by mode, lead time and status).
//! - [`cbt`]: Cloud Based Telephony (calls per practice; shared phone accounts kept apart), read
//!   from the publication's workbook with [`xlsx`]; [`cbt_daily`]: its practice-level CSVs (per day,
//!   by wait-time and duration band).
//! - [`nhs_app`]: NHS App management information, for England and ICBs only (never a practice).
//! - [`published`] and [`dates`]: opening published files (.csv, .zip, .csv.gz) and reading their dates.

pub mod age_bands;
pub mod appointments;
pub mod cbt;
pub mod cbt_daily;
mod cbt_daily_report;
pub mod dates;
pub mod episodes_csv;
pub mod epraccur;
pub mod imd;
mod inflate;
pub(crate) mod lines;
pub mod nhs_app;
pub mod oc;
mod oc_flags;
pub mod oc_table2;
pub mod places;
pub mod pomi;
pub mod published;
mod records;
pub mod reference;
pub mod registrations;
pub(crate) mod table;
pub mod xlsx;
