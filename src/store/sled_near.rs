//! The near-duplicate index of the sled store: each document's MinHash signature under
//! its sequence number (`sigs`), and one key per band (`near`: band number, band hash,
//! sequence number, so that a prefix scan lists the documents sharing a band). Lookups
//! read the index before a put's transaction (sled transactions can't scan); the new
//! document's keys are written inside it.

use super::record;
use super::sled::{Abort, PutTrees, SledStore};
use super::StoreError;
use crate::near::{Signature, BANDS};

/// What the store does with a document whose text is near an earlier one's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NearPolicy {
    /// Stored, with `near_duplicate_of` naming the earlier document (the default).
    Link,
    /// Not stored.
    Drop,
    /// No near-duplicate detection; nothing indexed.
    Off,
}

/// The policy and the estimated Jaccard similarity from which it applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearConfig {
    pub policy: NearPolicy,
    pub threshold: f64,
}

impl Default for NearConfig {
    fn default() -> Self {
        NearConfig {
            policy: NearPolicy::Link,
            threshold: crate::near::DEFAULT_THRESHOLD,
        }
    }
}

/// The earlier document a new one is near: its sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Near {
    pub seq: u64,
    pub hash: String,
}

/// Documents examined per shared band, the earliest first. A site of templated pages
/// puts thousands of documents in one band; comparing each new one with all of them
/// would make a batch quadratic. The earliest are the originals a copy is linked to.
pub(super) const PER_BAND: usize = 64;

fn band_prefix(band: usize, key: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(17);
    k.push(u8::try_from(band).unwrap_or(u8::MAX));
    k.extend_from_slice(&key.to_be_bytes());
    k
}

impl SledStore {
    /// The most similar stored document at or above the threshold (the earliest of
    /// equals), among the first [`PER_BAND`] of each band `sig` shares, other than the
    /// one under `except`.
    pub(super) fn nearest_except(
        &self,
        sig: &Signature,
        threshold: f64,
        except: u64,
    ) -> Result<Option<Near>, StoreError> {
        let mut seen = std::collections::HashSet::new();
        let mut best: Option<(f64, u64)> = None;
        for band in 0..BANDS {
            let prefix = band_prefix(band, sig.band(band));
            for item in self.near.scan_prefix(prefix).take(PER_BAND) {
                let (key, _) = item?;
                let Some(seq) = key.get(9..).and_then(|s| record::decode_seq(s).ok()) else {
                    continue;
                };
                if seq == except || !seen.insert(seq) {
                    continue;
                }
                let Some(bytes) = self.sigs.get(record::encode_seq(seq))? else {
                    continue;
                };
                let Some(other) = Signature::from_bytes(&bytes) else {
                    continue;
                };
                let sim = sig.similarity(&other);
                let better = best.is_none_or(|(s, q)| sim > s || (sim == s && seq < q));
                if sim >= threshold && better {
                    best = Some((sim, seq));
                }
            }
        }
        let Some((_, seq)) = best else {
            return Ok(None);
        };
        let Some(hash) = self.seq.get(record::encode_seq(seq))? else {
            return Ok(None);
        };
        let hash = record::decode_hash(&format!("seq/{seq}"), &hash)?;
        Ok(Some(Near { seq, hash }))
    }
}

/// Inside a transaction: removes the signature under `seq` and its band keys.
pub(super) fn unindex_in(t: &PutTrees<'_>, seq: u64) -> Result<(), Abort> {
    let seq_key = record::encode_seq(seq);
    let Some(bytes) = t.sigs.remove(&seq_key)? else {
        return Ok(());
    };
    if let Some(sig) = Signature::from_bytes(&bytes) {
        for band in 0..BANDS {
            let mut key = band_prefix(band, sig.band(band));
            key.extend_from_slice(&seq_key);
            t.near.remove(key)?;
        }
    }
    Ok(())
}

/// Inside a put's transaction: indexes a new document's signature under `seq`.
pub(super) fn index_in(t: &PutTrees<'_>, seq: u64, sig: &Signature) -> Result<(), Abort> {
    let seq_key = record::encode_seq(seq);
    t.sigs.insert(&seq_key, sig.to_bytes())?;
    for band in 0..BANDS {
        let mut key = band_prefix(band, sig.band(band));
        key.extend_from_slice(&seq_key);
        t.near.insert(key, &[])?;
    }
    Ok(())
}
