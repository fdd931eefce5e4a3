//! What every write transaction of the sled store does alike: read and write the
//! counters, count a host's documents, fold sources into a document.

use super::record::{self, Counters};
use super::sled::{Abort, PutTrees, COUNTERS_KEY};
use super::{SourceRecord, StoredDocument};
use sled::transaction::ConflictableTransactionError;

impl PutTrees<'_> {
    /// The store's counters as this transaction sees them.
    pub(super) fn counters(&self) -> Result<Counters, Abort> {
        match self.meta.get(COUNTERS_KEY)? {
            Some(b) => record::decode_counters(&b).map_err(ConflictableTransactionError::Abort),
            None => Ok(Counters::new()),
        }
    }

    pub(super) fn set_counters(&self, counters: &Counters) -> Result<(), Abort> {
        let bytes =
            record::encode_counters(counters).map_err(ConflictableTransactionError::Abort)?;
        self.meta.insert(COUNTERS_KEY, bytes)?;
        Ok(())
    }
}

/// Folds `sources` into `into`: a locator already listed keeps the wider span of
/// sightings and the raw of the latest.
pub(super) fn merge_sources(into: &mut StoredDocument, sources: &[SourceRecord]) {
    for s in sources {
        into.first_seen = into.first_seen.min(s.first_seen);
        into.last_seen = into.last_seen.max(s.last_seen);
        match into.sources.iter_mut().find(|t| t.locator == s.locator) {
            Some(t) => {
                if s.last_seen > t.last_seen {
                    t.last_seen = s.last_seen;
                    t.raw_hash = s.raw_hash.clone();
                    t.http = s.http.clone();
                }
                t.first_seen = t.first_seen.min(s.first_seen);
            }
            None => into.sources.push(s.clone()),
        }
    }
}

/// Moves a host's document count by `delta` (±1), dropping a host that reaches 0.
pub(super) fn count_host(
    t: &PutTrees<'_>,
    counters: &mut Counters,
    host: Option<&str>,
    delta: i8,
) -> Result<(), Abort> {
    let Some(host) = host else { return Ok(()) };
    let abort = ConflictableTransactionError::Abort;
    let count = match t.hosts.get(host.as_bytes())? {
        Some(b) => record::decode_u64(&format!("hosts/{host}"), &b).map_err(abort)?,
        None => 0,
    };
    let next = if delta < 0 {
        count.saturating_sub(1)
    } else {
        count.saturating_add(1)
    };
    if next == 0 {
        if t.hosts.remove(host.as_bytes())?.is_some() {
            counters.hosts = counters.hosts.saturating_sub(1);
        }
    } else {
        if count == 0 {
            counters.hosts = counters.hosts.saturating_add(1);
        }
        t.hosts.insert(host.as_bytes(), &next.to_be_bytes())?;
    }
    Ok(())
}
