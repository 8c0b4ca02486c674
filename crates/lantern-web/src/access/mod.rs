//! Who may reach what: roles, the route table with its guard, and the practice boundary.

pub mod reach;
pub mod roles;
pub mod routes;
pub mod scope;
