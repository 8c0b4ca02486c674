//! A bad file is refused as a whole, with every problem named by line and column.

mod common;

use common::{count, Fixture, HEADER};
use lantern_import::episodes_csv::{import_episodes, ImportError, ImportErrors, RowError};
use lantern_store::testing;
use lantern_store::Store;

async fn seeded() -> (testing::TestDatabase, Fixture) {
    let db = testing::sqlite().await;
    let fixture = Fixture::new();
    fixture.seed(&db.store).await;
    (db, fixture)
}

/// Imports `file`, expecting it refused for its content; checks nothing was stored.
async fn refused(store: &Store, file: impl AsRef<[u8]>) -> ImportErrors {
    match import_episodes(store, file.as_ref(), &lantern_core::audit::Actor::system("test")).await {
        Err(ImportError::Invalid(errors)) => {
            assert_eq!(count(store).await, 0, "nothing may be stored from a refused file");
            errors
        }
        other => panic!("expected the file to be refused, got {other:?}"),
    }
}

fn at(errors: &ImportErrors, line: u64, column: &str) -> Vec<String> {
    errors
        .iter()
        .filter(|e| e.line == line && e.column.as_deref() == Some(column))
        .map(|e| e.message.clone())
        .collect()
}

#[tokio::test]
async fn one_bad_row_in_a_thousand_refuses_the_whole_file() {
    let (db, f) = seeded().await;
    let file = f.file(1_000, |i, row| {
        if i == 499 {
            row.duration_minutes = "0".into();
        }
    });
    let errors = refused(&db.store, &file).await;
    assert_eq!(errors.errors.len(), 1, "{errors}");
    assert_eq!(errors.not_shown, 0);
    let error = &errors.errors[0];
    assert_eq!((error.line, error.column.as_deref()), (501, Some("duration_minutes")));
    assert!(
        error
            .to_string()
            .starts_with("line 501, column duration_minutes: Duration must be between 1 and 240"),
        "{error}"
    );

    let fixed = f.file(1_000, |_, _| {});
    let summary = import_episodes(&db.store, fixed.as_bytes(), &lantern_core::audit::Actor::system("test"))
        .await
        .expect("valid file imports");
    assert_eq!((summary.created, summary.unchanged), (1_000, 0));
    assert_eq!(count(&db.store).await, 1_000);
}

#[tokio::test]
async fn every_bad_row_and_cell_is_reported_in_file_order() {
    let (db, f) = seeded().await;
    let file = f.file(12, |i, row| match i {
        1 => row.channel = "carrier_pigeon".into(),
        5 => {
            row.duration_minutes = "ten".into();
            row.approach = String::new();
            row.carer_proxy = "maybe".into();
        }
        8 => {
            row.outcome = "escalated".into();
            row.follow_up = String::new();
        }
        10 => row.helpers = f.other_staff.id.to_string(),
        11 => row.occurred_at = "yesterday".into(),
        _ => {}
    });
    let errors = refused(&db.store, &file).await;
    assert!(at(&errors, 3, "channel")[0].contains("\"carrier_pigeon\" is not a channel"), "{errors}");
    assert_eq!(at(&errors, 7, "duration_minutes"), ["\"ten\" is not a whole number of minutes"]);
    assert_eq!(at(&errors, 7, "approach"), ["Choose an approach"]);
    assert_eq!(at(&errors, 7, "carer_proxy"), ["\"maybe\" is not yes or no"]);
    assert_eq!(at(&errors, 10, "escalated_to"), ["Choose who the episode was escalated to"]);
    assert_eq!(at(&errors, 10, "follow_up"), ["Enter yes or no"]);
    assert!(at(&errors, 12, "helpers")[0].starts_with("No staff member"), "{errors}");
    assert!(at(&errors, 13, "occurred_at")[0].contains("is not a date and time"), "{errors}");
    assert_eq!(errors.errors.len(), 8, "{errors}");
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "file order: {lines:?}");
}

#[tokio::test]
async fn unknown_and_missing_columns_are_reported_on_line_one() {
    let (db, f) = seeded().await;
    let header = HEADER.replace("channel,", "").replace(",note", ",notes,colour");
    let body: String = f.file(2, |_, _| {}).lines().skip(1).map(|l| format!("{l}\n")).collect();
    let errors = refused(&db.store, &format!("{header}\n{body}")).await;
    let text = errors.to_string();
    assert!(text.contains("line 1, column notes: Unknown column; the columns are id, occurred_at"), "{text}");
    assert!(text.contains("line 1, column colour: Unknown column"), "{text}");
    assert!(text.contains("line 1, column channel: This required column is missing"), "{text}");
    assert!(errors.iter().all(|e| e.line == 1), "rows are not read under a bad header: {text}");
}

