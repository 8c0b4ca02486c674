//! A form field's error message, as the templates' `error("field")` asks for it.

use lantern_core::validation::FieldError;

/// The first message for `field`: forms that show one problem per field.
pub fn first<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

/// Every message for `field` as one sentence: forms where a field can fail several ways at once.
pub fn all(errors: &[FieldError], field: &str) -> Option<String> {
    let found: Vec<&str> = errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
    (!found.is_empty()).then(|| found.join(". "))
}
