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
    /// Manage sign-in accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// NHS CIS2 sign-in requests: list them, approve or refuse one (audited, as this command).
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print figures (the same as the pages show).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Check the dashboard's rollups.
    #[command(subcommand)]
    Rollups(RollupsCommand),
    /// Copy the database to a file while it stays in use; the copy counts only once its integrity check
    /// and audit verification pass.
    Backup(BackupArgs),
    /// Check a backup and only then put it in place of the database (migrated forward); the database it
    /// replaces is kept beside it as <name>.before-restore-<time>.
    Restore(RestoreArgs),
    /// Write the assurance pack (what is held and why, DCB0129 reasoning, DTAC-style answers) with the
    /// security and accessibility results of a real test run, read from its JUnit reports.
    Assurance(AssuranceArgs),
    /// Check the settings `lantern serve` would start with.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Args)]
pub struct AssuranceArgs {
    /// A JUnit XML report of the run (repeat for each: `scripts/test` writes
    /// target/nextest/ci/junit.xml and target/e2e/junit.xml).
    #[arg(long, required = true)]
    pub junit: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: AssuranceFormat,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AssuranceFormat {
    Markdown,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print each setting, where its value came from and what it means; exit status 1 naming any
    /// combination Lantern refuses to serve with (plain HTTP beyond this computer, PostgreSQL over the
    /// network without TLS, a password on the command line, a database folder that cannot be written).
    Check(ServeArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The file to write: a SQLite database file, or for PostgreSQL a pg_dump custom-format archive.
    #[arg(long)]
    pub to: PathBuf,
    /// Replace the file if it already exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file written by `lantern backup`.
    #[arg(long)]
    pub from: PathBuf,
    /// The database to restore into (same forms as --database for other commands).
    #[arg(long = "to", visible_alias = "database", env = "LANTERN_DATABASE", default_value = "lantern.db")]
    pub database: String,
    /// Replace a database that already holds data (it is kept aside, not deleted).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum RollupsCommand {
    /// Recompute every rollup from the episodes and report any difference (exit status 1 if any).
    Check {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Replace the rollups with the recomputation when they differ.
        #[arg(long)]
        repair: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from LANTERN_PASSWORD or, failing that, the first line of
    /// standard input. Use this to create the first administrator.
    Add {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// staff, practice_lead, analyst, researcher or admin.
        #[arg(long)]
        role: String,
        /// A practice (ODS code) the person works in; repeat for several.
        #[arg(long = "practice")]
        practices: Vec<String>,
        /// For analysts and researchers: the PCN or ICB (ODS code) whose practices they may see.
        #[arg(long)]
        organisation: Option<String>,
        /// The person's staff record id, linking their account to the episodes they help with.
        #[arg(long)]
        staff_id: Option<uuid::Uuid>,
    },
    /// Set a new password (read like `add`'s) and end the account's sessions.
    ResetPassword {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List the people who signed in with NHS CIS2, waiting ones first: id, status, organisation,
    /// Lantern role, CIS2 role and name. A waiting request from someone with an account asks for a
    /// higher role than the one they have.
    SignInRequests {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Approve a waiting request: a first one gets an account (no password) for its organisation; a
    /// request for a higher role raises the person's account.
    Approve {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The request's id, as `sign-in-requests` lists it.
        id: uuid::Uuid,
    },
    /// Refuse a waiting request; someone asking for a higher role keeps the one they have.
    Refuse {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The request's id, as `sign-in-requests` lists it.
        id: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit status 1, naming the first bad record, if any record was altered,
    /// inserted or removed.
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Where data lives: a file path or sqlite://path for SQLite (the default), postgres://… for PostgreSQL.
    #[arg(long, env = "LANTERN_DATABASE", default_value = "lantern.db")]
    pub database: String,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to listen on. Any address other than loopback needs --secure-cookies (HTTPS in front).
    #[arg(long, env = "LANTERN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Mark session cookies Secure: set when Lantern is reached over HTTPS (directly or via a proxy).
    #[arg(long, env = "LANTERN_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// A reverse proxy whose X-Forwarded-For names the client (repeat, or comma-separate in the
    /// variable); without it, everyone behind a proxy shares the proxy's address for sign-in throttling
    /// and the audit trail.
    #[arg(long = "trusted-proxy", env = "LANTERN_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// Signing in through NHS CIS2 (OpenID Connect), and whether passwords are accepted too.
#[derive(Debug, Clone, Args)]
pub struct SignInArgs {
    /// The OpenID Connect provider's issuer URL (NHS CIS2's for your environment); discovery is read
    /// from {issuer}/.well-known/openid-configuration. HTTPS, except on this computer.
    #[arg(long, env = "LANTERN_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client id the provider registered for this Lantern.
    #[arg(long, env = "LANTERN_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The RSA private key (PEM file) whose public half is registered with the provider; it signs
    /// the RS512 client assertions (private_key_jwt).
    #[arg(long, env = "LANTERN_OIDC_PRIVATE_KEY")]
    pub oidc_private_key: Option<PathBuf>,
    /// The key id (kid) the provider knows that key by, if it asks for one.
    #[arg(long, env = "LANTERN_OIDC_KEY_ID")]
    pub oidc_key_id: Option<String>,
    /// Where the provider sends people back: https://<this server>/sign-in/oidc/callback, exactly as
    /// registered.
    #[arg(long, env = "LANTERN_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,
    /// The scopes asked for (space-separated).
    #[arg(long, env = "LANTERN_OIDC_SCOPES", default_value = lantern_web::auth::oidc::DEFAULT_SCOPES)]
    pub oidc_scopes: String,
    /// A file of `R-code = role` lines mapping national RBAC roles to Lantern roles, replacing the
    /// built-in table (`lantern config check` prints it).
    #[arg(long, env = "LANTERN_OIDC_ROLE_MAP")]
    pub oidc_role_map: Option<PathBuf>,
    /// Refuse usernames and passwords: everyone signs in through the provider.
    #[arg(long)]
    pub no_local_passwords: bool,
    /// `off` does what --no-local-passwords does.
    #[arg(long = "local-passwords", env = "LANTERN_LOCAL_PASSWORDS", value_parser = ["on", "off"], hide = true)]
    pub local_passwords: Option<String>,
}

impl SignInArgs {
    pub fn local_passwords(&self) -> bool {
        !self.no_local_passwords && self.local_passwords.as_deref() != Some("off")
    }
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
    /// NHS Digital POMI (patients enabled for and using online services), long format, .csv or the
    /// published .zip; CCG-era and sub-ICB-era layouts (all or nothing; re-importing changes nothing).
    ///
    /// Damage refuses the whole file, naming line and column: a short or unreadable row, a missing
    /// column, a value that is not a whole number, an unreadable date, practice code or field, a field
    /// given twice for a practice-month. A value never does: blanks, counts below zero, Sys_* statuses
    /// other than 0, 1 or 2, more patients enabled than registered and counts for a switched-off
    /// service are stored as published and flagged with their line and reason; the summary names the
    /// first 5 of each kind and counts the rest.
    ///
    /// In the uptake measures a count below zero is left out of every sum and rate, as a blank is; a
    /// Sys_* status other than 2 does not count the service as switched on; enabled counts above the
    /// list size stay in the sums as published, a practice's share shown capped at 100%; counts for a
    /// switched-off service stay in the sums as published.
    Pomi {
        /// The .csv or .zip file.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Patients Registered at a GP Practice, the totals file (gp-reg-pat-prac-all), .csv or .csv.gz.
    ///
    /// Damage refuses the file (a short row, a missing column, a count that is not a whole number, a
    /// practice twice in a month); a value never does: a blank count is kept as unknown, and one below
    /// zero is stored as unknown (no count of patients can be negative), both flagged with their line.
    Registrations {
        /// The .csv or .csv.gz file.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// NHS Digital's practice map (gp-reg-pat-prac-map): each practice's PCN, sub-ICB location, ICB,
    /// region and GP system supplier. The reference imports are all or nothing; re-importing changes nothing.
    ///
    /// For every reference import, damage refuses the file naming line and column (a short row, a
    /// missing column, a number or date that cannot be read, a conflicting duplicate); a value never
    /// does: blanks and impossible values are stored as published, or as unknown where the column
    /// cannot hold them, and flagged with their line and reason.
    Places(ReferenceFileArgs),
    /// Patients Registered at a GP Practice by sex and 5-year age band (gp-reg-pat-prac-quin-age).
    ///
    /// A count below zero is stored as unknown (a band cannot hold fewer than no patients) and flagged
    /// with its line; bands that do not add up to the file's total are flagged, never refused.
    AgeBands(ReferenceFileArgs),
    /// Submissions via Online Consultation Systems in General Practice, per practice, long format: the
    /// publication's CSV of every month since April 2023 (MONTH, GP_CODE, SUPPLIER, METRIC, VALUE).
    ///
    /// Months before the April 2024 method change, and months NHS England's notes call incomplete for
    /// the practice's supplier, are flagged (method_change, incomplete_supplier). A count below zero is stored as published, flagged with its line, and left out of every sum
    /// and rate in the online consultation measures.
    Oc(ReferenceFileArgs),
    /// Submissions via Online Consultation Systems in General Practice, the monthly workbook as NHS
    /// England publishes it: `Submissions via Online Consultation Systems in General Practice - <Month>
    /// <Year>.xlsx` (from April 2025 `Submissions via OC Systems in General Practice - <Month>
    /// <Year>.xlsx`), its practice table (sheet `Table 2`), into the same table as `import oc`.
    ///
    /// The workbook has no capability or system usage (and participation only from late 2025): those
    /// are kept as unknown. A supplier published as `No Data` is kept with its zeros and flagged (they
    /// are not a measure of demand); months NHS England's notes call incomplete for a supplier, and
    /// months before the April 2024 method change, are flagged too. Damage refuses the file naming the
    /// sheet's row and column; re-importing changes nothing.
    OcWorkbook {
        /// The .xlsx workbook.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Deprivation (IMD score) by practice, Fingertips indicator 93553, in either Fingertips layout.
    ///
    /// A score below zero is stored as published, flagged with its line, and left out of the
    /// deprivation quintiles (the practice counts as unscored).
    Imd(ReferenceFileArgs),
    /// ODS's list of GP practices (epraccur.csv, no header row).
    ///
    /// A status other than A, C, D or P, or a prescribing setting outside 0–99, is stored as published
    /// and flagged; eight digits that name no day (20190231) are stored as unknown and flagged.
    Epraccur(ReferenceFileArgs),
    /// Appointments in General Practice, the practice-level crosstab as NHS England publishes it:
    /// `Practice_Level_Crosstab_<Mon>_<YY>.csv` (one per region in the monthly zip; .csv, .csv.gz or a
    /// .zip holding one CSV), optionally with the zip's `Mapping.csv`.
    ///
    /// Rows are folded into one row per practice-month: appointments by mode (face-to-face,
    /// telephone, video/online, home visit, unknown), status, booking lead time and staff type, each
    /// adding up to the total. Damage refuses the file naming line and column (a short row, a missing
    /// column, a month or count that cannot be read, a combination given twice for a practice-month);
    /// a value never does: a blank or negative count is left out of every tally and flagged, a label
    /// outside the published list is counted as unknown and flagged. Re-importing changes nothing.
    Appointments {
        /// The crosstab (`Practice_Level_Crosstab_<Mon>_<YY>.csv`).
        file: PathBuf,
        /// The publication's `Mapping.csv`: stored as the practice map of the crosstab's latest month.
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Cloud Based Telephony data in General Practice: the publication summary workbook
    /// `Cloud Based Telephony Publication Summary <Month> <Year>.xlsx`, its practice table (sheet
    /// `Table 3`: inbound calls, answered, ended in the IVR, call back requested, missed, call back made).
    ///
    /// A row whose practice is `Unassigned` is a phone account several practices share: it is kept
    /// as a shared account where the file places it and never given to any practice, whose telephony
    /// then shows as "shared account". A practice not in the table is not reported: missing, not zero.
    /// Damage refuses the file naming the sheet's row and column (no header row, a month or count that
    /// cannot be read, a practice twice in a month); a value never does: blanks are kept as unknown,
    /// outcomes that do not add up to the inbound calls are kept as published, both flagged.
    Cbt {
        /// The .xlsx workbook.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// NHS App Management Information Statistics, the monthly workbook as NHS England publishes it:
    /// `NHS App Management Information Statistics - <Month> <Year>.xlsx` (sheets `Table 1`, England,
    /// and `Table 2`, ICBs: NHS App logins and unique user logins per month).
    ///
    /// The figures are published for England and ICBs only and are stored at those levels: no
    /// practice is ever given them (usage the publisher mapped to no ICB is kept as `Unknown`, part of
    /// England's figure). Each workbook republishes every month since March 2025; re-importing replaces
    /// a month whole where anything in it changed and otherwise changes nothing. Damage refuses the
    /// file naming the sheet, row and column (no header row, a month that is not a date, a malformed
    /// ICB code, an ICB twice in a month); a value never does: blank or suppressed figures are kept as
    /// unknown, figures below zero or more users than logins as published, ICB rows that do not add up
    /// to England's figure as published, each flagged. A `Table 1` month label repeated over the next
    /// month's column is read as that month when its figures are `Table 2`'s sums for it, and flagged.
    NhsApp {
        /// The .xlsx workbook.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Cloud Based Telephony data in General Practice, practice by practice and day by day: one CSV
    /// from the publication's zips, `Cloud Based Telephony Calls Answered Metric - <Month> <Year>_<Region>.csv`
    /// (CBT003, calls answered, by wait-time band and core hours) or `Cloud Based Telephony By Durations -
    /// <Month> <Year>_<Region>.csv` (CBT001-CBT007 by wait-time or duration band); `<Region>` is a region
    /// code such as `Y58`, or `Unmapped`. Which of the two it is follows from the header.
    ///
    /// A row whose practice is `Unassigned` is a phone account several practices share: it is kept
    /// where the file places it (a PCN, or `Unmapped`) and never given to any practice, whose telephony
    /// then shows as "shared account". A practice with no rows is not reported: missing, not zero.
    /// Damage refuses the file naming the line and column (a row of the wrong width, a date, practice
    /// code, indicator, band or core-hours category that cannot be read, a value given twice); a value
    /// never does: blank, negative and non-whole values are kept as published, flagged and left out of
    /// sums. Re-importing a file replaces that file's region and month and changes nothing else.
    CbtCsv {
        /// The .csv file (or a .zip holding just that one).
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Args)]
pub struct ReferenceFileArgs {
    /// The .csv or .csv.gz file.
    pub file: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
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
        #[arg(long, short, env = "LANTERN_OUTPUT")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// The address the server listens on.
    #[arg(long, env = "LANTERN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The hidden work of one practice, or of an organisation's practices with small numbers suppressed.
    HiddenWork {
        #[command(flatten)]
        database: DatabaseArgs,
        /// A practice's ODS code.
        #[arg(long, conflicts_with = "org", required_unless_present = "org")]
        practice: Option<String>,
        /// A PCN or ICB ODS code: every practice in it, suppressed as the commissioner view is.
        #[arg(long)]
        org: Option<String>,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day, included (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// csv or json.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Uptake of online services from imported POMI data: counts and rates for each matching unit and month.
    /// Levels the rows name (region, ccg) are the file's own; pcn, and icb for CCG-era files, are placed by
    /// the practice map.
    Uptake(UnitReportArgs),
    /// Online consultation submissions from an imported file: counts, per 1,000 patients and shares by type,
    /// every level placed by the practice map.
    OnlineConsultations(UnitReportArgs),
    /// Did a support offer work? The practice's online consultation submissions per 1,000 patients before
    /// and after the offer started: an interrupted time series (trend and month-of-year terms) and a
    /// difference in differences against matched peers (same ICB, similar list, same deprivation quintile
    /// and supplier where known), each with a 95% interval, and the cost per extra online user from the
    /// staff time logged for the offer. Says "cannot say", and why, when the data cannot answer.
    Effect {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The practice's ODS code.
        #[arg(long)]
        practice: String,
        /// The offer's id (from the offer register).
        #[arg(long)]
        offer: String,
        /// csv or json.
        #[arg(long, default_value = "json")]
        format: String,
    },
}

/// Which units and month a published-data report covers, and how it is written.
#[derive(Debug, Args)]
pub struct UnitReportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// england, region, icb, ccg (the CCG or sub-ICB location; sub-icb also accepted), pcn or practice.
    #[arg(long, default_value = "england")]
    pub level: String,
    /// Only this unit (its code at that level, e.g. a practice's ODS code).
    #[arg(long)]
    pub code: Option<String>,
    /// Only this month (YYYY-MM).
    #[arg(long)]
    pub period: Option<String>,
    /// csv or json.
    #[arg(long, default_value = "json")]
    pub format: String,
}
