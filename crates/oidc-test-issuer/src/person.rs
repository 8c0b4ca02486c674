//! Who the provider signs in as, with CIS2's national RBAC claims.

use serde::{Deserialize, Serialize};

/// One role of a person's in `nhsid_nrbac_roles`: a job at an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NrbacRole {
    pub person_roleid: String,
    pub org_code: String,
    pub role_code: String,
    pub role_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The CIS2 UID.
    pub sub: String,
    pub name: String,
    pub roles: Vec<NrbacRole>,
    /// The `person_roleid` of the role chosen at sign-in.
    pub selected_roleid: String,
}

impl Person {
    /// Someone with one role, selected: `role_code` such as "S8000:G8000:R8008".
    pub fn at(sub: &str, name: &str, org_code: &str, role_code: &str) -> Person {
        let person_roleid = format!("{sub}01");
        Person {
            sub: sub.to_owned(),
            name: name.to_owned(),
            roles: vec![NrbacRole {
                person_roleid: person_roleid.clone(),
                org_code: org_code.to_owned(),
                role_code: role_code.to_owned(),
                role_name: format!("\"Admin and Clerical\":\"Management\":\"{role_code}\""),
            }],
            selected_roleid: person_roleid,
        }
    }

    /// A practice manager at `org_code` (national role R8008, Admin/Clinical Support Access Role).
    pub fn practice_manager(sub: &str, name: &str, org_code: &str) -> Person {
        Person::at(sub, name, org_code, "S8000:G8000:R8008")
    }

    pub(crate) fn userinfo(&self) -> serde_json::Value {
        let (given, family) = self.name.split_once(' ').unwrap_or((&self.name, ""));
        serde_json::json!({
            "sub": self.sub,
            "uid": self.sub,
            "name": self.name,
            "given_name": given,
            "family_name": family,
            "nhsid_useruid": self.sub,
            "nhsid_nrbac_roles": self.roles,
            "selected_roleid": self.selected_roleid,
        })
    }
}
