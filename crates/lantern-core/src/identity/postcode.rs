//! UK postcodes, in any case and with or without the space (or any one separator the shadow text
//! left: "SW1A-1AA", "SW1A.1AA").
//!
//! The pattern follows the Royal Mail format (outward code, then a digit and two letters) with its
//! letter restrictions — no Q, V or X first, no I, J or Z second, and none of C, I, K, M, O, V in the
//! inward code. Those restrictions are what let "B12 2mg" or ODS codes like "A81001" through.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi-u)
        \b
        (?:
            GIR [\ ._/-]? 0AA
          | (?:
                [A-PR-UWYZ] [0-9] [0-9]?              # M1, B33
              | [A-PR-UWYZ] [A-HK-Y] [0-9] [0-9]?     # CR2, DN55
              | [A-PR-UWYZ] [0-9] [A-HJKPSTUW]        # W1A
              | [A-PR-UWYZ] [A-HK-Y] [0-9] [ABEHMNPRVWXY]  # SW1A, EC1A
            )
            [\ ._/-]?
            [0-9] [ABD-HJLNP-UW-Z]{2}
        )
        \b",
    )
    .expect("postcode pattern is valid")
});

/// Byte spans of postcodes in `text`.
pub(super) fn find(text: &str) -> Vec<Range<usize>> {
    POSTCODE.find_iter(text).map(|m| m.range()).collect()
}
