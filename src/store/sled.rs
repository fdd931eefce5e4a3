//! The sled backend. The layout, record schema and guarantees are described in the
//! [`crate::store`] module docs.

use super::record;
use super::sled_near::{index_in, Near, NearConfig, NearPolicy};
use super::sled_txn::count_host;
use super::{
    hash, NewDocument, PutOutcome, SourceRecord, SourceRef, Store, StoreError, StoreStats,
    StoredDocument,
};
use crate::near::Signature;
use crate::store::Recleaned;
use gleaner_clean::Document;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// Our own lock, taken before sled is opened (see [`SledStore::open`]).
pub const LOCK_FILE: &str = "gleaner.lock";
/// The sled database, inside the store directory.
pub const DB_DIR: &str = "sled";

pub(super) const COUNTERS_KEY: &[u8] = b"counters";
/// sled's page cache. Its default (1 GiB) lets a long run's memory grow with what it
/// wrote; the store is written once and read in order, so a small cache costs little.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// zstd's default: most of the size win of higher levels at a fraction of their time.
pub(super) const ZSTD_LEVEL: i32 = 3;

/// A store in a local directory, backed by sled.
pub struct SledStore {
    // Fields drop in declaration order: every sled handle goes before the lock file, so
    // the lock is released only once sled has closed (and flushed) its files.
    pub(super) db: sled::Db,
    docs: sled::Tree,
    pub(super) seq: sled::Tree,
    raws: sled::Tree,
    hosts: sled::Tree,
    meta: sled::Tree,
    pub(super) near: sled::Tree,
    pub(super) sigs: sled::Tree,
    pub(super) urls: sled::Tree,
    pub(super) frontier: sled::Tree,
    pub(super) sites: sled::Tree,
    pub(super) runs: sled::Tree,
    path: PathBuf,
    near_config: NearConfig,
    _lock: File,
}

impl PreparedPut {
    /// The content hash the document is stored under.
    pub(super) fn hash(&self) -> &str {
        &self.hash
    }
}

impl SledStore {
    /// Opens the store in directory `path`, creating it if absent.
    ///
    /// The `gleaner.lock` file is locked before sled is touched: sled's own lock error
    /// is an opaque I/O error, and a second sled opened in the same process is not
    /// reliably refused. The lock is held until the `SledStore` is dropped, and the OS
    /// releases it if the process dies.
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        let open_error = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let locked = || StoreError::Locked {
            path: path.to_path_buf(),
            holder: std::fs::read_to_string(path.join(LOCK_FILE))
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        };
        std::fs::create_dir_all(path).map_err(|e| open_error(e.into()))?;
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path.join(LOCK_FILE))
            .map_err(|e| open_error(e.into()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(locked()),
            Err(TryLockError::Error(e)) => return Err(open_error(e.into())),
        }
        write_holder(&lock);
        let db = open_db(&path.join(DB_DIR)).map_err(|e| {
            if is_sled_lock_error(&e) {
                locked()
            } else {
                open_error(e.into())
            }
        })?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_error(e.into()));
        let store = SledStore {
            docs: tree("docs")?,
            seq: tree("seq")?,
            raws: tree("raws")?,
            hosts: tree("hosts")?,
            meta: tree("meta")?,
            near: tree("near")?,
            sigs: tree("sigs")?,
            urls: tree("urls")?,
            frontier: tree("frontier")?,
            sites: tree("sites")?,
            runs: tree("runs")?,
            db,
            path: path.to_path_buf(),
            near_config: NearConfig::default(),
            _lock: lock,
        };
        // Refuse a store written by a newer schema, or with its counters lost, up front
        // rather than on the first put.
        match store.meta.get(COUNTERS_KEY)? {
            Some(bytes) => {
                record::decode_counters(&bytes)?;
            }
            None if !store.docs.is_empty() => {
                return Err(StoreError::Corrupt {
                    key: "meta/counters".into(),
                    reason: "missing, though the store holds documents".into(),
                })
            }
            None => {}
        }
        Ok(store)
    }

    /// The directory this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the document `hash`, which the `seq` index says is number `seq`.
    fn load_indexed(&self, seq: u64, hash: &str) -> Result<StoredDocument, StoreError> {
        match self.docs.get(hash.as_bytes())? {
            Some(bytes) => record::decode_doc(&format!("docs/{hash}"), &bytes),
            None => Err(StoreError::Corrupt {
                key: format!("seq/{seq}"),
                reason: format!("points at document {hash}, which is missing"),
            }),
        }
    }

    #[cfg(test)]
    pub(crate) fn tree(&self, name: &str) -> &sled::Tree {
        match name {
            "docs" => &self.docs,
            "seq" => &self.seq,
            "raws" => &self.raws,
            "hosts" => &self.hosts,
            _ => &self.meta,
        }
    }
}

