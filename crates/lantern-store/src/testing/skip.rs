//! The one way a test says it cannot do (part of) its work: under CI it fails, naming what is missing;
//! elsewhere it is recorded as a skip, never counted as a pass. libtest and nextest have no way to skip
//! at run time, so the record is a line, `test<TAB>what is missing`, appended to the file
//! `LANTERN_SKIP_LOG` names (scripts/test sets it, counts the tests in it and prints "N skipped" in its
//! closing line; the browser suite writes its skips there too), and a `LANTERN-SKIP: …` line on
//! standard error for a run by hand. A file rather than scanning test output: nextest hides a passing test's
//! output, each test runs in its own process, and an append of one short line is whole on every
//! platform we run on, so parallel tests cannot lose or mangle each other's records.

use std::io::Write;
use std::path::Path;

/// What the skip line on standard error starts with.
pub const MARKER: &str = "LANTERN-SKIP";

/// Whether this is a CI run: `CI` set to anything but empty, `0` or `false`. scripts/test, .ci/run,
/// ensure-postgres, ensure-browser and the browser suite use the same rule.
pub fn ci() -> bool {
    is_ci(std::env::var("CI").ok().as_deref())
}

fn is_ci(value: Option<&str>) -> bool {
    value.map(str::trim).is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Records that the running test skips some or all of its work because `missing` is not there (say what
/// and how to provide it). Panics under CI, naming it: CI must never pass by skipping.
#[track_caller]
pub fn skip(missing: &str) {
    let test = format!("{} {}", test_binary(), std::thread::current().name().unwrap_or("(unnamed test)"));
    let log = std::env::var_os("LANTERN_SKIP_LOG").filter(|v| !v.is_empty());
    match record(ci(), log.as_deref().map(Path::new), &test, missing) {
        Ok(line) => eprintln!("{line}"),
        Err(failure) => panic!("{failure}"),
    }
}

/// The test binary's name without the hash cargo adds (`reference`, not `reference-0123abcd…`), so a
/// test's name is told apart from a test of the same name in another binary.
fn test_binary() -> String {
    let exe = std::env::current_exe().ok();
    let stem = exe.as_deref().and_then(Path::file_stem).and_then(|s| s.to_str()).unwrap_or("?");
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            name.to_owned()
        }
        _ => stem.to_owned(),
    }
}

/// The skip line (after appending the record to `log`), or, under CI or when the log cannot be written, why
/// the test must fail instead.
fn record(ci: bool, log: Option<&Path>, test: &str, missing: &str) -> Result<String, String> {
    if ci {
        return Err(format!("{test} cannot run: {missing}. CI is set, so this fails instead of skipping"));
    }
    let line = format!("{MARKER}: {test}: {missing}");
    if let Some(log) = log {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut file| file.write_all(format!("{test}\t{missing}\n").as_bytes()));
        if let Err(error) = appended {
            return Err(format!("{line}; and the skip could not be recorded in {}: {error}", log.display()));
        }
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::{is_ci, record};

    #[test]
    fn ci_is_any_value_but_empty_zero_or_false() {
        for set in ["true", "1", "yes", "woodpecker", " TRUE "] {
            assert!(is_ci(Some(set)), "{set:?}");
        }
        for unset in [None, Some(""), Some(" "), Some("0"), Some("false"), Some("FALSE")] {
            assert!(!is_ci(unset), "{unset:?}");
        }
    }

    #[test]
    fn under_ci_a_skip_is_a_failure_naming_what_is_missing() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let log = dir.path().join("skips.log");
        let failure = record(true, Some(&log), "t::x", "no PostgreSQL").expect_err("fails under CI");
        assert!(failure.contains("t::x") && failure.contains("no PostgreSQL"), "{failure}");
        assert!(!log.exists(), "nothing recorded as skipped");
    }

    #[test]
    fn outside_ci_each_skip_is_one_line_of_the_log() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let log = dir.path().join("skips.log");
        record(false, Some(&log), "t::a", "no data").expect("recorded");
        let line = record(false, Some(&log), "t::b", "no PostgreSQL").expect("recorded");
        assert_eq!(line, "LANTERN-SKIP: t::b: no PostgreSQL");
        let text = std::fs::read_to_string(&log).expect("log");
        assert_eq!(text, "t::a\tno data\nt::b\tno PostgreSQL\n");
    }

    #[test]
    fn a_log_that_cannot_be_written_fails_the_test() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let log = dir.path().join("missing-folder").join("skips.log");
        assert!(record(false, Some(&log), "t::a", "no data").is_err());
    }
}
