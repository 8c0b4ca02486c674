//! Practices and the online services each one offers.

use crate::ods::OdsCode;
use crate::taxonomy::SERVICES;
use serde::{Deserialize, Serialize};

/// A GP practice, identified by its ODS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Practice {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "A81001"))]
    pub ods_code: OdsCode,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub pcn: Option<OdsCode>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub icb: Option<OdsCode>,
    /// Registered patients; the denominator of every "per 1,000 patients" measure.
    pub list_size: u32,
}

/// One online service as a particular practice offers it: either from the national catalogue or the
/// practice's own addition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticeService {
    pub code: String,
    pub label: String,
    pub enabled: bool,
    /// True when the practice added it; catalogue services can be disabled but not removed.
    pub custom: bool,
}

/// The catalogue a new practice starts with: every national service, enabled.
pub fn default_services() -> Vec<PracticeService> {
    SERVICES
        .terms
        .iter()
        .map(|term| PracticeService {
            code: term.code.to_owned(),
            label: term.label.to_owned(),
            enabled: true,
            custom: false,
        })
        .collect()
}

/// Derives a stable code for a service a practice adds ("Accurx Patient Triage" → `accurx_patient_triage`).
pub fn custom_service_code(label: &str) -> Option<String> {
    let mut code = String::new();
    for c in label.trim().chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_lowercase());
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
    }
    let code = code.trim_end_matches('_').chars().take(40).collect::<String>();
    (!code.is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_codes_are_slugs() {
        assert_eq!(
            custom_service_code("  Accurx Patient-Triage! ").as_deref(),
            Some("accurx_patient_triage")
        );
        assert_eq!(custom_service_code("!!!"), None);
    }

    #[test]
    fn default_catalogue_is_all_enabled() {
        let services = default_services();
        assert_eq!(services.len(), SERVICES.terms.len());
        assert!(services.iter().all(|s| s.enabled && !s.custom));
    }
}
