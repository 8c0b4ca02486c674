//! The `lantern` command: thin glue from the command line to the library crates.

mod accounts;
mod assurance;
mod backup;
mod cli;
mod config;
mod demo;
mod demo_observation;
mod demo_uptake;
mod effect;
mod healthcheck;
mod reference_import;
mod report;
mod serve;
mod settings;
mod sign_in;
mod sign_in_requests;
mod uptake;

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches};
use cli::{
    AuditCommand, Cli, Command, ConfigCommand, ExportCommand, ImportCommand, ReportCommand, RollupsCommand,
};
use lantern_store::{DatabaseLocation, EpisodeFilter, Store};
use reference_import::Reference;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LANTERN_LOG").unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Serve(args) => {
            settings::Settings::read(&args, matches.subcommand_matches("serve")).refuse_unsafe()?;
            let store = open(&args.database.database).await?;
            serve::serve(store, &args.listen, None).await
        }
        Command::Migrate(args) => {
            open(&args.database).await?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::Demo(args) => demo::run(args).await,
        Command::Import(ImportCommand::Episodes { file, database }) => {
            let store = open(&database.database).await?;
            let reader =
                std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
            let summary = lantern_import::episodes_csv::import_episodes(
                &store,
                std::io::BufReader::new(reader),
                &lantern_core::audit::Actor::system("lantern import"),
            )
            .await
            .with_context(|| format!("nothing was imported from {}", file.display()))?;
            println!(
                "{}: {} episodes created, {} already present and unchanged",
                file.display(),
                summary.created,
                summary.unchanged
            );
            Ok(())
        }
        Command::Import(ImportCommand::Pomi { file, database }) => {
            uptake::import_pomi(&open(&database.database).await?, &file).await
        }
        Command::Import(ImportCommand::Registrations { file, database }) => {
            uptake::import_registrations(&open(&database.database).await?, &file).await
        }
        Command::Import(ImportCommand::Places(args)) => {
            reference_import::import(Reference::Places, args).await
        }
        Command::Import(ImportCommand::AgeBands(args)) => {
            reference_import::import(Reference::AgeBands, args).await
        }
        Command::Import(ImportCommand::Oc(args)) => reference_import::import(Reference::Oc, args).await,
        Command::Import(ImportCommand::Imd(args)) => reference_import::import(Reference::Imd, args).await,
        Command::Import(ImportCommand::Epraccur(args)) => {
            reference_import::import(Reference::Epraccur, args).await
        }
        Command::Import(ImportCommand::Appointments { file, mapping, database }) => {
            reference_import::import_appointments(&database.database, &file, mapping.as_deref()).await
        }
        Command::Import(ImportCommand::OcWorkbook { file, database }) => {
            reference_import::import_oc_workbook(&database.database, &file).await
        }
        Command::Import(ImportCommand::Cbt { file, database }) => {
            reference_import::import_cbt(&database.database, &file).await
        }
        Command::Import(ImportCommand::NhsApp { file, database }) => {
            reference_import::import_nhs_app(&database.database, &file).await
        }
        Command::Import(ImportCommand::CbtCsv { file, database }) => {
            reference_import::import_cbt_csv(&database.database, &file).await
        }
        Command::Export(ExportCommand::Episodes { database, practice, output }) => {
            let store = open(&database.database).await?;
            let filter = EpisodeFilter {
                practices: practice
                    .as_deref()
                    .map(lantern_core::ods::OdsCode::parse)
                    .transpose()?
                    .into_iter()
                    .collect(),
                ..EpisodeFilter::default()
            };
            let rows = match output {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    lantern_import::episodes_csv::export_episodes(
                        &store,
                        &filter,
                        std::io::BufWriter::new(file),
                    )
                    .await?
                }
                None => {
                    lantern_import::episodes_csv::export_episodes(&store, &filter, std::io::stdout().lock())
                        .await?
                }
            };
            let detail = serde_json::json!({ "rows": rows, "practice": practice });
            let entry = lantern_core::audit::AuditEntry::new(
                &lantern_core::audit::Actor::system("lantern export"),
                "export.episodes",
            );
            store.audit(entry.after(&detail)).await?;
            eprintln!("{rows} episodes exported");
            Ok(())
        }
        Command::Healthcheck(args) => healthcheck::check(args.listen).await,
        Command::User(command) => accounts::run(command).await,
        Command::Accounts(command) => sign_in_requests::run(command).await,
        Command::Audit(AuditCommand::Verify { database }) => {
            let store = open(&database.database).await?;
            match store.verify_audit().await? {
                Ok(checked) => {
                    println!("audit trail intact: {checked} records verified");
                    Ok(())
                }
                Err(found) => {
                    eprintln!("audit trail BROKEN at {found}");
                    std::process::exit(1);
                }
            }
        }
        Command::Report(ReportCommand::HiddenWork { database, practice, org, from, to, format }) => {
            let store = open(&database.database).await?;
            report::hidden_work(&store, practice.as_deref(), org.as_deref(), &from, &to, &format).await
        }
        Command::Report(ReportCommand::Uptake(args)) => {
            uptake::report(&open(&args.database.database).await?, &args).await
        }
        Command::Report(ReportCommand::Effect { database, practice, offer, format }) => {
            effect::report(&open(&database.database).await?, &practice, &offer, &format).await
        }
        Command::Report(ReportCommand::OnlineConsultations(args)) => {
            uptake::report_oc(&open(&args.database.database).await?, &args).await
        }
        Command::Rollups(RollupsCommand::Check { database, repair }) => {
            let store = open(&database.database).await?;
            let differences = store.check_rollups().await?;
            if differences.is_empty() {
                println!("rollups match the episodes");
                return Ok(());
            }
            for d in differences.iter().take(50) {
                eprintln!(
                    "{} {} {}={:?}: stored {} episodes / {} minutes, episodes say {} / {}",
                    d.practice,
                    d.day,
                    d.dimension,
                    d.key,
                    d.stored.episodes,
                    d.stored.minutes,
                    d.recomputed.episodes,
                    d.recomputed.minutes
                );
            }
            eprintln!("{} rollups differ from the episodes", differences.len());
            if repair {
                store.rebuild_rollups().await?;
                eprintln!("rollups rebuilt from the episodes");
                return Ok(());
            }
            std::process::exit(1);
        }
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Assurance(args) => assurance::run(&args),
        Command::Config(ConfigCommand::Check(args)) => {
            let own = matches.subcommand_matches("config").and_then(|m| m.subcommand_matches("check"));
            config::check(&settings::Settings::read(&args, own))
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&lantern_web::openapi_document())?);
            Ok(())
        }
    }
}

/// Opens and migrates the database, so every command sees the current schema.
async fn open(raw: &str) -> anyhow::Result<Store> {
    let location = DatabaseLocation::parse(raw)?;
    let store =
        Store::connect(&location).await.with_context(|| format!("cannot open the database at {location}"))?;
    store.migrate().await.with_context(|| format!("cannot migrate the database at {location}"))?;
    Ok(store)
}
