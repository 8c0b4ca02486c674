//! Time-and-motion observation studies: a researcher shadows reception staff and codes what they do,
//! so the hidden work of helping patients online can be measured directly and set against what staff
//! log in Lantern.
//!
//! - [`study`]: practices, observers, dates, consent and template.
//! - [`template`]: the dimensions and categories tasks are coded on, versioned per study.
//! - [`event`], [`session`]: what the capture page records and the timeline it adds up to, idempotent
//!   by event id so offline capture can sync late or twice without counting anything twice.
//! - [`observed`]: a session closed for measuring.
//! - [`slices`], [`kappa`]: time slicing and inter-observer reliability.
//! - [`ci`], [`results`]: shares of time with confidence intervals, rates, multitasking.
//! - [`gap`]: observed help against logged episodes.

pub mod ci;
pub mod event;
pub mod gap;
pub mod kappa;
pub mod observed;
pub mod results;
pub mod session;
pub mod slices;
pub mod study;
pub mod template;
#[cfg(test)]
mod test_support;

pub use ci::{Interval, CI_METHOD};
pub use event::{Event, EventKind, SessionError, SessionInfo};
pub use gap::{logging_gap, GapError, LoggedEpisode, LoggingGap};
pub use kappa::{cohen_kappa, reliability, Agreement, DimensionAgreement, Reliability, ReliabilityError};
pub use observed::{Observed, ObservedTask};
pub use results::{summarise, CategoryShare, DimensionShares, ResultsError, Summary, MULTITASK_RULE};
pub use session::{Applied, Interruption, Note, Span, Task, Timeline};
pub use slices::{align, slice, PairedSlice, Slice, SliceLength, SLICE_RULE};
pub use study::{Study, StudyError};
pub use template::{Category, Dimension, Template, TemplateError, ValuesError, NO_TASK};
