//! Reading a whole file into validated rows. Every row is checked even after the first bad one, so a
//! person fixing a spreadsheet sees every problem in one go instead of one per attempt; nothing is
//! returned for storing unless the whole file is good.

use super::cells::{parse_yes_no, restore, split_list};
use super::columns::{Column, Header};
use super::errors::{ImportErrors, RowError};
use super::lookup::PracticeLookup;
use crate::lines::{start_line, LineTracker};
use csv::ByteRecord;
use jiff::Timestamp;
use lantern_core::episode::{Episode, EpisodeInput, PracticeContext};
use lantern_core::ods::OdsCode;
use lantern_store::ImportRow;
use std::collections::hash_map::{Entry, HashMap};
use std::io::Read;
use uuid::Uuid;

/// Parses and validates a whole CSV file, returning rows ready for
/// [`lantern_store::Store::import_episodes`], or every problem found (see [`super`] for the format).
pub fn read_episodes<R: Read>(
    input: R,
    practices: &PracticeLookup,
    now: Timestamp,
) -> Result<Vec<ImportRow>, ImportErrors> {
    // Headers and field counts are checked here rather than by the csv crate, so that every problem
    // is reported with its line and reading carries on past it.
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(LineTracker::new(input));
    let mut record = ByteRecord::new();
    let header = match reader.read_byte_record(&mut record) {
        Ok(true) => Header::parse(&record)?,
        Ok(false) => {
            return Err(ImportErrors::single(1, None, "The file is empty; line 1 must be the header row"))
        }
        Err(e) => return Err(ImportErrors::single(1, None, format!("Could not read the file: {e}"))),
    };
    let mut errors = ImportErrors::default();
    let mut rows = Vec::new();
    let mut first_line_of_id: HashMap<Uuid, u64> = HashMap::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = start_line(&mut reader, &record);
                let (id, parsed) = parse_row(&header, &record, line, practices, now);
                if let Some(id) = id {
                    match first_line_of_id.entry(id) {
                        Entry::Vacant(entry) => {
                            entry.insert(line);
                        }
                        Entry::Occupied(first) => errors.push(RowError::new(
                            line,
                            Some(Column::Id.name()),
                            format!("Episode {id} is also on line {}; each id may appear once", first.get()),
                        )),
                    }
                }
                match parsed {
                    Ok(episode) if errors.is_empty() => rows.push(ImportRow { line, id, episode }),
                    Ok(_) => {}
                    Err(row_errors) => row_errors.into_iter().for_each(|e| errors.push(e)),
                }
            }
            Err(e) => {
                let line = reader.position().line();
                errors.push(RowError::new(line, None, format!("Could not read the file: {e}")));
                break;
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// One data row: its id (when present and well formed, so duplicates can be found even in a row with
/// other problems) and the validated episode or the row's problems.
fn parse_row(
    header: &Header,
    record: &ByteRecord,
    line: u64,
    practices: &PracticeLookup,
    now: Timestamp,
) -> (Option<Uuid>, Result<Episode, Vec<RowError>>) {
    if record.len() != header.width() {
        let message = format!(
            "This row has {} fields but the header has {}; {}",
            record.len(),
            header.width(),
            "look for a missing or extra comma or an unclosed quote"
        );
        return (None, Err(vec![RowError::new(line, None, message)]));
    }
    let mut cells = Cells { header, record, line, errors: Vec::new(), unreadable: Vec::new() };
    let id = cells.id();
    let input = cells.episode_input();
    match OdsCode::parse(&input.practice) {
        Err(_) if cells.is_unreadable(Column::Practice.name()) => {}
        Err(e) => cells.fail(Column::Practice.name(), e.to_string()),
        Ok(code) => match practices.get(&code) {
            None => cells.fail(
                Column::Practice.name(),
                format!("Practice {code} is not in Lantern, or not one you may import into"),
            ),
            Some(settings) => {
                let ctx = PracticeContext {
                    practice: &settings.practice.ods_code,
                    services: &settings.services,
                    staff: &settings.staff,
                    offers: &settings.offers,
                    now,
                };
                // A file records help already given: leavers and services since switched off stay valid.
                match input.validate_past(&ctx) {
                    Ok(episode) if cells.errors.is_empty() => return (id, Ok(episode)),
                    Ok(_) => {}
                    Err(invalid) => {
                        for error in invalid.0 {
                            // A cell that could not be read already has its own, more precise error.
                            if !cells.is_unreadable(&error.field) {
                                cells.fail(&error.field, error.message);
                            }
                        }
                    }
                }
            }
        },
    }
    (id, Err(cells.errors))
}

/// The cells of one row, collecting the problems met while reading them.
struct Cells<'r> {
    header: &'r Header,
    record: &'r ByteRecord,
    line: u64,
    errors: Vec<RowError>,
    /// Columns whose cell could not be turned into a value; validation's view of them is moot.
    unreadable: Vec<String>,
}

