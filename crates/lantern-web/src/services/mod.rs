//! What pages, the API and the command line all ask for. No HTTP types here.

pub mod effect;
pub mod guides;
pub mod measures;
pub mod nhs_app_context;
pub(crate) mod ownership;
pub mod telephony;
pub mod uptake;
