//! `lantern report hidden-work`: the figures the pages show, for scripts and spreadsheets.

use anyhow::{bail, Context};
use lantern_core::audit::{Actor, AuditEntry};
use lantern_core::ods::OdsCode;
use lantern_store::Store;
use lantern_web::measures::{network_csv, network_figures, practice_csv, practice_figures, PeriodQuery};

pub async fn hidden_work(
    store: &Store,
    practice: Option<&str>,
    org: Option<&str>,
    from: &str,
    to: &str,
    format: &str,
) -> anyhow::Result<()> {
    if !matches!(format, "csv" | "json") {
        bail!("--format must be csv or json, not {format:?}");
    }
    let query = PeriodQuery {
        period: Some("custom".into()),
        date: None,
        from: Some(from.into()),
        to: Some(to.into()),
    };
    let period = query.resolve().map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let actor = Actor::system("lantern report");
    let output = match (practice, org) {
        (Some(code), _) => {
            let code = OdsCode::parse(code)?;
            let figures =
                practice_figures(store, &code, period).await.map_err(|e| anyhow::anyhow!(e.to_string()))?;
            store.audit(AuditEntry::new(&actor, "export.measures").practice(&code)).await?;
            if format == "csv" {
                practice_csv(&figures)
            } else {
                serde_json::to_string_pretty(&figures)? + "\n"
            }
        }
        (None, Some(code)) => {
            let org = OdsCode::parse(code)?;
            let all = store.list_practices().await?;
            let members: Vec<_> = all
                .iter()
                .filter(|(p, _)| p.pcn.as_ref() == Some(&org) || p.icb.as_ref() == Some(&org))
                .collect();
            if members.is_empty() {
                bail!("no practice belongs to {org}");
            }
            let synthetic = members.iter().any(|(_, s)| *s);
            let practices: Vec<_> = members.iter().map(|(p, _)| p.clone()).collect();
            let figures = network_figures(store, &org, &practices, synthetic, period)
                .await
                .map_err(|e| anyhow::anyhow!(e.to_string()))
                .context("cannot work out the figures")?;
            store.audit(AuditEntry::new(&actor, "export.measures")).await?;
            if format == "csv" {
                network_csv(&figures)
            } else {
                serde_json::to_string_pretty(&figures)? + "\n"
            }
        }
        (None, None) => bail!("name a --practice or an --org"),
    };
    print!("{output}");
    Ok(())
}
