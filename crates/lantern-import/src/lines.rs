//! Physical line numbers for records. The csv crate's `Position::line` is the reader's position
//! before a record, which with CRLF line ends or blank lines is a line or more above where the record
//! starts. The start line is instead worked out from the end: the lines consumed so far, less the line
//! breaks inside the record's quoted cells, less one if the record's own line end was consumed with it
//! (which this reader wrapper tells, by remembering where the recent `\n` bytes are).

use csv::ByteRecord;
use std::collections::VecDeque;
use std::io::{self, Read};

/// Passes bytes through, noting the offset of each `\n` until it has been asked about.
pub struct LineTracker<R> {
    inner: R,
    offset: u64,
    newlines: VecDeque<u64>,
    /// Offsets of recent `"` bytes, to tell a closing quote before a line end from an unclosed one.
    quotes: VecDeque<u64>,
}

impl<R: Read> LineTracker<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, offset: 0, newlines: VecDeque::new(), quotes: VecDeque::new() }
    }

    /// Whether the byte at `offset` is `\n`. Offsets asked about must not decrease: earlier ones are
    /// forgotten, which keeps memory to the csv reader's read-ahead buffer.
    fn newline_at(&mut self, offset: u64) -> bool {
        forget_before(&mut self.newlines, offset);
        self.newlines.front() == Some(&offset)
    }

    /// Whether a `"` closes a cell just before the line end at `offset` (`"\n` or `"\r\n`).
    fn quote_before(&mut self, offset: u64) -> bool {
        forget_before(&mut self.quotes, offset.saturating_sub(2));
        self.quotes.iter().take_while(|&&q| q < offset).any(|&q| q + 1 == offset || q + 2 == offset)
    }
}

fn forget_before(offsets: &mut VecDeque<u64>, offset: u64) {
    while offsets.front().is_some_and(|&n| n < offset) {
        offsets.pop_front();
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        for i in memchr::memchr2_iter(b'\n', b'"', read) {
            let at = self.offset + i as u64;
            match read[i] {
                b'\n' => self.newlines.push_back(at),
                _ => self.quotes.push_back(at),
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The line the record just read starts on.
pub fn start_line<R: Read>(reader: &mut csv::Reader<LineTracker<R>>, record: &ByteRecord) -> u64 {
    let after = reader.position().clone();
    let inside = memchr::memchr_iter(b'\n', record.as_slice()).count();
    let end = after.byte().saturating_sub(1);
    let mut own_line_end = after.byte() > 0 && reader.get_mut().newline_at(end);
    // A quote left open runs to the end of the file, taking its last line end into the cell: that
    // line end is counted inside, so it is not the record's own as well.
    let last_cell_ends_a_line = record.iter().next_back().is_some_and(|cell| cell.ends_with(b"\n"));
    if own_line_end && last_cell_ends_a_line && !reader.get_mut().quote_before(end) {
        own_line_end = false;
    }
    // Never line 0, whatever the bytes: a problem always names a line of the file.
    (after.line().saturating_sub(inside as u64).saturating_sub(u64::from(own_line_end))).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineTracker::new(text.as_bytes()));
        let mut record = ByteRecord::new();
        let mut found = Vec::new();
        while reader.read_byte_record(&mut record).expect("readable") {
            found.push(start_line(&mut reader, &record));
        }
        found
    }

    #[test]
    fn line_ends_of_either_kind_and_blank_lines() {
        assert_eq!(lines("h\na\nb\n"), [1, 2, 3]);
        assert_eq!(lines("h\r\na\r\nb\r\n"), [1, 2, 3]);
        assert_eq!(lines("h\r\na\r\n\r\n\r\nb"), [1, 2, 5]);
        assert_eq!(lines("h\n\na\n\n"), [1, 3]);
    }

    #[test]
    fn a_quote_left_open_to_the_end_starts_on_its_own_line() {
        assert_eq!(lines("h,n\na,\"x\ny\n"), [1, 2]);
        assert_eq!(lines("h,n\r\na,\"x\r\ny\r\n"), [1, 2]);
        assert_eq!(lines("h,n\na,\"x\ny\n\"\n"), [1, 2]);
    }

    #[test]
    fn quoted_line_breaks_belong_to_their_record() {
        assert_eq!(lines("h,n\na,\"x\ny\"\nb,z\n"), [1, 2, 4]);
        assert_eq!(lines("h,n\r\na,\"x\r\ny\r\n\"\r\nb,z"), [1, 2, 5]);
    }
}
