//! `lantern user …`, and the demo's sign-in accounts.

use crate::cli::UserCommand;
use anyhow::{bail, Context};
use lantern_core::access::{check_password, Role};
use lantern_core::audit::Actor;
use lantern_core::simulator::DemoPractice;
use lantern_store::Store;
use lantern_web::auth::{create_account, hash_password, NewUser};
use std::io::BufRead;

/// Every demo account shares this password; it is printed, and the data is synthetic.
pub const DEMO_PASSWORD: &str = "lantern-demo-password";

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { database, username, display_name, role, practices, organisation, staff_id } => {
            let store = crate::open(&database.database).await?;
            let role = Role::parse(&role).with_context(|| {
                format!("{role:?} is not a role: use staff, practice_lead, analyst, researcher or admin")
            })?;
            let password = read_password()?;
            let input = NewUser { username, display_name, role, password, staff_id, organisation, practices };
            let user = create_account(&store, input, &Actor::system("lantern user add"))
                .await
                .map_err(|e| anyhow::anyhow!(describe(&e)))?;
            println!("created {} ({})", user.username, user.role.label());
            Ok(())
        }
        UserCommand::ResetPassword { database, username } => {
            let store = crate::open(&database.database).await?;
            let Some((user, hash)) = store.user_for_sign_in(&username.trim().to_lowercase()).await? else {
                bail!("no account called {username}");
            };
            // A password would be a second way in that the identity provider neither sees nor ends.
            if hash == lantern_store::NO_PASSWORD {
                bail!(
                    "{username} signs in through NHS CIS2 (the identity provider) only, so it has no \
                     password to reset; its access follows the role CIS2 gives it"
                );
            }
            let password = read_password()?;
            check_password(&user.username, &password).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let hash = hash_password(password).await;
            store
                .set_password(
                    user.id,
                    &hash,
                    &Actor::system("lantern user reset-password"),
                    "user.password_reset",
                )
                .await?;
            println!("password reset for {}; their sessions have ended", user.username);
            Ok(())
        }
    }
}

fn describe(error: &lantern_web::ApiError) -> String {
    match error {
        lantern_web::ApiError::Invalid(errors) => errors.to_string(),
        other => other.to_string(),
    }
}

/// From LANTERN_PASSWORD, else the first line of standard input: never from the command line, where
/// it would sit in the shell history and the process list.
fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("LANTERN_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// One account per role over the demo PCN (created once), returned as (username, role) to print.
pub async fn demo_accounts(
    store: &Store,
    practice: &DemoPractice,
) -> anyhow::Result<Vec<(String, &'static str)>> {
    let code = practice.practice.ods_code.to_string();
    let pcn = practice.practice.pcn.as_ref().map(ToString::to_string);
    let by_role =
        |role: &str| practice.staff.iter().filter(|m| m.active).find(|m| m.role == role).map(|m| m.id);
    let accounts = [
        ("reception@demo", "Reception (synthetic)", Role::Staff, by_role("receptionist")),
        ("manager@demo", "Practice manager (synthetic)", Role::PracticeLead, by_role("practice_manager")),
        ("analyst@demo", "PCN analyst (synthetic)", Role::Analyst, None),
        ("researcher@demo", "Researcher (synthetic)", Role::Researcher, None),
        ("admin@demo", "Administrator (synthetic)", Role::Admin, None),
    ];
    let mut printed = Vec::new();
    for (username, display_name, role, staff_id) in accounts {
        if store.user_for_sign_in(username).await?.is_none() {
            let input = NewUser {
                username: username.into(),
                display_name: display_name.into(),
                role,
                password: DEMO_PASSWORD.into(),
                staff_id,
                organisation: if matches!(role, Role::Analyst | Role::Researcher) {
                    pcn.clone()
                } else {
                    None
                },
                practices: if role.is_practice_based() { vec![code.clone()] } else { Vec::new() },
            };
            create_account(store, input, &Actor::system("lantern demo"))
                .await
                .map_err(|e| anyhow::anyhow!(describe(&e)))?;
        }
        printed.push((username.to_owned(), role.label()));
    }
    Ok(printed)
}
