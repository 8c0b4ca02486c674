//! Which support offer an episode's help was part of. An episode may name one of its practice's offers
//! that was running on the day of the help (UK local date): help given before an offer started or after
//! it ended cannot have been part of it, and counting it would inflate the offer's staff time and cost.

use crate::ods::OdsCode;
use crate::offer::Offer;
use crate::validation::FieldError;
use jiff::civil::Date;
use uuid::Uuid;

/// The field the offer is sent as (form, API and CSV alike), so its error lands by it.
pub const FIELD: &str = "offer_id";

/// A day as staff read it on a page and in an error message: `1 April 2026`.
pub fn long_date(day: Date) -> String {
    day.strftime("%-d %B %Y").to_string()
}

/// Checks the offer an episode names, given the practice's offers and the day of the help. Empty means
/// none. Another practice's offer reads as unknown: its title is not this practice's business.
pub fn check(
    raw: Option<&str>,
    practice: &OdsCode,
    day: Date,
    offers: &[Offer],
) -> Result<Option<Uuid>, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let fail = |message: String| Err(FieldError::new(FIELD, message));
    let Ok(id) = Uuid::parse_str(raw) else {
        return fail(format!("{raw:?} is not a support offer id"));
    };
    let Some(offer) = offers.iter().find(|o| o.id == id && o.practice == *practice) else {
        return fail(format!("No support offer {id} at practice {practice}"));
    };
    let help = long_date(day);
    let started = long_date(offer.started_on);
    match offer.ended_on {
        _ if day < offer.started_on => fail(format!(
            "\u{201c}{}\u{201d} started on {started}, after this help on {help}; choose an offer running \
             that day, or none",
            offer.title
        )),
        Some(end) if day > end => fail(format!(
            "\u{201c}{}\u{201d} ran from {started} to {}, before this help on {help}; choose an offer \
             running that day, or none",
            offer.title,
            long_date(end)
        )),
        _ => Ok(Some(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::{OfferKind, RunBy};

    fn day(text: &str) -> Date {
        text.parse().expect("date")
    }

    fn offer(practice: &str, title: &str, started: &str, ended: Option<&str>) -> Offer {
        Offer {
            id: Uuid::new_v4(),
            practice: OdsCode::parse(practice).expect("ods"),
            kind: OfferKind::DropInSession,
            title: title.into(),
            started_on: day(started),
            ended_on: ended.map(day),
            run_by: RunBy::Named("Reception".into()),
            age_bands: Vec::new(),
            groups: Vec::new(),
        }
    }

    fn practice() -> OdsCode {
        OdsCode::parse("A81001").expect("ods")
    }

    #[test]
    fn none_is_fine_and_a_running_offer_is_kept_on_its_first_and_last_days() {
        let offers = [offer("A81001", "Drop-in", "2026-04-01", Some("2026-06-30"))];
        let id = offers[0].id.to_string();
        assert_eq!(check(None, &practice(), day("2026-05-01"), &offers), Ok(None));
        assert_eq!(check(Some("  "), &practice(), day("2026-05-01"), &offers), Ok(None));
        for on in ["2026-04-01", "2026-05-15", "2026-06-30"] {
            assert_eq!(check(Some(&id), &practice(), day(on), &offers), Ok(Some(offers[0].id)), "{on}");
        }
    }

    #[test]
    fn help_outside_the_offers_dates_is_refused_naming_the_offer_and_its_dates() {
        let offers = [offer("A81001", "NHS App drop-in", "2026-04-01", Some("2026-06-30"))];
        let id = offers[0].id.to_string();
        let before = check(Some(&id), &practice(), day("2026-03-31"), &offers).expect_err("before");
        assert_eq!(before.field, "offer_id");
        assert_eq!(
            before.message,
            "\u{201c}NHS App drop-in\u{201d} started on 1 April 2026, after this help on 31 March 2026; \
             choose an offer running that day, or none"
        );
        let after = check(Some(&id), &practice(), day("2026-07-01"), &offers).expect_err("after");
        assert_eq!(
            after.message,
            "\u{201c}NHS App drop-in\u{201d} ran from 1 April 2026 to 30 June 2026, before this help on \
             1 July 2026; choose an offer running that day, or none"
        );
    }

    #[test]
    fn another_practices_offer_or_a_malformed_id_is_unknown_without_its_title() {
        let offers = [offer("B82002", "Their secret drop-in", "2026-04-01", None)];
        let theirs = offers[0].id.to_string();
        let refused = check(Some(&theirs), &practice(), day("2026-05-01"), &offers).expect_err("theirs");
        assert_eq!(refused.message, format!("No support offer {theirs} at practice A81001"));
        let malformed = check(Some("drop-in"), &practice(), day("2026-05-01"), &offers).expect_err("bad");
        assert_eq!(malformed.message, "\"drop-in\" is not a support offer id");
    }

    #[test]
    fn days_read_the_way_staff_write_them() {
        assert_eq!(long_date(day("2026-04-01")), "1 April 2026");
        assert_eq!(long_date(day("2026-11-24")), "24 November 2026");
    }
}
