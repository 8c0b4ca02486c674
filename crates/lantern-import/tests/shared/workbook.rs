//! Published workbooks (.xlsx) taken apart without a spreadsheet reader, so a test can check an
//! importer against the worksheet's own XML and spoil one sheet to see damage refused.

use super::fixture;
use std::io::{Read, Write};

/// The workbook fixture's parts, by name, in order.
pub fn parts(name: &str) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(fixture(name)).expect("fixture");
    let mut archive = zip::ZipArchive::new(file).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read");
            (entry.name().to_owned(), bytes)
        })
        .collect()
}

/// The values of `column` in `sheet` from row `first_row` on, by scanning the worksheet's XML text
/// for `<c r="L…"…><v>…</v>`; empty cells are left out.
pub fn column_values(name: &str, sheet: &str, column: char, first_row: u64) -> Vec<i64> {
    let bytes = parts(name).into_iter().find(|(n, _)| n == sheet).expect("the sheet").1;
    let xml = String::from_utf8(bytes).expect("UTF-8");
    let mut values = Vec::new();
    for cell in xml.split(&format!("<c r=\"{column}")).skip(1) {
        let row: u64 =
            cell.chars().take_while(char::is_ascii_digit).collect::<String>().parse().expect("row");
        let tag_end = cell.find('>').expect("a tag");
        if row < first_row || cell[..tag_end].ends_with('/') {
            continue; // titles, or an empty cell
        }
        let (_, rest) = cell[tag_end..].split_once("<v>").expect("a value");
        values.push(rest.split('<').next().unwrap_or_default().parse::<i64>().expect("a whole number"));
    }
    values
}

/// The workbook fixture `name` with `sheet`'s XML changed by `spoil`, every other part as it was.
pub fn spoiled(name: &str, sheet: &str, spoil: impl Fn(String) -> String) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (part, bytes) in parts(name) {
        let bytes =
            if part == sheet { spoil(String::from_utf8(bytes).expect("UTF-8")).into_bytes() } else { bytes };
        out.start_file(part, zip::write::SimpleFileOptions::default()).expect("zip");
        out.write_all(&bytes).expect("zip");
    }
    out.finish().expect("zip").into_inner()
}
