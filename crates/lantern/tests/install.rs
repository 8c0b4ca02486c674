//! The install files are real: the systemd unit passes systemd's own checks with a low exposure
//! score, and the container image's settings are ones `lantern config check` accepts.

mod support;

use lantern_store::testing;
use std::process::Command;
use support::*;

const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/lantern.service");
const CONTAINERFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Containerfile");

/// The unit with the binary this test built in place of /usr/local/bin/lantern.
fn unit_here(dir: &std::path::Path) -> String {
    let unit = std::fs::read_to_string(UNIT).expect("deploy/lantern.service");
    assert!(unit.contains("ExecStart=/usr/local/bin/lantern serve"), "the unit serves");
    let file = dir.join("lantern.service");
    std::fs::write(&file, unit.replace("/usr/local/bin/lantern", LANTERN)).expect("write unit");
    file.display().to_string()
}

#[test]
fn the_systemd_unit_verifies_and_exposes_little() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        testing::skip("systemd-analyze (Debian package systemd) to check deploy/lantern.service");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let unit = unit_here(dir.path());
    let verify = Command::new("systemd-analyze").args(["verify", &unit]).output().expect("verify");
    assert!(
        verify.status.success() && verify.stderr.is_empty(),
        "systemd-analyze verify: {}",
        text(&verify.stderr)
    );
    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=true", &unit])
        .output()
        .expect("security");
    let report = text(&security.stdout);
    let score: f64 = report
        .lines()
        .find_map(|l| l.split("Overall exposure level for lantern.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure score in:\n{report}{}", text(&security.stderr)));
    assert!(score <= 2.0, "exposure {score} (0 best, 10 worst) above 2.0:\n{report}");
}

#[test]
fn the_container_settings_are_ones_config_check_accepts() {
    let containerfile = std::fs::read_to_string(CONTAINERFILE).expect("Containerfile");
    let env: Vec<(String, String)> = containerfile
        .split("ENV ")
        .nth(1)
        .expect("an ENV block")
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("EXPOSE"))
        .filter_map(|l| l.trim().trim_end_matches('\\').trim().split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert!(env.iter().any(|(k, _)| k == "LANTERN_LISTEN"), "{env:?}");
    assert!(containerfile.contains("USER 10001"), "the image runs as a user without privileges");
    assert!(
        containerfile.contains(r#"HEALTHCHECK"#) && containerfile.contains(r#""lantern", "healthcheck""#)
    );
    // The image's database folder, here: the check must accept every other setting as the image has it.
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "lantern.db");
    let mut vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    vars.retain(|(k, _)| *k != "LANTERN_DATABASE");
    vars.push(("LANTERN_DATABASE", &db));
    let checked = ok_with(&["config", "check"], &vars);
    assert!(checked.contains("0.0.0.0:8080  (LANTERN_LISTEN)"), "{checked}");
    assert!(checked.contains("on  (LANTERN_SECURE_COOKIES)"), "{checked}");
}
