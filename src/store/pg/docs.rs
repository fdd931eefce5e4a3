//! Documents in PostgreSQL: the same records as the sled backend, one row per content
//! hash. A put is one transaction: the row locked if present (one more source), else
//! inserted under a new sequence number with `ON CONFLICT DO NOTHING`; a worker that
//! loses that race runs the transaction again and finds the winner's row.

use super::session::Tx;
use super::{backend_error, PgStore};
use crate::near::{Signature, BANDS};
use crate::store::sled::{add_sighting, ZSTD_LEVEL};
use crate::store::sled_near::{Near, PER_BAND};
use crate::store::sled_reclean::renewed;
use crate::store::sled_txn::merge_sources;
use crate::store::{
    fresh_record, hash, record, NearPolicy, NewDocument, PutOutcome, Recleaned, SourceRef, Store,
    StoreError, StoreStats, StoredDocument,
};
use gleaner_clean::Document;

/// Documents read per query when streaming them all.
const PAGE: i64 = 256;

/// A put's work that needs no lock: hashing, compressing, the record a new document gets.
pub(super) struct Prepared {
    pub hash: String,
    raw_hash: String,
    compressed: Vec<u8>,
    fresh: StoredDocument,
    source: SourceRef,
    text_bytes: i64,
    signature: Option<Signature>,
}

impl Prepared {
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

fn seq_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn decode_row(hash: &str, bytes: &[u8]) -> Result<StoredDocument, StoreError> {
    record::decode_doc(&format!("documents/{hash}"), bytes)
}

impl PgStore {
    pub(super) fn prepare_put(&self, new: &NewDocument<'_>) -> Result<Prepared, StoreError> {
        let text = new.document.text();
        let normalised = hash::normalise(&text);
        if normalised.is_empty() {
            return Err(StoreError::EmptyDocument);
        }
        let hash = blake3::hash(normalised.as_bytes()).to_hex().to_string();
        let signature =
            (self.near_config.policy != NearPolicy::Off).then(|| Signature::of(&normalised));
        let raw_hash = hash::raw_hash(new.raw);
        let compressed = zstd::bulk::compress(new.raw, ZSTD_LEVEL)
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        let fresh = fresh_record(new, &hash, &raw_hash);
        Ok(Prepared {
            hash,
            raw_hash,
            compressed,
            fresh,
            source: new.source.clone(),
            text_bytes: i64::try_from(text.len()).unwrap_or(i64::MAX),
            signature,
        })
    }

