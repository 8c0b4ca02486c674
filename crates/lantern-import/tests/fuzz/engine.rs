//! The fuzzing loop: inputs are raw bytes or a real fixture mutated (bytes flipped, CSV-significant
//! bytes inserted, spans cut or doubled, the file truncated), drawn by proptest from a fixed seed so a
//! run can be repeated. Each input goes to one reader; a panic is a crash, and every refusal must name
//! a line inside the input. Inputs that met a kind of refusal not met before are "interesting".

use lantern_import::episodes_csv::ImportErrors;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a reader did with an input.
pub enum Outcome {
    Read,
    /// The table's problems, each with its line (and column where one cell is at fault).
    Refused(ImportErrors),
    /// The container could not be opened (a damaged zip): about the file, not a line of it.
    Unopened(String),
}

/// A reader, taking an input's bytes.
pub type Reader = Box<dyn Fn(&[u8]) -> Outcome>;

/// One reader and the real bytes it is fuzzed from.
pub struct Target {
    pub name: &'static str,
    pub seed: Vec<u8>,
    pub read: Reader,
    /// Whether refusals' lines can be checked against the input's own lines (not for a zip).
    pub lines_are_the_inputs: bool,
}

/// Bytes that mean something to a CSV reader or a number parser.
const SPECIAL: &[u8] = b",\"\r\n-0912.+eE \t\xef\xbb\xbf\xff\x00";

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Cut(usize, usize),
    Double(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let special = proptest::sample::select(SPECIAL);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Flip(at, b)),
        (any::<usize>(), special).prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<usize>(), 0usize..64).prop_map(|(at, n)| Edit::Cut(at, n)),
        (any::<usize>(), 0usize..200).prop_map(|(at, n)| Edit::Double(at, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for e in edits {
        let len = bytes.len().max(1);
        match *e {
            Edit::Flip(at, b) if !bytes.is_empty() => bytes[at % len] = b,
            Edit::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
            Edit::Cut(at, n) if !bytes.is_empty() => {
                let from = at % len;
                bytes.drain(from..(from + n).min(bytes.len()));
            }
            Edit::Double(at, n) if !bytes.is_empty() => {
                let from = at % len;
                let span = bytes[from..(from + n).min(bytes.len())].to_vec();
                bytes.splice(from..from, span);
            }
            Edit::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

fn inputs(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..512),
        6 => proptest::collection::vec(edit(), 1..8).prop_map(move |edits| apply(&seed, &edits)),
    ]
}

/// A refusal's shape: its message without numbers or quoted text, to tell kinds of refusal apart.
fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted || c.is_ascii_digit() => {}
            _ => out.push(c),
        }
    }
    out
}

/// Why an outcome breaks the rules, if it does.
pub fn check(target: &Target, input: &[u8], outcome: &Outcome) -> Option<String> {
    let errors = match outcome {
        Outcome::Read => return None,
        Outcome::Unopened(why) => return why.trim().is_empty().then(|| "unopened, no reason".to_owned()),
        Outcome::Refused(errors) => errors,
    };
    let lines = input.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() as u64 + 2;
    if errors.total() == 0 {
        return Some("refused with no problem listed".to_owned());
    }
    errors.iter().find_map(|e| {
        let outside = e.line == 0 || (target.lines_are_the_inputs && e.line > lines);
        (outside || e.message.trim().is_empty())
            .then(|| format!("line {} in a {lines}-line input: {e}", e.line))
    })
}

/// How many interesting inputs a run keeps, so the committed corpus stays small.
const KEPT: usize = 25;

/// What a run found.
pub struct Run {
    pub cases: u64,
    pub crashes: Vec<(Vec<u8>, String)>,
    pub interesting: Vec<Vec<u8>>,
}

/// Runs `target` for `cases` inputs, or for `budget` when given, from a fixed seed.
pub fn run(target: &Target, cases: u64, budget: Option<Duration>) -> Run {
    let config = Config { cases: u32::MAX, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let strategy = inputs(target.seed.clone());
    let started = Instant::now();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut found = Run { cases: 0, crashes: Vec::new(), interesting: Vec::new() };
    let more = |n: u64| budget.map_or(n < cases, |b| started.elapsed() < b);
    while more(found.cases) {
        let input = strategy.new_tree(&mut runner).expect("an input").current();
        found.cases += 1;
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.read)(&input)));
        let problem = match &outcome {
            Err(panic) => Some(format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default()
            )),
            Ok(outcome) => check(target, &input, outcome),
        };
        if let Some(problem) = problem {
            found.crashes.push((input, problem));
            continue;
        }
        if let Ok(Outcome::Refused(errors)) = &outcome {
            let first = errors.iter().next().map(|e| shape(&e.message)).unwrap_or_default();
            if seen.insert(first) && input.len() <= 4_096 && found.interesting.len() < KEPT {
                found.interesting.push(input);
            }
        }
    }
    found
}

/// The committed corpus of a target: interesting inputs found by `bench/fuzz`, replayed by the suite.
pub fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus").join(target)
}
