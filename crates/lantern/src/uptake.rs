//! `lantern import pomi`, `lantern import registrations` and `lantern report uptake`: glue from the
//! command line to the uptake importers and measures.

use crate::cli::UnitReportArgs;
use anyhow::{bail, Context};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::uptake::{tabulate, tabulate_placed, Level};
use lantern_store::Store;
use std::path::Path;
use std::time::Instant;

pub use lantern_web::uptake::ATTRIBUTION;

pub async fn import_pomi(store: &Store, file: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let report = lantern_import::pomi::import_pomi_file(store, file, &Actor::system("lantern import"))
        .await
        .with_context(|| format!("nothing was imported from {}", file.display()))?;
    print!("{}: POMI\n{report}", file.display());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

pub async fn import_registrations(store: &Store, file: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let report = lantern_import::registrations::import_registrations_file(
        store,
        file,
        &Actor::system("lantern import"),
    )
    .await
    .with_context(|| format!("nothing was imported from {}", file.display()))?;
    print!("{}: registered patients\n{report}", file.display());
    println!("took {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The report options both uptake reports take, checked: the level, the month and the format.
fn options(level: &str, period: Option<&str>, format: &str) -> anyhow::Result<(Level, Option<String>)> {
    if !matches!(format, "csv" | "json") {
        bail!("--format must be csv or json, not {format:?}");
    }
    let Some(level) = Level::parse(level) else {
        let levels: Vec<&str> = Level::ALL.iter().map(|l| l.code()).collect();
        bail!("--level must be one of {} (sub-icb is the same as ccg), not {level:?}", levels.join(", "));
    };
    let period = match period.map(lantern_web::uptake::parse_month).transpose() {
        Ok(period) => period,
        Err(_) => bail!("--period must be a month like 2018-04, not {:?}", period.unwrap_or_default()),
    };
    Ok((level, period))
}

/// Prints the uptake table for each unit at `level` (only `code` when given) and month (only `period`).
pub async fn report(store: &Store, args: &UnitReportArgs) -> anyhow::Result<()> {
    let (level, period, format, code) =
        (&args.level, args.period.as_deref(), args.format.as_str(), args.code.as_deref());
    let (level, period) = options(level, period, format)?;
    let period = period.as_deref();
    let code = code.map(|c| c.trim().to_ascii_uppercase());
    let unit = code.as_deref().map(|c| (level, c));
    // One month at a level the rows name is summed in the database; anything else reads the rows. PCN
    // is in no POMI file and CCG-era files name no ICB: those read the month whole, place by the map,
    // then keep the unit asked for.
    let summed = match (period, &code) {
        (Some(period), None) => store.uptake_totals(level, period).await?,
        _ => None,
    };
    let months = match summed {
        Some(_) => Vec::new(),
        None => store.uptake_months(period, unit.filter(|_| !level.needs_places())).await?,
    };
    let mut table = if let Some(summed) = summed {
        summed
    } else if level.needs_places() {
        let places = store.uptake_places_latest().await?;
        let placed = tabulate_placed(level, &months, &places, code.as_deref());
        let unplaced = placed.unplaced_practice_months();
        if unplaced > 0 {
            let hint = if places.is_empty() { " (no practice map is held)" } else { "" };
            eprintln!(
                "{unplaced} practice-months could not be placed in a{} {}{hint} and are left out",
                if level == Level::Icb { "n" } else { "" },
                level.code().to_ascii_uppercase()
            );
        }
        placed.units
    } else {
        tabulate(level, &months, code.as_deref())
    };
    if table.is_empty() {
        let held = store.uptake_periods().await?;
        let what = code.map_or_else(|| format!("at level {}", level.code()), |c| format!("for {c}"));
        if held.is_empty() {
            bail!("no POMI data is held; load a file with `lantern import pomi FILE`");
        }
        bail!(
            "no POMI data {what}{}; months held: {}",
            period.map(|p| format!(" in {p}")).unwrap_or_default(),
            held.join(", ")
        );
    }
    lantern_web::uptake::name_units(store, level, &mut table).await?;
    let detail = serde_json::json!({ "level": level.code(), "code": unit.map(|u| u.1), "period": period });
    store.audit(AuditEntry::new(&Actor::system("lantern report"), "export.uptake").after(&detail)).await?;
    if format == "csv" {
        print!("{}", lantern_web::uptake::csv::table_csv(&table));
        eprintln!("{ATTRIBUTION}");
    } else {
        // Built by hand so the units keep their fields in declaration order (a json! map would sort them).
        let units = serde_json::to_string_pretty(&table)?.replace('\n', "\n  ");
        println!("{{\n  \"attribution\": {},\n  \"units\": {units}\n}}", serde_json::to_string(ATTRIBUTION)?);
    }
    Ok(())
}

/// Prints the online consultation table at `level` (only `code`, only `period` when given).
pub async fn report_oc(store: &Store, args: &UnitReportArgs) -> anyhow::Result<()> {
    let (level, period, format, code) =
        (&args.level, args.period.as_deref(), args.format.as_str(), args.code.as_deref());
    let (level, period) = options(level, period, format)?;
    let code = code.map(|c| c.trim().to_ascii_uppercase());
    let table = lantern_web::uptake::oc_table(store, level, code.as_deref(), period.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if table.units.is_empty() {
        bail!(
            "no online consultation data {}",
            code.map_or_else(|| format!("at level {}", level.code()), |c| format!("for {c}"))
        );
    }
    let unplaced: u64 = table.unplaced.iter().map(|u| u.counts.practices).sum();
    if unplaced > 0 {
        eprintln!("{unplaced} practice-months are not in the practice map held and are left out");
    }
    let detail = serde_json::json!({ "oc": level.code(), "code": code, "period": period });
    store.audit(AuditEntry::new(&Actor::system("lantern report"), "export.uptake").after(&detail)).await?;
    if format == "csv" {
        print!("{}", lantern_web::uptake::csv::oc_csv(&table.units));
        eprintln!("{ATTRIBUTION}");
    } else {
        let units = serde_json::to_string_pretty(&table.units)?.replace('\n', "\n  ");
        println!("{{\n  \"attribution\": {},\n  \"units\": {units}\n}}", serde_json::to_string(ATTRIBUTION)?);
    }
    Ok(())
}