    /// Inside a transaction: the put. None when another worker inserted the same text
    /// meanwhile: the caller runs its transaction again.
    pub(super) fn put_in(
        &self,
        t: &mut Tx<'_>,
        p: &Prepared,
    ) -> Result<Option<PutOutcome>, StoreError> {
        t.execute(
            "INSERT INTO raws (hash, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&p.raw_hash, &p.compressed],
        )
        .map_err(backend_error)?;
        if let Some(mut doc) = locked(t, &p.hash)? {
            let new_source = add_sighting(&mut doc, &p.source, &p.raw_hash);
            update(t, &doc)?;
            return Ok(Some(PutOutcome::Duplicate {
                seq: doc.seq,
                hash: p.hash.clone(),
                new_source,
            }));
        }
        let near = match (&p.signature, self.near_config.policy) {
            (Some(sig), NearPolicy::Link | NearPolicy::Drop) => {
                nearest_except(t, sig, self.near_config.threshold, u64::MAX)?
            }
            _ => None,
        };
        if let (Some(near), NearPolicy::Drop) = (&near, self.near_config.policy) {
            return Ok(Some(PutOutcome::NearDuplicate {
                seq: near.seq,
                hash: near.hash.clone(),
            }));
        }
        let mut doc = p.fresh.clone();
        doc.near_duplicate_of = near.map(|n| n.hash);
        let seq = next_seq(t)?;
        if !insert(t, &doc, seq, p.text_bytes)? {
            return Ok(None);
        }
        if let Some(sig) = &p.signature {
            index(t, seq, &p.hash, sig)?;
        }
        Ok(Some(PutOutcome::New {
            seq,
            hash: p.hash.clone(),
            near_duplicate_of: doc.near_duplicate_of,
        }))
    }
}

/// The stored document under `hash`, its row locked until the transaction ends.
fn locked(t: &mut Tx<'_>, hash: &str) -> Result<Option<StoredDocument>, StoreError> {
    let row = t
        .query_opt(
            "SELECT record FROM documents WHERE hash = $1 FOR UPDATE",
            &[&hash],
        )
        .map_err(backend_error)?;
    row.map(|r| decode_row(hash, r.get(0))).transpose()
}

fn next_seq(t: &mut Tx<'_>) -> Result<u64, StoreError> {
    let seq: i64 = t
        .query_one("SELECT nextval('document_seq')", &[])
        .map_err(backend_error)?
        .get(0);
    Ok(seq_of(seq))
}

/// Inserts a new document; false when its hash was taken meanwhile.
fn insert(
    t: &mut Tx<'_>,
    doc: &StoredDocument,
    seq: u64,
    text_bytes: i64,
) -> Result<bool, StoreError> {
    let record = record::encode_doc(doc, seq)?;
    let sources = i32::try_from(doc.sources.len()).unwrap_or(i32::MAX);
    let n = t
        .execute(
            "INSERT INTO documents (hash, seq, host, first_seen, last_seen, sources, \
             text_bytes, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (hash) DO NOTHING",
            &[
                &doc.hash,
                &to_i64(seq),
                &doc.host,
                &doc.first_seen,
                &doc.last_seen,
                &sources,
                &text_bytes,
                &record,
            ],
        )
        .map_err(backend_error)?;
    Ok(n == 1)
}

fn update(t: &mut Tx<'_>, doc: &StoredDocument) -> Result<(), StoreError> {
    let record = record::encode_doc(doc, doc.seq)?;
    let sources = i32::try_from(doc.sources.len()).unwrap_or(i32::MAX);
    t.execute(
        "UPDATE documents SET first_seen = $2, last_seen = $3, sources = $4, record = $5, \
         host = $6 WHERE hash = $1",
        &[
            &doc.hash,
            &doc.first_seen,
            &doc.last_seen,
            &sources,
            &record,
            &doc.host,
        ],
    )
    .map_err(backend_error)?;
    Ok(())
}

/// Band keys as PostgreSQL stores them (bigint holds the u64's bits).
fn band_keys(sig: &Signature) -> (Vec<i16>, Vec<i64>) {
    (0..BANDS)
        .map(|b| {
            let band = i16::try_from(b).unwrap_or(i16::MAX);
            (band, i64::from_ne_bytes(sig.band(b).to_ne_bytes()))
        })
        .unzip()
}

fn index(t: &mut Tx<'_>, seq: u64, hash: &str, sig: &Signature) -> Result<(), StoreError> {
    let seq = to_i64(seq);
    t.execute(
        "INSERT INTO near_sigs (seq, hash, sig) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        &[&seq, &hash, &sig.to_bytes()],
    )
    .map_err(backend_error)?;
    let (bands, keys) = band_keys(sig);
    t.execute(
        "INSERT INTO near_bands (band, key, seq) SELECT b, k, $3 FROM unnest($1::smallint[], \
         $2::bigint[]) AS q(b, k) ON CONFLICT DO NOTHING",
        &[&bands, &keys, &seq],
    )
    .map_err(backend_error)?;
    Ok(())
}

fn unindex(t: &mut Tx<'_>, seq: u64) -> Result<(), StoreError> {
    let seq = to_i64(seq);
    t.execute("DELETE FROM near_bands WHERE seq = $1", &[&seq])
        .map_err(backend_error)?;
    t.execute("DELETE FROM near_sigs WHERE seq = $1", &[&seq])
        .map_err(backend_error)?;
    Ok(())
}

/// As the sled backend's: the most similar document at or above `threshold` (the
/// earliest of equals) among the first [`PER_BAND`] of each band `sig` shares.
fn nearest_except(
    t: &mut Tx<'_>,
    sig: &Signature,
    threshold: f64,
    except: u64,
) -> Result<Option<Near>, StoreError> {
    let (bands, keys) = band_keys(sig);
    let per_band = i64::try_from(PER_BAND).unwrap_or(64);
    let rows = t
        .query(
            "SELECT DISTINCT s.seq, s.hash, s.sig FROM unnest($1::smallint[], $2::bigint[]) \
             AS q(b, k) CROSS JOIN LATERAL (SELECT seq FROM near_bands WHERE band = q.b AND \
             key = q.k ORDER BY seq LIMIT $3) n JOIN near_sigs s ON s.seq = n.seq",
            &[&bands, &keys, &per_band],
        )
        .map_err(backend_error)?;
    let mut best: Option<(f64, u64, String)> = None;
    for row in rows {
        let seq = seq_of(row.get(0));
        let Some(other) = Signature::from_bytes(row.get(2)) else {
            continue;
        };
        if seq == except {
            continue;
        }
        let sim = sig.similarity(&other);
        let better = best
            .as_ref()
            .is_none_or(|(s, q, _)| sim > *s || (sim == *s && seq < *q));
        if sim >= threshold && better {
            best = Some((sim, seq, row.get(1)));
        }
    }
    Ok(best.map(|(_, seq, hash)| Near { seq, hash }))
}

impl Store for PgStore {
    fn put(&self, new: NewDocument<'_>) -> Result<PutOutcome, StoreError> {
        let prepared = self.prepare_put(&new)?;
        self.txn(|t| match self.put_in(t, &prepared)? {
            Some(outcome) => Ok(outcome),
            None => Err(lost_race()),
        })
    }

