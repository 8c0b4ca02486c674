//! What `lantern serve` is set up with, and the combinations Lantern refuses to serve with. `lantern
//! config check` prints it all; `serve` and `demo` run the same refusals, so the two cannot drift.

use crate::cli::ServeArgs;
use clap::parser::ValueSource;
use clap::ArgMatches;
use lantern_store::DatabaseLocation;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    CommandLine,
    Environment,
    Default,
}

impl Source {
    pub fn of(source: Option<ValueSource>) -> Self {
        match source {
            Some(ValueSource::CommandLine) => Self::CommandLine,
            Some(ValueSource::EnvVariable) => Self::Environment,
            _ => Self::Default,
        }
    }

    fn describe(self, flag: &str, variable: &str) -> String {
        match self {
            Self::CommandLine => format!("--{flag}"),
            Self::Environment => variable.to_owned(),
            Self::Default => "default".to_owned(),
        }
    }
}

/// The settings `serve` reads, each with where it came from.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: (String, Source),
    pub listen: (SocketAddr, Source),
    pub secure_cookies: (bool, Source),
    pub trusted_proxies: (Vec<IpAddr>, Source),
    pub sign_in: crate::cli::SignInArgs,
}

/// A problem with the settings: refused ones stop `serve`, warnings are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Refused { setting: &'static str, reason: String },
    Warning { setting: &'static str, reason: String },
}

impl Finding {
    pub fn is_refusal(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused { setting, reason } => write!(f, "REFUSED {setting}: {reason}"),
            Self::Warning { setting, reason } => write!(f, "warning {setting}: {reason}"),
        }
    }
}

/// Session cookies cross the network only inside HTTPS; plain HTTP stays on this computer.
pub fn listen_refusal(listen: SocketAddr, secure_cookies: bool) -> Option<Finding> {
    (!listen.ip().is_loopback() && !secure_cookies).then(|| Finding::Refused {
        setting: "listen",
        reason: format!(
            "refusing to listen on {listen} over plain HTTP: put Lantern behind HTTPS and pass --secure-cookies, \
             or use a loopback address such as 127.0.0.1:8080"
        ),
    })
}

impl Settings {
    /// The settings in `args`, with their sources from `matches` (the subcommand's own).
    pub fn read(args: &ServeArgs, matches: Option<&ArgMatches>) -> Self {
        let source = |id: &str| Source::of(matches.and_then(|m| m.value_source(id)));
        Self {
            database: (args.database.database.clone(), source("database")),
            listen: (args.listen.listen, source("listen")),
            secure_cookies: (args.listen.secure_cookies, source("secure_cookies")),
            trusted_proxies: (args.listen.trusted_proxies.clone(), source("trusted_proxies")),
            sign_in: args.listen.sign_in.clone(),
        }
    }

    /// Stops here, naming every refusal, when `serve` must not start.
    pub fn refuse_unsafe(&self) -> anyhow::Result<()> {
        let refused: Vec<String> =
            self.findings().iter().filter(|f| f.is_refusal()).map(ToString::to_string).collect();
        if refused.is_empty() {
            return Ok(());
        }
        anyhow::bail!("{} (`lantern config check` explains each setting)", refused.join("\n"))
    }

    /// Every refusal and warning, in the order the settings are listed.
    pub fn findings(&self) -> Vec<Finding> {
        let mut found = Vec::new();
        match DatabaseLocation::parse(&self.database.0) {
            Err(e) => found.push(Finding::Refused { setting: "database", reason: e.to_string() }),
            Ok(DatabaseLocation::Postgres(url)) => found.extend(postgres(&url, self.database.1)),
            Ok(DatabaseLocation::Sqlite(path)) => found.extend(sqlite(&path)),
        }
        found.extend(listen_refusal(self.listen.0, self.secure_cookies.0));
        if self.secure_cookies.0 && self.listen.0.ip().is_loopback() {
            found.push(Finding::Warning {
                setting: "secure-cookies",
                reason:
                    "browsers keep Secure cookies only over HTTPS: sign-in works only through an HTTPS proxy \
                         on this computer, not at http://127.0.0.1"
                        .to_owned(),
            });
        }
        if self.secure_cookies.0 && self.trusted_proxies.0.is_empty() {
            found.push(Finding::Warning {
                setting: "trusted-proxy",
                reason: "behind a reverse proxy every person arrives from the proxy's address, so 30 wrong \
                         passwords in 15 minutes anywhere hold up sign-in for everyone, and the audit trail \
                         names only the proxy: pass --trusted-proxy with its address"
                    .to_owned(),
            });
        }
        found.extend(crate::sign_in::findings(&self.sign_in));
        found
    }

