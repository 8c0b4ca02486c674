//! The weighted tables episodes are drawn from, each with the reason for its shape. Weights are
//! relative (they need not add up to 100).

/// A code and its relative weight.
pub(super) type Weighted = &'static [(&'static str, u32)];

/// The service an episode is mainly about. NHS App and NHS login dominate: getting an account and
/// proving who you are is where patients get stuck first, and everything else sits behind it. Then the
/// contractual services (repeat prescriptions, booking, online consultation, record access), then proxy
/// access, then the rest.
pub(super) const SERVICES: Weighted = &[
    ("nhs_app", 30),
    ("nhs_login", 24),
    ("repeat_prescriptions", 14),
    ("appointments", 10),
    ("online_consultation", 8),
    ("record_access", 6),
    ("proxy_access", 4),
    ("nominated_pharmacy", 2),
    ("secure_messaging", 1),
    ("video_consultation", 1),
    ("practice_website", 1),
    ("sms_links", 1),
];

/// What a group session covers: getting started with the app and the everyday services.
pub(super) const GROUP_SERVICES: Weighted = &[
    ("nhs_app", 50),
    ("repeat_prescriptions", 20),
    ("appointments", 15),
    ("online_consultation", 10),
    ("record_access", 5),
];

/// A second service that plausibly comes up with the first (about one episode in five has one):
/// setting up NHS login is done in the NHS App, repeats go with a nominated pharmacy, and so on.
pub(super) fn companions(service: &str) -> Weighted {
    match service {
        "nhs_login" => &[("nhs_app", 80), ("record_access", 10), ("proxy_access", 10)],
        "nhs_app" => {
            &[("nhs_login", 60), ("repeat_prescriptions", 20), ("appointments", 10), ("record_access", 10)]
        }
        "repeat_prescriptions" => &[("nhs_app", 60), ("nominated_pharmacy", 40)],
        "appointments" => &[("nhs_app", 70), ("online_consultation", 30)],
        "online_consultation" => &[("practice_website", 40), ("nhs_app", 40), ("sms_links", 20)],
        "record_access" => &[("nhs_app", 70), ("nhs_login", 30)],
        "proxy_access" => &[("nhs_login", 50), ("nhs_app", 50)],
        "video_consultation" => &[("nhs_app", 50), ("sms_links", 50)],
        _ => &[("nhs_app", 100)],
    }
}

/// The tasks that fit each service. Identity verification and password resets lead for NHS login and
/// the NHS App, which makes them the commonest tasks overall, as the practices in the study reported.
pub(super) fn tasks_for(service: &str) -> Weighted {
    match service {
        "nhs_login" => &[
            ("verify_identity", 40),
            ("reset_password", 30),
            ("create_account", 15),
            ("issue_registration_details", 10),
            ("link_account", 5),
            ("troubleshoot", 5),
        ],
        "nhs_app" => &[
            ("reset_password", 32),
            ("verify_identity", 20),
            ("install_app", 15),
            ("troubleshoot", 12),
            ("show_feature", 10),
            ("link_account", 8),
            ("create_account", 8),
        ],
        "repeat_prescriptions" => &[
            ("complete_form", 35),
            ("show_feature", 20),
            ("troubleshoot", 15),
            ("explain_offline", 15),
            ("reset_password", 15),
        ],
        "appointments" => {
            &[("complete_form", 30), ("show_feature", 25), ("explain_offline", 25), ("troubleshoot", 20)]
        }
        "online_consultation" => &[
            ("complete_form", 50),
            ("show_feature", 20),
            ("explain_offline", 15),
            ("troubleshoot", 10),
            ("signpost", 5),
        ],
        "record_access" => &[
            ("enable_record_access", 50),
            ("show_feature", 20),
            ("verify_identity", 15),
            ("troubleshoot", 10),
            ("issue_registration_details", 5),
        ],
        "proxy_access" => &[
            ("setup_proxy", 60),
            ("verify_identity", 20),
            ("issue_registration_details", 10),
            ("explain_offline", 10),
        ],
        "video_consultation" => &[("troubleshoot", 50), ("install_app", 30), ("show_feature", 20)],
        "practice_website" => &[("show_feature", 60), ("signpost", 40)],
        "nominated_pharmacy" => &[("show_feature", 50), ("complete_form", 50)],
        _ => &[("show_feature", 50), ("troubleshoot", 50)],
    }
}

/// What a group session does: showing people how to use things, and getting them set up.
pub(super) const GROUP_TASKS: Weighted = &[
    ("show_feature", 50),
    ("install_app", 20),
    ("create_account", 15),
    ("verify_identity", 10),
    ("link_account", 5),
];

/// Who is helped, by age band (`None`: not recorded, as happens at a busy desk). Skewed old: in 2021
/// 68% of over-75s used no online GP service, and older patients were the least often told about or
/// helped with online services, so they are the ones who end up at the desk.
pub(super) const AGE_BANDS: &[(Option<&str>, u32)] = &[
    (Some("75+"), 31),
    (Some("65-74"), 26),
    (Some("45-64"), 18),
    (Some("25-44"), 12),
    (Some("16-24"), 4),
    (Some("0-15"), 2),
    (None, 7),
];

/// Proxy access is mostly a family member acting for an older patient or a parent for a child.
pub(super) const PROXY_AGE_BANDS: &[(Option<&str>, u32)] =
    &[(Some("75+"), 50), (Some("0-15"), 25), (Some("65-74"), 10), (Some("45-64"), 8), (None, 7)];

/// Group sessions are advertised to, and attended by, older patients.
pub(super) const GROUP_AGE_BANDS: &[(Option<&str>, u32)] =
    &[(Some("75+"), 35), (Some("65-74"), 40), (Some("45-64"), 15), (Some("25-44"), 5), (None, 5)];

