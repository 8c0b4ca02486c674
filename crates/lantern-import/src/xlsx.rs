//! Reading one worksheet of a published Excel workbook (`.xlsx`: a zip of XML parts) row by row,
//! streamed: NHS England publishes some practice-level tables only inside such workbooks. Cells come
//! back as text or numbers, as stored; a date is a number (days since 1899-12-30), see [`serial_date`].

use jiff::civil::Date;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Why a workbook could not be read as one (problems inside a table are reported by row instead).
#[derive(Debug, thiserror::Error)]
#[error("{path} is not a readable .xlsx workbook: {reason}")]
pub struct XlsxError {
    pub path: String,
    pub reason: String,
}

/// One cell as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum XlsxCell {
    Empty,
    Text(String),
    Number(f64),
}

impl XlsxCell {
    /// The cell as text ('' when empty; a number as written).
    pub fn text(&self) -> String {
        match self {
            XlsxCell::Empty => String::new(),
            XlsxCell::Text(text) => text.trim().to_owned(),
            XlsxCell::Number(n) => n.to_string(),
        }
    }
}

/// A worksheet row: its number as the spreadsheet shows it, and its cells by column (A = 0).
#[derive(Debug, Clone)]
pub struct XlsxRow {
    pub number: u64,
    pub cells: Vec<XlsxCell>,
}

impl XlsxRow {
    pub fn cell(&self, at: usize) -> &XlsxCell {
        self.cells.get(at).unwrap_or(&XlsxCell::Empty)
    }
}

/// A header cell reduced to what identifies its column: footnote marks like `[2,3]` dropped, then
/// only letters and digits, lower case (`"Rate per 1,000 Registered Patients [9, 10]"` is
/// `rateper1000registeredpatients`), so the publisher's re-punctuation between months does not matter.
pub fn header_key(header: &str) -> String {
    let mut depth = 0;
    header
        .chars()
        .filter(|c| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => return depth == 0,
            }
            false
        })
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The date an Excel serial day number stands for (1900 date system), None when it is not one.
pub fn serial_date(serial: f64) -> Option<Date> {
    if !(1.0..=2_958_465.0).contains(&serial) || serial.fract() != 0.0 {
        return None;
    }
    let epoch = Date::new(1899, 12, 30).ok()?;
    epoch.checked_add(jiff::Span::new().days(serial as i64)).ok()
}

type Archive = zip::ZipArchive<BufReader<File>>;

fn part(archive: &mut Archive, name: &str) -> Result<Option<Vec<u8>>, String> {
    let mut entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(Some(bytes))
}

fn attribute(start: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name || a.key.local_name().as_ref() == name)
        .and_then(|a| {
            quick_xml::escape::unescape(&String::from_utf8_lossy(&a.value)).ok().map(|v| v.into_owned())
        })
}

/// The worksheet part named `sheet` in the workbook, e.g. `xl/worksheets/sheet5.xml`.
fn sheet_part(archive: &mut Archive, sheet: &str) -> Result<String, String> {
    let workbook = part(archive, "xl/workbook.xml")?.ok_or("it has no xl/workbook.xml")?;
    let mut reader = Reader::from_reader(workbook.as_slice());
    let mut id = None;
    let mut names = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == b"sheet" => {
                let name = attribute(&e, b"name").unwrap_or_default();
                if name == sheet {
                    id = attribute(&e, b"r:id").or_else(|| attribute(&e, b"id"));
                }
                names.push(name);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let id = id.ok_or_else(|| format!("it has no sheet named {sheet:?} (it has {})", names.join(", ")))?;
    let rels = part(archive, "xl/_rels/workbook.xml.rels")?.ok_or("it has no xl/_rels/workbook.xml.rels")?;
    let mut reader = Reader::from_reader(rels.as_slice());
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Empty(e) | Event::Start(e) if attribute(&e, b"Id").as_deref() == Some(id.as_str()) => {
                let target = attribute(&e, b"Target").unwrap_or_default();
                return Ok(match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => return Err(format!("sheet {sheet:?} has no part")),
            _ => {}
        }
    }
}

fn shared_strings(archive: &mut Archive) -> Result<Vec<String>, String> {
    let Some(bytes) = part(archive, "xl/sharedStrings.xml")? else { return Ok(Vec::new()) };
    let mut reader = Reader::from_reader(bytes.as_slice());
    let (mut strings, mut current, mut in_text) = (Vec::new(), String::new(), false);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == b"si" => current.clear(),
            Event::End(e) if e.local_name().as_ref() == b"si" => strings.push(std::mem::take(&mut current)),
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_text = true,
            Event::End(e) if e.local_name().as_ref() == b"t" => in_text = false,
            Event::Text(t) if in_text => current.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) if in_text => push_reference(&mut current, &r),
            Event::CData(t) if in_text => current.push_str(&String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

/// Appends what an entity or character reference (`&amp;`, `&#8217;`) stands for.
fn push_reference(text: &mut String, reference: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        text.push(c);
        return;
    }
    let name = reference.decode().map(|n| n.into_owned()).unwrap_or_default();
    match name.as_str() {
        "amp" => text.push('&'),
        "lt" => text.push('<'),
        "gt" => text.push('>'),
        "quot" => text.push('"'),
        "apos" => text.push('\''),
        other => {
            text.push('&');
            text.push_str(other);
            text.push(';');
        }
    }
}

/// Column index (A = 0) of a cell reference such as `AB12`.
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference.bytes().take_while(u8::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return None;
    }
    Some(letters.iter().fold(0usize, |n, b| n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1)) - 1)
}

