//! The written digital support strategy, assembled from what Lantern knows about the practice: the
//! document the study found practices did not have. A practice manager edits and signs it off.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// One service as the strategy describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePlan {
    pub label: String,
    pub owner: Option<String>,
    pub escalation_route: Option<String>,
    pub offline_alternative: Option<String>,
    pub trained: usize,
}

/// One current support offer as the strategy cites it, with its effect in words.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferPlan {
    pub title: String,
    /// The kind and whether it is passive or active, like "Drop-in sessions (active)".
    pub kind: String,
    /// "1 April 2026"
    pub since: String,
    /// The estimate and its interval in a sentence, or "cannot say" with the reasons.
    pub effect: String,
}

/// Everything the draft is written from.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyFacts {
    pub practice_name: String,
    pub ods_code: String,
    pub list_size: u32,
    pub synthetic: bool,
    /// "1 July 2026 to 30 September 2026"
    pub period_label: String,
    pub episodes: i64,
    pub minutes: i64,
    pub cost_pence: i64,
    pub episodes_per_1000: f64,
    /// The plain-language concentration reading from the dashboard.
    pub reading: String,
    /// Share of episodes given ad hoc (at the desk or by telephone), 0 to 1.
    pub ad_hoc_share: f64,
    /// The barriers met most often, as labels, most common first.
    pub top_barriers: Vec<String>,
    /// The age band helped most, as a label.
    pub top_age_band: Option<String>,
    pub services: Vec<ServicePlan>,
    /// The offers running today.
    pub offers: Vec<OfferPlan>,
    pub guides_approved: usize,
    pub guides_total: usize,
    pub review_by: Date,
}

fn pounds(pence: i64) -> String {
    format!("£{}.{:02}", thousands(pence / 100), pence.abs() % 100)
}

/// The draft strategy as Markdown.
pub fn assemble(f: &StrategyFacts) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Digital support strategy: {} ({})\n", f.practice_name, f.ods_code);
    if f.synthetic {
        md.push_str("**Synthetic demonstration data — not a real practice.**\n\n");
    }
    let _ = writeln!(
        md,
        "This strategy sets out how {} helps its {} registered patients to use online NHS services, who is \
         responsible for each service, and how the help is recorded and reviewed. It is reviewed by {}.\n",
        f.practice_name,
        thousands(i64::from(f.list_size)),
        f.review_by.strftime("%-d %B %Y")
    );
    md.push_str("## Aims\n\n");
    md.push_str("1. Every patient who wants to use online services can get help to do so, and every patient who cannot or does not want to is offered an equally good offline route.\n");
    md.push_str(
        "2. Help is planned and shared, not left to whoever is nearest or seen as good with technology.\n",
    );
    md.push_str(
        "3. Each online service has a named owner, trained cover, a written guide and an escalation route.\n",
    );
    let mut equity = String::from("4. Equity: we watch who needs most help and who is left out");
    if let Some(age) = &f.top_age_band {
        let _ = write!(equity, " — most help last quarter went to patients aged {age}");
    }
    if !f.top_barriers.is_empty() {
        let barriers: Vec<String> = f.top_barriers.iter().map(|b| lower_first(b)).collect();
        let _ = write!(equity, "; the commonest barriers were {}", barriers.join(", "));
    }
    md.push_str(&equity);
    md.push_str(" — and we plan active help for those groups.\n\n");
    md.push_str("## Services and owners\n\n| Service | Owner | Trained staff | Escalation | Offline alternative |\n|---|---|---|---|---|\n");
    for s in &f.services {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            cell(&s.label),
            s.owner.as_deref().map_or_else(|| "**No owner**".to_owned(), cell),
            s.trained,
            s.escalation_route.as_deref().map_or_else(|| "Not set".to_owned(), cell),
            s.offline_alternative.as_deref().map_or_else(|| "Not set".to_owned(), cell),
        );
    }
    md.push_str("\n## How we help\n\n");
    let _ = writeln!(
        md,
        "- **Ad hoc**: unplanned help at the desk or by telephone — {:.0}% of the help logged last quarter.",
        f.ad_hoc_share * 100.0
    );
    md.push_str("- **Active**: pre-booked digital support appointments, group sessions, tablets in the practice and digital champions.\n");
    md.push_str("- **Passive**: leaflets (printed from Lantern for each service), the practice website, posters and SMS links.\n\n");
    md.push_str("## Support offers and their effect\n\n");
    if f.offers.is_empty() {
        md.push_str("No support offers are registered in Lantern: help beyond the desk is not yet planned, and its effect cannot be measured.\n\n");
    } else {
        for o in &f.offers {
            let _ = writeln!(md, "- **{}**: {}, since {}. {}", o.title, o.kind, o.since, o.effect);
        }
        md.push_str("\nThe effect is the change in online consultation submissions per 1,000 patients after the offer started, beyond the season, the practice's trend and similar practices without an offer; \"cannot say\" means the published figures cannot yet tell.\n\n");
    }
    md.push_str("## Training\n\n");
    let _ = writeln!(
        md,
        "Every service should have at least two trained members of staff. Staff read and sign this strategy and the \
         guides for the services they help with. {} of {} guides are approved for this practice.\n",
        f.guides_approved, f.guides_total
    );
    md.push_str("## Escalation\n\nWhen the desk cannot solve a problem it goes to the service's escalation route above, or to its owner. Escalations are logged in Lantern with the person they went to.\n\n");
    md.push_str("## Recording and review\n\nEvery episode of help is logged in Lantern, without any patient identity. The practice manager reviews the figures each quarter and this strategy at least once a year.\n\n");
    let _ = writeln!(md, "## Last quarter's hidden work ({})\n", f.period_label);
    let _ = writeln!(
        md,
        "- Episodes of help: {}\n- Minutes of help: {} (about {} hours)\n- Cost of staff time: {}\n- Episodes per 1,000 registered patients: {:.1}\n- {}\n",
        thousands(f.episodes),
        thousands(f.minutes),
        thousands(f.minutes / 60),
        pounds(f.cost_pence),
        f.episodes_per_1000,
        f.reading
    );
    let _ = writeln!(
        md,
        "## Review\n\nThis strategy is to be reviewed by {}.",
        f.review_by.strftime("%-d %B %Y")
    );
    md
}