/// How much more (or less) often than the base rate the person helped is a carer or proxy, by age
/// band: family act for older parents, parents for children.
pub(super) fn carer_proxy_factor(age_band: Option<&str>) -> f64 {
    match age_band {
        Some("75+") => 1.3,
        Some("65-74") => 0.8,
        Some("0-15") => 9.0,
        Some("16-24") => 0.3,
        Some(_) => 0.4,
        None => 0.5,
    }
}

/// How many barriers (0, 1 or 2) staff note, by age band: older patients meet more of them.
pub(super) fn barrier_counts(age_band: Option<&str>) -> &'static [(usize, u32)] {
    match age_band {
        Some("75+") => &[(0, 30), (1, 45), (2, 25)],
        Some("65-74") => &[(0, 45), (1, 40), (2, 15)],
        Some("45-64") => &[(0, 60), (1, 30), (2, 10)],
        _ => &[(0, 70), (1, 25), (2, 5)],
    }
}

/// Barrier weights for this episode. Low digital confidence dominates; no photo ID matters when
/// identity has to be proved; impairments are commoner at 75+; language and mental health are
/// relatively commoner among younger adults.
pub(super) fn barrier_weights(age_band: Option<&str>, tasks: &[&str]) -> Vec<(&'static str, u32)> {
    let old = age_band == Some("75+");
    let working_age = matches!(age_band, Some("16-24" | "25-44" | "45-64"));
    let proving_identity =
        tasks.iter().any(|t| matches!(*t, "verify_identity" | "issue_registration_details"));
    let times = |weight: u32, yes: bool, factor: u32| if yes { weight * factor } else { weight };
    vec![
        ("low_confidence", 30),
        ("no_photo_id", times(6, proving_identity, 5)),
        ("no_device", 8),
        ("no_contact", 7),
        ("no_data", 5),
        ("language", times(6, working_age, 2)),
        ("sight", times(5, old, 2)),
        ("hearing", times(4, old, 2)),
        ("dexterity", times(4, old, 2)),
        ("cognitive", times(4, old, 2)),
        ("distrust", 5),
        ("bad_experience", 4),
        ("prefers_offline", 4),
        ("mental_health", times(3, working_age, 2)),
        ("learning_disability", 2),
    ]
}

/// Did it for / with / coached, by channel. At the desk, with a queue behind, staff mostly do it for
/// the patient; a booked appointment or a group session has time to coach people to do it themselves.
pub(super) fn approaches(channel: &str) -> Weighted {
    match channel {
        "desk" => &[("for", 50), ("with", 35), ("coached", 15)],
        "telephone" => &[("for", 55), ("with", 25), ("coached", 20)],
        "appointment" => &[("for", 10), ("with", 35), ("coached", 55)],
        "group" => &[("with", 25), ("coached", 75)],
        "home_visit" => &[("for", 40), ("with", 40), ("coached", 20)],
        _ => &[("for", 20), ("with", 45), ("coached", 35)],
    }
}

/// Median minutes by channel, before the task and barrier adjustments (`None`: the typical minutes
/// parameter). Booked appointments and home visits are given the time ad hoc help never gets.
pub(super) fn channel_minutes(channel: &str) -> Option<f64> {
    match channel {
        "appointment" => Some(20.0),
        "home_visit" => Some(30.0),
        "screen_share" => Some(12.0),
        "kiosk" => Some(8.0),
        _ => None,
    }
}

/// Canned notes tied to what happened, in the words staff use. None carries a patient identifier: no
/// digits at all, no dates, no names, no contact details.
pub(super) fn contextual_notes(
    services: &[&str],
    tasks: &[&str],
    barriers: &[&str],
    outcome: &str,
) -> Vec<&'static str> {
    let has = |list: &[&str], code: &str| list.contains(&code);
    let mut notes = Vec::new();
    let identity = has(tasks, "verify_identity") || has(tasks, "issue_registration_details");
    if identity && has(barriers, "no_photo_id") {
        notes.push("Patient had no photo ID; gave registration letter with linkage key");
    }
    if has(tasks, "verify_identity") {
        notes.push("Video ID check kept failing in poor light; finished it at the desk");
    }
    if has(tasks, "reset_password") {
        notes.push("Locked out after too many attempts; reset and wrote the steps on a leaflet");
    }
    if has(tasks, "setup_proxy") {
        notes.push("Carer given the proxy access form to take home and bring back with ID");
    }
    if has(tasks, "enable_record_access") {
        notes.push("Record access request passed to GP to review before switching on");
    }
    if has(tasks, "link_account") {
        notes.push("App was still linked to the previous practice; relinked");
    }
    if has(tasks, "install_app") {
        notes.push("Phone storage full; cleared space and installed the NHS App");
    }
    if has(barriers, "language") {
        notes.push("Used the telephone interpreting service throughout");
    }
    if has(barriers, "no_device") {
        notes.push("No smartphone; suggested the library's digital help sessions");
    }
    match outcome {
        "chose_offline" if has(services, "repeat_prescriptions") => {
            notes.push("Explained offline alternative: paper repeat slip");
        }
        "chose_offline" => notes.push("Prefers to phone the practice; offline route explained"),
        "referred_out" => notes.push("Referred to the community digital inclusion group"),
        "escalated" => notes.push("Could not be sorted at the desk; passed on"),
        _ => {}
    }
    notes
}

/// Notes that fit any episode.
pub(super) const GENERAL_NOTES: &[&str] = &[
    "Printed step-by-step guide given to patient",
    "Patient confident to try again at home",
    "Busy morning; helped between calls",
    "Second visit this month for the same problem",
    "Showed where the guide is on the practice website",
];