/// Says in the lock file who holds the store, for the message a second process gets.
/// Best effort: the lock itself is what excludes, this is only its label.
fn write_holder(mut lock: &File) {
    use std::io::{Seek, Write};
    let command: Vec<String> = std::env::args()
        .enumerate()
        .map(|(i, a)| {
            if i == 0 {
                Path::new(&a)
                    .file_name()
                    .map_or(a.clone(), |n| n.to_string_lossy().into_owned())
            } else {
                a
            }
        })
        .collect();
    let label = format!(
        "pid {}, `{}`, since {}",
        std::process::id(),
        command.join(" "),
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    );
    let _ = lock
        .set_len(0)
        .and_then(|()| lock.rewind())
        .and_then(|()| lock.write_all(label.as_bytes()))
        .and_then(|()| lock.flush());
}

/// sled reports its lock failure only as an I/O error with this text.
/// Opens sled's database. Holding `LOCK_FILE` means no other gleaner process has the
/// store, so a lock sled still holds on its own files belongs to a store this process
/// has just dropped: sled's background threads let go of it a moment after the drop.
/// That is waited out, for a bounded time, instead of reported as a locked store.
fn open_db(dir: &Path) -> sled::Result<sled::Db> {
    const ATTEMPTS: u32 = 100;
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
    let mut attempt = 1;
    loop {
        match sled::Config::new()
            .path(dir)
            .cache_capacity(CACHE_BYTES)
            .open()
        {
            Err(e) if is_sled_lock_error(&e) && attempt < ATTEMPTS => {
                attempt = attempt.saturating_add(1);
                std::thread::sleep(PAUSE);
            }
            result => return result,
        }
    }
}

fn is_sled_lock_error(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

impl From<TransactionError<StoreError>> for StoreError {
    fn from(e: TransactionError<StoreError>) -> Self {
        match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => e.into(),
        }
    }
}

/// Folds one more sighting into a stored document; true when the locator is new to it.
pub(super) fn add_sighting(doc: &mut StoredDocument, source: &SourceRef, raw_hash: &str) -> bool {
    let seen = source.seen_at;
    doc.first_seen = doc.first_seen.min(seen);
    doc.last_seen = doc.last_seen.max(seen);
    match doc.sources.iter_mut().find(|s| s.locator == source.locator) {
        Some(s) => {
            // Sightings can arrive out of order (imports, parallel fetches): the raw
            // kept for a source is the one from its latest sighting.
            if seen >= s.last_seen {
                s.last_seen = seen;
                s.raw_hash = raw_hash.to_string();
                s.http = source.http.clone();
            }
            s.first_seen = s.first_seen.min(seen);
            false
        }
        None => {
            doc.sources.push(SourceRecord {
                locator: source.locator.clone(),
                first_seen: seen,
                last_seen: seen,
                raw_hash: raw_hash.to_string(),
                http: source.http.clone(),
            });
            true
        }
    }
}

/// A put's work that does not depend on the store's state, done before the
/// transaction: sled runs one transaction at a time behind a global lock, so hashing,
/// compression (skipped when the raw is already kept; raws are never removed) and
/// building the record a new document would get stay outside it.
pub(super) struct PreparedPut {
    hash: String,
    raw_hash: String,
    compressed: Option<Vec<u8>>,
    fresh: StoredDocument,
    source: SourceRef,
    text_bytes: u64,
    /// The text's MinHash signature, unless near-duplicates are off or the text is
    /// already stored.
    signature: Option<Signature>,
    /// The earlier document the text is near, if any.
    near: Option<Near>,
    /// Near-duplicates are dropped rather than linked.
    drop_near: bool,
}

/// How many trees a put writes: a transaction over [`SledStore::put_trees`] hands them
/// back first, in order, and any others after them.
pub(super) const PUT_TREES: usize = 7;

/// The trees one put writes, inside a transaction.
pub(super) struct PutTrees<'t> {
    pub docs: &'t TransactionalTree,
    pub seq: &'t TransactionalTree,
    pub raws: &'t TransactionalTree,
    pub hosts: &'t TransactionalTree,
    pub meta: &'t TransactionalTree,
    pub near: &'t TransactionalTree,
    pub sigs: &'t TransactionalTree,
}

