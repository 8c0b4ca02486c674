//! Organisation Data Service codes: how the NHS names practices (`A81001`), PCNs (`U89141`) and ICBs
//! (`QHM`). Parsed once at the edge so nothing downstream handles a malformed code.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OdsCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an ODS code (3 to 10 letters and digits, such as A81001)")]
pub struct OdsCodeError(pub String);

impl OdsCode {
    pub fn parse(raw: &str) -> Result<Self, OdsCodeError> {
        let code = raw.trim().to_ascii_uppercase();
        let well_formed = (3..=10).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric());
        if well_formed {
            Ok(Self(code))
        } else {
            Err(OdsCodeError(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OdsCode {
    type Error = OdsCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OdsCode> for String {
    fn from(code: OdsCode) -> Self {
        code.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(OdsCode::parse(" a81001 ").map(|c| c.to_string()), Ok("A81001".into()));
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in ["", "AB", "A81 001", "A81-001", "ABCDEFGHIJK"] {
            assert!(OdsCode::parse(bad).is_err(), "{bad}");
        }
    }
}
