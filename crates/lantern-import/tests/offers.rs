//! The episode CSV's optional `offer_id` column, on SQLite and PostgreSQL: a file naming the practice's
//! support offer imports with it, the export writes it back, and the export re-imports unchanged or, as
//! new episodes, with the same offer; an offer that had ended, another practice's, or an id that is no
//! offer refuses the whole file, each naming its line and the column.

mod common;

use common::{count, Fixture, HEADER};
use lantern_core::audit::Actor;
use lantern_core::offer::{Offer, OfferDraft};
use lantern_import::episodes_csv::{export_episodes, import_episodes, ImportError};
use lantern_store::testing;
use lantern_store::{EpisodeFilter, Store};

/// A drop-in at the fixture's practice for the first half of June 2025, and an offer at the other one.
async fn offers(store: &Store, f: &Fixture) -> (Offer, Offer) {
    let draft = |title: &str, ended_on: Option<&str>| OfferDraft {
        kind: "drop_in_session".into(),
        title: title.into(),
        started_on: "2025-06-01".into(),
        ended_on: ended_on.map(str::to_owned),
        run_by_name: Some("Reception team".into()),
        ..OfferDraft::default()
    };
    let actor = Actor::system("test");
    let drop_in = store
        .create_offer(&f.practice, &draft("NHS App drop-in", Some("2025-06-15")), &actor)
        .await
        .expect("offer");
    let theirs =
        store.create_offer(&f.other_practice, &draft("Hill drop-in", None), &actor).await.expect("offer");
    (drop_in, theirs)
}

/// The fixture's rows `0..n` (1 to `n` June 2025) with an `offer_id` cell from `offer_of`.
fn file(f: &Fixture, n: usize, offer_of: impl Fn(usize) -> String) -> String {
    let mut out = format!("{HEADER},offer_id\n");
    for i in 0..n {
        out.push_str(&format!("{},{}\n", f.row(i).line(), offer_of(i)));
    }
    out
}

async fn export(store: &Store) -> String {
    let mut out = Vec::new();
    export_episodes(store, &EpisodeFilter::default(), &mut out).await.expect("export");
    String::from_utf8(out).expect("UTF-8")
}

/// The export with every `id` cell emptied: the same help, as new episodes.
fn without_ids(exported: &str) -> String {
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers().expect("header")).expect("write");
    for record in reader.records() {
        let record = record.expect("row");
        let cells: Vec<&str> = record.iter().enumerate().map(|(i, c)| if i == 0 { "" } else { c }).collect();
        writer.write_record(cells).expect("write");
    }
    String::from_utf8(writer.into_inner().expect("flush")).expect("UTF-8")
}

async fn offer_column_round_trips_and_bad_offers_refuse_the_file(store: &Store) {
    let f = Fixture::new();
    f.seed(store).await;
    let (drop_in, theirs) = offers(store, &f).await;
    let actor = Actor::system("test");

    // An offer that had ended, another practice's, and an id that is no offer: all refused, by line.
    let bad = file(&f, 6, |i| match i {
        1 => drop_in.id.to_string(),
        2 => theirs.id.to_string(),
        3 => "drop-in".into(),
        _ => String::new(),
    });
    let bad = bad.replace("2025-06-02T", "2025-06-20T");
    let errors = match import_episodes(store, bad.as_bytes(), &actor).await {
        Err(ImportError::Invalid(errors)) => errors,
        other => panic!("expected the file refused, got {other:?}"),
    };
    let at = |line: u64| -> Vec<String> {
        errors
            .iter()
            .filter(|e| e.line == line && e.column.as_deref() == Some("offer_id"))
            .map(|e| e.message.clone())
            .collect()
    };
    assert!(at(3)[0].contains("NHS App drop-in\u{201d} ran from 1 June 2025 to 15 June 2025"), "{errors}");
    assert_eq!(at(4), [format!("No support offer {} at practice {}", theirs.id, f.practice)], "{errors}");
    assert_eq!(at(5), ["\"drop-in\" is not a support offer id"], "{errors}");
    assert_eq!(errors.total(), 3, "{errors}");
    assert_eq!(count(store).await, 0, "nothing stored from a refused file");

    // Rows 0, 2 and 4 name the drop-in; a file without the column still imports.
    let good = file(&f, 6, |i| if i % 2 == 0 { drop_in.id.to_string() } else { String::new() });
    let summary = import_episodes(store, good.as_bytes(), &actor).await.expect("import");
    assert_eq!(summary.created, 6);
    let plain = format!("{HEADER}\n{}\n", f.row(7).line());
    assert_eq!(import_episodes(store, plain.as_bytes(), &actor).await.expect("import").created, 1);
    // The fixture's rows take 1 + i % 30 minutes.
    let minutes: i64 = [0_i64, 2, 4].iter().map(|i| 1 + i % 30).sum();
    let help = store.offer_help(drop_in.id, None).await.expect("help");
    assert_eq!((help.episodes, help.minutes), (3, minutes));

    // The export carries the column; it re-imports unchanged, and as new episodes keeps the offer.
    let exported = export(store).await;
    assert!(exported.starts_with("id,") && exported.contains(",note,offer_id\r\n"), "{exported}");
    assert_eq!(exported.matches(&drop_in.id.to_string()).count(), 3);
    let again = import_episodes(store, exported.as_bytes(), &actor).await.expect("re-import");
    assert_eq!((again.created, again.unchanged), (0, 7));
    let copied = import_episodes(store, without_ids(&exported).as_bytes(), &actor).await.expect("copy");
    assert_eq!(copied.created, 7);
    let help = store.offer_help(drop_in.id, None).await.expect("help");
    assert_eq!((help.episodes, help.minutes), (6, 2 * minutes));
}

#[tokio::test]
async fn sqlite_offer_column() {
    offer_column_round_trips_and_bad_offers_refuse_the_file(&testing::sqlite().await.store).await;
}

#[tokio::test]
async fn postgres_offer_column() {
    let Some(db) = testing::postgres().await else { return };
    offer_column_round_trips_and_bad_offers_refuse_the_file(&db.store).await;
}