impl<'t> PutTrees<'t> {
    /// The first [`PUT_TREES`] trees of a transaction opened over
    /// [`SledStore::put_trees`] (and possibly more after them).
    // Such a transaction hands back at least these trees, in this order.
    #[allow(clippy::indexing_slicing)]
    pub(super) fn of(t: &'t [TransactionalTree]) -> PutTrees<'t> {
        PutTrees {
            docs: &t[0],
            seq: &t[1],
            raws: &t[2],
            hosts: &t[3],
            meta: &t[4],
            near: &t[5],
            sigs: &t[6],
        }
    }
}

pub(super) type Abort = ConflictableTransactionError<StoreError>;

impl SledStore {
    pub(super) fn prepare_put(&self, new: &NewDocument<'_>) -> Result<PreparedPut, StoreError> {
        let text = new.document.text();
        let normalised = hash::normalise(&text);
        if normalised.is_empty() {
            return Err(StoreError::EmptyDocument);
        }
        let hash = blake3::hash(normalised.as_bytes()).to_hex().to_string();
        let cfg = self.near_config;
        let signature = (cfg.policy != NearPolicy::Off
            && !self.docs.contains_key(hash.as_bytes())?)
        .then(|| Signature::of(&normalised));
        let near = match &signature {
            Some(sig) => self.nearest_except(sig, cfg.threshold, u64::MAX)?,
            None => None,
        };
        let raw_hash = hash::raw_hash(new.raw);
        let compressed = if self.raws.contains_key(raw_hash.as_bytes())? {
            None
        } else {
            let bytes = zstd::bulk::compress(new.raw, ZSTD_LEVEL)
                .map_err(|e| StoreError::Backend(Box::new(e)))?;
            Some(bytes)
        };
        let fresh = StoredDocument {
            near_duplicate_of: near.as_ref().map(|n| n.hash.clone()),
            ..super::fresh_record(new, &hash, &raw_hash)
        };
        Ok(PreparedPut {
            hash,
            raw_hash,
            compressed,
            fresh,
            source: new.source.clone(),
            text_bytes: text.len() as u64,
            signature,
            near,
            drop_near: cfg.policy == NearPolicy::Drop,
        })
    }

    pub(super) fn put_trees(&self) -> [&sled::Tree; PUT_TREES] {
        [
            &self.docs,
            &self.seq,
            &self.raws,
            &self.hosts,
            &self.meta,
            &self.near,
            &self.sigs,
        ]
    }

    /// Sets what is done with near-duplicates from now on (default: linked, at 0.8).
    pub fn set_near(&mut self, config: NearConfig) {
        self.near_config = config;
    }

    pub(super) fn docs_contains(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(self.docs.contains_key(hash.as_bytes())?)
    }

    pub(super) fn near_config(&self) -> NearConfig {
        self.near_config
    }
}

/// Inside a transaction: insert-if-absent by hash, or one more source.
pub(super) fn put_in(t: &PutTrees<'_>, p: &PreparedPut) -> Result<PutOutcome, Abort> {
    let abort = ConflictableTransactionError::Abort;
    let doc_key = format!("docs/{}", p.hash);
    let hash = &p.hash;
    let mut counters = t.counters()?;
    let outcome = match t.docs.get(hash.as_bytes())? {
        Some(bytes) => {
            let mut doc = record::decode_doc(&doc_key, &bytes).map_err(abort)?;
            let new_source = add_sighting(&mut doc, &p.source, &p.raw_hash);
            counters.sources = counters.sources.saturating_add(u64::from(new_source));
            t.docs.insert(
                hash.as_bytes(),
                record::encode_doc(&doc, doc.seq).map_err(abort)?,
            )?;
            PutOutcome::Duplicate {
                seq: doc.seq,
                hash: hash.clone(),
                new_source,
            }
        }
        None if p.drop_near && p.near.is_some() => {
            let near = p.near.clone().expect("checked in the guard");
            // Nothing is written: the text is filed under the earlier document.
            return Ok(PutOutcome::NearDuplicate {
                seq: near.seq,
                hash: near.hash,
            });
        }
        None => {
            let seq = counters.take_seq().map_err(abort)?;
            counters.documents = counters.documents.saturating_add(1);
            counters.sources = counters.sources.saturating_add(1);
            counters.text_bytes = counters.text_bytes.saturating_add(p.text_bytes);
            count_host(t, &mut counters, p.fresh.host.as_deref(), 1)?;
            t.docs.insert(
                hash.as_bytes(),
                record::encode_doc(&p.fresh, seq).map_err(abort)?,
            )?;
            t.seq.insert(&record::encode_seq(seq), hash.as_bytes())?;
            if let Some(sig) = &p.signature {
                index_in(t, seq, sig)?;
            }
            PutOutcome::New {
                seq,
                hash: hash.clone(),
                near_duplicate_of: p.near.as_ref().map(|n| n.hash.clone()),
            }
        }
    };
    if let Some(bytes) = &p.compressed {
        // Another put may have stored the same raw since it was prepared.
        if t.raws.get(p.raw_hash.as_bytes())?.is_none() {
            t.raws.insert(p.raw_hash.as_bytes(), bytes.as_slice())?;
            counters.raw_pages = counters.raw_pages.saturating_add(1);
            counters.raw_bytes_compressed = counters
                .raw_bytes_compressed
                .saturating_add(bytes.len() as u64);
        }
    }
    t.set_counters(&counters)?;
    Ok(outcome)
}

impl Store for SledStore {
    fn put(&self, new: NewDocument<'_>) -> Result<PutOutcome, StoreError> {
        let prepared = self.prepare_put(&new)?;
        let outcome = self
            .put_trees()
            .transaction(|t| put_in(&PutTrees::of(t), &prepared))?;
        Ok(outcome)
    }

