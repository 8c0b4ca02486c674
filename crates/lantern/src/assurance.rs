//! `lantern assurance`: the assurance pack, written from the JUnit reports of a real test run (nextest's
//! and the browser suite's), so its security and accessibility figures are what ran, not what we claim.

use crate::cli::{AssuranceArgs, AssuranceFormat};
use anyhow::{bail, Context};
use std::fmt::Write as _;

/// One test case as its report gives it.
#[derive(Debug, Clone)]
pub struct Case {
    pub suite: String,
    pub name: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// Reads every `<testcase>` of a JUnit XML report.
pub fn read_junit(xml: &str) -> anyhow::Result<Vec<Case>> {
    let document = roxmltree::Document::parse(xml).context("not an XML document")?;
    let cases: Vec<Case> = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let child = |tag: &str| n.children().any(|c| c.has_tag_name(tag));
            let outcome = if child("failure") || child("error") {
                Outcome::Failed
            } else if child("skipped") {
                Outcome::Skipped
            } else {
                Outcome::Passed
            };
            let suite = n.attribute("classname").unwrap_or_default().to_owned();
            Case { suite, name: n.attribute("name").unwrap_or_default().to_owned(), outcome }
        })
        .collect();
    if cases.is_empty() {
        bail!("no <testcase> in it: not a JUnit report of a run");
    }
    Ok(cases)
}

/// The groups of tests an assessor asks about, each by words in its tests' names.
const GROUPS: &[(&str, &[&str])] = &[
    ("Every route against every role (route × role matrix)", &["matrix"]),
    ("Practice and study boundaries", &["boundar", "reach", "outside"]),
    ("Sign-in, sessions and CSRF", &["session", "csrf", "sign_in", "sign-in", "resubmit", "proxy"]),
    ("Hostile input: injection, probes and fuzzed forms", &["injection", "probe", "fuzz", "hostile"]),
    ("Patient identity guard on free text", &["identity", "free_text", "nhs_number", "guard"]),
    ("Audit trail: hash chain verified, tampering found", &["audit"]),
    ("Backup and restore", &["backup", "restore"]),
    ("Accessibility (axe-core in Chromium)", &["axe", "accessib", "keyboard"]),
    ("Install: the container image built, started and checked; the systemd unit", &["container", "systemd"]),
];

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Tally {
    fn of<'a>(cases: impl Iterator<Item = &'a Case>) -> Self {
        cases.fold(Self::default(), |mut t, c| {
            match c.outcome {
                Outcome::Passed => t.passed += 1,
                Outcome::Failed => t.failed += 1,
                Outcome::Skipped => t.skipped += 1,
            }
            t
        })
    }

    fn total(self) -> usize {
        self.passed + self.failed + self.skipped
    }
}

fn in_group(case: &Case, words: &[&str]) -> bool {
    let text = format!("{} {}", case.suite, case.name).to_lowercase();
    words.iter().any(|w| text.contains(w))
}

/// The pack in Markdown.
pub fn markdown(reports: &[(String, Vec<Case>)]) -> String {
    let all: Vec<&Case> = reports.iter().flat_map(|(_, cases)| cases).collect();
    let total = Tally::of(all.iter().copied());
    let mut out = String::new();
    let _ = writeln!(out, "# Lantern assurance pack\n");
    let _ = writeln!(
        out,
        "Lantern {} · generated from the test run in {}.\n",
        env!("CARGO_PKG_VERSION"),
        reports.iter().map(|(file, _)| format!("`{file}`")).collect::<Vec<_>>().join(" and ")
    );
    let verdict = if total.failed == 0 { "every test passed" } else { "SOME TESTS FAILED" };
    let _ = writeln!(
        out,
        "## The run\n\n{} tests: {} passed, {} failed, {} skipped ({verdict}).\n",
        total.total(),
        total.passed,
        total.failed,
        total.skipped
    );
    let _ = writeln!(out, "| Report | Tests | Passed | Failed | Skipped |\n|---|---:|---:|---:|---:|");
    for (file, cases) in reports {
        let t = Tally::of(cases.iter());
        let _ = writeln!(out, "| `{file}` | {} | {} | {} | {} |", t.total(), t.passed, t.failed, t.skipped);
    }
    let _ = writeln!(out, "\n## Security and accessibility tests in that run\n");
    let _ =
        writeln!(out, "| What is tested | Tests | Passed | Failed | Skipped |\n|---|---:|---:|---:|---:|");
    for (group, words) in GROUPS {
        let t = Tally::of(all.iter().copied().filter(|c| in_group(c, words)));
        let _ = writeln!(out, "| {group} | {} | {} | {} | {} |", t.total(), t.passed, t.failed, t.skipped);
    }
    let failed: Vec<&&Case> = all.iter().filter(|c| c.outcome == Outcome::Failed).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n### Failed\n");
        for case in failed {
            let _ = writeln!(out, "- `{}` {}", case.suite, case.name);
        }
    }
    out.push_str(STANDING);
    out
}

