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
}

impl<R: Read> LineTracker<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, offset: 0, newlines: VecDeque::new() }
    }

    /// Whether the byte at `offset` is `\n`. Offsets asked about must not decrease: earlier ones are
    /// forgotten, which keeps memory to the csv reader's read-ahead buffer.
    fn newline_at(&mut self, offset: u64) -> bool {
        while self.newlines.front().is_some_and(|&n| n < offset) {
            self.newlines.pop_front();
        }
        self.newlines.front() == Some(&offset)
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        for (i, _) in read.iter().enumerate().filter(|(_, &b)| b == b'\n') {
            self.newlines.push_back(self.offset + i as u64);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The line the record just read starts on.
pub fn start_line<R: Read>(reader: &mut csv::Reader<LineTracker<R>>, record: &ByteRecord) -> u64 {
    let after = reader.position().clone();
    let inside: usize = record.iter().map(|field| field.iter().filter(|&&b| b == b'\n').count()).sum();
    let own_line_end = after.byte() > 0 && reader.get_mut().newline_at(after.byte() - 1);
    after.line().saturating_sub(inside as u64).saturating_sub(u64::from(own_line_end))
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
    fn quoted_line_breaks_belong_to_their_record() {
        assert_eq!(lines("h,n\na,\"x\ny\"\nb,z\n"), [1, 2, 4]);
        assert_eq!(lines("h,n\r\na,\"x\r\ny\r\n\"\r\nb,z"), [1, 2, 5]);
    }
}
