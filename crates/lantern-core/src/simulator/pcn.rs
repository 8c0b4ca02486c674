//! The synthetic PCN: who works where, and how much of the ad hoc help each person ends up doing.

use super::{DemoPcn, DemoPractice};
use crate::ods::OdsCode;
use crate::practice::Practice;
use crate::staff::StaffMember;
use jiff::civil::Weekday;
use rand::RngCore;
use uuid::Uuid;

/// The demo PCN's code. Real PCN codes are "U" and five digits allocated in no visible order, so no
/// well-formed code is guaranteed never to be issued; U99999 is absent from the ODS and registration
/// extracts in `data/` (checked December 2025), and every name shown with it says "(synthetic)".
pub const DEMO_PCN: &str = "U99999";

/// The demo ICB's code. ICB codes are "Q" and two characters; QZZ is in none of the extracts in `data/`.
/// (Q99 is not used: it is a real code, for Wales, in `epraccur`.)
pub const DEMO_ICB: &str = "QZZ";

/// One synthetic member of staff. `weight` is their relative share of the ad hoc help at their practice
/// (desk, telephone, kiosk, screen share): this is where the study's "defaulted to whoever is seen as
/// tech-savvy" is put into the data.
pub(super) struct StaffSpec {
    pub name: &'static str,
    pub role: &'static str,
    pub weight: u32,
    /// False for the one leaver per practice: kept on record, never picked.
    pub active: bool,
}

/// One synthetic practice.
pub(super) struct PracticeSpec {
    /// One of [`DEMO_PRACTICES`].
    pub code: &'static str,
    pub name: &'static str,
    pub list_size: u32,
    /// Relative demand per patient: the practice with a digital champion sees more, because offering
    /// help draws patients in; the large practice sees a little less per patient (younger list).
    pub demand: f64,
    pub disabled: &'static [&'static str],
    /// The weekday of the weekly group session, run by the PCN digital lead where they are based.
    pub group_day: Option<Weekday>,
    pub staff: &'static [StaffSpec],
}

const fn s(name: &'static str, role: &'static str, weight: u32) -> StaffSpec {
    StaffSpec { name, role, weight, active: true }
}

const fn left(name: &'static str, role: &'static str) -> StaffSpec {
    StaffSpec { name, role, weight: 0, active: false }
}

/// The demo practices' codes (Riverside, Millbrook, Oakfield). Practice codes are a letter and five
/// digits; "Y" codes are issued in sequence and the highest in `data/ods/epraccur.csv` is in the
/// Y08000s, so Y999xx will not be reached for decades and cannot be joined to a real practice's data.
pub const DEMO_PRACTICES: [&str; 3] = ["Y99901", "Y99902", "Y99903"];

