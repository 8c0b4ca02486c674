use crate::StoreError;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives: a plain path or `sqlite://path` for SQLite, `postgres://…` for PostgreSQL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let path = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")).unwrap_or(raw);
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains("://") {
            return Err(StoreError::BadLocation(raw.to_owned()));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) fn sqlx_url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            Self::Postgres(url) => url.clone(),
        }
    }
}

/// Hides a PostgreSQL password so locations can be logged.
impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseLocation({self})")
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((userinfo, host)) = rest.split_once('@') else { return url.to_owned() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_sqlite_urls_mean_sqlite() {
        for raw in ["lantern.db", "sqlite://lantern.db", "sqlite:lantern.db", "sqlite://lantern.db?mode=rwc"]
        {
            assert_eq!(
                DatabaseLocation::parse(raw).ok(),
                Some(DatabaseLocation::Sqlite("lantern.db".into())),
                "{raw}"
            );
        }
        assert!(DatabaseLocation::parse("mysql://x").is_err());
        assert!(DatabaseLocation::parse("").is_err());
    }

    #[test]
    fn postgres_passwords_never_print() {
        let location = DatabaseLocation::parse("postgres://lantern:s3cret@db:5432/lantern").expect("valid");
        assert_eq!(location.backend(), Backend::Postgres);
        assert_eq!(location.to_string(), "postgres://lantern:***@db:5432/lantern");
        assert!(!format!("{location:?}").contains("s3cret"));
    }
}
