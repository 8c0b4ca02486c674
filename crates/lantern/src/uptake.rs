//! `lantern import pomi`, `lantern import registrations` and `lantern report uptake`: glue from the
//! command line to the uptake importers and measures.

use anyhow::{bail, Context};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::uptake::{measures::ENGLAND, tabulate, Level, Service, UnitUptake};
use lantern_store::Store;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Shown wherever the published data is: the Open Government Licence asks for it.
pub const ATTRIBUTION: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0.";

pub async fn import_pomi(store: &Store, file: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let path = file.to_owned();
    // Reading is CPU-bound; off the async workers so the runtime stays responsive.
    let read = tokio::task::spawn_blocking(move || lantern_import::pomi::read_pomi_file(&path))
        .await
        .context("the reader stopped")?
        .with_context(|| format!("nothing was imported from {}", file.display()))?;
    let report = lantern_import::pomi::store_pomi(store, &read, &Actor::system("lantern import"))
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

/// Prints the uptake table for each unit at `level` (only `code` when given) and month (only `period`).
pub async fn report(
    store: &Store,
    level: &str,
    code: Option<&str>,
    period: Option<&str>,
    format: &str,
) -> anyhow::Result<()> {
    if !matches!(format, "csv" | "json") {
        bail!("--format must be csv or json, not {format:?}");
    }
    let Some(level) = Level::parse(level) else {
        let levels: Vec<&str> = Level::ALL.iter().map(|l| l.code()).collect();
        bail!("--level must be one of {} (sub-icb is the same as ccg), not {level:?}", levels.join(", "));
    };
    if let Some(period) = period {
        let ok = period.len() == 7
            && period.as_bytes()[4] == b'-'
            && period.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit());
        if !ok {
            bail!("--period must be a month like 2018-04, not {period:?}");
        }
    }
    let code = code.map(|c| c.trim().to_ascii_uppercase());
    let unit = code.as_deref().map(|c| (level, c));
    let months = store.uptake_months(period, unit).await?;
    let mut table = tabulate(level, &months, code.as_deref());
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
    name_units(store, level, &mut table).await?;
    let detail = serde_json::json!({ "level": level.code(), "code": unit.map(|u| u.1), "period": period });
    store.audit(AuditEntry::new(&Actor::system("lantern report"), "export.uptake").after(&detail)).await?;
    if format == "csv" {
        print!("{}", csv(&table));
        eprintln!("{ATTRIBUTION}");
    } else {
        // Built by hand so the units keep their fields in declaration order (a json! map would sort them).
        let units = serde_json::to_string_pretty(&table)?.replace('\n', "\n  ");
        println!("{{\n  \"attribution\": {},\n  \"units\": {units}\n}}", serde_json::to_string(ATTRIBUTION)?);
    }
    Ok(())
}

async fn name_units(store: &Store, level: Level, table: &mut [UnitUptake]) -> anyhow::Result<()> {
    let names: HashMap<String, String> = match level {
        Level::England => HashMap::from([(ENGLAND.to_owned(), "England".to_owned())]),
        Level::Region => store.uptake_names("region").await?,
        Level::Icb => store.uptake_names("icb").await?,
        Level::Ccg => {
            let mut names = store.uptake_names("ccg").await?;
            names.extend(store.uptake_names("sub_icb").await?);
            names
        }
        Level::Practice => store.uptake_names("practice").await?,
    };
    for unit in table {
        unit.name = names.get(&unit.code).cloned();
    }
    Ok(())
}

/// One row per unit and month: counts, then rates (percent of registered patients, capped at 100 and
/// marked; transactions per 1,000 registered patients).
fn csv(table: &[UnitUptake]) -> String {
    let mut header: Vec<String> = [
        "level",
        "code",
        "name",
        "period",
        "practices",
        "patient_list_size",
        "total_pat_enbld",
        "enabled_pct",
        "enabled_capped",
        "new_pat_enbld",
        "total_use",
        "use_per_1000",
        "practices_enabled_above_list",
    ]
    .map(str::to_owned)
    .to_vec();
    for service in Service::ALL {
        for column in
            ["practices_switched_on", "enabled", "enabled_pct", "enabled_capped", "use", "use_per_1000"]
        {
            header.push(format!("{}_{column}", service.code()));
        }
    }
    let mut out = String::new();
    push_record(&mut out, &header);
    let pct = |share: Option<lantern_core::uptake::measures::Share>| {
        share.map_or((String::new(), String::new()), |s| (format!("{:.2}", s.percent), yes_no(s.capped)))
    };
    let per_1000 = |rate: Option<f64>| rate.map_or_else(String::new, |r| format!("{r:.1}"));
    for unit in table {
        let (c, r) = (&unit.counts, &unit.rates);
        let (enabled_pct, enabled_capped) = pct(r.enabled);
        let mut row = vec![
            unit.level.code().to_owned(),
            unit.code.clone(),
            // A spreadsheet would run a name starting with = + - @ as a formula.
            lantern_import::episodes_csv::neutralise(unit.name.as_deref().unwrap_or_default()).into_owned(),
            unit.period.clone(),
            c.practices.to_string(),
            c.patient_list_size.to_string(),
            c.total_pat_enbld.to_string(),
            enabled_pct,
            enabled_capped,
            c.new_pat_enbld.to_string(),
            c.total_use.to_string(),
            per_1000(r.use_per_1000),
            c.practices_enabled_above_list.to_string(),
        ];
        for service in Service::ALL {
            let counts = c.service(service);
            let rates = match service {
                Service::Appointments => r.appointments,
                Service::Prescriptions => r.prescriptions,
                Service::Record => r.record,
            };
            let (enabled_pct, capped) = pct(rates.enabled);
            row.extend([
                counts.practices_switched_on.to_string(),
                counts.enabled.to_string(),
                enabled_pct,
                capped,
                counts.uses.to_string(),
                per_1000(rates.uses_per_1000),
            ]);
        }
        push_record(&mut out, &row);
    }
    out
}

/// RFC 4180: a cell holding a comma, quote or line break is quoted, with quotes doubled (names such as
/// "NHS Airedale, Wharfedale and Craven CCG" have commas).
fn push_record(out: &mut String, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}