    /// The settings as lines of `name  value  (source)  meaning`, with any password hidden.
    pub fn describe(&self) -> Vec<[String; 4]> {
        let database = DatabaseLocation::parse(&self.database.0)
            .map(|l| l.to_string())
            .unwrap_or_else(|_| self.database.0.clone());
        vec![
            [
                "database".into(),
                database,
                self.database.1.describe("database", "LANTERN_DATABASE"),
                "where the data lives: a SQLite file (the default, no server to install) or postgres://… for \
                 PostgreSQL (several practices on one server)"
                    .into(),
            ],
            [
                "listen".into(),
                self.listen.0.to_string(),
                self.listen.1.describe("listen", "LANTERN_LISTEN"),
                "the address and port to serve on; anything but loopback needs HTTPS in front and --secure-cookies"
                    .into(),
            ],
            [
                "secure-cookies".into(),
                if self.secure_cookies.0 { "on" } else { "off" }.into(),
                self.secure_cookies.1.describe("secure-cookies", "LANTERN_SECURE_COOKIES"),
                "marks the sign-in cookie HTTPS-only: set it when people reach Lantern over HTTPS (directly or \
                 through a reverse proxy)"
                    .into(),
            ],
            [
                "trusted-proxy".into(),
                match &self.trusted_proxies.0[..] {
                    [] => "none".into(),
                    proxies => proxies.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                },
                self.trusted_proxies.1.describe("trusted-proxy", "LANTERN_TRUSTED_PROXIES"),
                "reverse proxies whose X-Forwarded-For header names the person's address (for sign-in \
                 throttling and the audit trail); any other sender's header is ignored"
                    .into(),
            ],
        ]
        .into_iter()
        .chain(crate::sign_in::describe(&self.sign_in))
        .collect()
    }
}

fn postgres(url: &str, source: Source) -> Vec<Finding> {
    let mut found = Vec::new();
    let Ok(parsed) = url::Url::parse(url) else {
        return vec![Finding::Refused { setting: "database", reason: "not a valid postgres:// URL".into() }];
    };
    if parsed.password().is_some() && source == Source::CommandLine {
        found.push(Finding::Refused {
            setting: "database",
            reason:
                "the PostgreSQL password is on the command line, where every user of this computer can read \
                     it in the process list: give the URL in LANTERN_DATABASE, or the password in ~/.pgpass"
                    .into(),
        });
    }
    let query = |key: &str| parsed.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let host = query("host").or_else(|| parsed.host_str().map(str::to_owned)).unwrap_or_default();
    let local = host.is_empty()
        || host.starts_with('/')
        || host == "localhost"
        || host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let sslmode = query("sslmode").unwrap_or_else(|| "prefer".into());
    if !local {
        match sslmode.as_str() {
            "verify-full" => {}
            "require" | "verify-ca" => found.push(Finding::Warning {
                setting: "database",
                reason: format!(
                    "sslmode={sslmode} encrypts the connection to {host} but does not check the server's name: \
                     sslmode=verify-full does"
                ),
            }),
            _ => found.push(Finding::Refused {
                setting: "database",
                reason: format!(
                    "PostgreSQL at {host} is reached over the network with sslmode={sslmode}, which may send the \
                     practice's data unencrypted: add sslmode=verify-full (or require) to the URL"
                ),
            }),
        }
    }
    found
}

fn sqlite(path: &Path) -> Vec<Finding> {
    let directory = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    if !directory.is_dir() {
        return vec![Finding::Refused {
            setting: "database",
            reason: format!("the folder {} does not exist", directory.display()),
        }];
    }
    let mut found = Vec::new();
    // SQLite writes its journal beside the file, so the folder, not just the file, must be writable.
    let probe = directory.join(format!(".lantern-config-check-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => found.push(Finding::Refused {
            setting: "database",
            reason: format!(
                "cannot write in {} ({e}): SQLite keeps its journal beside the database file",
                directory.display()
            ),
        }),
    }
    if let Some(kind) = std::fs::canonicalize(&directory).ok().and_then(|dir| filesystem(&dir)) {
        if kind == "tmpfs" || kind == "ramfs" {
            found.push(Finding::Warning {
                setting: "database",
                reason: format!(
                    "{} is on {kind}, which is emptied when the computer restarts: keep the database on a disk",
                    directory.display()
                ),
            });
        }
    }
    found
}

