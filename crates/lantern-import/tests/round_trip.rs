//! Export then import reproduces the episodes exactly, on both backends and across them, and
//! importing the same file again changes nothing.

mod common;

use common::{all_episodes, count, populate, Fixture, AWKWARD_NOTES};
use lantern_import::episodes_csv::{export_episodes, import_episodes};
use lantern_store::testing;
use lantern_store::{EpisodeFilter, Store};

async fn export(store: &Store) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let rows = export_episodes(store, &EpisodeFilter::default(), &mut out).await.expect("export");
    (out, rows)
}

/// Tests 3, 4 and 5 of the brief in one walk, since each needs the previous one's state.
async fn round_trip(source: &Store, fresh: &Store) {
    let f = Fixture::new();
    f.seed(source).await;
    // 2,100 bulk episodes cross two page boundaries of the exporter.
    let populated = populate(source, &f, 2_100).await;
    let (first, rows) = export(source).await;
    assert_eq!(rows, populated.live, "every live episode and no deleted one");
    check_formulas_are_neutralised(&first);

    f.seed(fresh).await;
    let summary = import_episodes(fresh, &first[..], &lantern_core::audit::Actor::system("test"))
        .await
        .expect("import the export");
    assert_eq!((summary.created, summary.unchanged), (populated.live, 0));
    let before = all_episodes(source).await;
    let after = all_episodes(fresh).await;
    assert_eq!(after.len(), before.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!((a.id, &a.episode), (b.id, &b.episode));
    }
    let notes: Vec<_> = after.iter().filter_map(|r| r.episode.note.as_deref()).collect();
    for note in AWKWARD_NOTES {
        assert!(notes.contains(&note), "{note:?} survived the round trip");
    }
    let (second, _) = export(fresh).await;
    assert!(first == second, "the re-imported database exports byte for byte the same");

    let stored = count(fresh).await;
    let again = import_episodes(fresh, &first[..], &lantern_core::audit::Actor::system("test"))
        .await
        .expect("import again");
    assert_eq!((again.created, again.unchanged), (0, populated.live));
    assert_eq!(count(fresh).await, stored);
    assert!(export(fresh).await.0 == first);
    let home = import_episodes(source, &first[..], &lantern_core::audit::Actor::system("test"))
        .await
        .expect("import into the source");
    assert_eq!((home.created, home.unchanged), (0, populated.live));
}

/// The notes are followed by the empty `offer_id` cell, the last column.
fn check_formulas_are_neutralised(exported: &[u8]) {
    let text = std::str::from_utf8(exported).expect("UTF-8");
    for expected in [
        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"",
        ",'-5 mins on hold first,\r\n",
        ",'@x,\r\n",
        ",'+ another visit booked,\r\n",
        ",''=already quoted by hand,\r\n",
    ] {
        assert!(text.contains(expected), "export contains {expected:?}");
    }
    let mut reader = csv::Reader::from_reader(exported);
    for record in reader.records() {
        let record = record.expect("export parses as CSV");
        for cell in &record {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} would run as a formula");
        }
    }
}

#[tokio::test]
async fn sqlite_round_trip() {
    round_trip(&testing::sqlite().await.store, &testing::sqlite().await.store).await;
}

#[tokio::test]
async fn postgres_round_trip() {
    let (Some(source), Some(fresh)) = (testing::postgres().await, testing::postgres().await) else { return };
    round_trip(&source.store, &fresh.store).await;
}

#[tokio::test]
async fn sqlite_to_postgres_round_trip() {
    let Some(fresh) = testing::postgres().await else { return };
    round_trip(&testing::sqlite().await.store, &fresh.store).await;
}
