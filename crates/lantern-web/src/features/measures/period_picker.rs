//! The period picker shared by the dashboard and "Practices compared": a plain GET form (no script),
//! checked field by field so a mistyped date gets a message next to the field rather than a failure.
//! The period itself is resolved by [`PeriodQuery::resolve`], the same code the API uses, so a page and
//! its "download" link always cover the same days.

use crate::clock::today;
use crate::kit::choices::Choice;
use crate::kit::urls::urlencode;
use crate::services::measures::PeriodQuery;
use jiff::civil::Date;
use jiff::ToSpan;
use lantern_core::measures::{Period, PeriodKind};
use lantern_core::validation::FieldError;
use std::collections::HashMap;

const KINDS: [(&str, &str); 5] = [
    ("week", "Week"),
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
    ("custom", "Custom dates"),
];

/// The query string as sent; the last value of a repeated name wins, and nothing here can fail.
pub type Params = HashMap<String, String>;

pub fn params(raw: Option<&str>) -> Params {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

/// A select that chooses what the figures are for (a practice, an organisation), sent with the period.
pub struct ScopeSelect {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Choice>,
}

pub struct PeriodPicker {
    pub action: &'static str,
    pub scope: Option<ScopeSelect>,
    pub kinds: Vec<Choice>,
    pub date: String,
    pub from: String,
    pub to: String,
    pub errors: Vec<FieldError>,
    /// The period shown, when the form was filled in correctly.
    pub period: Option<Period>,
    pub label: String,
    /// The period as query parameters (`period=quarter&date=2026-04-01`), for downloads.
    pub query: String,
    pub previous_href: String,
    pub next_href: String,
}

impl PeriodPicker {
    /// Reads the period fields of `params`; `keep` (e.g. `practice=A81001`) goes into the paging links.
    pub fn read(params: &Params, action: &'static str, keep: &str) -> Self {
        let field = |name: &str| params.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
        let (kind_raw, date, from, to) = (field("period"), field("date"), field("from"), field("to"));
        let mut errors = Vec::new();
        let kind = if kind_raw.is_empty() { Some(PeriodKind::Quarter) } else { PeriodKind::parse(&kind_raw) };
        if kind.is_none() {
            errors.push(FieldError::new("period", "Select week, month, quarter, year or custom dates"));
        }
        let mut day = |name: &str, raw: &str, what: &str, required: bool| -> Option<Date> {
            if raw.is_empty() {
                if required {
                    errors.push(FieldError::new(name, format!("Enter {what}")));
                }
                return None;
            }
            let parsed = raw.parse::<Date>().ok();
            if parsed.is_none() {
                errors.push(FieldError::new(name, format!("Enter {what} as a real date, like 2026-04-01")));
            }
            parsed
        };
        if kind == Some(PeriodKind::Custom) {
            let first = day("from", &from, "the first day of the custom period", true);
            let last = day("to", &to, "the last day of the custom period", true);
            if let (Some(first), Some(last)) = (first, last) {
                if last < first {
                    errors.push(FieldError::new(
                        "to",
                        "The last day must be the same as or after the first day",
                    ));
                } else if Period::custom(first, last).is_none() {
                    errors.push(FieldError::new("to", "A custom period can be up to ten years long"));
                }
            }
        } else {
            day("date", &date, "a day in the period", false);
        }
        let mut picker = Self {
            action,
            scope: None,
            kinds: Vec::new(),
            date,
            from,
            to,
            errors,
            period: None,
            label: String::new(),
            query: String::new(),
            previous_href: String::new(),
            next_href: String::new(),
        };
        if picker.errors.is_empty() {
            let query = PeriodQuery {
                period: Some(kind_raw.clone()).filter(|k| !k.is_empty()),
                date: Some(picker.date.clone()),
                from: Some(picker.from.clone()),
                to: Some(picker.to.clone()),
            };
            match query.resolve() {
                Ok(period) => picker.show(period, action, keep),
                Err(error) => picker.errors.push(FieldError::new("period", error.to_string())),
            }
        }
        let chosen = kind.map_or_else(|| kind_raw.clone(), |k| kind_code(k).to_owned());
        picker.kinds = KINDS
            .iter()
            .enumerate()
            .map(|(i, (value, label))| Choice {
                id: if i == 0 { "period".to_owned() } else { format!("period-{}", i + 1) },
                value: (*value).to_owned(),
                label: (*label).to_owned(),
                checked: *value == chosen,
            })
            .collect();
        picker
    }

    fn show(&mut self, period: Period, action: &str, keep: &str) {
        // Fill the blanks from the period shown, so switching to custom dates starts from it.
        if self.date.is_empty() {
            self.date = today().to_string();
        }
        if self.from.is_empty() || self.to.is_empty() {
            (self.from, self.to) = (period.from.to_string(), period.to.to_string());
        }
        let link = |p: Period| {
            let keep = if keep.is_empty() { String::new() } else { format!("{keep}&") };
            format!("{action}?{keep}{}", query_of(p))
        };
        self.label = period.label();
        self.query = query_of(period);
        self.previous_href = link(period.previous());
        self.next_href = link(next(period));
        self.period = Some(period);
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        crate::kit::field_errors::first(&self.errors, field)
    }

    /// What the period is, for headings: "quarter", "month", … or "period" for custom dates.
    pub fn noun(&self) -> &'static str {
        match self.period.map(|p| p.kind) {
            Some(PeriodKind::Week) => "week",
            Some(PeriodKind::Month) => "month",
            Some(PeriodKind::Quarter) => "quarter",
            Some(PeriodKind::Year) => "financial year",
            _ => "period",
        }
    }
}