#[tokio::test]
async fn malformed_files_name_the_line() {
    let (db, f) = seeded().await;
    let mut file = f.file(4, |_, _| {}).into_bytes();
    // Line 3 loses its last field; line 5 gets a Latin-1 "é" in its note.
    let text = String::from_utf8(file.clone()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let short = lines[2].rsplit_once(',').expect("has fields").0.to_owned();
    file = format!("{}\n{}\n{short}\n{}\n", lines[0], lines[1], lines[3]).into_bytes();
    file.extend_from_slice(lines[4].as_bytes());
    file.extend_from_slice(b" caf\xe9\n");
    let errors = refused(&db.store, &file).await;
    assert_eq!(
        errors.errors,
        [
            RowError::new(
                3,
                None,
                "This row has 14 fields but the header has 15; \
                 look for a missing or extra comma or an unclosed quote"
            ),
            RowError::new(5, Some("note"), "This cell is not UTF-8 text; save the file as UTF-8"),
        ]
    );
}

#[tokio::test]
async fn ids_must_be_well_formed_and_unique() {
    let (db, f) = seeded().await;
    let id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    let mut file = format!("id,{HEADER}\n");
    for (i, row_id) in [id, "not-a-uuid", "", id].iter().enumerate() {
        file.push_str(&format!("{row_id},{}\n", f.row(i).line()));
    }
    let errors = refused(&db.store, &file).await;
    assert_eq!(
        at(&errors, 3, "id"),
        ["\"not-a-uuid\" is not an episode id; leave it empty for a new episode"]
    );
    assert_eq!(at(&errors, 5, "id"), [format!("Episode {id} is also on line 2; each id may appear once")]);
    assert_eq!(errors.errors.len(), 2, "{errors}");
}

#[tokio::test]
async fn rows_for_unknown_practices_are_refused() {
    let (db, f) = seeded().await;
    let file = f.file(3, |i, row| match i {
        0 => row.practice = "Z99999".into(),
        1 => row.practice = "A8-1001".into(),
        _ => {}
    });
    let errors = refused(&db.store, &file).await;
    assert_eq!(
        at(&errors, 2, "practice"),
        ["Practice Z99999 is not in Lantern, or not one you may import into"]
    );
    assert!(at(&errors, 3, "practice")[0].contains("is not an ODS code"), "{errors}");
    assert_eq!(errors.errors.len(), 2, "{errors}");
}

#[tokio::test]
async fn a_note_with_an_nhs_number_is_refused() {
    let (db, f) = seeded().await;
    let file = f.file(3, |i, row| {
        if i == 1 {
            row.note = "Patient NHS 943 476 5919 could not log in".into();
        }
    });
    let errors = refused(&db.store, &file).await;
    let messages = at(&errors, 3, "note");
    assert_eq!(messages.len(), 1, "{errors}");
    assert!(messages[0].contains("looks like an NHS number"), "{}", messages[0]);
}

#[tokio::test]
async fn disguised_identifiers_and_control_characters_in_notes_are_refused() {
    let (db, f) = seeded().await;
    let notes = [
        "Patient 943\u{200B}476\u{00AD}5919 could not log in",
        "Patient \u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19}",
        "Patient \u{669}\u{664}\u{663}\u{2013}\u{664}\u{667}\u{666}\u{2013}\u{665}\u{669}\u{661}\u{669}",
        "Ring 0044 7700 900123",
        "Email jo\u{FF20}example.com",
        "Lives at SW1A\u{200B}1AA",
        "Born 01021960",
        "Bad\u{0}byte",
        "Asha\u{202E}K",
    ];
    let file = f.file(notes.len() + 1, |i, row| {
        if let Some(note) = i.checked_sub(1).and_then(|n| notes.get(n)) {
            row.note = (*note).to_owned();
        }
    });
    let errors = refused(&db.store, &file).await;
    for (n, note) in notes.iter().enumerate() {
        // The header is line 1 and the untouched first row line 2.
        let messages = at(&errors, u64::try_from(n + 3).unwrap_or_default(), "note");
        assert_eq!(messages.len(), 1, "{note:?}: {errors}");
    }
    assert_eq!(errors.errors.len(), notes.len(), "{errors}");
}

#[tokio::test]
async fn a_thousand_problems_are_listed_and_the_rest_counted() {
    let (db, f) = seeded().await;
    let file = f.file(1_200, |_, row| row.channel = "fax".into());
    let errors = refused(&db.store, &file).await;
    assert_eq!(errors.errors.len(), 1_000);
    assert_eq!(errors.not_shown, 200);
    let text = errors.to_string();
    assert!(
        text.starts_with("line 2, column channel: \"fax\" is not a channel; choose one of desk,"),
        "{text}"
    );
    assert!(text.ends_with(
        "\nline 1001, column channel: \"fax\" is not a channel; choose one of desk, \
         telephone, appointment, group, kiosk, home_visit, screen_share\n... and 200 more"
    ));
}

#[tokio::test]
async fn an_empty_file_is_refused_and_a_header_alone_imports_nothing() {
    let (db, _) = seeded().await;
    let errors = refused(&db.store, "").await;
    assert_eq!(errors.to_string(), "line 1: The file is empty; line 1 must be the header row");
    let summary = import_episodes(
        &db.store,
        format!("{HEADER}\r\n").as_bytes(),
        &lantern_core::audit::Actor::system("test"),
    )
    .await
    .expect("header only");
    assert_eq!((summary.created, summary.unchanged), (0, 0));
}