/// What does not change from run to run: what Lantern holds, and the reasoning an assessor asks for.
const STANDING: &str = "
## What data Lantern holds, and why

- **Help episodes**: when staff helped someone use an online NHS service, for how long, by which
  channel, with which services, tasks, barriers and outcome, and who helped (staff, not patients). They
  make the hidden work visible and let a practice plan it.
- **Accounts and the audit trail**: staff accounts (names, roles, practices, argon2id password hashes), and
  a hash-chained record of every change, so nothing is altered unseen.
- **Published NHS figures**: practice-level files NHS England publishes under the Open Government
  Licence (online service uptake, registrations, online consultations, deprivation, the ODS list).
- **No patient identity.** No name, NHS number, date of birth, address, phone number or email of a
  patient is stored or logged. Every free-text field is screened (NHS numbers by Modulus 11, phone
  numbers, emails, postcodes, dates of birth) and refused with a message naming the field; the tests
  of that guard are counted above.

## DCB0129 applicability

DCB0129 applies to health IT whose failure could harm a patient. Lantern records and measures staff
workload and published aggregate figures; it holds no patient record, gives no clinical advice, and no
clinical decision or patient's care waits on it. Our reasoning is that it is not a clinical system, so
DCB0129 clinical safety case obligations do not apply. A deploying organisation should record that
judgement under its own DCB0160 process and revisit it if Lantern is ever linked to patient records.

## DTAC-style answers

- **Data protection**: no patient identity (above); data stays in the organisation's own database
  (SQLite file or its PostgreSQL), with no third-party services and no CDN.
- **Technical security**: every route checked against every role in the run above; sessions with idle
  and absolute limits, CSRF tokens on every form, throttled sign-in, Secure cookies behind HTTPS;
  PostgreSQL over TLS; the hardened systemd unit and non-root container in `deploy/`.
- **Interoperability**: a JSON API with an OpenAPI document (`lantern openapi`); CSV export and import;
  NHS files loaded as published.
- **Usability and accessibility**: NHS.UK frontend styles; pages checked with axe-core in Chromium and
  driven by keyboard in the run above.
";

pub fn run(args: &AssuranceArgs) -> anyhow::Result<()> {
    let mut reports = Vec::new();
    for file in &args.junit {
        let xml = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the report {}", file.display()))?;
        let cases = read_junit(&xml).with_context(|| format!("{} is not a JUnit report", file.display()))?;
        reports.push((file.display().to_string(), cases));
    }
    let markdown = markdown(&reports);
    let text = match args.format {
        AssuranceFormat::Markdown => markdown,
        AssuranceFormat::Html => html(&markdown),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("assurance pack written to {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// A standalone page: the pack's title as its h1, the rest through the guides' Markdown renderer (which
/// escapes any markup in the text and places the sections' headings beneath the h1).
fn html(markdown: &str) -> String {
    let (title, rest) = markdown.split_once('\n').unwrap_or((markdown, ""));
    let title = title.trim_start_matches("# ");
    format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n\
         <h1>{title}</h1>\n{}</body></html>\n",
        lantern_web::render_markdown(rest)
    )
}