/// Calls `each` with every row of the worksheet named `sheet`, in order; empty rows are skipped.
pub fn for_each_row(path: &Path, sheet: &str, mut each: impl FnMut(XlsxRow)) -> Result<(), XlsxError> {
    let fail = |reason: String| XlsxError { path: path.display().to_string(), reason };
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| fail(e.to_string()))?;
    let name = sheet_part(&mut archive, sheet).map_err(fail)?;
    let strings = shared_strings(&mut archive).map_err(fail)?;
    let entry = archive.by_name(&name).map_err(|e| fail(format!("{name}: {e}")))?;
    let mut reader = Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    let mut row: Option<XlsxRow> = None;
    // The open cell: its column, type, and the text of its value so far.
    let mut cell: Option<(usize, String, String)> = None;
    let mut in_value = false;
    let mut next_row = 1u64;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| fail(format!("{name}: {e}")))?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"row" => {
                let number = attribute(&e, b"r").and_then(|r| r.parse().ok()).unwrap_or(next_row);
                next_row = number + 1;
                row = Some(XlsxRow { number, cells: Vec::new() });
            }
            Event::End(e) if e.local_name().as_ref() == b"row" => {
                if let Some(done) = row.take() {
                    if done.cells.iter().any(|c| *c != XlsxCell::Empty) {
                        each(done);
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                let at = attribute(&e, b"r").and_then(|r| column_of(&r));
                let at = at.unwrap_or_else(|| row.as_ref().map_or(0, |r| r.cells.len()));
                cell = Some((at, attribute(&e, b"t").unwrap_or_default(), String::new()));
            }
            Event::End(e) if e.local_name().as_ref() == b"c" => {
                if let (Some((at, kind, text)), Some(row)) = (cell.take(), row.as_mut()) {
                    let value = match kind.as_str() {
                        _ if text.is_empty() => XlsxCell::Empty,
                        "s" => {
                            let index: usize = text
                                .trim()
                                .parse()
                                .map_err(|_| fail(format!("{name}: shared string {text:?}")))?;
                            XlsxCell::Text(strings.get(index).cloned().unwrap_or_default())
                        }
                        "str" | "inlineStr" | "e" => XlsxCell::Text(text),
                        "b" => XlsxCell::Number(if text.trim() == "1" { 1.0 } else { 0.0 }),
                        _ => match text.trim().parse::<f64>() {
                            Ok(n) => XlsxCell::Number(n),
                            Err(_) => XlsxCell::Text(text),
                        },
                    };
                    if row.cells.len() <= at {
                        row.cells.resize(at + 1, XlsxCell::Empty);
                    }
                    row.cells[at] = value;
                }
            }
            Event::Start(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => in_value = true,
            Event::End(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => in_value = false,
            Event::Text(t) if in_value => {
                if let Some((_, _, text)) = cell.as_mut() {
                    text.push_str(&t.decode().map_err(|e| fail(format!("{name}: {e}")))?);
                }
            }
            Event::GeneralRef(r) if in_value => {
                if let Some((_, _, text)) = cell.as_mut() {
                    push_reference(text, &r);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_serial_dates() {
        assert_eq!(column_of("A15"), Some(0));
        assert_eq!(column_of("Y4481"), Some(24));
        assert_eq!(column_of("AB1"), Some(27));
        assert_eq!(column_of("15"), None);
        assert_eq!(serial_date(45931.0), Date::new(2025, 10, 1).ok());
        assert_eq!(serial_date(45931.5), None);
        assert_eq!(serial_date(0.0), None);
    }
}