/// The type of the filesystem holding `dir`, from the longest matching mount point in /proc/mounts.
fn filesystem(dir: &Path) -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (_, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            dir.starts_with(point).then(|| (point.len(), kind.to_owned()))
        })
        .max_by_key(|(length, _)| *length)
        .map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(database: &str, source: Source, listen: &str, secure: bool) -> Settings {
        Settings {
            database: (database.to_owned(), source),
            listen: (listen.parse().expect("address"), Source::Default),
            secure_cookies: (secure, Source::Default),
            trusted_proxies: (Vec::new(), Source::Default),
            sign_in: crate::cli::SignInArgs {
                oidc_issuer: None,
                oidc_client_id: None,
                oidc_private_key: None,
                oidc_key_id: None,
                oidc_redirect_url: None,
                oidc_scopes: lantern_web::auth::oidc::DEFAULT_SCOPES.into(),
                oidc_role_map: None,
                no_local_passwords: false,
                local_passwords: None,
            },
        }
    }

    fn refused(s: &Settings) -> Vec<&'static str> {
        s.findings()
            .into_iter()
            .filter_map(|f| match f {
                Finding::Refused { setting, .. } => Some(setting),
                Finding::Warning { .. } => None,
            })
            .collect()
    }

    #[test]
    fn plain_http_leaves_this_computer_only_with_secure_cookies() {
        let dir = std::env::temp_dir().join("lantern.db").display().to_string();
        assert!(refused(&settings(&dir, Source::Default, "127.0.0.1:8080", false)).is_empty());
        assert!(refused(&settings(&dir, Source::Default, "[::1]:8080", false)).is_empty());
        assert_eq!(refused(&settings(&dir, Source::Default, "0.0.0.0:8080", false)), ["listen"]);
        assert!(refused(&settings(&dir, Source::Default, "0.0.0.0:8080", true)).is_empty());
    }

    #[test]
    fn a_remote_postgres_needs_tls_and_a_password_stays_off_the_command_line() {
        let case = |url: &str, source| refused(&settings(url, source, "127.0.0.1:8080", false));
        assert!(case("postgres://lantern@127.0.0.1:5432/lantern", Source::CommandLine).is_empty());
        assert!(case("postgres://lantern@localhost/lantern", Source::CommandLine).is_empty());
        assert!(case("postgres:///lantern?host=/var/run/postgresql", Source::CommandLine).is_empty());
        assert_eq!(case("postgres://lantern@db.icb.nhs.uk/lantern", Source::Environment), ["database"]);
        assert_eq!(
            case("postgres://lantern@db.icb.nhs.uk/lantern?sslmode=disable", Source::Default),
            ["database"]
        );
        assert!(
            case("postgres://lantern@db.icb.nhs.uk/lantern?sslmode=verify-full", Source::Default).is_empty()
        );
        let warned =
            settings("postgres://l@10.1.2.3/l?sslmode=require", Source::Default, "127.0.0.1:1", false);
        assert!(refused(&warned).is_empty());
        assert_eq!(warned.findings().len(), 1, "require is warned about: it does not check the name");
        assert_eq!(case("postgres://l:secret@127.0.0.1/l", Source::CommandLine), ["database"]);
        assert!(case("postgres://l:secret@127.0.0.1/l", Source::Environment).is_empty());
    }

    #[test]
    fn a_sqlite_file_needs_a_folder_that_exists_and_can_be_written() {
        let missing = std::env::temp_dir().join("no-such-folder-for-lantern").join("x.db");
        let s = settings(&missing.display().to_string(), Source::Default, "127.0.0.1:8080", false);
        assert_eq!(refused(&s), ["database"]);
        assert!(s.findings()[0].to_string().contains("does not exist"), "{}", s.findings()[0]);
    }

    #[test]
    fn the_description_never_shows_a_password() {
        let s = settings("postgres://l:hunter2@127.0.0.1/l", Source::Environment, "127.0.0.1:8080", false);
        let text = format!("{:?}", s.describe());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("LANTERN_DATABASE"), "{text}");
    }
}
