//! Decompressing on a thread of its own while the caller parses: inflating a national zip is about a
//! third of reading it, and with two cores the two can overlap instead of taking turns.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver};

/// Bytes handed over at a time, and how many chunks may wait: enough to keep both sides busy, small
/// enough that memory stays flat whatever the file's size.
const CHUNK: usize = 256 * 1024;
const WAITING: usize = 4;

/// Calls `read` with the bytes of `source`, which a scoped thread reads (and so decompresses) ahead.
/// When `read` stops early the thread stops too, at its next hand-over.
pub fn read_ahead<S: Read + Send, T>(source: S, read: impl FnOnce(&mut dyn Read) -> T) -> T {
    std::thread::scope(|scope| {
        let (send, receive) = sync_channel::<io::Result<Vec<u8>>>(WAITING);
        scope.spawn(move || {
            let mut source = source;
            loop {
                let mut chunk = vec![0; CHUNK];
                let result = fill(&mut source, &mut chunk).map(|n| {
                    chunk.truncate(n);
                    chunk
                });
                let done = !matches!(&result, Ok(chunk) if !chunk.is_empty());
                if send.send(result).is_err() || done {
                    break;
                }
            }
        });
        let mut reader = Ahead { receive, current: Vec::new(), at: 0, finished: false };
        read(&mut reader)
    })
}

/// Reads into all of `buf` unless the source ends first; the bytes read.
pub(crate) fn fill(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

struct Ahead {
    receive: Receiver<io::Result<Vec<u8>>>,
    current: Vec<u8>,
    at: usize,
    finished: bool,
}

impl Read for Ahead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            if self.finished {
                return Ok(0);
            }
            match self.receive.recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => self.finished = true,
                Ok(Ok(chunk)) => (self.current, self.at) = (chunk, 0),
                Ok(Err(e)) => {
                    self.finished = true;
                    return Err(e);
                }
                // The reading thread ended without saying so: it panicked.
                Err(_) => return Err(io::Error::other("the decompressing thread stopped")),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_arrives_in_order_and_an_early_stop_ends_the_thread() {
        let data: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        read_ahead(&data[..], |r| r.read_to_end(&mut out)).expect("read");
        assert_eq!(out, data);
        let mut first = [0u8; 10];
        read_ahead(&data[..], |r| r.read_exact(&mut first)).expect("read");
        assert_eq!(&first, &data[..10]);
        let mut empty = Vec::new();
        read_ahead(&b""[..], |r| r.read_to_end(&mut empty)).expect("read");
        assert!(empty.is_empty());
    }

    #[test]
    fn a_read_error_reaches_the_reader() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("bad block"))
            }
        }
        let error = read_ahead(Broken, |r| r.read_to_end(&mut Vec::new())).expect_err("fails");
        assert_eq!(error.to_string(), "bad block");
    }
}
