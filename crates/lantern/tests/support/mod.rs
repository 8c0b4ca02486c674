//! What the command-line tests share: running the real `lantern` binary, reading what it printed, and
//! a served database to talk to. Included by each test binary (`mod support;`), which uses its own
//! subset, hence the allowance below.
#![allow(dead_code, unused_imports)]

pub mod postgres;
pub mod serving;

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const LANTERN: &str = env!("CARGO_BIN_EXE_lantern");

/// Runs `lantern` with `args`, untouched by any `LANTERN_DATABASE`/`LANTERN_LISTEN` of the caller's
/// shell, logging only warnings, with nothing on standard input.
pub fn lantern(args: &[&str]) -> Output {
    lantern_with(args, &[])
}

/// [`lantern`] with extra environment variables.
pub fn lantern_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(LANTERN);
    command
        .args(args)
        .env_remove("LANTERN_DATABASE")
        .env_remove("LANTERN_LISTEN")
        .env_remove("LANTERN_PASSWORD")
        .env_remove("LANTERN_SECURE_COOKIES")
        .env("LANTERN_LOG", "warn")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run lantern")
}

/// Runs lantern and fails the test, showing its output, unless it succeeds; returns standard output.
pub fn ok(args: &[&str]) -> String {
    ok_with(args, &[])
}

/// [`ok`] with extra environment variables.
pub fn ok_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = lantern_with(args, env);
    assert!(
        output.status.success(),
        "lantern {args:?} failed ({}):\n{}{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// Runs lantern, expects it to fail, and returns what it printed on standard error.
pub fn refused(args: &[&str]) -> String {
    let output = lantern(args);
    assert!(!output.status.success(), "lantern {args:?} should have failed:\n{}", text(&output.stdout));
    text(&output.stderr)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// A file the importer's tests keep, as NHS England published it (or a published file's first rows).
pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lantern-import/tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}
