//! The controlled vocabularies of DOMAIN.md, held as data (code + label) so that pages, the API, CSV
//! import and validation all read the same lists. Codes are stable identifiers stored in the database and
//! CSV files; labels are what people read and may be reworded freely.

use serde::Serialize;

/// One entry of a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Term {
    pub code: &'static str,
    pub label: &'static str,
}

const fn t(code: &'static str, label: &'static str) -> Term {
    Term { code, label }
}

/// A named vocabulary, so errors can say which list a code was checked against.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    pub name: &'static str,
    pub terms: &'static [Term],
}

impl Vocabulary {
    pub fn get(&self, code: &str) -> Option<&'static Term> {
        self.terms.iter().find(|term| term.code == code)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    pub fn label(&self, code: &str) -> &'static str {
        self.get(code).map_or("unknown", |term| term.label)
    }

    pub fn codes(&self) -> impl Iterator<Item = &'static str> {
        self.terms.iter().map(|term| term.code)
    }
}

pub const CHANNELS: Vocabulary = Vocabulary {
    name: "channel",
    terms: &[
        t("desk", "Face to face at the desk"),
        t("telephone", "Telephone"),
        t("appointment", "Pre-booked digital support appointment"),
        t("group", "Group session"),
        t("kiosk", "In-practice tablet or kiosk"),
        t("home_visit", "Home visit"),
        t("screen_share", "Remote screen share"),
    ],
};

pub const TASKS: Vocabulary = Vocabulary {
    name: "task",
    terms: &[
        t("create_account", "Create account or register"),
        t("verify_identity", "Verify identity"),
        t("issue_registration_details", "Issue registration details (linkage key)"),
        t("reset_password", "Reset password or unlock"),
        t("link_account", "Link account to practice"),
        t("install_app", "Install app or set up device"),
        t("show_feature", "Show how to use a feature"),
        t("troubleshoot", "Troubleshoot an error"),
        t("setup_proxy", "Set up proxy access"),
        t("enable_record_access", "Enable record access"),
        t("complete_form", "Complete a form on the patient's behalf"),
        t("signpost", "Signpost or refer"),
        t("explain_offline", "Explain an offline alternative"),
    ],
};

pub const APPROACHES: Vocabulary = Vocabulary {
    name: "approach",
    terms: &[
        t("for", "Did it for the patient"),
        t("with", "Did it with the patient"),
        t("coached", "Coached the patient to do it themselves"),
    ],
};

pub const BARRIERS: Vocabulary = Vocabulary {
    name: "barrier",
    terms: &[
        t("no_device", "No device"),
        t("no_data", "No data or broadband"),
        t("no_contact", "No email or mobile number"),
        t("no_photo_id", "No photo ID"),
        t("low_confidence", "Low digital confidence or skills"),
        t("language", "Language (interpreter needed)"),
        t("sight", "Sight impairment"),
        t("hearing", "Hearing impairment"),
        t("dexterity", "Dexterity impairment"),
        t("cognitive", "Cognitive impairment"),
        t("learning_disability", "Learning disability"),
        t("mental_health", "Mental health"),
        t("distrust", "Distrust of security"),
        t("bad_experience", "Previous bad experience"),
        t("prefers_offline", "Prefers not to go online"),
    ],
};

pub const AGE_BANDS: Vocabulary = Vocabulary {
    name: "age band",
    terms: &[
        t("0-15", "0 to 15"),
        t("16-24", "16 to 24"),
        t("25-44", "25 to 44"),
        t("45-64", "45 to 64"),
        t("65-74", "65 to 74"),
        t("75+", "75 and over"),
    ],
};

pub const OUTCOMES: Vocabulary = Vocabulary {
    name: "outcome",
    terms: &[
        t("resolved", "Resolved"),
        t("partly_resolved", "Partly resolved"),
        t("escalated", "Escalated to a named person"),
        t("referred_out", "Referred out (e.g. to a library or community partner)"),
        t("chose_offline", "Patient chose the offline route"),
        t("not_resolved", "Not resolved"),
    ],
};

/// The outcome that requires `escalated_to`.
pub const ESCALATED: &str = "escalated";
/// The outcome of help handed on to someone outside the practice: a library, a Digital Health Hub, a
/// charity (DOMAIN.md's "referred out", and the active offer "referral to a community partner").
pub const REFERRED_OUT: &str = "referred_out";

pub const STAFF_ROLES: Vocabulary = Vocabulary {
    name: "staff role",
    terms: &[
        t("receptionist", "Receptionist or care navigator"),
        t("administrator", "Administrator"),
        t("practice_manager", "Practice manager"),
        t("digital_champion", "Digital champion"),
        t("digital_lead", "PCN digital and transformation lead"),
        t("gp", "GP"),
        t("nurse", "Nurse"),
        t("pharmacist", "Pharmacist"),
        t("social_prescriber", "Social prescriber"),
        t("volunteer", "Volunteer"),
        t("other", "Other"),
    ],
};

/// The national catalogue of online services every practice starts with (DOMAIN.md). A practice may
/// disable any of these and add its own.
pub const SERVICES: Vocabulary = Vocabulary {
    name: "service",
    terms: &[
        t("nhs_app", "NHS App"),
        t("nhs_login", "NHS login"),
        t("repeat_prescriptions", "Online repeat prescriptions"),
        t("appointments", "Online appointment booking and cancelling"),
        t("record_access", "Online access to the GP record"),
        t("online_consultation", "Online consultation or request form"),
        t("secure_messaging", "Secure messaging with the practice"),
        t("proxy_access", "Proxy access"),
        t("nominated_pharmacy", "Nominated pharmacy"),
        t("practice_website", "Practice website"),
        t("video_consultation", "Video consultation"),
        t("sms_links", "SMS links"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Vocabulary; 8] =
        [CHANNELS, TASKS, APPROACHES, BARRIERS, AGE_BANDS, OUTCOMES, STAFF_ROLES, SERVICES];

    #[test]
    fn codes_are_unique_within_each_vocabulary() {
        for vocabulary in ALL {
            let mut codes: Vec<_> = vocabulary.codes().collect();
            let total = codes.len();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), total, "duplicate code in {}", vocabulary.name);
        }
    }

    #[test]
    fn codes_are_csv_and_url_safe() {
        for vocabulary in ALL {
            for code in vocabulary.codes() {
                assert!(
                    code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-+".contains(c)),
                    "{code} in {}",
                    vocabulary.name
                );
            }
        }
    }

    #[test]
    fn referral_out_to_a_community_partner_is_an_outcome() {
        assert!(OUTCOMES.label(REFERRED_OUT).contains("community partner"));
    }

    #[test]
    fn escalated_outcome_exists() {
        assert!(OUTCOMES.contains(ESCALATED));
        assert_eq!(OUTCOMES.label("nope"), "unknown");
    }
}
