//! Email addresses, matched pragmatically: a local part, `@`, and a dotted domain ending in a
//! name of letters. Full RFC 5322 syntax is pointless here; what matters is catching what people
//! actually type, accented letters included.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.%+'\-]+@(?:[\w\-]+\.)+\p{L}{2,}").expect("email pattern is valid"));

/// Byte spans of email addresses in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    EMAIL.find_iter(text).map(|m| m.range()).collect()
}
