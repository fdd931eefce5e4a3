//! Importing exported documents into the sled store: each as it was exported (sources,
//! first and last seen, cleaner version, near-duplicate link), under the next sequence
//! number, deduplicated by hash like any put; one transaction each.

use super::record;
use super::sled::{PutTrees, SledStore};
use super::sled_near::index_in;
use super::sled_txn::{count_host, merge_sources};
use super::{hash, NearPolicy, PutOutcome, StoreError, StoredDocument};
use crate::near::Signature;
use sled::transaction::ConflictableTransactionError;
use sled::Transactional;

impl SledStore {
    /// See [`super::Store::import`].
    pub(super) fn import_document(&self, doc: &StoredDocument) -> Result<PutOutcome, StoreError> {
        let text = doc.text();
        let normalised = hash::normalise(&text);
        if normalised.is_empty() {
            return Err(StoreError::EmptyDocument);
        }
        let hash = doc.hash.as_str();
        let index = self.near_config().policy != NearPolicy::Off && !self.docs_contains(hash)?;
        let signature = index.then(|| Signature::of(&normalised));
        let outcome = self.put_trees().transaction(|trees| {
            let t = PutTrees::of(trees);
            let abort = ConflictableTransactionError::Abort;
            let mut counters = t.counters()?;
            let outcome = if let Some(bytes) = t.docs.get(hash.as_bytes())? {
                let mut into =
                    record::decode_doc(&format!("docs/{hash}"), &bytes).map_err(abort)?;
                let before = into.sources.len();
                merge_sources(&mut into, &doc.sources);
                let added = into.sources.len().saturating_sub(before);
                counters.sources = counters.sources.saturating_add(added as u64);
                t.docs.insert(
                    hash.as_bytes(),
                    record::encode_doc(&into, into.seq).map_err(abort)?,
                )?;
                PutOutcome::Duplicate {
                    seq: into.seq,
                    hash: hash.to_string(),
                    new_source: added > 0,
                }
            } else {
                let seq = counters.take_seq().map_err(abort)?;
                counters.documents = counters.documents.saturating_add(1);
                counters.sources = counters.sources.saturating_add(doc.sources.len() as u64);
                counters.text_bytes = counters.text_bytes.saturating_add(text.len() as u64);
                count_host(&t, &mut counters, doc.host.as_deref(), 1)?;
                t.docs.insert(
                    hash.as_bytes(),
                    record::encode_doc(doc, seq).map_err(abort)?,
                )?;
                t.seq.insert(&record::encode_seq(seq), hash.as_bytes())?;
                if let Some(sig) = &signature {
                    index_in(&t, seq, sig)?;
                }
                PutOutcome::New {
                    seq,
                    hash: hash.to_string(),
                    near_duplicate_of: doc.near_duplicate_of.clone(),
                }
            };
            t.set_counters(&counters)?;
            Ok(outcome)
        })?;
        Ok(outcome)
    }
}
