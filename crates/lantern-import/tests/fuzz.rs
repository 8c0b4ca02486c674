//! A fuzz target for every reader of outside bytes: POMI (CCG and sub-ICB layouts, as .csv and as a
//! .zip), registrations (.csv and .csv.gz), age bands, online consultations, the practice map, IMD
//! (both Fingertips layouts), epraccur and Lantern's own episode CSV. Each is fed raw bytes and
//! mutations of a real fixture; none may panic, and every refusal must name a line inside the input.
//!
//! The suite runs a short pass from a fixed seed and replays `tests/fuzz_corpus/`. `bench/fuzz` runs
//! each target for a time instead (`LANTERN_FUZZ_SECONDS`) and saves what it finds
//! (`LANTERN_FUZZ_SAVE=1`); `LANTERN_FUZZ_CASES` sets the suite's cases per target (default 300).

mod common;
#[path = "fuzz/engine.rs"]
mod engine;
mod shared;

use engine::{check, corpus_dir, run, Outcome, Reader, Target};
use lantern_import::episodes_csv::{read_episodes, ImportErrors, PracticeLookup};
use lantern_import::pomi::PomiError;
use lantern_import::{age_bands, epraccur, imd, oc, places, pomi, registrations};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

fn outcome<T>(result: Result<T, ImportErrors>) -> Outcome {
    result.map_or_else(Outcome::Refused, |_| Outcome::Read)
}

/// The first `lines` lines of a fixture.
fn head(name: &str, lines: usize) -> Vec<u8> {
    let text = std::fs::read(shared::fixture(name)).expect("fixture");
    text.split_inclusive(|b| *b == b'\n').take(lines).flatten().copied().collect()
}

const SUB_ICB: &str = "report_period_end,region_code,region_name,ICB_code,ICB_name,sub_ICB_location_code,\
sub_ICB_location_name,practice_code,practice_name,system_supplier,field,value\r\n\
31-Dec-23,Y60,Midlands,QK1,\"NHS LLR ICB\",04C,NHS LLR - 04C,C82001,A Practice,TPP,patient_list_size,1000\r\n\
31-Dec-23,Y60,Midlands,QK1,\"NHS LLR ICB\",04C,NHS LLR - 04C,C82001,A Practice,TPP,Total_Pat_Enbld,200\r\n\
31-Dec-23,Y60,Midlands,QK1,\"NHS LLR ICB\",04C,NHS LLR - 04C,C82001,A Practice,TPP,Sys_Appts_Enbld,2\r\n";

const REGISTRATIONS: &str =
    "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\r\n\
GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\r\n\
GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84003,NE63 9UT,ALL,ALL,\r\n\
GP_PRAC_PAT_LIST,01JAN2021,CCG,00L,E38000130,00L,,ALL,ALL,300000\r\n";

/// A reader of files on disk, fed each input through a file in its own folder.
fn from_file(ext: &'static str, read: fn(&std::path::Path) -> Outcome) -> Reader {
    let dir = tempfile::tempdir().expect("tempdir");
    Box::new(move |input| {
        let path = dir.path().join(format!("input.{ext}"));
        std::fs::write(&path, input).expect("write");
        read(&path)
    })
}

fn zip_of(csv: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file("pomi.csv", zip::write::SimpleFileOptions::default()).expect("zip");
    writer.write_all(csv).expect("zip");
    writer.finish().expect("zip").into_inner()
}

fn gz_of(csv: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(csv).expect("gzip");
    encoder.finish().expect("gzip")
}

