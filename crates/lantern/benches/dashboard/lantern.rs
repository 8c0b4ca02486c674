//! Lantern's side, run in a process of its own (the benchmark binary started again with
//! `LANTERN_DASHBOARD_CHILD`), so that its memory peak is the query phase's alone: open the store,
//! warm up, then time each question as the dashboard pages compute it, through
//! `lantern_web::measures::{practice_figures, network_figures}`.

use crate::figures::{Figures, Kind, Question};
use jiff::civil::Date;
use lantern_core::measures::{Period, PeriodKind};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use lantern_store::{DatabaseLocation, Store};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub const CHILD: &str = "LANTERN_DASHBOARD_CHILD";

#[derive(Debug, Serialize, Deserialize)]
pub struct ChildInput {
    /// A SQLite path or a PostgreSQL URL, as `--database` takes them.
    pub database: String,
    pub warmup: usize,
    pub questions: Vec<Question>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Answer {
    pub ms: f64,
    pub figures: Figures,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ChildOutput {
    pub answers: Vec<Answer>,
    /// VmHWM after opening the store, and at the end (kB).
    pub hwm_open_kb: u64,
    pub hwm_kb: u64,
}

/// Peak resident memory of this process so far, in kB (VmHWM from /proc/self/status).
pub fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

fn period(kind: Kind, from: &str) -> Period {
    let day: Date = from.parse().expect("a date");
    let kind = match kind {
        Kind::PracticeQuarter => PeriodKind::Quarter,
        Kind::IcbYear => PeriodKind::Year,
    };
    Period::containing(kind, day)
}

async fn answer(store: &Store, practices: &[Practice], question: &Question) -> Figures {
    let org = OdsCode::parse(&question.org).expect("organisation code");
    let period = period(question.kind, &question.from);
    match question.kind {
        Kind::PracticeQuarter => {
            let figures =
                lantern_web::measures::practice_figures(store, &org, period).await.expect("practice figures");
            Figures::practice(&figures)
        }
        Kind::IcbYear => {
            let figures = lantern_web::measures::network_figures(store, &org, practices, true, period)
                .await
                .expect("network figures");
            Figures::network(&figures)
        }
    }
}

/// The child's work: read the input, answer the questions, write the output.
pub fn run_child(input: &Path, output: &Path) {
    let input: ChildInput =
        serde_json::from_slice(&std::fs::read(input).expect("read the child's input")).expect("child input");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let result = runtime.block_on(async {
        let location = DatabaseLocation::parse(&input.database).expect("a database location");
        let store = Store::connect(&location).await.expect("open");
        store.migrate().await.expect("migrate");
        let hwm_open_kb = vm_hwm_kb();
        let icb = input.questions.iter().find(|q| q.kind == Kind::IcbYear).map(|q| q.org.clone());
        let practices: Vec<Practice> = store
            .list_practices()
            .await
            .expect("practices")
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.icb.as_ref().map(OdsCode::as_str) == icb.as_deref())
            .collect();
        for question in input.questions.iter().cycle().take(input.warmup) {
            answer(&store, &practices, question).await;
        }
        let mut answers = Vec::new();
        for question in &input.questions {
            let started = Instant::now();
            let figures = answer(&store, &practices, question).await;
            answers.push(Answer { ms: started.elapsed().as_secs_f64() * 1_000.0, figures });
        }
        store.close().await;
        ChildOutput { answers, hwm_open_kb, hwm_kb: vm_hwm_kb() }
    });
    std::fs::write(output, serde_json::to_vec(&result).expect("json")).expect("write the child's output");
}

/// Runs the questions in a fresh process of this benchmark (`exe`: a copy of it, as Cargo may replace
/// the original during a long run) and returns what it measured.
pub fn measure(
    exe: &Path,
    dir: &Path,
    database: &DatabaseLocation,
    warmup: usize,
    questions: &[Question],
) -> ChildOutput {
    let input = dir.join("lantern-questions.json");
    let output = dir.join("lantern-answers.json");
    let database = match database {
        DatabaseLocation::Sqlite(path) => path.display().to_string(),
        DatabaseLocation::Postgres(url) => url.clone(),
    };
    let child_input = ChildInput { database, warmup, questions: questions.to_vec() };
    std::fs::write(&input, serde_json::to_vec(&child_input).expect("json")).expect("write questions");
    let status = Command::new(exe)
        .arg("--bench")
        .env(CHILD, format!("{}\n{}", input.display(), output.display()))
        .status()
        .expect("start the query process");
    assert!(status.success(), "the Lantern query process failed: {status}");
    serde_json::from_slice(&std::fs::read(&output).expect("read answers")).expect("answers")
}