/// "No photo ID" reads "no photo ID" mid-sentence: only the first letter changes, so acronyms survive.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// Table cells cannot hold a pipe or a line break.
fn cell(text: &str) -> String {
    text.replace('|', "/").replace(['\n', '\r'], " ")
}

fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> StrategyFacts {
        StrategyFacts {
            practice_name: "Riverside Surgery".into(),
            ods_code: "A81001".into(),
            list_size: 6_200,
            synthetic: false,
            period_label: "1 July 2026 to 30 September 2026".into(),
            episodes: 1_234,
            minutes: 9_876,
            cost_pence: 123_456,
            episodes_per_1000: 199.0,
            reading: "62% of the help this quarter was given by one person (Chloe).".into(),
            ad_hoc_share: 0.9,
            top_barriers: vec!["No photo ID".into()],
            top_age_band: Some("75 and over".into()),
            services: vec![
                ServicePlan {
                    label: "NHS login".into(),
                    owner: Some("Margaret".into()),
                    escalation_route: None,
                    offline_alternative: None,
                    trained: 1,
                },
                ServicePlan {
                    label: "Proxy | access".into(),
                    owner: None,
                    escalation_route: None,
                    offline_alternative: None,
                    trained: 0,
                },
            ],
            offers: vec![OfferPlan {
                title: "NHS App drop-in".into(),
                kind: "Drop-in sessions (active)".into(),
                since: "1 April 2026".into(),
                effect: "Cannot say whether the offer made a difference: only 2 months of data since the offer started; 6 are needed.".into(),
            }],
            guides_approved: 2,
            guides_total: 8,
            review_by: "2027-03-31".parse().expect("date"),
        }
    }

    #[test]
    fn the_draft_names_owners_figures_and_the_review_date() {
        let md = assemble(&facts());
        for expected in [
            "# Digital support strategy: Riverside Surgery (A81001)",
            "| NHS login | Margaret | 1 |",
            "| Proxy / access | **No owner** |",
            "Episodes of help: 1,234",
            "Cost of staff time: £1,234.56",
            "62% of the help this quarter",
            "patients aged 75 and over",
            "no photo ID",
            "31 March 2027",
            "90% of the help",
            "## Support offers and their effect",
            "- **NHS App drop-in**: Drop-in sessions (active), since 1 April 2026. Cannot say whether the offer made a difference: only 2 months",
        ] {
            assert!(md.contains(expected), "missing {expected:?} in\n{md}");
        }
        assert!(!md.contains("Synthetic"));
        assert!(
            assemble(&StrategyFacts { synthetic: true, ..facts() }).contains("Synthetic demonstration data")
        );
        let none = assemble(&StrategyFacts { offers: Vec::new(), ..facts() });
        assert!(none.contains("No support offers are registered in Lantern"), "{none}");
    }
}

/// One version of the practice's written digital support strategy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrategyVersion {
    pub version: i64,
    /// Markdown, assembled from the practice's settings and figures and then edited.
    pub body: String,
    pub created_by: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: jiff::Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub review_by: Date,
    pub signed_off_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub signed_off_at: Option<jiff::Timestamp>,
}
