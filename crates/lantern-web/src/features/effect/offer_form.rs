//! The offer form shared by "register an offer" and "edit an offer": reading what was sent into an
//! [`OfferDraft`] (checked by the store, as the API's is) and the choices the form shows.

use crate::kit::choices::ChoiceGroup;
use crate::kit::form::Form;
use lantern_core::offer::{Offer, OfferDraft, OfferKind, RunBy, OFFER_GROUPS};
use lantern_core::staff::StaffMember;
use lantern_core::taxonomy::AGE_BANDS;
use lantern_core::validation::FieldError;

/// The form's fields top to bottom, the order the error summary lists problems in.
const FORM_ORDER: [&str; 9] = [
    "kind",
    "title",
    "started_on",
    "ended_on",
    "run_by",
    "run_by_staff",
    "run_by_name",
    "age_bands",
    "groups",
];

pub fn read(form: &Form) -> OfferDraft {
    OfferDraft {
        kind: form.one("kind").unwrap_or_default(),
        title: form.one("title").unwrap_or_default(),
        started_on: form.one("started_on").unwrap_or_default(),
        ended_on: form.one("ended_on"),
        run_by_staff: form.one("run_by_staff"),
        run_by_name: form.one("run_by_name"),
        age_bands: form.all("age_bands"),
        groups: form.all("groups"),
    }
}

/// The draft an existing offer's form starts from.
pub fn draft_of(offer: &Offer) -> OfferDraft {
    let (run_by_staff, run_by_name) = match &offer.run_by {
        RunBy::Staff(id) => (Some(id.to_string()), None),
        RunBy::Named(name) => (None, Some(name.clone())),
    };
    OfferDraft {
        kind: offer.kind.code().to_owned(),
        title: offer.title.clone(),
        started_on: offer.started_on.to_string(),
        ended_on: offer.ended_on.map(|d| d.to_string()),
        run_by_staff,
        run_by_name,
        age_bands: offer.age_bands.clone(),
        groups: offer.groups.clone(),
    }
}

/// What the form template needs besides the draft.
pub struct Fields {
    pub kind: ChoiceGroup,
    pub run_by_staff: ChoiceGroup,
    pub age_bands: ChoiceGroup,
    pub groups: ChoiceGroup,
    pub errors: Vec<FieldError>,
}

pub fn fields(draft: &OfferDraft, staff: &[StaffMember], mut errors: Vec<FieldError>) -> Fields {
    errors.sort_by_key(|e| FORM_ORDER.iter().position(|f| *f == e.field).unwrap_or(FORM_ORDER.len()));
    let error = |field: &str| crate::kit::field_errors::all(&errors, field);
    let kinds = std::iter::once((String::new(), "Choose a kind".to_owned())).chain(
        OfferKind::ALL.iter().map(|k| (k.code().to_owned(), format!("{} ({})", k.label(), k.mode().code()))),
    );
    let chosen_staff = draft.run_by_staff.clone().unwrap_or_default();
    // Current staff can be chosen; someone who has left stays listed only while already chosen.
    let people = std::iter::once((String::new(), "Someone else (name them below)".to_owned())).chain(
        staff.iter().filter(|m| m.active || m.id.to_string() == chosen_staff).map(|m| {
            let left = if m.active { "" } else { " (has left)" };
            (m.id.to_string(), format!("{}{left}", m.display_name))
        }),
    );
    Fields {
        kind: ChoiceGroup::new("kind", "Kind of offer", kinds, std::slice::from_ref(&draft.kind), usize::MAX)
            .with_error(error("kind").as_deref()),
        run_by_staff: ChoiceGroup::new(
            "run_by_staff",
            "Run by a member of staff",
            people,
            std::slice::from_ref(&chosen_staff),
            usize::MAX,
        )
        .with_error(error("run_by_staff").as_deref()),
        age_bands: ChoiceGroup::from_vocabulary(
            "age_bands",
            "Age bands it is for",
            AGE_BANDS,
            &draft.age_bands,
        )
        .with_error(error("age_bands").as_deref()),
        groups: ChoiceGroup::from_vocabulary("groups", "Groups it is for", OFFER_GROUPS, &draft.groups)
            .with_error(error("groups").as_deref()),
        errors,
    }
}
