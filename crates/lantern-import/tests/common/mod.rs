//! Shared test fixtures: two practices with staff, seeded identically (same ids) into any store, and
//! CSV rows built from named fields so a test can spoil exactly one cell.
#![allow(dead_code)] // each test file uses its own subset

use jiff::{Timestamp, ToSpan};
use lantern_core::episode::{Episode, EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_core::record::EpisodeRecord;
use lantern_core::staff::StaffMember;
use lantern_store::{EpisodeFilter, ImportRow, Store};

/// The header of the hand-made files: no `id`, not in export order.
pub const HEADER: &str = "occurred_at,practice,helpers,duration_minutes,channel,services,tasks,approach,\
barriers,age_band,carer_proxy,outcome,escalated_to,follow_up,note";

pub const CUSTOM_SERVICE: &str = "accurx_patient_triage";

pub struct Fixture {
    pub practice: OdsCode,
    pub other_practice: OdsCode,
    /// Active staff of `practice`.
    pub staff: Vec<StaffMember>,
    pub other_staff: StaffMember,
}

pub fn ods(code: &str) -> OdsCode {
    OdsCode::parse(code).expect("valid ODS code")
}

impl Fixture {
    pub fn new() -> Self {
        let practice = ods("A81001");
        let other_practice = ods("B82002");
        let staff = [("Asha", "receptionist"), ("Ben", "practice_manager"), ("Cara", "digital_champion")]
            .into_iter()
            .map(|(name, role)| StaffMember::new(practice.clone(), name, role).expect("valid staff"))
            .collect();
        let other_staff =
            StaffMember::new(other_practice.clone(), "Dev", "receptionist").expect("valid staff");
        Self { practice, other_practice, staff, other_staff }
    }

    /// Creates both practices (with a custom service at the first) and all staff, same ids every time.
    pub async fn seed(&self, store: &Store) {
        for (code, name) in [(&self.practice, "Riverside Surgery"), (&self.other_practice, "Hill Practice")] {
            let practice = Practice {
                ods_code: code.clone(),
                name: name.into(),
                pcn: None,
                icb: None,
                list_size: 8_000,
            };
            store
                .upsert_practice(&practice, true, &lantern_core::audit::Actor::system("test"))
                .await
                .expect("upsert practice");
        }
        let service = store
            .add_service(&self.practice, "Accurx Patient Triage", &lantern_core::audit::Actor::system("test"))
            .await
            .expect("add service");
        assert_eq!(service.code, CUSTOM_SERVICE);
        for member in self.staff.iter().chain([&self.other_staff]) {
            store.add_staff(member, &lantern_core::audit::Actor::system("test")).await.expect("add staff");
        }
    }

    /// A valid row for `A81001`, varied by `i`.
    pub fn row(&self, i: usize) -> Row {
        let channels = ["desk", "telephone", "appointment", "kiosk"];
        let outcomes = ["resolved", "partly_resolved", "chose_offline", "not_resolved"];
        Row {
            occurred_at: format!("2025-06-{:02}T{:02}:{:02}", 1 + i % 28, 8 + i % 9, i % 60),
            practice: self.practice.to_string(),
            helpers: self.staff[i % 3].id.to_string(),
            duration_minutes: (1 + i % 30).to_string(),
            channel: channels[i % 4].into(),
            services: if i % 5 == 0 { format!("nhs_app; {CUSTOM_SERVICE}") } else { "nhs_app".into() },
            tasks: "create_account;verify_identity".into(),
            approach: ["for", "with", "coached"][i % 3].into(),
            barriers: if i % 2 == 0 { String::new() } else { "no_device;low_confidence".into() },
            age_band: if i % 3 == 0 { "75+".into() } else { String::new() },
            carer_proxy: if i % 4 == 0 { "yes" } else { "no" }.into(),
            outcome: outcomes[i % 4].into(),
            escalated_to: String::new(),
            follow_up: if i % 7 == 0 { "y" } else { "n" }.into(),
            note: format!("row {i}"),
        }
    }

    /// A whole file of `n` valid rows, after `spoil` had its way with them.
    pub fn file(&self, n: usize, spoil: impl Fn(usize, &mut Row)) -> String {
        let mut out = format!("{HEADER}\n");
        for i in 0..n {
            let mut row = self.row(i);
            spoil(i, &mut row);
            out.push_str(&row.line());
            out.push('\n');
        }
        out
    }
}

/// One row of [`HEADER`] as cell text.
#[derive(Debug, Clone)]
pub struct Row {
    pub occurred_at: String,
    pub practice: String,
    pub helpers: String,
    pub duration_minutes: String,
    pub channel: String,
    pub services: String,
    pub tasks: String,
    pub approach: String,
    pub barriers: String,
    pub age_band: String,
    pub carer_proxy: String,
    pub outcome: String,
    pub escalated_to: String,
    pub follow_up: String,
    pub note: String,
}

impl Row {
    pub fn line(&self) -> String {
        [
            &self.occurred_at,
            &self.practice,
            &self.helpers,
            &self.duration_minutes,
            &self.channel,
            &self.services,
            &self.tasks,
            &self.approach,
            &self.barriers,
            &self.age_band,
            &self.carer_proxy,
            &self.outcome,
            &self.escalated_to,
            &self.follow_up,
            &self.note,
        ]
        .map(|cell| quote(cell))
        .join(",")
    }
}

/// RFC 4180 quoting, written out by hand so the tests do not trust the writer under test.
pub fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// Every live episode, oldest first.
pub async fn all_episodes(store: &Store) -> Vec<EpisodeRecord> {
    let mut all = Vec::new();
    loop {
        let page = store.episodes_after(&EpisodeFilter::default(), all.last(), 500).await.expect("list");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

/// Episodes in the store, deleted ones included.
pub async fn count(store: &Store) -> i64 {
    let filter = EpisodeFilter { include_deleted: true, ..EpisodeFilter::default() };
    store.list_episodes(&filter, 1, 0).await.expect("count").total
}

/// Notes that a spreadsheet would run as formulas, or that stress the quoting.
pub const AWKWARD_NOTES: [&str; 7] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "-5 mins on hold first",
    "@x",
    "+ another visit booked",
    "'=already quoted by hand",
    "Called back, twice\nthen \"sorted\" it",
    "Café — Zoë helped; “smart quotes”",
];

/// What [`populate`] stored.
pub struct Populated {
    /// Episodes an export should contain.
    pub live: u64,
}

/// Fills a seeded store with `bulk` varied episodes (several sharing a time, across both practices,
/// escalations, custom services, the awkward notes), plus one edited and one deleted episode.
pub async fn populate(store: &Store, f: &Fixture, bulk: usize) -> Populated {
    let settings = store.settings(&f.practice).await.expect("settings");
    let other = store.settings(&f.other_practice).await.expect("settings");
    let start: Timestamp = "2025-01-01T08:00:00Z".parse().expect("time");
    let mut rows = Vec::new();
    for i in 0..bulk {
        let at_other = i % 10 == 9;
        let (practice, staff) =
            if at_other { (&other, vec![&f.other_staff]) } else { (&settings, f.staff.iter().collect()) };
        let minutes = i64::try_from(i / 3).expect("small") * 37;
        let escalated = i % 11 == 3 && !at_other;
        let input = EpisodeInput {
            occurred_at: Some((start + minutes.minutes()).to_string()),
            practice: practice.practice.ods_code.to_string(),
            helpers: staff.iter().take(1 + i % 2).map(|s| s.id.to_string()).collect(),
            duration_minutes: Some(i64::try_from(1 + i % 45).expect("small")),
            channel: ["desk", "telephone", "group", "screen_share"][i % 4].into(),
            services: if i % 6 == 0 && !at_other {
                vec![CUSTOM_SERVICE.into(), "nhs_app".into()]
            } else {
                vec!["nhs_login".into()]
            },
            tasks: vec!["reset_password".into(), "signpost".into()],
            approach: ["for", "with", "coached"][i % 3].into(),
            barriers: if i % 4 == 1 { vec!["language".into(), "no_photo_id".into()] } else { vec![] },
            age_band: (i % 5 != 0).then(|| ["0-15", "16-24", "25-44", "45-64", "65-74", "75+"][i % 6].into()),
            carer_proxy: i % 8 == 0,
            outcome: if escalated { "escalated".into() } else { "resolved".into() },
            escalated_to: escalated.then(|| f.staff[2].id.to_string()),
            follow_up: i % 3 == 1,
            note: if i < AWKWARD_NOTES.len() {
                Some(AWKWARD_NOTES[i].into())
            } else if i % 2 == 0 {
                Some(format!("episode {i}"))
            } else {
                None
            },
            offer_id: None,
        };
        let ctx = PracticeContext {
            practice: &practice.practice.ods_code,
            services: &practice.services,
            staff: &practice.staff,
            offers: &practice.offers,
            now: Timestamp::now(),
        };
        let episode = input.validate(&ctx).unwrap_or_else(|e| panic!("episode {i} is valid: {e}"));
        rows.push(ImportRow { line: 0, id: None, episode });
    }
    let summary =
        store.import_episodes(&rows, &lantern_core::audit::Actor::system("test")).await.expect("bulk load");
    assert_eq!(summary.created, bulk as u64);
    let edited = store
        .create_episode(&rows[1].episode, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("create");
    let edit = Episode { note: Some("edited afterwards".into()), ..edited.episode.clone() };
    store
        .update_episode(edited.id, Some(1), &edit, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("edit");
    let deleted = store
        .create_episode(&rows[2].episode, &lantern_core::audit::Actor::system("test"))
        .await
        .expect("create");
    store
        .delete_episode(deleted.id, "logged twice", &lantern_core::audit::Actor::system("test"))
        .await
        .expect("delete");
    Populated { live: bulk as u64 + 1 }
}
