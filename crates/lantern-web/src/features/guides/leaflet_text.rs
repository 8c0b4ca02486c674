//! What a patient leaflet says about each catalogue service: one sentence on what it is and a few
//! steps. Written for a reading age of about nine (short sentences, everyday words), because the
//! patients who most need a leaflet are the ones least at home online. Practices add their own
//! offline alternative through "Who owns this?"; the leaflet shows it beside these steps.

/// The words for one service.
pub struct LeafletText {
    pub what: String,
    pub steps: Vec<String>,
}

/// The text for `code`, or a general one naming `label` for a service outside the catalogue's
/// well-known ones.
pub fn leaflet_text(code: &str, label: &str) -> LeafletText {
    let (what, steps): (&str, &[&str]) = match code {
        "nhs_app" => (
            "The NHS App lets you use NHS services on your phone or tablet. It is free.",
            &[
                "Open the app store on your phone or tablet. Search for \"NHS App\" and install it.",
                "Open the NHS App and tap \"Continue\".",
                "Make an NHS login with your email address and a password. Keep your password safe.",
                "Prove who you are. The app asks for photo ID. No photo ID? Ask us for a letter instead.",
                "Now you can order medicine, see your record and book appointments.",
            ],
        ),
        "nhs_login" => (
            "NHS login is one email address and one password for NHS apps and websites.",
            &[
                "Open the NHS App, or a website that uses NHS login. Choose \"Continue\".",
                "Type your email address. Then make a password.",
                "We send a code to your email and to your mobile phone. Type the code in.",
                "Prove who you are with photo ID, like a passport or driving licence.",
                "No photo ID? Ask us at reception. We can give you a letter with codes to link you to us.",
            ],
        ),
        "repeat_prescriptions" => (
            "You can order the medicines you take all the time online. You do not need to call or come in.",
            &[
                "Log in to the NHS App.",
                "Tap \"Prescriptions\".",
                "Choose \"Order a repeat prescription\".",
                "Tick the medicines you need. Then tap \"Continue\".",
                "Check the pharmacy is right. Then send your order.",
                "Wait a few working days before you collect your medicine.",
            ],
        ),
        "appointments" => (
            "You can book and cancel some appointments online, at any time of day.",
            &[
                "Log in to the NHS App.",
                "Tap \"Appointments\".",
                "Choose \"GP surgery appointments\".",
                "Pick a day and time that suits you. Then confirm it.",
                "Cannot come? Go back to \"Appointments\" and cancel. Then someone else can have it.",
            ],
        ),
        "record_access" => (
            "You can read your GP health record online. This includes test results and letters.",
            &[
                "Log in to the NHS App.",
                "Tap \"Your health\".",
                "Choose \"GP health record\".",
                "Read your test results, letters and medicines.",
                "Does something worry you, or look wrong? Talk to us. Do not wait.",
            ],
        ),
        "online_consultation" => (
            "You can ask us for help with a health problem by filling in a form online.",
            &[
                "Go to our practice website.",
                "Choose the button to contact us online.",
                "Answer the questions about you and your problem.",
                "Send the form. You get a message to say we have it.",
                "We contact you to say what happens next.",
                "Is it urgent? Call 111. In an emergency, call 999.",
            ],
        ),
        "proxy_access" => (
            "Proxy access lets someone you trust, like a family member or carer, use online services for you.",
            &[
                "Talk to the person you want to help you. Make sure you both agree.",
                "Ask at reception for a proxy access form.",
                "You and the other person fill in the form.",
                "Bring photo ID for you both, if you have it.",
                "We check the form. We tell you both when it is ready.",
            ],
        ),
        "nominated_pharmacy" => (
            "Your nominated pharmacy is the chemist your prescriptions are sent to.",
            &[
                "Log in to the NHS App.",
                "Tap \"Prescriptions\".",
                "Choose \"Your nominated pharmacy\".",
                "Search for the pharmacy you want, by its name or postcode.",
                "Choose it and confirm. Your next prescription goes there.",
            ],
        ),
        _ => {
            return LeafletText {
                what: format!("{label} is one of our online services."),
                steps: vec![
                    format!("Ask us at reception how to start with {label}."),
                    "We can show you how, step by step. Come to the desk, or we can book a time.".to_owned(),
                    "Bring your phone or tablet if you have one.".to_owned(),
                    "Write down any password and keep it somewhere safe.".to_owned(),
                ],
            }
        }
    };
    LeafletText { what: what.to_owned(), steps: steps.iter().map(|s| (*s).to_owned()).collect() }
}

#[cfg(test)]
mod tests {
    use super::leaflet_text;
    use lantern_core::taxonomy::SERVICES;

    #[test]
    fn every_service_has_four_to_six_short_steps() {
        for code in SERVICES.codes().chain(["our_own_app"]) {
            let text = leaflet_text(code, "Our own app");
            assert!((4..=6).contains(&text.steps.len()), "{code}: {} steps", text.steps.len());
            for step in &text.steps {
                // Short sentences: a long one is the first thing that loses a hesitant reader.
                for sentence in step.split(". ") {
                    assert!(sentence.split_whitespace().count() <= 16, "{code}: {sentence:?}");
                }
            }
        }
        assert!(leaflet_text("our_own_app", "Our own app").what.starts_with("Our own app"));
    }
}
