use lantern_core::validation::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    /// The write conflicts with the stored state (a stale version, a duplicate, an already deleted record).
    #[error("{0}")]
    Conflict(String),
    /// An edit was made to a version that is no longer the current one: someone saved in between.
    #[error("this episode was changed after you opened it (you edited version {expected}; it is now at version {current}): read it again and make your change to the latest version")]
    Stale { expected: i64, current: i64 },
    /// A submission key came back with a different request than the one it first stored.
    #[error("this submission key was used before for a different episode: use a new key for new help")]
    KeyReused,
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    #[error("the database location {0:?} is not a file path, sqlite:// or postgres:// URL")]
    BadLocation(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// The write was queued for a group commit whose task ended before it could answer (its runtime
    /// shut down, or another write in the batch panicked): whether it was stored is unknown.
    #[error("the write was abandoned before its outcome was known")]
    Abandoned,
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// SQLITE_BUSY or SQLITE_LOCKED, with any extended code.
pub(crate) fn busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}