fn kind_code(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Week => "week",
        PeriodKind::Month => "month",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Year => "year",
        PeriodKind::Custom => "custom",
    }
}

/// The period as the query the API and this form both read.
pub fn query_of(period: Period) -> String {
    match period.kind {
        PeriodKind::Custom => format!("period=custom&from={}&to={}", period.from, period.to),
        kind => format!("period={}&date={}", kind_code(kind), period.from),
    }
}

/// The period of the same kind just after (the same number of days, for custom periods).
pub fn next(period: Period) -> Period {
    let after = period.to.saturating_add(1.day());
    match period.kind {
        PeriodKind::Custom => Period {
            kind: PeriodKind::Custom,
            from: after,
            to: after.saturating_add((period.days() - 1).days()),
        },
        kind => Period::containing(kind, after),
    }
}

/// `name=value` with the value encoded, for the links that keep a practice or organisation.
pub fn pair(name: &str, value: &str) -> String {
    format!("{name}={}", urlencode(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str) -> PeriodPicker {
        PeriodPicker::read(&params(Some(query)), "/dashboard", "practice=A81001")
    }

    #[test]
    fn kinds_resolve_to_their_periods_with_paging_links() {
        let month = read("period=month&date=2026-05-05");
        assert_eq!(month.label, "1 May 2026 to 31 May 2026");
        assert_eq!(month.previous_href, "/dashboard?practice=A81001&period=month&date=2026-04-01");
        assert_eq!(month.next_href, "/dashboard?practice=A81001&period=month&date=2026-06-01");
        assert!(month.kinds.iter().any(|k| k.value == "month" && k.checked));
        let year = read("period=year&date=2026-05-05");
        assert_eq!(year.label, "1 April 2026 to 31 March 2027");
        let custom = read("period=custom&from=2026-03-10&to=2026-03-19");
        assert_eq!(custom.query, "period=custom&from=2026-03-10&to=2026-03-19");
        assert!(custom.next_href.ends_with("from=2026-03-20&to=2026-03-29"), "{}", custom.next_href);
    }

    #[test]
    fn mistakes_are_named_by_field() {
        assert_eq!(
            read("period=month&date=2026-02-30").error("date").map(|e| e.contains("real date")),
            Some(true)
        );
        assert!(read("period=fortnight").error("period").is_some());
        assert!(read("period=custom&from=2026-03-10").error("to").is_some());
        let backwards = read("period=custom&from=2026-03-10&to=2026-03-01");
        assert!(backwards.error("to").is_some_and(|e| e.contains("after the first day")));
        assert!(backwards.period.is_none());
        assert!(read("").period.is_some(), "a quarter by default");
    }
}
