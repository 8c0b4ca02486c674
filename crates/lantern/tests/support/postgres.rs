//! Databases of their own on the test PostgreSQL server, for commands given a `postgres://` URL.

use sqlx::any::AnyPoolOptions;
use sqlx::Executor;

/// The URL of a new, empty database named after `purpose`; None where there is no server outside CI
/// (recorded as a skip; under CI `postgres_server_url` fails the test instead).
pub async fn empty_database(purpose: &str) -> Option<String> {
    let server = lantern_store::testing::postgres_server_url()?;
    sqlx::any::install_default_drivers();
    let admin =
        AnyPoolOptions::new().max_connections(1).connect(&server).await.expect("connect to PostgreSQL");
    let name = format!("lantern_{purpose}_{}", uuid::Uuid::new_v4().simple());
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create a database");
    admin.close().await;
    // Keeps the server URL's options (after `?`), replacing only the database name.
    let (base, options) = server.split_once('?').map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
    let (base, _) = base.rsplit_once('/').expect("a server URL naming a database");
    Some(match options {
        Some(options) => format!("{base}/{name}?{options}"),
        None => format!("{base}/{name}"),
    })
}
