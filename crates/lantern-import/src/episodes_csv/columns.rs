//! The columns of the episode CSV and the header row that maps them to positions. Import accepts the
//! columns in any order (people rearrange spreadsheets); export always writes them in [`Column::ALL`]
//! order so two exports of the same data are byte-identical.

use super::errors::{ImportErrors, RowError};
use csv::ByteRecord;

/// One column. Its header name is also the name [`lantern_core::episode::EpisodeInput`] validation
/// uses for the field, so a validation error maps to a column without translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    OccurredAt,
    Practice,
    Helpers,
    DurationMinutes,
    Channel,
    Services,
    Tasks,
    Approach,
    Barriers,
    AgeBand,
    CarerProxy,
    Outcome,
    EscalatedTo,
    FollowUp,
    Note,
    OfferId,
}

impl Column {
    /// Every column, in export order.
    pub const ALL: [Column; 17] = [
        Self::Id,
        Self::OccurredAt,
        Self::Practice,
        Self::Helpers,
        Self::DurationMinutes,
        Self::Channel,
        Self::Services,
        Self::Tasks,
        Self::Approach,
        Self::Barriers,
        Self::AgeBand,
        Self::CarerProxy,
        Self::Outcome,
        Self::EscalatedTo,
        Self::FollowUp,
        Self::Note,
        // Last, so files written before episodes named an offer keep their columns where they were.
        Self::OfferId,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::OccurredAt => "occurred_at",
            Self::Practice => "practice",
            Self::Helpers => "helpers",
            Self::DurationMinutes => "duration_minutes",
            Self::Channel => "channel",
            Self::Services => "services",
            Self::Tasks => "tasks",
            Self::Approach => "approach",
            Self::Barriers => "barriers",
            Self::AgeBand => "age_band",
            Self::CarerProxy => "carer_proxy",
            Self::Outcome => "outcome",
            Self::EscalatedTo => "escalated_to",
            Self::FollowUp => "follow_up",
            Self::Note => "note",
            Self::OfferId => "offer_id",
        }
    }

    /// Whether the header must include the column. The optional ones are those whose every cell may be
    /// empty, so a file without them means the same as a file with them left blank.
    pub fn required(self) -> bool {
        !matches!(
            self,
            Self::Id | Self::Barriers | Self::AgeBand | Self::EscalatedTo | Self::Note | Self::OfferId
        )
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Where each column is in the file.
#[derive(Debug, Clone)]
pub struct Header {
    positions: [Option<usize>; Column::ALL.len()],
    width: usize,
}

impl Header {
    /// Reads the header row (line 1), reporting every unknown, duplicated or missing column at once.
    pub fn parse(record: &ByteRecord) -> Result<Self, ImportErrors> {
        let mut positions = [None; Column::ALL.len()];
        let mut errors = ImportErrors::default();
        for (index, raw) in record.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(raw) else {
                errors.push(RowError::new(
                    1,
                    None,
                    "The header row is not UTF-8 text; save the file as UTF-8",
                ));
                return Err(errors);
            };
            // Spreadsheets saving "CSV UTF-8" start the file with a byte order mark.
            let name = if index == 0 { name.trim_start_matches('\u{feff}') } else { name }.trim();
            match Column::from_name(name) {
                Some(column) => match positions[column as usize] {
                    None => positions[column as usize] = Some(index),
                    Some(_) => {
                        errors.push(RowError::new(1, Some(name), "This column appears more than once"))
                    }
                },
                None => errors.push(RowError::new(
                    1,
                    Some(name),
                    format!("Unknown column; the columns are {}", Column::ALL.map(Column::name).join(", ")),
                )),
            }
        }
        for column in Column::ALL.into_iter().filter(|c| c.required() && positions[*c as usize].is_none()) {
            errors.push(RowError::new(1, Some(column.name()), "This required column is missing"));
        }
        if errors.is_empty() {
            Ok(Self { positions, width: record.len() })
        } else {
            Err(errors)
        }
    }

    /// How many fields every row must have.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Where the column is, if the file has it.
    pub fn position(&self, column: Column) -> Option<usize> {
        self.positions[column as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Result<Header, ImportErrors> {
        Header::parse(&ByteRecord::from(names.to_vec()))
    }

    #[test]
    fn export_order_is_accepted() {
        let names: Vec<_> = Column::ALL.iter().map(|c| c.name()).collect();
        let parsed = header(&names).expect("the export header is valid");
        assert_eq!(parsed.width(), 17);
        assert_eq!(parsed.position(Column::Note), Some(15));
        assert_eq!(parsed.position(Column::OfferId), Some(16));
    }

    #[test]
    fn optional_columns_may_be_left_out_and_order_is_free() {
        let required: Vec<_> = Column::ALL.iter().rev().filter(|c| c.required()).map(|c| c.name()).collect();
        let parsed = header(&required).expect("required columns suffice");
        assert_eq!(parsed.position(Column::Id), None);
        assert_eq!(parsed.position(Column::FollowUp), Some(0));
    }

    #[test]
    fn byte_order_mark_and_spaces_are_ignored() {
        let mut names: Vec<String> = Column::ALL.iter().map(|c| format!(" {} ", c.name())).collect();
        names[0] = format!("\u{feff}{}", Column::ALL[0].name());
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        assert!(header(&refs).is_ok());
    }

    #[test]
    fn unknown_duplicate_and_missing_columns_are_all_reported() {
        let errors = header(&["id", "id", "colour", "practice"]).expect_err("bad header");
        let text = errors.to_string();
        assert!(text.contains("line 1, column id: This column appears more than once"), "{text}");
        assert!(
            text.contains("line 1, column colour: Unknown column; the columns are id, occurred_at,"),
            "{text}"
        );
        assert!(text.contains("line 1, column occurred_at: This required column is missing"), "{text}");
        assert!(text.contains("line 1, column follow_up: This required column is missing"), "{text}");
        assert!(!text.contains("column practice:"), "{text}");
        assert!(!text.contains("column note:"), "{text}");
    }
}
