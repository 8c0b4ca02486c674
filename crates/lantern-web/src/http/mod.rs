//! What every response is made of: the API's error type, JSON and CSV bodies, security headers.

pub mod csv;
pub mod error;
pub mod forwarded;
pub mod json;
pub mod security;
