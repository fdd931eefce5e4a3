//! Re-cleaning in the sled store: a stored document replaced by what the current
//! cleaner makes of its raw page, in one transaction, so that a re-clean killed at any
//! point leaves every document either as it was or as it is now, never both or
//! neither; and running it again finishes the job (a document already re-cleaned
//! comes out unchanged).

use super::record;
use super::sled::{PutTrees, SledStore};
use super::sled_near::{index_in, unindex_in};
use super::sled_txn::{count_host, merge_sources};
use super::{document_host, hash, Recleaned, StoreError, StoredDocument};
use crate::near::Signature;
use gleaner_clean::Document;
use sled::transaction::ConflictableTransactionError;
use sled::Transactional;

impl SledStore {
    /// See [`super::Store::replace`].
    pub(super) fn replace_document(
        &self,
        seq: u64,
        old_hash: &str,
        document: &Document,
        cleaner_version: &str,
    ) -> Result<Recleaned, StoreError> {
        let text = document.text();
        let normalised = hash::normalise(&text);
        if normalised.is_empty() {
            return Err(StoreError::EmptyDocument);
        }
        let new_hash = blake3::hash(normalised.as_bytes()).to_hex().to_string();
        let fresh = self.near_config().policy != super::NearPolicy::Off;
        let signature = (fresh && new_hash != old_hash).then(|| Signature::of(&normalised));
        // The nearest earlier document, other than this one.
        let near = match &signature {
            Some(sig) => self
                .nearest_except(sig, self.near_config().threshold, seq)?
                .map(|n| n.hash),
            None => None,
        };
        let text_bytes = text.len() as u64;
        let outcome = self.put_trees().transaction(|trees| {
            let t = PutTrees::of(trees);
            let abort = ConflictableTransactionError::Abort;
            let Some(bytes) = t.docs.get(old_hash.as_bytes())? else {
                return Ok(Recleaned::Gone);
            };
            let old = record::decode_doc(&format!("docs/{old_hash}"), &bytes).map_err(abort)?;
            if old.seq != seq {
                return Ok(Recleaned::Gone);
            }
            let mut counters = t.counters()?;
            let old_bytes = old.text().len() as u64;
            if new_hash == old_hash {
                if old.blocks == document.blocks
                    && old.metadata == document.metadata
                    && old.cleaner_version == cleaner_version
                {
                    return Ok(Recleaned::Unchanged);
                }
                let doc = renewed(
                    &old,
                    old_hash,
                    document,
                    cleaner_version,
                    old.near_duplicate_of.clone(),
                );
                t.docs.insert(
                    old_hash.as_bytes(),
                    record::encode_doc(&doc, seq).map_err(abort)?,
                )?;
                return Ok(Recleaned::Unchanged);
            }
            unindex_in(&t, seq)?;
            t.docs.remove(old_hash.as_bytes())?;
            counters.text_bytes = counters.text_bytes.saturating_sub(old_bytes);
            let outcome = if let Some(bytes) = t.docs.get(new_hash.as_bytes())? {
                // The new text is another document's: that one takes this one's sources,
                // and this sequence number retires.
                let key = format!("docs/{new_hash}");
                let mut into = record::decode_doc(&key, &bytes).map_err(abort)?;
                let before = into.sources.len();
                merge_sources(&mut into, &old.sources);
                counters.sources = counters
                    .sources
                    .saturating_sub(old.sources.len() as u64)
                    .saturating_add((into.sources.len().saturating_sub(before)) as u64);
                t.docs.insert(
                    new_hash.as_bytes(),
                    record::encode_doc(&into, into.seq).map_err(abort)?,
                )?;
                t.seq.remove(&record::encode_seq(seq))?;
                counters.documents = counters.documents.saturating_sub(1);
                count_host(&t, &mut counters, old.host.as_deref(), -1)?;
                Recleaned::Merged {
                    into_seq: into.seq,
                    hash: new_hash.clone(),
                }
            } else {
                let doc = renewed(&old, &new_hash, document, cleaner_version, near.clone());
                if doc.host != old.host {
                    count_host(&t, &mut counters, old.host.as_deref(), -1)?;
                    count_host(&t, &mut counters, doc.host.as_deref(), 1)?;
                }
                t.docs.insert(
                    new_hash.as_bytes(),
                    record::encode_doc(&doc, seq).map_err(abort)?,
                )?;
                t.seq
                    .insert(&record::encode_seq(seq), new_hash.as_bytes())?;
                counters.text_bytes = counters.text_bytes.saturating_add(text_bytes);
                if let Some(sig) = &signature {
                    index_in(&t, seq, sig)?;
                }
                Recleaned::Changed {
                    hash: new_hash.clone(),
                }
            };
            t.set_counters(&counters)?;
            Ok(outcome)
        })?;
        Ok(outcome)
    }
}

/// The old record with the new text, blocks, metadata and version; identity and
/// history (sequence number, sources, first and last seen) kept.
pub(super) fn renewed(
    old: &StoredDocument,
    hash: &str,
    document: &Document,
    cleaner_version: &str,
    near_duplicate_of: Option<String>,
) -> StoredDocument {
    let locator = old
        .sources
        .first()
        .map(|s| s.locator.as_str())
        .unwrap_or("");
    StoredDocument {
        hash: hash.to_string(),
        kind: document.kind,
        blocks: document.blocks.clone(),
        metadata: document.metadata.clone(),
        host: document_host(&document.metadata, locator).or_else(|| old.host.clone()),
        cleaner_version: cleaner_version.to_string(),
        near_duplicate_of,
        ..old.clone()
    }
}
