//! The whole application: every feature's routes under one router, and one OpenAPI document.

mod assets;
pub mod openapi;
pub mod router;
