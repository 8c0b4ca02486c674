//! Writing episodes as CSV. The writer takes one record at a time so an export of any size runs in
//! constant memory, and it writes exactly the columns import reads, so an export re-imports as is.

use super::cells::{join_list, neutralise, yes_no};
use super::columns::Column;
use super::errors::ExportError;
use lantern_core::record::{storage_time, EpisodeRecord};
use lantern_store::{EpisodeFilter, Store};
use std::io::{self, Write};
use uuid::Uuid;

/// Episodes fetched per query while exporting: big enough to keep round trips few, small enough that
/// memory stays flat whatever the size of the database.
pub const EXPORT_PAGE: i64 = 1_000;

/// A CSV writer for episodes; [`EpisodeWriter::new`] writes the header row.
pub struct EpisodeWriter<W: Write> {
    csv: csv::Writer<W>,
    rows: u64,
}

impl<W: Write> EpisodeWriter<W> {
    pub fn new(out: W) -> io::Result<Self> {
        let mut csv = csv_writer(out);
        csv.write_record(Column::ALL.map(Column::name))?;
        Ok(Self { csv, rows: 0 })
    }

    /// Writes one episode as it stands (deleted or not: filtering is the caller's business).
    pub fn write(&mut self, record: &EpisodeRecord) -> io::Result<()> {
        let cells = cells(record);
        self.csv.write_record(cells.iter().map(|cell| neutralise(cell).into_owned()))?;
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes and hands back the output.
    pub fn finish(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

impl EpisodeWriter<Vec<u8>> {
    /// The bytes written since the last call: lets a web response stream the export page by page.
    pub fn take_bytes(&mut self) -> io::Result<Vec<u8>> {
        let written = std::mem::replace(&mut self.csv, csv_writer(Vec::new()));
        written.into_inner().map_err(|e| e.into_error())
    }
}

/// RFC 4180: CRLF line ends, fields quoted only when they must be.
fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out)
}

/// The cells of one row, in [`Column::ALL`] order, before formula neutralising.
pub fn cells(record: &EpisodeRecord) -> [String; 17] {
    let e = &record.episode;
    let optional_id = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    [
        record.id.to_string(),
        storage_time(e.occurred_at),
        e.practice.to_string(),
        join_list(&e.helpers.iter().map(Uuid::to_string).collect::<Vec<_>>()),
        e.duration_minutes.to_string(),
        e.channel.clone(),
        join_list(&e.services),
        join_list(&e.tasks),
        e.approach.clone(),
        join_list(&e.barriers),
        e.age_band.clone().unwrap_or_default(),
        yes_no(e.carer_proxy).to_owned(),
        e.outcome.clone(),
        optional_id(e.escalated_to),
        yes_no(e.follow_up).to_owned(),
        e.note.clone().unwrap_or_default(),
        optional_id(e.offer_id),
    ]
}

/// Streams every episode matching `filter` to `out`, oldest first by (occurred_at, id), fetching
/// [`EXPORT_PAGE`] at a time. Deleted episodes are never exported, whatever `filter.include_deleted`
/// says: the format has no column for a deletion, so a deleted episode would come back live on import.
/// Returns the number of data rows written.
pub async fn export_episodes<W: Write>(
    store: &Store,
    filter: &EpisodeFilter,
    out: W,
) -> Result<u64, ExportError> {
    let filter = EpisodeFilter { include_deleted: false, ..filter.clone() };
    let mut writer = EpisodeWriter::new(out)?;
    let mut last: Option<EpisodeRecord> = None;
    loop {
        let page = store.episodes_after(&filter, last.as_ref(), EXPORT_PAGE).await?;
        let full = i64::try_from(page.len()).is_ok_and(|n| n >= EXPORT_PAGE);
        for record in &page {
            writer.write(record)?;
        }
        last = page.into_iter().last();
        if !full || last.is_none() {
            break;
        }
    }
    let rows = writer.rows();
    writer.finish()?.flush()?;
    Ok(rows)
}
