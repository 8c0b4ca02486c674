//! The command line. Every option can also come from a `LANTERN_*` environment variable.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "lantern",
    version,
    about = "Make the hidden work of helping patients use online NHS services visible."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the pages and the API (applies migrations first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Create (or reuse) a database of synthetic demonstration data, then serve it.
    Demo(DemoArgs),
    /// Load data from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write data out.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Ask a running server whether it and its database answer; exit status 0 when healthy.
    Healthcheck(HealthcheckArgs),
    /// Print the API's OpenAPI document.
    Openapi,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Where data lives: a file path or sqlite://path for SQLite (the default), postgres://… for PostgreSQL.
    #[arg(long, env = "LANTERN_DATABASE", default_value = "lantern.db")]
    pub database: String,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to listen on. Until sign-in exists only loopback addresses are allowed.
    #[arg(long, env = "LANTERN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub listen: ListenArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where the demo data lives (same forms as for `serve`).
    #[arg(long, env = "LANTERN_DATABASE", default_value = "lantern-demo.db")]
    pub database: String,
    #[command(flatten)]
    pub listen: ListenArgs,
    /// Seed of the simulator: the same seed always gives the same data.
    #[arg(long, env = "LANTERN_DEMO_SEED", default_value_t = 2026)]
    pub seed: u64,
    /// Create the data and exit without serving.
    #[arg(long, env = "LANTERN_DEMO_NO_SERVE")]
    pub no_serve: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Episodes from Lantern's CSV format (all or nothing: one bad row stores none).
    Episodes {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Episodes as CSV, oldest first, in the format `import episodes` reads.
    Episodes {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Only this practice (ODS code).
        #[arg(long, env = "LANTERN_PRACTICE")]
        practice: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// The address the server listens on.
    #[arg(long, env = "LANTERN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}