/// The three practices, 27 staff in all (24 active).
pub(super) const PRACTICES: [PracticeSpec; 3] = [
    // Small practice, no plan, no champion: help has defaulted to one young receptionist, who carries
    // well over half of it (the study's "defaulted to the tech-savvy one").
    PracticeSpec {
        code: DEMO_PRACTICES[0],
        name: "Riverside Surgery (synthetic)",
        list_size: 6_200,
        demand: 1.0,
        disabled: &["video_consultation"],
        group_day: None,
        staff: &[
            s("Margaret (synthetic)", "practice_manager", 5),
            s("Chloe (synthetic)", "receptionist", 60),
            s("Sandra (synthetic)", "receptionist", 10),
            s("Priya (synthetic)", "receptionist", 9),
            left("Denise (synthetic)", "receptionist"),
            s("Gary (synthetic)", "administrator", 8),
            s("Dr Imran (synthetic)", "gp", 2),
            s("Fiona (synthetic)", "nurse", 6),
        ],
    },
    // Mid-sized practice with a digital champion who also runs pre-booked support appointments: the
    // work is shared more evenly, though the champion still carries the most.
    PracticeSpec {
        code: DEMO_PRACTICES[1],
        name: "Millbrook Medical Centre (synthetic)",
        list_size: 11_800,
        demand: 1.15,
        disabled: &[],
        group_day: None,
        staff: &[
            s("Paul (synthetic)", "practice_manager", 5),
            s("Asha (synthetic)", "digital_champion", 18),
            s("Kerry (synthetic)", "receptionist", 20),
            s("Tomasz (synthetic)", "receptionist", 17),
            left("Jade (synthetic)", "receptionist"),
            s("Lewis (synthetic)", "administrator", 12),
            s("Dr Nadia (synthetic)", "gp", 3),
            s("Grace (synthetic)", "nurse", 6),
            s("Ruth (synthetic)", "social_prescriber", 4),
        ],
    },
    // Large practice where the PCN digital and transformation lead is based and runs a weekly group
    // session; at the desk two receptionists carry most of the help.
    PracticeSpec {
        code: DEMO_PRACTICES[2],
        name: "Oakfield Health Centre (synthetic)",
        list_size: 17_500,
        demand: 0.9,
        disabled: &["secure_messaging"],
        group_day: Some(Weekday::Wednesday),
        staff: &[
            s("Joanne (synthetic)", "practice_manager", 4),
            s("Sam (synthetic)", "digital_lead", 4),
            s("Mo (synthetic)", "receptionist", 34),
            s("Bethany (synthetic)", "receptionist", 22),
            s("Eileen (synthetic)", "receptionist", 14),
            left("Dylan (synthetic)", "receptionist"),
            s("Yusuf (synthetic)", "administrator", 12),
            s("Dr Claire (synthetic)", "gp", 2),
            s("Olu (synthetic)", "nurse", 4),
            s("Wei (synthetic)", "pharmacist", 4),
        ],
    },
];

/// The spec of a demo practice, if `code` is one.
pub(super) fn spec(code: &OdsCode) -> Option<&'static PracticeSpec> {
    PRACTICES.iter().find(|p| p.code == code.as_str())
}

/// How much ad hoc help a member of staff does: their spec weight when they are one of the demo staff,
/// otherwise a default for their role (front-desk staff most, clinicians least). Leavers do none.
pub(super) fn help_weight(practice: Option<&PracticeSpec>, member: &StaffMember) -> u32 {
    if !member.active {
        return 0;
    }
    let known = practice.and_then(|p| p.staff.iter().find(|s| s.name == member.display_name));
    known.map_or_else(
        || match member.role.as_str() {
            "receptionist" => 20,
            "administrator" | "digital_champion" => 12,
            "practice_manager" | "nurse" | "pharmacist" | "social_prescriber" | "volunteer" => 4,
            _ => 2,
        },
        |s| s.weight,
    )
}

/// Literal codes that [`OdsCode::parse`] accepts (checked by a test).
fn ods(code: &str) -> OdsCode {
    OdsCode::parse(code).expect("the simulator's ODS codes are literal and well formed")
}

/// A staff id from the seeded generator, so the same seed gives the same ids.
fn staff_id(rng: &mut impl RngCore) -> Uuid {
    let mut bytes = [0_u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

pub(super) fn build(rng: &mut impl RngCore) -> DemoPcn {
    let pcn = ods(DEMO_PCN);
    let icb = ods(DEMO_ICB);
    let practices = PRACTICES
        .iter()
        .map(|spec| {
            let code = ods(spec.code);
            DemoPractice {
                practice: Practice {
                    ods_code: code.clone(),
                    name: spec.name.to_owned(),
                    pcn: Some(pcn.clone()),
                    icb: Some(icb.clone()),
                    list_size: spec.list_size,
                },
                staff: spec
                    .staff
                    .iter()
                    .map(|member| StaffMember {
                        id: staff_id(rng),
                        practice: code.clone(),
                        display_name: member.name.to_owned(),
                        role: member.role.to_owned(),
                        active: member.active,
                    })
                    .collect(),
                disabled_services: spec.disabled.iter().map(|&code| code.to_owned()).collect(),
            }
        })
        .collect();
    DemoPcn { pcn, icb, practices }
}
