//! `lantern assurance` reports the run it was given: its counts are recounted here from the XML by
//! plain string search, and a failed test is named, never hidden.

mod support;

use support::*;

/// A nextest-shaped report: suites of cases, some failed, some skipped.
fn report(cases: &[(&str, &str, &str)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ci\">\n");
    xml.push_str("<testsuite name=\"lantern-web::http\">\n");
    for (class, name, outcome) in cases {
        let inner = match *outcome {
            "failed" => "<failure message=\"assertion failed\">panicked</failure>",
            "skipped" => "<skipped/>",
            _ => "",
        };
        xml.push_str(&format!(
            "<testcase name=\"{name}\" classname=\"{class}\" time=\"0.1\">{inner}</testcase>\n"
        ));
    }
    xml.push_str("</testsuite>\n</testsuites>\n");
    xml
}

#[test]
fn the_pack_names_the_counts_and_failures_of_the_run_it_was_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rust = report(&[
        ("lantern-web::http", "security::matrix::every_route_against_every_role", "passed"),
        ("lantern-web::http", "security::boundaries::a_lead_cannot_reach_another_practice", "passed"),
        ("lantern-core", "identity::tests::nhs_numbers_are_refused", "passed"),
        ("lantern::backup", "round_trip::the_demo_round_trips", "failed"),
        ("lantern-store", "audit::tampering_is_found", "skipped"),
        ("lantern-core", "simulator::deterministic", "passed"),
    ]);
    let browser = report(&[
        ("episodes.spec.ts", "the log page has no axe violations", "passed"),
        ("effect.spec.ts", "offer forms work by keyboard", "passed"),
        // scripts/container-check's report has this shape.
        ("container", "it_serves_the_health_api_on_its_published_port", "passed"),
        ("container", "sigterm_stops_it_with_exit_status_0", "failed"),
    ]);
    let (rust_file, browser_file) = (path(dir.path(), "junit.xml"), path(dir.path(), "e2e.xml"));
    std::fs::write(&rust_file, &rust).expect("write");
    std::fs::write(&browser_file, &browser).expect("write");

    let pack = ok(&["assurance", "--junit", &rust_file, "--junit", &browser_file]);
    let count = |xml: &str, needle: &str| xml.matches(needle).count();
    let both = format!("{rust}{browser}");
    let (tests, failed, skipped) =
        (count(&both, "<testcase "), count(&both, "<failure"), count(&both, "<skipped"));
    let passed = tests - failed - skipped;
    assert!(
        pack.contains(&format!("{tests} tests: {passed} passed, {failed} failed, {skipped} skipped")),
        "{pack}"
    );
    assert!(
        pack.contains("SOME TESTS FAILED") && pack.contains("round_trip::the_demo_round_trips"),
        "{pack}"
    );
    assert!(
        pack.contains("| Every route against every role (route × role matrix) | 1 | 1 | 0 | 0 |"),
        "{pack}"
    );
    assert!(pack.contains("| Accessibility (axe-core in Chromium) | 2 | 2 | 0 | 0 |"), "{pack}");
    assert!(
        pack.contains(
            "| Install: the container image built, started and checked; the systemd unit | 2 | 1 | 1 | 0 |"
        ) && pack.contains("`container` sigterm_stops_it_with_exit_status_0"),
        "{pack}"
    );
    assert!(pack.contains("| Audit trail: hash chain verified, tampering found | 1 | 0 | 0 | 1 |"), "{pack}");
    assert!(pack.contains("No patient identity") && pack.contains("DCB0129"), "{pack}");

    let html = path(dir.path(), "pack.html");
    ok(&["assurance", "--junit", &rust_file, "--format", "html", "-o", &html]);
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(
        page.starts_with("<!doctype html>") && page.contains("<td>Every route against every role"),
        "{page}"
    );
}

#[test]
fn something_that_is_not_a_report_of_a_run_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = path(dir.path(), "empty.xml");
    std::fs::write(&empty, "<testsuites/>").expect("write");
    assert!(refused(&["assurance", "--junit", &empty]).contains("no <testcase>"));
    assert!(refused(&["assurance", "--junit", &path(dir.path(), "missing.xml")]).contains("cannot read"));
}
