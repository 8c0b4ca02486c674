//! `lantern import places | age-bands | oc | imd | epraccur`: glue from the command line to the
//! reference-data importers. Each reads the whole file on a blocking thread, then stores it in one
//! transaction, and prints what it read and stored with the licence the data is published under.

use crate::cli::ReferenceFileArgs;
use crate::uptake::ATTRIBUTION;
use anyhow::Context;
use lantern_core::audit::Actor;
use lantern_import::episodes_csv::ImportErrors;
use lantern_import::reference::{read_file, ReferenceFile};
use lantern_import::{
    age_bands, appointments, cbt, cbt_daily, epraccur, imd, nhs_app, oc, oc_table2, places,
};
use std::io::Read;
use std::path::Path;
use std::time::Instant;

/// Which reference file a command imports.
#[derive(Debug, Clone, Copy)]
pub enum Reference {
    Places,
    AgeBands,
    Oc,
    Imd,
    Epraccur,
}

impl Reference {
    fn title(self) -> &'static str {
        match self {
            Reference::Places => "practice map",
            Reference::AgeBands => "registered patients by sex and age band",
            Reference::Oc => "online consultation submissions",
            Reference::Imd => "IMD deprivation by practice",
            Reference::Epraccur => "ODS practices (epraccur)",
        }
    }
}

pub async fn import(kind: Reference, args: ReferenceFileArgs) -> anyhow::Result<()> {
    let store = crate::open(&args.database.database).await?;
    let (path, started) = (args.file.as_path(), Instant::now());
    let actor = Actor::system("lantern import");
    let stored = match kind {
        Reference::Places => {
            let file = read(path, |input| places::read_places(input)).await?;
            places::store_places(&store, &file, &actor).await
        }
        Reference::AgeBands => {
            let file = read(path, |input| age_bands::read_age_bands(input)).await?;
            age_bands::store_age_bands(&store, &file, &actor).await
        }
        Reference::Oc => {
            let file = read(path, |input| oc::read_oc(input)).await?;
            oc::store_oc(&store, &file, &actor).await
        }
        Reference::Imd => {
            let file = read(path, |input| imd::read_imd(input)).await?;
            imd::store_imd(&store, &file, &actor).await
        }
        Reference::Epraccur => {
            let file = read(path, |input| epraccur::read_epraccur(input)).await?;
            epraccur::store_epraccur(&store, &file, &actor).await
        }
    };
    let report = stored.with_context(|| format!("nothing was imported from {}", path.display()))?;
    print!("{}: {}\n{report}", path.display(), kind.title());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    println!("{ATTRIBUTION}");
    Ok(())
}

/// Reading is CPU-bound, so it runs off the async workers.
async fn read<T: Send + 'static>(
    path: &Path,
    read: impl FnOnce(&mut dyn Read) -> Result<ReferenceFile<T>, ImportErrors> + Send + 'static,
) -> anyhow::Result<ReferenceFile<T>> {
    let owned = path.to_owned();
    tokio::task::spawn_blocking(move || read_file(&owned, read))
        .await
        .context("the reader stopped")?
        .with_context(|| format!("nothing was imported from {}", path.display()))
}

/// `lantern import appointments FILE [--mapping Mapping.csv]`: the crosstab, then the mapping, each
/// read and checked before anything is stored.
pub async fn import_appointments(database: &str, path: &Path, mapping: Option<&Path>) -> anyhow::Result<()> {
    let store = crate::open(database).await?;
    let (started, actor) = (Instant::now(), Actor::system("lantern import"));
    let (report, placed) = appointments::import_appointments_file(&store, path, mapping, &actor)
        .await
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    print!("{}: appointments in general practice\n{report}", path.display());
    if let (Some(mapping), Some(placed)) = (mapping, placed) {
        print!("{}: practice map\n{placed}", mapping.display());
    }
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    println!("{ATTRIBUTION}");
    Ok(())
}

/// `lantern import cbt WORKBOOK.xlsx`: the telephony practice table, all or nothing.
pub async fn import_cbt(database: &str, path: &Path) -> anyhow::Result<()> {
    let store = crate::open(database).await?;
    let (started, actor) = (Instant::now(), Actor::system("lantern import"));
    let owned = path.to_owned();
    let file = tokio::task::spawn_blocking(move || cbt::read_cbt(&owned))
        .await
        .context("the reader stopped")?
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    let report = cbt::store_cbt(&store, &file, &actor)
        .await
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    print!("{}: cloud based telephony\n{report}", path.display());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    println!("{ATTRIBUTION}");
    Ok(())
}

/// `lantern import cbt-csv FILE.csv`: one practice-level telephony CSV (Calls Answered Metric or By
/// Durations), all or nothing.
pub async fn import_cbt_csv(database: &str, path: &Path) -> anyhow::Result<()> {
    let store = crate::open(database).await?;
    let (started, actor) = (Instant::now(), Actor::system("lantern import"));
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || cbt_daily::read_cbt_daily_path(&owned))
        .await
        .context("the reader stopped")?
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    let report = cbt_daily::store_cbt_daily(&store, &read, &actor)
        .await
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    print!("{}: cloud based telephony by practice and day\n{report}", path.display());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    println!("{ATTRIBUTION}");
    Ok(())
}

/// `lantern import oc-workbook WORKBOOK.xlsx`: the online consultations practice table (`Table 2`),
/// all or nothing, into the same table as `lantern import oc`.
pub async fn import_oc_workbook(database: &str, path: &Path) -> anyhow::Result<()> {
    let store = crate::open(database).await?;
    let (started, actor) = (Instant::now(), Actor::system("lantern import"));
    let owned = path.to_owned();
    let file = tokio::task::spawn_blocking(move || oc_table2::read_oc_table2(&owned))
        .await
        .context("the reader stopped")?
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    let report = oc::store_oc(&store, &file, &actor)
        .await
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    print!("{}: online consultation submissions (workbook)\n{report}", path.display());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    println!("{ATTRIBUTION}");
    Ok(())
}

/// `lantern import nhs-app WORKBOOK.xlsx`: England's and the ICBs' NHS App figures, all or nothing.
pub async fn import_nhs_app(database: &str, path: &Path) -> anyhow::Result<()> {
    let store = crate::open(database).await?;
    let (started, actor) = (Instant::now(), Actor::system("lantern import"));
    let owned = path.to_owned();
    let file = tokio::task::spawn_blocking(move || nhs_app::read_nhs_app(&owned))
        .await
        .context("the reader stopped")?
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    let report = nhs_app::store_nhs_app(&store, &file, &actor)
        .await
        .with_context(|| format!("nothing was imported from {}", path.display()))?;
    print!("{}: NHS App management information\n{report}", path.display());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    println!("{ATTRIBUTION}");
    Ok(())
}
