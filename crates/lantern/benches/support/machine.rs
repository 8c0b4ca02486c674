//! What every benchmark prints about the machine it ran on, and the figures they share: included by
//! each bench target with `#[path]` (bench targets are separate crates), so each uses only a part.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

pub fn mb(kb: u64) -> String {
    format!("{:.0}", kb as f64 / 1024.0)
}

pub fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).stderr(Stdio::null()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The filesystem and device holding `dir`, from the longest matching mount point in /proc/mounts.
pub fn filesystem(dir: &Path) -> String {
    let Ok(mounts) = std::fs::read_to_string("/proc/mounts") else { return "filesystem unknown".into() };
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (device, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            dir.starts_with(point).then(|| (point.len(), format!("{kind} on {device}")))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "filesystem unknown".into(), |(_, description)| description)
}

/// The commit measured, marked when the tree has changes the commit does not hold.
pub fn commit() -> String {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let commit = command_output("git", &["-C", manifest, "rev-parse", "--short=12", "HEAD"]).map(|c| {
        // Read-only checks (neither refreshes the index): tracked changes, then untracked files.
        let clean = Command::new("git")
            .args(["-C", manifest, "diff-index", "--quiet", "HEAD", "--"])
            .status()
            .is_ok_and(|s| s.success())
            && command_output("git", &["-C", manifest, "ls-files", "--others", "--exclude-standard", ":/"])
                .is_some_and(|untracked| untracked.is_empty());
        if clean {
            c
        } else {
            format!("{c} + uncommitted changes")
        }
    });
    commit.unwrap_or_else(|| "unknown (no git)".into())
}

/// "2 (available parallelism), AMD EPYC …".
pub fn cores() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|info| {
        let line = info.lines().find(|l| l.starts_with("model name"))?.to_owned();
        Some(line.split(':').nth(1)?.trim().to_owned())
    });
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    format!("{cores} (available parallelism){}", cpu.map(|c| format!(", {c}")).unwrap_or_default())
}

pub fn memory() -> String {
    let memory = std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
        let kb: u64 =
            info.lines().find(|l| l.starts_with("MemTotal:"))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0))
    });
    memory.unwrap_or_else(|| "unknown".into())
}

pub fn os() -> String {
    command_output("uname", &["-srm"]).unwrap_or_else(|| "unknown".into())
}

pub fn build() -> &'static str {
    if cfg!(debug_assertions) {
        "debug (figures mean little)"
    } else {
        "release"
    }
}
