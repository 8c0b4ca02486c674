//! Guides are written in Markdown by practice staff, so their text is untrusted: anyone who can write a
//! guide must not be able to run script in a colleague's browser. Rendering therefore filters the
//! parser's events before they become HTML: raw HTML is shown as text, links keep only safe schemes,
//! images are replaced by their description, and nothing emits a `style` attribute (the content
//! security policy would refuse it).

use pulldown_cmark::{html, Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The guide's Markdown as HTML that is safe to place inside a page.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Filter { events: events.into_iter(), links: Vec::new(), top });
    out
}

/// Rewrites events one by one. `links` remembers, for each open link, whether it was kept, so its end
/// tag is dropped along with a dropped start; `top` is the guide's highest heading level (1 for `#`).
struct Filter<'a, I: Iterator<Item = Event<'a>>> {
    events: I,
    links: Vec<bool>,
    top: usize,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Filter<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let event = self.events.next()?;
            let rewritten = match event {
                // Markup typed into a guide is shown, never run.
                Event::Html(text) | Event::InlineHtml(text) => Event::Html(escape(&text).into()),
                Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
                Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
                // The page has the h1; a guide's own headings sit beneath it, its highest as h2, whether
                // the writer started at `#` or at `##` (the starters do), so no level is skipped.
                Event::Start(Tag::Heading { level, .. }) => Event::Start(Tag::Heading {
                    level: shifted(level, self.top),
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }),
                Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, self.top))),
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let safe = safe_destination(&dest_url);
                    self.links.push(safe);
                    if !safe {
                        continue;
                    }
                    Event::Start(Tag::Link { link_type, dest_url, title, id })
                }
                Event::End(TagEnd::Link) => {
                    if !self.links.pop().unwrap_or(false) {
                        continue;
                    }
                    Event::End(TagEnd::Link)
                }
                // An image would be fetched from wherever it points; its description is shown instead
                // (the text events between start and end are the alt text, and pass through).
                Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => continue,
                // Alignment is written as an inline style, which the content security policy refuses.
                Event::Start(Tag::Table(alignments)) => {
                    Event::Start(Tag::Table(vec![Alignment::None; alignments.len()]))
                }
                other => other,
            };
            return Some(rewritten);
        }
    }
}

/// Escapes typed markup more thoroughly than the writer escapes text: `=` and quotes too, so not even
/// the text of an attribute like `onerror=` survives into the page for a filter or a reader to trip on.
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '=' => out.push_str("&#61;"),
            other => out.push(other),
        }
    }
    out
}

fn shifted(level: HeadingLevel, top: usize) -> HeadingLevel {
    match (level as usize + 2).saturating_sub(top) {
        ..=2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Web and email links, and links within Lantern. Anything else with a scheme (`javascript:`,
/// `data:`, `vbscript:`, …) is refused. Browsers ignore whitespace and control characters inside a
/// scheme, so they are removed before the scheme is read.
fn safe_destination(dest: &CowStr<'_>) -> bool {
    let cleaned: String = dest.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(path)) if path < colon => true,
        (Some(colon), _) => {
            let scheme = cleaned[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        (None, _) => true,
    }
}

#[cfg(test)]
#[path = "markdown_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("Before\n\n<script>alert(1)</script>\n\nAfter <b onclick=x()>bold</b>");
        assert!(!html.contains("<script") && !html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;b onclick&#61;x()&gt;"), "{html}");
    }

    #[test]
    fn images_and_their_handlers_are_inert() {
        let html = render("<img src=x onerror=alert(1)>\n\nText ![a map](https://example.org/x.png) here");
        assert!(!html.contains("<img") && !html.contains("onerror="), "{html}");
        assert!(html.contains("&lt;img src&#61;x onerror&#61;alert(1)&gt;"), "{html}");
        assert!(html.contains("Text a map here"), "the description stands in: {html}");
    }

    #[test]
    fn only_safe_links_are_kept() {
        for hostile in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](javascript&#58;alert(1))",
            "[x](data:text/html,hi)",
            "<javascript:alert(1)>",
        ] {
            let html = render(hostile);
            assert!(!html.to_lowercase().contains("href=\"javascript"), "{hostile}: {html}");
            assert!(!html.contains("href=\"data:"), "{hostile}: {html}");
            assert!(!html.contains("<a"), "{hostile}: {html}");
        }
        let html = render("[NHS](https://www.nhs.uk) [mail](mailto:help@example.org) [log](/log) [x](a?b:c)");
        assert!(html.contains("href=\"https://www.nhs.uk\""), "{html}");
        assert!(html.contains("href=\"mailto:help@example.org\""), "{html}");
        assert!(html.contains("href=\"/log\"") && html.contains("href=\"a?b:c\""), "{html}");
    }

    #[test]
    fn markdown_renders_with_headings_beneath_the_page_heading() {
        let html = render("# Steps\n\n## Detail\n\n1. **Ask** for ID\n2. Check it\n\n- one\n- two");
        assert!(html.contains("<h2>Steps</h2>") && html.contains("<h3>Detail</h3>"), "{html}");
        assert!(html.contains("<ol>") && html.contains("<strong>Ask</strong>"), "{html}");
        assert!(html.contains("<ul>\n<li>one</li>"), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        let starter = render("## What this is for\n\n### Detail\n\n###### Deep");
        assert!(starter.contains("<h2>What this is for</h2>") && starter.contains("<h3>Detail</h3>"));
        assert!(starter.contains("<h6>Deep</h6>"), "{starter}");
    }

    #[test]
    fn tables_carry_no_inline_style() {
        let html = render("| a | b |\n|:--|--:|\n| 1 | 2 |");
        assert!(html.contains("<table>") && !html.contains("style="), "{html}");
    }
}
