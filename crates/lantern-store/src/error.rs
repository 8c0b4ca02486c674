use lantern_core::validation::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    /// The write conflicts with the stored state (a stale version, a duplicate, an already deleted record).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    #[error("the database location {0:?} is not a file path, sqlite:// or postgres:// URL")]
    BadLocation(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
