//! Lantern's domain. Pure: no I/O, no async, no SQL, so every rule here is testable in isolation.

pub mod access;
pub mod audit;
pub mod effect;
pub mod episode;
pub mod episode_offer;
pub mod gaps;
pub mod guides;
pub mod identity;
pub mod measures;
pub mod observation;
pub mod ods;
pub mod offer;
pub mod ownership;
pub mod password;
pub mod practice;
pub mod record;
pub mod simulator;
pub mod staff;
pub mod strategy;
pub mod submission;
pub mod taxonomy;
pub mod uptake;
pub mod validation;