fn target(name: &str) -> Target {
    let table = |read: fn(&[u8]) -> Outcome, seed: Vec<u8>| (seed, Box::new(read) as Reader, true);
    let pomi_csv = head("POMI_APR2018_to_SEP2018.first2000rows.csv", 40);
    let (seed, read, lines_are_the_inputs) = match name {
        "pomi_ccg_csv" => table(|b| outcome(pomi::read_pomi(b)), pomi_csv),
        "pomi_sub_icb_csv" => table(|b| outcome(pomi::read_pomi(b)), SUB_ICB.as_bytes().to_vec()),
        "pomi_zip" => {
            let read = from_file("zip", |path| match pomi::read_pomi_file(path) {
                Ok(_) => Outcome::Read,
                Err(PomiError::Invalid(errors)) => Outcome::Refused(errors),
                Err(e) => Outcome::Unopened(e.to_string()),
            });
            (zip_of(&pomi_csv), read, false)
        }
        "registrations_csv" => {
            table(|b| outcome(registrations::read_registrations(b)), REGISTRATIONS.as_bytes().to_vec())
        }
        "registrations_gz" => {
            let read = from_file("csv.gz", |path| {
                match lantern_import::published::with_table(path, |r| registrations::read_registrations(r)) {
                    Ok(result) => outcome(result),
                    Err(e) => Outcome::Unopened(e.to_string()),
                }
            });
            (gz_of(REGISTRATIONS.as_bytes()), read, false)
        }
        "age_bands" => table(
            |b| outcome(age_bands::read_age_bands(b)),
            head("gp-reg-pat-prac-quin-age_dec2025.sample.csv", 30),
        ),
        "oc" => table(|b| outcome(oc::read_oc(b)), head("oc_submissions_by_practice.sample.csv", 30)),
        "places" => table(|b| outcome(places::read_places(b)), head("gp-reg-pat-prac-map.sample.csv", 20)),
        "imd_compact" => {
            table(|b| outcome(imd::read_imd(b)), head("imd_2010_2015_2019_by_practice.sample.csv", 20))
        }
        "imd_export" => table(
            |b| outcome(imd::read_imd(b)),
            head("fingertips_93553_imd2019_by_practice.first30rows.csv", 20),
        ),
        "epraccur" => table(|b| outcome(epraccur::read_epraccur(b)), head("epraccur.sample.csv", 12)),
        "episodes" => {
            let mut fixture = common::Fixture::new();
            // Fixed staff ids: the same seed then draws the same inputs, and a run's corpus stops
            // differing from the last one's only by the ids in it.
            for (n, member) in fixture.staff.iter_mut().chain([&mut fixture.other_staff]).enumerate() {
                member.id = uuid::Uuid::from_u128(0x5eed_0000 + n as u128);
            }
            let lookup = tokio::runtime::Runtime::new().expect("runtime").block_on(async {
                let db = lantern_store::testing::sqlite().await;
                fixture.seed(&db.store).await;
                PracticeLookup::load(&db.store).await.expect("practices")
            });
            let read = Box::new(move |b: &[u8]| outcome(read_episodes(b, &lookup, jiff::Timestamp::now())));
            (fixture.file(12, |_, _| {}).into_bytes(), read as Reader, true)
        }
        other => panic!("no fuzz target {other}"),
    };
    Target { name: leak(name), seed, read, lines_are_the_inputs }
}

fn leak(name: &str) -> &'static str {
    Box::leak(name.to_owned().into_boxed_str())
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn file_name(input: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Replays the committed corpus, then fuzzes; prints cases run and crashes for `bench/fuzz`.
fn fuzz(name: &str) {
    let target = target(name);
    let corpus = corpus_dir(name);
    for entry in std::fs::read_dir(&corpus).into_iter().flatten().flatten() {
        let input = std::fs::read(entry.path()).expect("a corpus input");
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.read)(&input)))
            .unwrap_or_else(|_| panic!("{name}: {} panics", entry.path().display()));
        assert_eq!(check(&target, &input, &outcome), None, "{name}: {}", entry.path().display());
    }
    let budget = env_number("LANTERN_FUZZ_SECONDS").map(Duration::from_secs);
    let found = run(&target, env_number("LANTERN_FUZZ_CASES").unwrap_or(300), budget);
    println!("fuzz {}: {} cases, {} crashes", target.name, found.cases, found.crashes.len());
    if std::env::var_os("LANTERN_FUZZ_SAVE").is_some() {
        std::fs::create_dir_all(&corpus).expect("corpus folder");
        let crashes = found.crashes.iter().map(|(input, _)| input);
        for input in found.interesting.iter().chain(crashes) {
            std::fs::write(corpus.join(file_name(input)), input).expect("save");
        }
    }
    if let Some((input, problem)) = found.crashes.first() {
        panic!("{name}: {problem}\ninput: {:?}", String::from_utf8_lossy(input));
    }
}

macro_rules! targets {
    ($($name:ident),*) => {
        $(#[test] fn $name() { fuzz(stringify!($name)); })*
        /// Every target's name, for `bench/fuzz`.
        #[test]
        fn list_targets() {
            println!("targets: {}", [$(stringify!($name)),*].join(" "));
        }
    };
}

targets!(
    pomi_ccg_csv,
    pomi_sub_icb_csv,
    pomi_zip,
    registrations_csv,
    registrations_gz,
    age_bands,
    oc,
    places,
    imd_compact,
    imd_export,
    epraccur,
    episodes
);
