//! Who may do what, by role: the groups the route table admits.

use lantern_core::access::Role;

/// People who work with episodes: practice staff, practice leads, administrators.
pub const EPISODE_ROLES: &[Role] = &[Role::Staff, Role::PracticeLead, Role::Admin];
/// People who change a practice's settings.
pub const SETTINGS_ROLES: &[Role] = &[Role::PracticeLead, Role::Admin];
pub const ADMIN: &[Role] = &[Role::Admin];
/// People who read aggregates across an organisation's practices.
pub const NETWORK_ROLES: &[Role] = &[Role::Analyst, Role::Admin];
/// People who run observation studies.
pub const RESEARCH_ROLES: &[Role] = &[Role::Researcher, Role::Admin];