    fn replace(
        &self,
        seq: u64,
        old_hash: &str,
        document: &Document,
        cleaner_version: &str,
    ) -> Result<Recleaned, StoreError> {
        self.replace_document(seq, old_hash, document, cleaner_version)
    }

    fn import(&self, doc: &StoredDocument) -> Result<PutOutcome, StoreError> {
        self.import_document(doc)
    }

    fn by_seq(&self, seq: u64) -> Result<Option<StoredDocument>, StoreError> {
        let Some(hash) = self.seq.get(record::encode_seq(seq))? else {
            return Ok(None);
        };
        let hash = record::decode_hash(&format!("seq/{seq}"), &hash)?;
        self.load_indexed(seq, &hash).map(Some)
    }

    fn by_hash_prefix(&self, prefix: &str) -> Result<Vec<StoredDocument>, StoreError> {
        let prefix = prefix.to_ascii_lowercase();
        if !hash::is_hash_prefix(&prefix) {
            return Err(StoreError::BadHashPrefix(prefix));
        }
        self.docs
            .scan_prefix(prefix.as_bytes())
            .map(|item| {
                let (key, bytes) = item?;
                record::decode_doc(&format!("docs/{}", String::from_utf8_lossy(&key)), &bytes)
            })
            .collect()
    }

    fn documents(&self) -> Box<dyn Iterator<Item = Result<StoredDocument, StoreError>> + '_> {
        Box::new(self.seq.iter().map(move |item| {
            let (key, hash) = item?;
            let seq = record::decode_seq(&key)?;
            let hash = record::decode_hash(&format!("seq/{seq}"), &hash)?;
            self.load_indexed(seq, &hash)
        }))
    }

    fn raw(&self, raw_hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(bytes) = self.raws.get(raw_hash.as_bytes())? else {
            return Ok(None);
        };
        zstd::stream::decode_all(&bytes[..])
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                key: format!("raws/{raw_hash}"),
                reason: format!("not valid zstd: {e}"),
            })
    }

    fn put_raw(&self, raw: &[u8]) -> Result<String, StoreError> {
        let raw_hash = hash::raw_hash(raw);
        if self.raws.contains_key(raw_hash.as_bytes())? {
            return Ok(raw_hash);
        }
        let bytes =
            zstd::bulk::compress(raw, ZSTD_LEVEL).map_err(|e| StoreError::Backend(Box::new(e)))?;
        self.put_trees().transaction(|trees| {
            let t = PutTrees::of(trees);
            if t.raws.get(raw_hash.as_bytes())?.is_none() {
                let mut counters = t.counters()?;
                t.raws.insert(raw_hash.as_bytes(), bytes.as_slice())?;
                counters.raw_pages = counters.raw_pages.saturating_add(1);
                counters.raw_bytes_compressed = counters
                    .raw_bytes_compressed
                    .saturating_add(bytes.len() as u64);
                t.set_counters(&counters)?;
            }
            Ok(())
        })?;
        Ok(raw_hash)
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        Ok(match self.meta.get(COUNTERS_KEY)? {
            Some(bytes) => record::decode_counters(&bytes)?.stats(),
            None => StoreStats::default(),
        })
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}
