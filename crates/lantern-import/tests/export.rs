//! What an export contains: the import columns only, live episodes only, in a stable order.

mod common;

use common::{all_episodes, populate, Fixture};
use lantern_import::episodes_csv::{export_episodes, Column, EpisodeWriter};
use lantern_store::testing;
use lantern_store::EpisodeFilter;

const EXPORT_HEADER: &str =
    "id,occurred_at,practice,helpers,duration_minutes,channel,services,tasks,approach,\
barriers,age_band,carer_proxy,outcome,escalated_to,follow_up,note,offer_id\r\n";

#[tokio::test]
async fn an_empty_store_exports_the_header_alone() {
    let db = testing::sqlite().await;
    let mut out = Vec::new();
    let rows = export_episodes(&db.store, &EpisodeFilter::default(), &mut out).await.expect("export");
    assert_eq!(rows, 0);
    assert_eq!(String::from_utf8(out).expect("UTF-8"), EXPORT_HEADER);
    assert_eq!(Column::ALL.map(Column::name).join(","), EXPORT_HEADER.trim_end());
}

#[tokio::test]
async fn export_follows_the_filter_but_never_includes_deleted_episodes() {
    let db = testing::sqlite().await;
    let f = Fixture::new();
    f.seed(&db.store).await;
    let populated = populate(&db.store, &f, 40).await;

    let everything = EpisodeFilter { include_deleted: true, ..EpisodeFilter::default() };
    let mut out = Vec::new();
    let rows = export_episodes(&db.store, &everything, &mut out).await.expect("export");
    assert_eq!(rows, populated.live, "the deleted episode is left out even when the filter asks for it");

    let other = EpisodeFilter { practices: vec![f.other_practice.clone()], ..EpisodeFilter::default() };
    let mut out = Vec::new();
    let rows = export_episodes(&db.store, &other, &mut out).await.expect("export");
    assert_eq!(rows, 4, "every tenth of the 40 bulk episodes is at the other practice");
    let text = String::from_utf8(out).expect("UTF-8");
    assert_eq!(text.lines().count(), 5);
    assert!(text.lines().skip(1).all(|line| line.contains(",B82002,")), "{text}");
}

#[tokio::test]
async fn rows_are_oldest_first_and_a_page_at_a_time_writer_matches() {
    let db = testing::sqlite().await;
    let f = Fixture::new();
    f.seed(&db.store).await;
    populate(&db.store, &f, 30).await;
    let records = all_episodes(&db.store).await;
    let mut out = Vec::new();
    export_episodes(&db.store, &EpisodeFilter::default(), &mut out).await.expect("export");

    // How a web response would stream it: header, then one chunk per page.
    let mut writer = EpisodeWriter::new(Vec::new()).expect("header");
    let mut streamed = writer.take_bytes().expect("header bytes");
    assert_eq!(streamed, EXPORT_HEADER.as_bytes());
    for page in records.chunks(7) {
        for record in page {
            writer.write(record).expect("row");
        }
        streamed.extend(writer.take_bytes().expect("page bytes"));
    }
    assert_eq!(writer.rows(), records.len() as u64);
    assert!(writer.finish().expect("finish").is_empty(), "nothing left unflushed");
    assert!(streamed == out, "streaming in chunks writes the same bytes");

    let ids: Vec<String> = String::from_utf8(out)
        .expect("UTF-8")
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next().filter(|id| id.len() == 36).map(str::to_owned))
        .collect();
    let expected: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids, expected, "(occurred_at, id) order");
}