impl<'r> Cells<'r> {
    fn is_unreadable(&self, column: &str) -> bool {
        self.unreadable.iter().any(|c| c == column)
    }

    fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.errors.push(RowError::new(self.line, Some(column), message));
        if !self.is_unreadable(column) {
            self.unreadable.push(column.to_owned());
        }
    }

    /// The cell's text, trimmed and with formula neutralising undone; empty when the file has no such
    /// column or the cell is not UTF-8 (which is reported).
    fn text(&mut self, column: Column) -> &'r str {
        let record: &'r ByteRecord = self.record;
        let Some(raw) = self.header.position(column).and_then(|i| record.get(i)) else { return "" };
        match std::str::from_utf8(raw) {
            Ok(text) => restore(text.trim()),
            Err(_) => {
                self.fail(column.name(), "This cell is not UTF-8 text; save the file as UTF-8");
                ""
            }
        }
    }

    fn optional(&mut self, column: Column) -> Option<String> {
        Some(self.text(column)).filter(|t| !t.is_empty()).map(str::to_owned)
    }

    fn list(&mut self, column: Column) -> Vec<String> {
        split_list(self.text(column))
    }

    fn id(&mut self) -> Option<Uuid> {
        let raw = self.text(Column::Id);
        if raw.is_empty() {
            return None;
        }
        let id = Uuid::parse_str(raw).ok();
        if id.is_none() {
            self.fail(
                Column::Id.name(),
                format!("{raw:?} is not an episode id; leave it empty for a new episode"),
            );
        }
        id
    }

    fn yes_no(&mut self, column: Column) -> bool {
        let raw = self.text(column);
        parse_yes_no(raw).unwrap_or_else(|message| {
            self.fail(column.name(), message);
            false
        })
    }

    fn episode_input(&mut self) -> EpisodeInput {
        // Validation reads a missing time as "now", right for a form but not for a file of past help.
        let occurred_at = self.optional(Column::OccurredAt);
        if occurred_at.is_none() && !self.is_unreadable(Column::OccurredAt.name()) {
            self.fail(Column::OccurredAt.name(), "Enter when the help happened, like 2026-03-02T09:15");
        }
        let duration = self.text(Column::DurationMinutes);
        let duration_minutes = match duration {
            "" => None,
            raw => raw.parse::<i64>().map_or_else(
                |_| {
                    self.fail(
                        Column::DurationMinutes.name(),
                        format!("{raw:?} is not a whole number of minutes"),
                    );
                    None
                },
                Some,
            ),
        };
        EpisodeInput {
            occurred_at,
            practice: self.text(Column::Practice).to_owned(),
            helpers: self.list(Column::Helpers),
            duration_minutes,
            channel: self.text(Column::Channel).to_owned(),
            services: self.list(Column::Services),
            tasks: self.list(Column::Tasks),
            approach: self.text(Column::Approach).to_owned(),
            barriers: self.list(Column::Barriers),
            age_band: self.optional(Column::AgeBand),
            carer_proxy: self.yes_no(Column::CarerProxy),
            outcome: self.text(Column::Outcome).to_owned(),
            escalated_to: self.optional(Column::EscalatedTo),
            follow_up: self.yes_no(Column::FollowUp),
            note: self.optional(Column::Note),
            offer_id: self.optional(Column::OfferId),
        }
    }
}
