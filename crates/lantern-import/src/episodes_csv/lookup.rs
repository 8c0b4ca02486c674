//! The practices a file may import into. Validation needs each practice's services and staff; loading
//! them once per file (rather than once per row) keeps a 100,000-row import to a handful of queries,
//! and letting the caller build the lookup lets the web layer restrict it to the user's practices.

use lantern_core::ods::OdsCode;
use lantern_store::{PracticeSettings, Store, StoreError};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct PracticeLookup {
    practices: HashMap<OdsCode, PracticeSettings>,
}

impl PracticeLookup {
    /// Only these practices; rows for any other practice are refused.
    pub fn new(settings: impl IntoIterator<Item = PracticeSettings>) -> Self {
        settings.into_iter().collect()
    }

    /// Every practice in the store, with its services and staff (leavers included, so validation can
    /// say "no longer active" rather than "unknown").
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let mut lookup = Self::default();
        for (practice, _synthetic) in store.list_practices().await? {
            let settings = store.settings(&practice.ods_code).await?;
            lookup.practices.insert(practice.ods_code, settings);
        }
        Ok(lookup)
    }

    pub fn get(&self, code: &OdsCode) -> Option<&PracticeSettings> {
        self.practices.get(code)
    }

    pub fn len(&self) -> usize {
        self.practices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.practices.is_empty()
    }
}

impl FromIterator<PracticeSettings> for PracticeLookup {
    fn from_iter<I: IntoIterator<Item = PracticeSettings>>(iter: I) -> Self {
        Self { practices: iter.into_iter().map(|s| (s.practice.ods_code.clone(), s)).collect() }
    }
}
