//! Fuzzing the guide renderer: whatever a member of staff types, the HTML that comes out runs no
//! script, loads nothing, carries no inline style and links only where it may. The checks read the
//! output HTML afresh (a small tag scanner here), never through the renderer's own filter.
//! `PROPTEST_CASES` sets how many guides are tried (`bench/fuzz` raises it).

use super::render;
use proptest::prelude::*;

/// Pieces a hostile or careless guide is made of, so random guides hit the parser's corners often.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html,hi)",
    "[x](vbscript:msgbox)",
    "[ok](https://www.nhs.uk/)",
    "[ok](/guides)",
    "[ok](mailto:a@b)",
    "![alt](http://x/y.png)",
    "<style>body{}</style>",
    "<iframe src=//evil>",
    "<svg onload=alert(1)>",
    "<!-- c -->",
    "&lt;",
    "&#x3C;script",
    "# ",
    "## ",
    "###### ",
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "```\n<script>\n```",
    "`code`",
    "> quote",
    "- item",
    "1. item",
    "**b**",
    "_i_",
    "~~s~~",
    "\n",
    "\n\n",
    "    indented",
    "[ref]: javascript:alert(1)\n[x][ref]",
    "<a href='x' style='color:red'>",
    "\u{0}",
    "\u{202e}",
    "🦀",
    "é",
    "\\",
    "*",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "\"",
];

fn guide() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => "[ -~]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

/// Each tag in `html` as (name, attributes text), read with a deliberately simple scanner.
fn tags(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let inside = &after[..end];
        let name: String =
            inside.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let attrs = inside.trim_start_matches('/')[name.len()..].to_owned();
        found.push((name.to_ascii_lowercase(), attrs));
        rest = &after[end.min(after.len())..];
    }
    found
}

/// Tags the renderer may produce: the Markdown subset guides use, nothing that loads or runs.
const ALLOWED: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
];

fn href_is_safe(attrs: &str) -> bool {
    let Some(start) = attrs.find("href=\"") else { return true };
    let value = &attrs[start + 6..];
    let value = &value[..value.find('"').unwrap_or(value.len())];
    let lower = value.to_ascii_lowercase();
    match lower.find(':') {
        Some(colon) if !lower[..colon].contains(['/', '?', '#']) => {
            ["http", "https", "mailto"].contains(&&lower[..colon])
        }
        _ => true,
    }
}

proptest! {
    #[test]
    fn rendered_guides_run_nothing_load_nothing_and_link_safely(markdown in guide()) {
        let html = render(&markdown);
        for (name, attrs) in tags(&html) {
            prop_assert!(ALLOWED.contains(&name.as_str()), "tag <{}{}> in {:?}", name, attrs, html);
            let lower = attrs.to_ascii_lowercase();
            prop_assert!(!lower.contains("style="), "inline style in {:?}", html);
            prop_assert!(!lower.split_whitespace().any(|a| a.starts_with("on")), "handler in {:?}", html);
            prop_assert!(!lower.contains("src="), "something to load in {:?}", html);
            prop_assert!(href_is_safe(&attrs), "unsafe link {:?} in {:?}", attrs, html);
        }
    }
}
