//! Files that appear under their final name only when complete: written beside it under a temporary
//! name, flushed to disk, then renamed over it (a rename within a directory is atomic).

use super::BackupError;
use std::path::{Path, PathBuf};

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BackupError + 'a {
    move |source| BackupError::Io { action, path: path.to_owned(), source }
}

/// A file being written for `target`; removed again unless [`Partial::finish`] puts it in place.
pub(super) struct Partial {
    path: PathBuf,
    target: PathBuf,
    finished: bool,
}

impl Partial {
    pub fn new(target: &Path) -> Result<Self, BackupError> {
        let name = target.file_name().ok_or_else(|| BackupError::Io {
            action: "write to",
            path: target.to_owned(),
            source: std::io::Error::other("it names no file"),
        })?;
        let path =
            directory(target).join(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        // A leftover from an earlier attempt that crashed.
        remove_with_side_files(&path);
        Ok(Self { path, target: target.to_owned(), finished: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the file to disk and renames it to its target; returns its size.
    pub fn finish(mut self) -> Result<u64, BackupError> {
        let file = std::fs::File::open(&self.path).map_err(io("open", &self.path))?;
        file.sync_all().map_err(io("flush", &self.path))?;
        let bytes = file.metadata().map_err(io("read", &self.path))?.len();
        std::fs::rename(&self.path, &self.target).map_err(io("rename into place", &self.target))?;
        self.finished = true;
        sync_directory(&self.target)?;
        Ok(bytes)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.finished {
            remove_with_side_files(&self.path);
        }
    }
}

fn directory(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn remove_with_side_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes a rename in `path`'s directory survive a power cut.
fn sync_directory(path: &Path) -> Result<(), BackupError> {
    let dir = directory(path);
    let handle = std::fs::File::open(&dir).map_err(io("open", &dir))?;
    handle.sync_all().map_err(io("flush", &dir))
}

/// Whether `a` and `b` name the same existing file.
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A moment in a form that sorts and suits file and database names.
pub(super) fn timestamp() -> String {
    jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Moves the database at `path` (with any `-wal`/`-shm` beside it, which belong to it) to
/// `<path>.before-restore-<timestamp>`; returns where it went, or None when there was nothing there.
pub(super) fn set_aside(path: &Path) -> Result<Option<PathBuf>, BackupError> {
    let aside = with_suffix(path, &format!(".before-restore-{}", timestamp()));
    let mut moved = false;
    for suffix in ["-wal", "-shm", ""] {
        let from = with_suffix(path, suffix);
        if from.exists() {
            let to = with_suffix(&aside, suffix);
            std::fs::rename(&from, &to).map_err(io("move aside", &from))?;
            moved |= suffix.is_empty();
        }
    }
    Ok(moved.then_some(aside))
}
