//! The test provider on its own, for the browser suite: prints `OIDC_ISSUER=<url>` and serves until
//! stopped. The suite picks who signs in with `POST /_test/person` (a JSON person) and how tokens go
//! wrong with `POST /_test/fault`. Usage: `oidc-test-issuer [CLIENT_ID] [PORT]`.

use oidc_test_issuer::{Issuer, Person};
use std::io::Write;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let client_id = args.next().unwrap_or_else(|| "lantern-e2e".to_owned());
    let port = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let issuer = Issuer::start(&client_id, port).await?;
    issuer.sign_in_as(Person::practice_manager("555000000001", "Pat Manager", "A81001"));
    let mut out = std::io::stdout();
    writeln!(out, "OIDC_ISSUER={}", issuer.url)?;
    writeln!(out, "OIDC_CLIENT_KEY={}", oidc_test_issuer::CLIENT_PRIVATE_KEY_PATH)?;
    out.flush()?;
    tokio::signal::ctrl_c().await
}
