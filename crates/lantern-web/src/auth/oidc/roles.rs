//! From a CIS2 national RBAC role to a Lantern role. CIS2 sends the full code
//! (`S8000:G8000:R8008`: staff group, job group, job role); the table is keyed by the job role, the
//! `R` code, because that is what a Registration Authority assigns.

use lantern_core::access::Role;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RoleMapError {
    #[error("line {line}: expected `R-code = role`, such as `R8008 = practice_lead`")]
    Shape { line: usize },
    #[error("line {line}: {role:?} is not a Lantern role (staff, practice_lead, analyst, researcher)")]
    UnknownRole { line: usize, role: String },
    #[error("line {line}: administrators are made in Lantern, never by a provider's role")]
    Admin { line: usize },
}

/// The national role codes a practice sees most, with the Lantern role each becomes. A suggestion:
/// every first sign-in still waits for a lead's approval, and `--oidc-role-map` replaces the table.
pub const DEFAULT_ROLE_MAP: &str = "\
# Clinical Practitioner Access Role (GPs, nurse practitioners): often the partners who sign off strategy
R8000 = practice_lead
# Admin/Clinical Support Access Role: practice managers and administrators
R8008 = practice_lead
R8001 = staff   # Nurse Access Role
R8003 = staff   # Health Professional Access Role
R8004 = staff   # Healthcare Student Access Role
R8006 = staff   # Medical Secretary Access Role
R8009 = staff   # Receptionist Access Role
R8010 = staff   # Clerical Access Role
";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMap(BTreeMap<String, Role>);

impl RoleMap {
    /// Reads `R-code = role` lines; `#` starts a comment.
    pub fn parse(text: &str) -> Result<RoleMap, RoleMapError> {
        let mut map = BTreeMap::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split('#').next().unwrap_or_default().trim();
            if content.is_empty() {
                continue;
            }
            let (code, role) = content.split_once('=').ok_or(RoleMapError::Shape { line })?;
            let (code, role) = (code.trim().to_uppercase(), role.trim());
            if !code.starts_with('R') || code.len() < 2 || !code[1..].chars().all(|c| c.is_ascii_digit()) {
                return Err(RoleMapError::Shape { line });
            }
            match Role::parse(role) {
                Some(Role::Admin) => return Err(RoleMapError::Admin { line }),
                Some(found) => map.insert(code, found),
                None => return Err(RoleMapError::UnknownRole { line, role: role.to_owned() }),
            };
        }
        Ok(RoleMap(map))
    }

    pub fn default_map() -> RoleMap {
        // The default is a constant tested below, so this cannot fail at run time.
        RoleMap::parse(DEFAULT_ROLE_MAP).unwrap_or(RoleMap(BTreeMap::new()))
    }

    /// The Lantern role for a CIS2 role code, full (`S8000:G8000:R8008`) or just the job role.
    pub fn role_for(&self, code: &str) -> Option<Role> {
        let job_role = code.rsplit(':').next().unwrap_or(code).trim().to_uppercase();
        self.0.get(&job_role).copied()
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, Role)> {
        self.0.iter().map(|(code, role)| (code.as_str(), *role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_reads_and_maps_full_codes() {
        let map = RoleMap::parse(DEFAULT_ROLE_MAP).expect("default parses");
        assert_eq!(map, RoleMap::default_map());
        assert_eq!(map.role_for("S8000:G8000:R8008"), Some(Role::PracticeLead));
        assert_eq!(map.role_for("R8009"), Some(Role::Staff));
        assert_eq!(map.role_for("S0080:G0450:R5080"), None, "unlisted roles get nothing");
    }

    #[test]
    fn a_table_never_makes_administrators_and_names_its_bad_line() {
        assert_eq!(RoleMap::parse("R8000 = admin"), Err(RoleMapError::Admin { line: 1 }));
        assert_eq!(RoleMap::parse("# x\nR8000 staff"), Err(RoleMapError::Shape { line: 2 }));
        assert!(matches!(RoleMap::parse("R1 = boss"), Err(RoleMapError::UnknownRole { line: 1, .. })));
    }
}
