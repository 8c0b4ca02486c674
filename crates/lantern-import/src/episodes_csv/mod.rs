//! The episode CSV: how episodes are entered in bulk (from a spreadsheet kept before Lantern, or a
//! time-and-motion study), backed up, and moved between installations. One format serves all three,
//! so an export re-imports to exactly the same episodes.
//!
//! # Format
//!
//! UTF-8 (a leading byte order mark is ignored), comma-separated, RFC 4180 quoting (a cell holding a
//! comma, quote or line break is wrapped in `"`, with `"` doubled inside). Line 1 is the header row;
//! columns may come in any order; an unknown or repeated column is an error, as is a missing
//! required one. Every cell is trimmed.
//!
//! | column | required | content |
//! |---|---|---|
//! | `id` | no | episode id (UUID), empty for a new one; kept so an export re-imports as itself |
//! | `occurred_at` | yes | `2026-03-02T09:15:00Z` (RFC 3339), or UK local `2026-03-02T09:15` |
//! | `practice` | yes | ODS code, e.g. `A81001` |
//! | `helpers` | yes | staff ids, `;`-separated |
//! | `duration_minutes` | yes | whole minutes, 1 to 240 |
//! | `channel` | yes | a channel code, e.g. `desk` |
//! | `services` | yes | service codes enabled at the practice, `;`-separated |
//! | `tasks` | yes | task codes, `;`-separated |
//! | `approach` | yes | `for`, `with` or `coached` |
//! | `barriers` | no | barrier codes, `;`-separated, may be empty |
//! | `age_band` | no | `0-15` … `75+`, may be empty |
//! | `carer_proxy` | yes | `yes`/`no` (also `y`/`n`, `true`/`false`, `1`/`0`) |
//! | `outcome` | yes | an outcome code |
//! | `escalated_to` | no | staff id; required when the outcome is `escalated`, empty otherwise |
//! | `follow_up` | yes | `yes`/`no` as for `carer_proxy` |
//! | `note` | no | free text, no patient identifiers, may be empty |
//! | `offer_id` | no | the practice's support offer the help was part of, running that day; may be empty |
//!
//! UK local time may also be written with a space (`2026-03-02 09:15`); it is converted to UTC using
//! the Europe/London rules (BST in summer).
//!
//! Export writes exactly these columns in this order, times as UTC RFC 3339, booleans as `yes`/`no`,
//! CRLF line ends, oldest episode first; deleted episodes are left out.
//!
//! # Spreadsheet formulas
//!
//! A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or carriage return as a formula
//! (CSV injection), so export prefixes such a cell with a single `'` (as OWASP advises), and import
//! strips one leading `'` when what follows starts with one of those characters. A note `-see Ben`
//! is exported as `'-see Ben` and imports as `-see Ben`. So that every value round-trips, a value
//! that itself starts with quotes before such a character (`'=x`) gets one more (`''=x`).
//!
//! # Errors
//!
//! Every problem in the file is reported, up to [`MAX_REPORTED_ERRORS`], as `line N, column C:
//! reason`, where N is the line a text editor shows (header = 1; a record spanning lines because of
//! a quoted line break is numbered by its first line) and C the header name. Nothing is stored
//! unless the whole file is good.

mod cells;
mod columns;
mod errors;
mod lookup;
mod read;
mod write;

pub use cells::{neutralise, restore};
pub use columns::Column;
pub use errors::{ExportError, ImportError, ImportErrors, RowError, MAX_REPORTED_ERRORS};
pub use lookup::PracticeLookup;
pub use read::read_episodes;
pub use write::{cells as record_cells, export_episodes, EpisodeWriter, EXPORT_PAGE};

use lantern_store::{ImportSummary, Store};
use std::io::Read;

/// Reads `input` against every practice in `store` and stores it in one transaction: either every
/// episode lands or none does. Rows with an id already stored with the same details count as
/// unchanged, so importing the same export twice changes nothing.
pub async fn import_episodes<R: Read>(
    store: &Store,
    input: R,
    actor: &lantern_core::audit::Actor,
) -> Result<ImportSummary, ImportError> {
    let practices = PracticeLookup::load(store).await?;
    let rows = read_episodes(input, &practices, jiff::Timestamp::now())?;
    Ok(store.import_episodes(&rows, actor).await?)
}
