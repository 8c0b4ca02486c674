//! The one check every free-text field a person types goes through before it is stored or audited.
//!
//! The audit trail is append-only and hash-chained: whatever reaches it cannot be cleaned out
//! afterwards. So a deletion reason, a staff name or a token name is screened exactly like an
//! episode note. Besides patient identifiers, the check refuses characters that make text say
//! something other than what it shows: control characters (a NUL, a backspace, an escape sequence)
//! and the bidirectional overrides and isolates that reorder how text is displayed.

use super::{screen, IdentifierKind};
use crate::validation::FieldError;

/// What a free-text field may hold besides plain prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeText {
    /// Line breaks and tabs are part of the text (a note, a guide), not a mistake.
    pub multi_line: bool,
    /// Kinds of identifier this field legitimately carries because they belong to the practice or a
    /// supplier, not a patient.
    pub allows: &'static [IdentifierKind],
}

impl FreeText {
    /// A name, title, label, reason or any other one-line field: no identifiers at all.
    pub const LINE: Self = Self { multi_line: false, allows: &[] };
    /// A note: several lines, no identifiers at all.
    pub const NOTE: Self = Self { multi_line: true, allows: &[] };
    /// How the practice reaches a supplier's helpdesk, which is a phone number.
    pub const HELPDESK: Self = Self { multi_line: false, allows: &[IdentifierKind::PhoneNumber] };
    /// A staff member's own sign-in name, which may be their email address.
    pub const EMAIL_ALLOWED: Self = Self { multi_line: false, allows: &[IdentifierKind::Email] };
    /// A staff guide or the practice's strategy. They carry the practice's and suppliers' phone
    /// numbers, email addresses and postcodes and dates of reviews and changes as their content, so
    /// only an NHS number — which is only ever a patient's — is refused.
    pub const DOCUMENT: Self = Self {
        multi_line: true,
        allows: &[
            IdentifierKind::PhoneNumber,
            IdentifierKind::Email,
            IdentifierKind::Postcode,
            IdentifierKind::DateOfBirth,
        ],
    };

    fn check(self, field: &str, subject: &str, text: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some((at, c)) = text.chars().enumerate().find(|&(_, c)| self.refuses_char(c)) {
            errors.push(FieldError::new(field, format!("{subject} {}", describe_char(at, c, self))));
        }
        for finding in screen(text) {
            if !self.allows.contains(&finding.kind) {
                errors.push(FieldError::new(field, format!("{subject} {}", finding.message())));
            }
        }
        errors
    }

    fn refuses_char(self, c: char) -> bool {
        let layout = matches!(c, '\n' | '\r' | '\t');
        (c.is_control() && !(self.multi_line && layout)) || is_direction_override(c)
    }
}

/// Every problem with `text` as the free-text field named `field`, under `rule`; `subject` starts
/// each message ("The note"). Empty means the text may be stored.
pub fn check_free_text(field: &str, subject: &str, text: &str, rule: FreeText) -> Vec<FieldError> {
    rule.check(field, subject, text)
}

/// The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make
/// text display in an order other than the one it is stored in ("Trojan Source").
fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn describe_char(at: usize, c: char, rule: FreeText) -> String {
    let code = u32::from(c);
    let position = at + 1;
    if is_direction_override(c) {
        format!(
            "contains a text-direction control (U+{code:04X}) at character {position}, which can disguise \
             what the text says: remove it"
        )
    } else if matches!(c, '\n' | '\r' | '\t') && !rule.multi_line {
        format!("must be one line: remove the line break or tab at character {position}")
    } else {
        format!("contains an invisible control character (U+{code:04X}) at character {position}: remove it")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(rule: FreeText, text: &str) -> Vec<String> {
        check_free_text("name", "The name", text, rule).into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn plain_text_passes_every_rule() {
        for rule in [FreeText::LINE, FreeText::NOTE, FreeText::HELPDESK, FreeText::DOCUMENT] {
            assert_eq!(messages(rule, "Asha K. \u{2013} reception, Café Row"), Vec::<String>::new());
        }
        assert_eq!(messages(FreeText::NOTE, "Line one\r\nLine two\tend"), Vec::<String>::new());
        // Joiners are part of emoji and of Persian and Indic writing: they are not refused.
        assert_eq!(messages(FreeText::LINE, "Team \u{1F468}\u{200D}\u{1F469}"), Vec::<String>::new());
    }

    #[test]
    fn control_characters_and_direction_overrides_are_refused() {
        assert_eq!(
            messages(FreeText::NOTE, "ok\u{0}then"),
            ["The name contains an invisible control character (U+0000) at character 3: remove it"]
        );
        assert_eq!(
            messages(FreeText::LINE, "Asha\u{202E}K"),
            ["The name contains a text-direction control (U+202E) at character 5, which can disguise what \
              the text says: remove it"]
        );
        assert_eq!(messages(FreeText::NOTE, "a\u{2067}b").len(), 1);
        assert_eq!(messages(FreeText::NOTE, "a\u{1B}[31mb").len(), 1);
        assert_eq!(messages(FreeText::NOTE, "a\u{85}b").len(), 1);
        assert_eq!(
            messages(FreeText::LINE, "two\nlines"),
            ["The name must be one line: remove the line break or tab at character 4"]
        );
    }

    #[test]
    fn each_rule_refuses_what_it_does_not_allow() {
        let text = "ring 07700 900123, NHS 943 476 5919";
        assert_eq!(messages(FreeText::LINE, text).len(), 2);
        assert_eq!(messages(FreeText::HELPDESK, text).len(), 1);
        assert_eq!(messages(FreeText::DOCUMENT, text).len(), 1);
        assert!(messages(FreeText::DOCUMENT, "write to it@practice.nhs.uk by 31/03/2027, M1 1AE").is_empty());
        assert_eq!(
            messages(FreeText::LINE, "NHS 943 476 5919"),
            ["The name looks like an NHS number at characters 5\u{2013}16: remove patient identifiers before saving"]
        );
    }
}
