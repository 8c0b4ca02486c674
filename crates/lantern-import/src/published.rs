//! Opening NHS data files the way they are published: a CSV, a zip holding one CSV (POMI), or a
//! gzipped CSV (registrations). The kind is told from the file's first bytes, not its name, so a
//! download saved under another name still opens. Everything streams: nothing holds the whole table.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// The same physical line numbering as the episode CSV's reader (CRLF, blank lines, quoted line breaks).
pub use crate::lines::{start_line, LineTracker};

/// Why a file could not be opened as a table (problems inside the table are reported by line instead).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path} is not a readable zip archive: {reason}")]
    Zip { path: String, reason: String },
    #[error("{path} is a zip archive holding {found}; expected exactly one .csv file")]
    CsvCount { path: String, found: String },
}

const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Calls `read` with the table in the file at `path`, decompressing as it goes.
pub fn with_table<T>(path: &Path, read: impl FnOnce(&mut dyn Read) -> T) -> Result<T, SourceError> {
    let shown = path.display().to_string();
    let io_error = |source| SourceError::Io { path: shown.clone(), source };
    let mut file = File::open(path).map_err(io_error)?;
    let mut magic = [0u8; 4];
    let sniffed = read_up_to(&mut file, &mut magic).map_err(io_error)?;
    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let magic = magic.get(..sniffed).unwrap_or_default();
    if magic == ZIP_MAGIC {
        let zip_error =
            |e: zip::result::ZipError| SourceError::Zip { path: shown.clone(), reason: e.to_string() };
        let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(zip_error)?;
        let csvs: Vec<String> = archive
            .file_names()
            .filter(|name| name.to_ascii_lowercase().ends_with(".csv") && !name.starts_with("__MACOSX/"))
            .map(str::to_owned)
            .collect();
        let [name] = csvs.as_slice() else {
            let found = match csvs.len() {
                0 => "no .csv file".to_owned(),
                n => format!("{n} .csv files ({})", csvs.join(", ")),
            };
            return Err(SourceError::CsvCount { path: shown, found });
        };
        let entry = archive.by_name(name).map_err(zip_error)?;
        Ok(crate::inflate::read_ahead(entry, read))
    } else if magic.starts_with(&GZIP_MAGIC) {
        // Multi-member, as `cat a.gz b.gz` makes and some publishers' tools write.
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        Ok(crate::inflate::read_ahead(decoder, read))
    } else {
        let mut reader = BufReader::with_capacity(1 << 16, file);
        Ok(read(&mut reader))
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// A csv reader that leaves header and width checks to the caller, so that every problem is reported
/// with its line and reading carries on past it.
pub fn csv_reader<R: Read>(input: R) -> csv::Reader<LineTracker<R>> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(LineTracker::new(input))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        let mut reader = csv_reader(text.as_bytes());
        let mut record = csv::ByteRecord::new();
        let mut found = Vec::new();
        while reader.read_byte_record(&mut record).expect("readable") {
            found.push(start_line(&mut reader, &record));
        }
        found
    }

    #[test]
    fn lines_are_physical_with_crlf_blank_lines_and_quoted_breaks() {
        assert_eq!(lines("h\r\na\r\nb\r\n"), [1, 2, 3]);
        assert_eq!(lines("h\r\na\r\n\r\n\r\nb"), [1, 2, 5]);
        assert_eq!(lines("h,n\r\na,\"x\r\ny\r\n\"\r\nb,z"), [1, 2, 5]);
    }

    #[test]
    fn csv_zip_and_gzip_open_alike() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "a,b\r\n1,2\r\n";
        let plain = dir.path().join("t.csv");
        std::fs::write(&plain, text).expect("write");
        let gz = dir.path().join("t.csv.gz");
        let mut encoder =
            flate2::write::GzEncoder::new(File::create(&gz).expect("create"), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).expect("gzip");
        encoder.finish().expect("gzip");
        let zipped = dir.path().join("t.bin");
        let mut writer = zip::ZipWriter::new(File::create(&zipped).expect("create"));
        writer.start_file("inner/T.CSV", zip::write::SimpleFileOptions::default()).expect("zip");
        writer.write_all(text.as_bytes()).expect("zip");
        writer.finish().expect("zip");
        for path in [&plain, &gz, &zipped] {
            let mut read = String::new();
            with_table(path, |r| r.read_to_string(&mut read)).expect("opens").expect("reads");
            assert_eq!(read, text, "{}", path.display());
        }
    }

    #[test]
    fn a_zip_without_exactly_one_csv_is_refused() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("two.zip");
        let mut writer = zip::ZipWriter::new(File::create(&path).expect("create"));
        for name in ["a.csv", "b.csv", "notes.txt"] {
            writer.start_file(name, zip::write::SimpleFileOptions::default()).expect("zip");
            writer.write_all(b"x").expect("zip");
        }
        writer.finish().expect("zip");
        let error = with_table(&path, |_| ()).expect_err("two CSVs");
        assert!(error
            .to_string()
            .ends_with("holding 2 .csv files (a.csv, b.csv); expected exactly one .csv file"));
    }
}