    fn by_seq(&self, seq: u64) -> Result<Option<StoredDocument>, StoreError> {
        let row = self
            .conn()?
            .query_opt(
                "SELECT hash, record FROM documents WHERE seq = $1",
                &[&to_i64(seq)],
            )
            .map_err(backend_error)?;
        row.map(|r| decode_row(r.get(0), r.get(1))).transpose()
    }

    fn by_hash_prefix(&self, prefix: &str) -> Result<Vec<StoredDocument>, StoreError> {
        let prefix = prefix.to_ascii_lowercase();
        if !hash::is_hash_prefix(&prefix) {
            return Err(StoreError::BadHashPrefix(prefix));
        }
        // Hex digits only (checked above): no LIKE wildcard can be among them.
        let pattern = format!("{prefix}%");
        let rows = self
            .conn()?
            .query(
                "SELECT hash, record FROM documents WHERE hash LIKE $1 ORDER BY hash",
                &[&pattern],
            )
            .map_err(backend_error)?;
        rows.iter()
            .map(|r| decode_row(r.get(0), r.get(1)))
            .collect()
    }

    fn documents(&self) -> Box<dyn Iterator<Item = Result<StoredDocument, StoreError>> + '_> {
        Box::new(Pages {
            store: self,
            after: -1,
            page: Vec::new().into_iter(),
            done: false,
        })
    }

