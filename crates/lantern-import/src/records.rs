//! Splitting CSV bytes into records where they lie, for the national POMI file: 97 MB of short lines,
//! nearly all without a quote. A line without `"` or a stray `\r` is cut at its commas in place; any
//! other record goes through a byte-at-a-time state machine into a scratch buffer. Both follow the csv
//! crate's defaults exactly (the tests compare the two on random input): `"` quotes, `""` inside
//! quotes is one `"`, a quote closed early is followed by plain text (`"ab"c` is `abc`), `\r`, `\n` and
//! `\r\n` all end a record, blank lines are skipped, and a quote left open runs to the end of the file.
//!
//! A record's line is the physical line its first byte is on: one more than the `\n` bytes before it.

use memchr::{memchr, memchr2};
use std::io::{self, Read};

/// Bytes asked of the source at a time: the buffer holds about twice this.
const READ: usize = 1 << 20;

/// The records of a CSV stream, one at a time: see the module documentation.
pub struct Records<R> {
    source: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[at..end]`.
    at: usize,
    end: usize,
    /// The source has no more bytes.
    eof: bool,
    /// Line of `buf[at]`.
    line: u64,
    read: usize,
    cells: Vec<(usize, usize)>,
    scratch: Vec<u8>,
}

/// One record: its cells, and the line it starts on.
pub struct Record<'a> {
    pub line: u64,
    bytes: &'a [u8],
    cells: &'a [(usize, usize)],
    /// The cells lie in the line as read (quotes and commas between them), not unquoted into scratch.
    in_place: bool,
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn get(&self, at: usize) -> Option<&'a [u8]> {
        let bytes = self.bytes;
        self.cells.get(at).map(|&(start, end)| &bytes[start..end])
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a [u8]> + 'a {
        let bytes = self.bytes;
        self.cells.iter().map(move |&(start, end)| &bytes[start..end])
    }

    /// Whether cells `0..=last` equal `other`'s, compared as one run of bytes. Two lines as read that
    /// are the same up to where both end cell `last` are split the same up to there, so one comparison
    /// does; unquoted into scratch, the cells' ends are compared too, so that `ab|c` never equals `a|bc`.
    /// Equal cells written differently (quoted in one line, not in the other) may compare unequal.
    pub fn same_start(&self, other: &Record<'_>, last: usize) -> bool {
        match (self.cells.get(..=last), other.cells.get(..=last)) {
            (Some(mine), Some(theirs)) => {
                let upto = mine[last].1;
                let cut_alike =
                    if self.in_place && other.in_place { upto == theirs[last].1 } else { mine == theirs };
                cut_alike && self.bytes[..upto] == other.bytes[..upto]
            }
            _ => false,
        }
    }
}

/// A [`Record`] kept.
#[derive(Debug, Clone, Default)]
pub struct OwnedRecord {
    pub line: u64,
    in_place: bool,
    bytes: Vec<u8>,
    cells: Vec<(usize, usize)>,
}

impl OwnedRecord {
    /// Keeps a copy of `record`, in the space of the one kept before.
    pub fn keep(&mut self, record: &Record<'_>) {
        self.line = record.line;
        self.in_place = record.in_place;
        self.bytes.clear();
        self.bytes.extend_from_slice(record.bytes);
        self.cells.clear();
        self.cells.extend_from_slice(record.cells);
    }

    pub fn as_record(&self) -> Record<'_> {
        Record { line: self.line, bytes: &self.bytes, cells: &self.cells, in_place: self.in_place }
    }
}

impl<R: Read> Records<R> {
    pub fn new(source: R) -> Self {
        Self::reading(source, READ)
    }

    /// Asking the source for `read` bytes at a time (tests use a few, to cross every boundary).
    fn reading(source: R, read: usize) -> Self {
        Self {
            source,
            buf: vec![0; 2 * read.max(1)],
            at: 0,
            end: 0,
            eof: false,
            line: 1,
            read: read.max(1),
            cells: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The line reading has reached: where a read error is reported.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The next record, or None at the end of the stream.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            while self.at < self.end && matches!(self.buf[self.at], b'\r' | b'\n') {
                self.line += u64::from(self.buf[self.at] == b'\n');
                self.at += 1;
            }
            if self.at == self.end {
                if self.eof {
                    return Ok(None);
                }
                self.fill()?;
                continue;
            }
            let rest = &self.buf[self.at..self.end];
            // (length without the line end, bytes taken with it), when the record is the line as read.
            let in_place = match memchr(b'\n', rest) {
                Some(newline) => {
                    let line = &rest[..newline];
                    let length = if line.last() == Some(&b'\r') { newline - 1 } else { newline };
                    let line = &line[..length];
                    let cut = if memchr2(b'"', b'\r', line).is_none() {
                        split_plain(line, &mut self.cells);
                        true
                    } else {
                        memchr(b'\r', line).is_none() && split_quoted(line, &mut self.cells)
                    };
                    cut.then_some((length, newline + 1))
                }
                None if !self.eof => {
                    self.fill()?;
                    continue;
                }
                None if memchr2(b'"', b'\r', rest).is_none() => {
                    split_plain(rest, &mut self.cells);
                    Some((rest.len(), rest.len()))
                }
                None => None,
            };
            if let Some((length, consumed)) = in_place {
                let (start, line) = (self.at, self.line);
                self.line += u64::from(consumed > length);
                self.at += consumed;
                let bytes = &self.buf[start..start + length];
                return Ok(Some(Record { line, bytes, cells: &self.cells, in_place: true }));
            }
            match parse_quoted(rest, self.eof, &mut self.scratch, &mut self.cells) {
                Some((consumed, newlines)) => {
                    let line = self.line;
                    self.line += newlines;
                    self.at += consumed;
                    return Ok(Some(Record {
                        line,
                        bytes: &self.scratch,
                        cells: &self.cells,
                        in_place: false,
                    }));
                }
                None => self.fill()?,
            }
        }
    }

    /// Moves the unread bytes to the front and reads more after them until the buffer is full or the
    /// source ends, doubling the buffer when a record fills it: a long record read again after each
    /// fill so costs in all a small multiple of its length, not its square.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.at..self.end, 0);
        self.end -= self.at;
        self.at = 0;
        if self.end + self.read > self.buf.len() {
            let grown = (2 * self.buf.len()).max(self.end + self.read);
            self.buf.resize(grown, 0);
        }
        let space = self.buf.len() - self.end;
        let got = crate::inflate::fill(&mut self.source, &mut self.buf[self.end..])?;
        self.end += got;
        self.eof = got < space;
        Ok(())
    }
}

/// Cuts a line whose quotes all wrap whole cells (`"NHS A, B and C CCG"`, no `""` inside) at the
/// commas outside them; false for any other line, which the state machine reads instead.
fn split_quoted(line: &[u8], cells: &mut Vec<(usize, usize)>) -> bool {
    cells.clear();
    let mut at = 0;
    loop {
        if line.get(at) == Some(&b'"') {
            let Some(close) = memchr(b'"', &line[at + 1..]).map(|i| at + 1 + i) else {
                return false;
            };
            match line.get(close + 1) {
                None => {
                    cells.push((at + 1, close));
                    return true;
                }
                Some(b',') => {
                    cells.push((at + 1, close));
                    at = close + 2;
                }
                Some(_) => return false,
            }
        } else {
            match memchr(b',', &line[at..]) {
                Some(i) => {
                    cells.push((at, at + i));
                    at += i + 1;
                }
                None => {
                    cells.push((at, line.len()));
                    return true;
                }
            }
        }
    }
}

/// Cuts a line holding no `"` and no line end at its commas.
fn split_plain(line: &[u8], cells: &mut Vec<(usize, usize)>) {
    cells.clear();
    let mut start = 0;
    for comma in memchr::memchr_iter(b',', line) {
        cells.push((start, comma));
        start = comma + 1;
    }
    cells.push((start, line.len()));
}

#[derive(Clone, Copy)]
enum State {
    StartCell,
    InCell,
    InQuotes,
    /// A `"` inside quotes: the next byte tells whether it closed them or was the first of `""`.
    QuoteInQuotes,
}

/// Reads one record from `input` with the csv crate's rules, its cells unquoted into `scratch`.
/// Returns the bytes it took (with its line end) and the `\n` bytes among them, or None when the
/// record may run past `input` and more of the stream is to come.
fn parse_quoted(
    input: &[u8],
    eof: bool,
    scratch: &mut Vec<u8>,
    cells: &mut Vec<(usize, usize)>,
) -> Option<(usize, u64)> {
    scratch.clear();
    cells.clear();
    let mut state = State::StartCell;
    let mut newlines = 0;
    let mut start = 0;
    let mut i = 0;
    loop {
        let Some(&c) = input.get(i) else {
            if !eof {
                return None;
            }
            cells.push((start, scratch.len()));
            return Some((i, newlines));
        };
        i += 1;
        state = match (state, c) {
            (State::InQuotes, b'"') => State::QuoteInQuotes,
            (State::InQuotes, c) => {
                newlines += u64::from(c == b'\n');
                scratch.push(c);
                State::InQuotes
            }
            (State::QuoteInQuotes, b'"') => {
                scratch.push(b'"');
                State::InQuotes
            }
            (State::StartCell, b'"') => State::InQuotes,
            (_, b',') => {
                cells.push((start, scratch.len()));
                start = scratch.len();
                State::StartCell
            }
            (_, b'\n') => {
                cells.push((start, scratch.len()));
                return Some((i, newlines + 1));
            }
            (_, b'\r') => {
                cells.push((start, scratch.len()));
                return match input.get(i) {
                    Some(b'\n') => Some((i + 1, newlines + 1)),
                    Some(_) => Some((i, newlines)),
                    None if eof => Some((i, newlines)),
                    None => None,
                };
            }
            (_, c) => {
                scratch.push(c);
                State::InCell
            }
        };
    }
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
