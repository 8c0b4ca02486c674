//! `lantern accounts sign-in-requests|approve|refuse`: the Sign-in requests page from the command
//! line, for an administrator at the server (before any lead can sign in, or with passwords off).
//! Decisions are audited under the command's name, as the other account commands are.

use crate::cli::AccountsCommand;
use lantern_core::audit::Actor;
use lantern_store::{IdentityStatus, OidcIdentity};

fn status(identity: &OidcIdentity) -> &'static str {
    match (identity.status, identity.user_id) {
        (IdentityStatus::Pending, None) => "waiting",
        (IdentityStatus::Pending, Some(_)) => "waiting (higher role)",
        (IdentityStatus::Approved, _) => "approved",
        (IdentityStatus::Refused, _) => "refused",
    }
}

pub async fn run(command: AccountsCommand) -> anyhow::Result<()> {
    match command {
        AccountsCommand::SignInRequests { database } => {
            let store = crate::open(&database.database).await?;
            let all = store.oidc_identities(None).await?;
            if all.is_empty() {
                println!("no sign-in requests");
            }
            for identity in &all {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    identity.id,
                    status(identity),
                    identity.organisation,
                    identity.role.code(),
                    identity.rbac_role,
                    identity.display_name
                );
            }
            Ok(())
        }
        AccountsCommand::Approve { database, id } => {
            let store = crate::open(&database.database).await?;
            let user = store.approve_oidc_identity(id, &Actor::system("lantern accounts approve")).await?;
            println!("approved: {} signs in as {} ({})", user.display_name, user.username, user.role.code());
            Ok(())
        }
        AccountsCommand::Refuse { database, id } => {
            let store = crate::open(&database.database).await?;
            store.refuse_oidc_identity(id, &Actor::system("lantern accounts refuse")).await?;
            let identity = store.oidc_identity(id).await?;
            println!("refused: {} at {}", identity.display_name, identity.organisation);
            Ok(())
        }
    }
}