    fn raw(&self, raw_hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self
            .conn()?
            .query_opt("SELECT bytes FROM raws WHERE hash = $1", &[&raw_hash])
            .map_err(backend_error)?;
        let Some(row) = row else { return Ok(None) };
        let bytes: &[u8] = row.get(0);
        zstd::stream::decode_all(bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                key: format!("raws/{raw_hash}"),
                reason: format!("not valid zstd: {e}"),
            })
    }

    fn put_raw(&self, raw: &[u8]) -> Result<String, StoreError> {
        let raw_hash = hash::raw_hash(raw);
        let compressed =
            zstd::bulk::compress(raw, ZSTD_LEVEL).map_err(|e| StoreError::Backend(Box::new(e)))?;
        self.conn()?
            .execute(
                "INSERT INTO raws (hash, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&raw_hash, &compressed],
            )
            .map_err(backend_error)?;
        Ok(raw_hash)
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        let mut conn = self.conn()?;
        let docs = conn
            .query_one(
                "SELECT count(*), coalesce(sum(sources), 0)::bigint, \
                 coalesce(sum(text_bytes), 0)::bigint, count(DISTINCT host) FROM documents",
                &[],
            )
            .map_err(backend_error)?;
        let raws = conn
            .query_one(
                "SELECT count(*), coalesce(sum(length(bytes)), 0)::bigint FROM raws",
                &[],
            )
            .map_err(backend_error)?;
        let seq = conn
            .query_one("SELECT last_value, is_called FROM document_seq", &[])
            .map_err(backend_error)?;
        let (last, called): (i64, bool) = (seq.get(0), seq.get(1));
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(StoreStats {
            documents: n(docs.get(0)),
            sources: n(docs.get(1)),
            raw_pages: n(raws.get(0)),
            raw_bytes_compressed: n(raws.get(1)),
            text_bytes: n(docs.get(2)),
            next_seq: if called {
                n(last).saturating_add(1)
            } else {
                n(last)
            },
            hosts: n(docs.get(3)),
        })
    }

    fn flush(&self) -> Result<(), StoreError> {
        // Every transaction is durable once committed.
        Ok(())
    }

    fn import(&self, doc: &StoredDocument) -> Result<PutOutcome, StoreError> {
        let text = doc.text();
        let normalised = hash::normalise(&text);
        if normalised.is_empty() {
            return Err(StoreError::EmptyDocument);
        }
        let signature =
            (self.near_config.policy != NearPolicy::Off).then(|| Signature::of(&normalised));
        let text_bytes = i64::try_from(text.len()).unwrap_or(i64::MAX);
        self.txn(|t| {
            if let Some(mut into) = locked(t, &doc.hash)? {
                let before = into.sources.len();
                merge_sources(&mut into, &doc.sources);
                let added = into.sources.len() > before;
                update(t, &into)?;
                return Ok(PutOutcome::Duplicate {
                    seq: into.seq,
                    hash: doc.hash.clone(),
                    new_source: added,
                });
            }
            let seq = next_seq(t)?;
            if !insert(t, doc, seq, text_bytes)? {
                return Err(lost_race());
            }
            if let Some(sig) = &signature {
                index(t, seq, &doc.hash, sig)?;
            }
            Ok(PutOutcome::New {
                seq,
                hash: doc.hash.clone(),
                near_duplicate_of: doc.near_duplicate_of.clone(),
            })
        })
    }

    fn replace(
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
        let index_new = self.near_config.policy != NearPolicy::Off && new_hash != old_hash;
        let signature = index_new.then(|| Signature::of(&normalised));
        let text_bytes = i64::try_from(text.len()).unwrap_or(i64::MAX);
        self.txn(|t| {
            let Some(old) = locked(t, old_hash)? else {
                return Ok(Recleaned::Gone);
            };
            if old.seq != seq {
                return Ok(Recleaned::Gone);
            }
            if new_hash == old_hash {
                if old.blocks != document.blocks
                    || old.metadata != document.metadata
                    || old.cleaner_version != cleaner_version
                {
                    let near = old.near_duplicate_of.clone();
                    update(t, &renewed(&old, old_hash, document, cleaner_version, near))?;
                }
                return Ok(Recleaned::Unchanged);
            }
            unindex(t, seq)?;
            t.execute("DELETE FROM documents WHERE hash = $1", &[&old_hash])
                .map_err(backend_error)?;
            if let Some(mut into) = locked(t, &new_hash)? {
                merge_sources(&mut into, &old.sources);
                update(t, &into)?;
                return Ok(Recleaned::Merged {
                    into_seq: into.seq,
                    hash: new_hash.clone(),
                });
            }
            let near = match &signature {
                Some(sig) => nearest_except(t, sig, self.near_config.threshold, seq)?,
                None => None,
            };
            let doc = renewed(
                &old,
                &new_hash,
                document,
                cleaner_version,
                near.map(|n| n.hash),
            );
            if !insert(t, &doc, seq, text_bytes)? {
                return Err(lost_race());
            }
            if let Some(sig) = &signature {
                index(t, seq, &new_hash, sig)?;
            }
            Ok(Recleaned::Changed {
                hash: new_hash.clone(),
            })
        })
    }
}

/// Another worker inserted the same text during this transaction: run it again (it is
/// one of the errors [`PgStore::txn`] retries).
pub(super) fn lost_race() -> StoreError {
    StoreError::Backend(Box::new(LostRace))
}

#[derive(Debug, thiserror::Error)]
#[error("another worker stored the same text at the same moment")]
pub(super) struct LostRace;

/// Every document in sequence order, a page of rows at a time.
struct Pages<'a> {
    store: &'a PgStore,
    after: i64,
    page: std::vec::IntoIter<Result<StoredDocument, StoreError>>,
    done: bool,
}

impl Iterator for Pages<'_> {
    type Item = Result<StoredDocument, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(doc) = self.page.next() {
            return Some(doc);
        }
        if self.done {
            return None;
        }
        let rows = self.store.conn().and_then(|mut c| {
            c.query(
                "SELECT seq, hash, record FROM documents WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&self.after, &PAGE],
            )
            .map_err(backend_error)
        });
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        self.done = i64::try_from(rows.len()).unwrap_or(0) < PAGE;
        if let Some(last) = rows.last() {
            self.after = last.get(0);
        }
        let docs: Vec<_> = rows
            .iter()
            .map(|r| decode_row(r.get(1), r.get(2)))
            .collect();
        self.page = docs.into_iter();
        self.page.next()
    }
}
