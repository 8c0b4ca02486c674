//! The practices and their settings as episode validation and access checks read them on every
//! request, kept in memory. Every settings write through the store ([`crate::practices`]) empties the
//! cache once it has committed, so the next read in this process sees the change. A change made by
//! another process sharing the database (a second server on the same PostgreSQL, `lantern demo`
//! seeding beside a server) is seen once an entry is older than [`MAX_AGE`].

use crate::practices::PracticeSettings;
use crate::{Store, StoreError};
use lantern_core::ods::OdsCode;
use lantern_core::practice::Practice;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long an entry is trusted without a write through this store emptying it.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(2);

/// Every practice, and whether it is synthetic, as [`Store::list_practices`] lists them.
pub type Practices = Arc<Vec<(Practice, bool)>>;

#[derive(Default)]
pub(crate) struct SettingsCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Bumped by every settings write; a read that started before a write must not fill the cache.
    generation: u64,
    practices: Option<Entry<Practices>>,
    settings: HashMap<OdsCode, Entry<Arc<PracticeSettings>>>,
}

struct Entry<T> {
    value: T,
    loaded: Instant,
}

impl<T: Clone> Entry<T> {
    fn fresh(&self) -> Option<T> {
        (self.loaded.elapsed() < MAX_AGE).then(|| self.value.clone())
    }
}

impl SettingsCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Plain data, and nothing under the lock can panic half-way through a change.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets everything: called after every settings write (committed or not).
    pub(crate) fn invalidate(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.practices = None;
        inner.settings.clear();
    }
}

impl Store {
    /// [`Store::list_practices`], from memory when this process has read it in the last
    /// [`MAX_AGE`] and changed no settings since.
    pub async fn practices_cached(&self) -> Result<Practices, StoreError> {
        let generation = {
            let inner = self.settings_cache.lock();
            if let Some(value) = inner.practices.as_ref().and_then(Entry::fresh) {
                return Ok(value);
            }
            inner.generation
        };
        let value = Arc::new(self.list_practices().await?);
        let mut inner = self.settings_cache.lock();
        if inner.generation == generation {
            inner.practices = Some(Entry { value: Arc::clone(&value), loaded: Instant::now() });
        }
        Ok(value)
    }

    /// [`Store::settings`], from memory when this process has read it in the last [`MAX_AGE`] and
    /// changed no settings since.
    pub async fn settings_cached(&self, code: &OdsCode) -> Result<Arc<PracticeSettings>, StoreError> {
        let generation = {
            let inner = self.settings_cache.lock();
            if let Some(value) = inner.settings.get(code).and_then(Entry::fresh) {
                return Ok(value);
            }
            inner.generation
        };
        let value = Arc::new(self.settings(code).await?);
        let mut inner = self.settings_cache.lock();
        if inner.generation == generation {
            inner.settings.insert(code.clone(), Entry { value: Arc::clone(&value), loaded: Instant::now() });
        }
        Ok(value)
    }
}
