//! `lantern backup` and `lantern restore`: what was copied, or why nothing was.

use crate::cli::{BackupArgs, RestoreArgs};
use anyhow::Context;
use lantern_store::{BackupContents, BackupError, DatabaseLocation};

fn describe(contents: &BackupContents) -> String {
    format!(
        "{} episodes, {} audit records (hash chain verified), schema version {}",
        contents.episodes, contents.audit_records, contents.schema_version
    )
}

/// Turns a refusal into advice where the user can act on it.
fn explain(error: BackupError, location: &DatabaseLocation, failed: &str) -> anyhow::Error {
    match (&error, location) {
        (BackupError::ToolMissing(_), DatabaseLocation::Postgres(url)) => {
            let advice = lantern_store::postgres_guidance(url);
            anyhow::Error::new(error)
                .context(format!("{failed}: Lantern cannot copy PostgreSQL itself.\n{advice}"))
        }
        (BackupError::Exists(_), _) => {
            anyhow::Error::new(error).context(format!("{failed} (--force replaces it)"))
        }
        (BackupError::InUse(_), _) => {
            anyhow::Error::new(error).context(format!("{failed}: stop the server first"))
        }
        _ => anyhow::Error::new(error).context(failed.to_owned()),
    }
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let location = DatabaseLocation::parse(&args.database.database)?;
    let report = lantern_store::backup_database(&location, &args.to, args.force)
        .await
        .map_err(|e| explain(e, &location, "backup FAILED"))?;
    println!(
        "backed up {location} to {} ({} bytes): {}",
        report.file.display(),
        report.bytes,
        describe(&report.contents)
    );
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let location = DatabaseLocation::parse(&args.database)?;
    let report = lantern_store::restore_database(&args.from, &location, args.force)
        .await
        .map_err(|e| explain(e, &location, "restore REFUSED, nothing was replaced"))
        .with_context(|| format!("restoring {} into {location}", args.from.display()))?;
    println!("restored {} into {}: {}", args.from.display(), report.database, describe(&report.contents));
    if report.migrations_applied > 0 {
        println!("{} migrations applied to bring the backup up to this version", report.migrations_applied);
    }
    if let Some(previous) = report.previous {
        println!("the database it replaced is kept as {previous}");
    }
    Ok(())
}
