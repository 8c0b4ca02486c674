//! What a good file turns into: times, lists, quoting, line numbers and the scope of practices.

mod common;

use common::{quote, Fixture, HEADER};
use jiff::Timestamp;
use lantern_import::episodes_csv::{import_episodes, read_episodes, ImportError, PracticeLookup};
use lantern_store::testing::{self, TestDatabase};
use lantern_store::{ImportRow, StoreError};

async fn seeded() -> (TestDatabase, Fixture, PracticeLookup) {
    let db = testing::sqlite().await;
    let fixture = Fixture::new();
    fixture.seed(&db.store).await;
    let lookup = PracticeLookup::load(&db.store).await.expect("load practices");
    assert_eq!(lookup.len(), 2);
    (db, fixture, lookup)
}

fn read(file: &str, lookup: &PracticeLookup) -> Vec<ImportRow> {
    read_episodes(file.as_bytes(), lookup, Timestamp::now()).unwrap_or_else(|e| panic!("valid file:\n{e}"))
}

#[tokio::test]
async fn quoted_commas_and_line_breaks_keep_line_numbers_right() {
    let (_db, f, lookup) = seeded().await;
    let note = "Called back, twice\nthen \"sorted\" it, with Ben";
    let file = f.file(3, |i, row| {
        if i == 0 {
            row.note = note.into();
        }
    });
    assert!(file.contains(&quote(note)), "the note is quoted in the file");
    let rows = read(&file, &lookup);
    assert_eq!(rows[0].episode.note.as_deref(), Some(note));
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 5], "the two-line record starts on line 2, so the next starts on line 4");

    let bad = f.file(3, |i, row| match i {
        0 => row.note = note.into(),
        2 => row.channel = "pager".into(),
        _ => {}
    });
    let errors = read_episodes(bad.as_bytes(), &lookup, Timestamp::now()).expect_err("bad channel");
    assert_eq!(errors.errors.len(), 1);
    assert!(errors.to_string().starts_with("line 5, column channel: \"pager\""), "{errors}");
}

#[tokio::test]
async fn blank_lines_and_crlf_do_not_shift_line_numbers() {
    let (_db, f, lookup) = seeded().await;
    let file = format!("{HEADER}\r\n{}\r\n\r\n{}\r\n", f.row(0).line(), f.row(1).line());
    let rows = read(&file, &lookup);
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
}

#[tokio::test]
async fn times_may_be_utc_or_uk_local() {
    let (_db, f, lookup) = seeded().await;
    let times = ["2025-06-02T09:15:00Z", "2025-06-02T09:15", "2025-06-02 09:15", "2025-01-15 09:15"];
    let file = f.file(times.len(), |i, row| row.occurred_at = times[i].into());
    let got: Vec<String> = read(&file, &lookup).iter().map(|r| r.episode.occurred_at.to_string()).collect();
    // June is British Summer Time (UTC+1); January is GMT.
    assert_eq!(
        got,
        ["2025-06-02T09:15:00Z", "2025-06-02T08:15:00Z", "2025-06-02T08:15:00Z", "2025-01-15T09:15:00Z"]
    );
}

#[tokio::test]
async fn columns_may_be_reordered_or_left_out_and_lists_are_trimmed() {
    let (_db, f, lookup) = seeded().await;
    let helpers = format!(" {} ; {} ;", f.staff[0].id, f.staff[2].id);
    let file = format!(
        "\u{feff}follow_up , tasks,services,practice,occurred_at,helpers,\
         duration_minutes,channel,approach,outcome,carer_proxy\n\
         TRUE,show_feature; troubleshoot ,nhs_app,a81001,2025-03-01T10:00:00Z,{},\
         12,desk,coached,resolved,0\n",
        quote(&helpers)
    );
    let rows = read(&file, &lookup);
    let episode = &rows[0].episode;
    assert_eq!(episode.helpers, [f.staff[0].id, f.staff[2].id]);
    assert_eq!(episode.tasks, ["show_feature", "troubleshoot"]);
    assert_eq!(episode.practice, f.practice);
    assert!(episode.follow_up && !episode.carer_proxy);
    assert_eq!(
        (episode.barriers.len(), episode.age_band.as_deref(), episode.note.as_deref()),
        (0, None, None)
    );
    assert_eq!(rows[0].id, None);
}

#[tokio::test]
async fn one_quote_before_a_formula_character_is_removed() {
    let (_db, f, lookup) = seeded().await;
    let notes = ["'-see Ben", "'=1+1", "''@x", "'quoted on purpose", "-typed by hand"];
    let file = f.file(notes.len(), |i, row| row.note = notes[i].into());
    let got: Vec<Option<String>> = read(&file, &lookup).into_iter().map(|r| r.episode.note).collect();
    let want = ["-see Ben", "=1+1", "'@x", "'quoted on purpose", "-typed by hand"];
    assert_eq!(got, want.map(|n| Some(n.to_owned())));
}

#[tokio::test]
async fn a_lookup_limits_the_practices_a_file_may_touch() {
    let (db, f, _) = seeded().await;
    let only_other = PracticeLookup::new([db.store.settings(&f.other_practice).await.expect("settings")]);
    let errors = read_episodes(f.file(1, |_, _| {}).as_bytes(), &only_other, Timestamp::now())
        .expect_err("A81001 is out of scope");
    assert_eq!(errors.errors[0].column.as_deref(), Some("practice"));
}

#[tokio::test]
async fn an_id_stored_with_other_details_is_a_conflict_naming_the_line() {
    let (db, f, _) = seeded().await;
    let id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    let file = |note: &str| {
        let mut row = f.row(0);
        row.note = note.into();
        format!("id,{HEADER}\n,{}\n{id},{}\n", f.row(1).line(), row.line())
    };
    let first =
        import_episodes(&db.store, file("first").as_bytes(), &lantern_core::audit::Actor::system("test"))
            .await
            .expect("first import");
    assert_eq!(first.created, 2);
    match import_episodes(&db.store, file("edited").as_bytes(), &lantern_core::audit::Actor::system("test"))
        .await
    {
        Err(ImportError::Store(StoreError::Conflict(message))) => {
            assert!(message.starts_with("line 3: episode"), "{message}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(common::count(&db.store).await, 2, "the conflicting file stored nothing");
}
