//! The document store: clean documents, deduplicated by content, with every source they
//! came from and the raw input they were cleaned from.
//!
//! # Identity
//!
//! A document is identified by its *content hash*: BLAKE3 of its clean text
//! ([`Document::text`]) after [`normalise`] (Unicode NFC, whitespace runs collapsed to
//! one space, trimmed), as 64 lowercase hex chars. The same text arriving twice, from
//! the same source or another, is one document with one more source (or a newer
//! `last_seen`). Each new document gets the next *sequence number*, starting at 0,
//! assigned once in insert order and never reused.
//!
//! # On disk (sled backend)
//!
//! A store is a directory holding `gleaner.lock` (an exclusive lock held for as long as
//! a process has the store open) and `sled/` (the sled database), with these trees:
//!
//! | tree    | key                               | value                                   |
//! |---------|-----------------------------------|-----------------------------------------|
//! | `docs`  | content hash (64 hex bytes)       | document record, JSON                   |
//! | `seq`   | sequence number (u64 big-endian)  | content hash (64 hex bytes)             |
//! | `raws`  | raw hash: BLAKE3 of the raw bytes | the raw input, zstd-compressed          |
//! | `hosts` | host name (UTF-8)                 | number of documents from it (u64 BE)    |
//! | `meta`  | `counters`                        | store counters, JSON                    |
//!
//! Big-endian `seq` keys sort numerically, so scanning `seq` yields documents in insert
//! order. Raw pages live apart from documents because different raw pages can clean to
//! the same text (each source records which raw it brought) and the same raw page can be
//! fetched from several locators.
//!
//! A document record (`docs` value):
//!
//! ```json
//! { "v": 1, "seq": 0, "hash": "3f2a…", "kind": "html",
//!   "blocks": [{ "kind": { "heading": { "level": 1 } }, "text": "Title" },
//!              { "kind": "paragraph", "text": "…" }],
//!   "metadata": { "title": "Title", "authors": [], "hostname": "example.org", … },
//!   "host": "example.org",
//!   "sources": [{ "locator": "https://example.org/a", "first_seen": "2025-01-02T03:04:05Z",
//!                 "last_seen": "2025-01-02T03:04:05Z", "raw_hash": "9c1e…" }],
//!   "first_seen": "2025-01-02T03:04:05Z", "last_seen": "2025-01-02T03:04:05Z",
//!   "cleaner_version": "gleaner-0.1.0+text.1" }
//! ```
//!
//! `host` is `metadata.hostname`, else the host of the first source locator when that is
//! a URL (`www.` stripped), else absent. A source's `raw_hash` is the raw page it brought
//! most recently. The counters record is
//! `{ "v": 1, "next_seq", "documents", "sources", "raw_pages", "raw_bytes_compressed",
//! "text_bytes", "hosts" }`, so [`Store::stats`] reads one key. `"v"` is the schema
//! version of each record; a record with a version this build does not know is refused
//! with [`StoreError::UnsupportedSchema`] rather than misread.
//!
//! # Atomicity and durability
//!
//! One `put` is one sled transaction over all five trees: the insert-if-absent on
//! `docs`, the `seq` entry, the raw page, the host count and the counters commit
//! together or not at all, and concurrent puts of the same text yield one document.
//! sled recovers its log to a prefix of whole transactions, so a process killed at any
//! moment leaves a store that opens, with no torn record and the indexes and counters
//! agreeing with the documents. Every put completed before the last [`Store::flush`] is
//! there; puts after it are there if sled's background flush (every 500 ms) reached them.

#![warn(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[cfg(test)]
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod contract;
pub mod crawl;
pub mod crawled;
mod hash;
#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod near_tests;
pub mod open;
pub mod pg;
mod record;
mod sled;
mod sled_crawl;
mod sled_import;
mod sled_near;
mod sled_reclean;
mod sled_txn;

pub use sled_near::{NearConfig, NearPolicy};
#[cfg(test)]
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests;

pub use self::sled::SledStore;
pub use crawl::CrawlStore;

/// A store that keeps both documents and crawl state, as every backend does.
pub trait Backend: Store + CrawlStore {}
impl<T: Store + CrawlStore> Backend for T {}
pub use hash::{content_hash, normalise, raw_hash};

use crate::sources::HttpMeta;
use chrono::{DateTime, Utc};
use gleaner_clean::{Block, Document, InputKind, Metadata};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where one copy of a page came from, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// URL, file path, or "-" for stdin.
    pub locator: String,
    pub seen_at: DateTime<Utc>,
    /// The HTTP answer the raw page came with, if it came over HTTP.
    pub http: Option<HttpMeta>,
}

/// What [`Store::put`] takes: a cleaned document, its source and the bytes it came from.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub document: &'a Document,
    pub source: SourceRef,
    pub raw: &'a [u8],
    pub cleaner_version: &'a str,
}

/// What [`Store::put`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// The text was not stored yet; it now is, under `seq`, linked to the earlier
    /// document it is a near-duplicate of, if any.
    New {
        seq: u64,
        hash: String,
        near_duplicate_of: Option<String>,
    },
    /// The text was already stored under `seq`. `new_source` is false when the same
    /// locator was already listed (only its `last_seen` moved).
    Duplicate {
        seq: u64,
        hash: String,
        new_source: bool,
    },
    /// The text is near that of the document stored under `seq`, and near-duplicates
    /// are dropped: nothing was stored.
    NearDuplicate { seq: u64, hash: String },
}

impl PutOutcome {
    pub fn seq(&self) -> u64 {
        match self {
            PutOutcome::New { seq, .. }
            | PutOutcome::Duplicate { seq, .. }
            | PutOutcome::NearDuplicate { seq, .. } => *seq,
        }
    }

    pub fn hash(&self) -> &str {
        match self {
            PutOutcome::New { hash, .. }
            | PutOutcome::Duplicate { hash, .. }
            | PutOutcome::NearDuplicate { hash, .. } => hash,
        }
    }

    pub fn is_new(&self) -> bool {
        matches!(self, PutOutcome::New { .. })
    }
}

/// What [`Store::replace`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recleaned {
    /// The same text (its blocks, metadata and cleaner version brought up to date).
    Unchanged,
    /// New text: the document is now stored under `hash`, with its sequence number.
    Changed { hash: String },
    /// New text that another document (`into_seq`) already has: merged into it.
    Merged { into_seq: u64, hash: String },
    /// The document is no longer stored under that hash (merged or changed meanwhile).
    Gone,
}

/// One source of a stored document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceRecord {
    pub locator: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// BLAKE3 hex of the raw bytes this source brought (most recently); see [`Store::raw`].
    pub raw_hash: String,
    /// The HTTP status and headers that raw page came with (crawled or from a WARC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpMeta>,
}

/// A document as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredDocument {
    pub seq: u64,
    pub hash: String,
    pub kind: InputKind,
    pub blocks: Vec<Block>,
    pub metadata: Metadata,
    pub host: Option<String>,
    pub sources: Vec<SourceRecord>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub cleaner_version: String,
    /// The hash of the earlier document whose text this one's is near.
    pub near_duplicate_of: Option<String>,
}

impl StoredDocument {
    /// Plain text, exactly as [`Document::text`].
    pub fn text(&self) -> String {
        self.to_document().text()
    }

    pub fn to_document(&self) -> Document {
        Document::new(self.kind, self.blocks.clone(), self.metadata.clone())
    }
}

/// Store-wide counts, kept up to date by every put (reading them is one key).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoreStats {
    pub documents: u64,
    /// Source records across all documents.
    pub sources: u64,
    /// Distinct raw pages kept.
    pub raw_pages: u64,
    pub raw_bytes_compressed: u64,
    /// Bytes of clean text ([`Document::text`]) across all documents.
    pub text_bytes: u64,
    /// The sequence number the next new document will get.
    pub next_seq: u64,
    /// Distinct hosts across all documents.
    pub hosts: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} is in use by another gleaner process{}",
        holder.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Locked {
        path: PathBuf,
        /// Who holds it, as the holder wrote in the lock file: pid, command, start time.
        holder: Option<String>,
    },
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: PathBuf,
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    #[error("store record {key} is corrupt: {reason}")]
    Corrupt { key: String, reason: String },
    #[error(
        "store record {key} has schema version {found}, but this gleaner reads only up to \
         version {supported}; upgrade gleaner"
    )]
    UnsupportedSchema {
        key: String,
        found: u64,
        supported: u64,
    },
    #[error("store I/O error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    #[error("refusing to store a document with no text")]
    EmptyDocument,
    #[error("{0:?} is not a hash prefix (lowercase hex digits expected)")]
    BadHashPrefix(String),
    #[error("no document matches {0}")]
    NotFound(String),
    #[error("hash prefix {prefix} is ambiguous: {count} documents match")]
    Ambiguous { prefix: String, count: usize },
}

/// A document store. Backends: sled now, PostgreSQL later. Object safe; shared across
/// threads.
pub trait Store: Send + Sync {
    /// Atomic insert-if-absent by content hash. New text gets the next sequence number;
    /// text already stored gets this source added (or its `last_seen` updated if the same
    /// locator is already listed) and the document's `last_seen` bumped. The raw bytes are
    /// kept either way, once per distinct raw hash.
    fn put(&self, doc: NewDocument<'_>) -> Result<PutOutcome, StoreError>;

    fn by_seq(&self, seq: u64) -> Result<Option<StoredDocument>, StoreError>;

    /// All documents whose hash starts with this lowercase hex prefix, in hash order.
    fn by_hash_prefix(&self, prefix: &str) -> Result<Vec<StoredDocument>, StoreError>;

    /// Every document in sequence order, streamed (not collected in memory). Documents
    /// put while iterating may or may not be seen.
    fn documents(&self) -> Box<dyn Iterator<Item = Result<StoredDocument, StoreError>> + '_>;

    /// The zstd-decompressed raw input, by raw hash.
    fn raw(&self, raw_hash: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Keeps a raw page (if not kept yet) without a document: what copying a store
    /// brings along with the documents whose sources name it. Returns its raw hash.
    fn put_raw(&self, raw: &[u8]) -> Result<String, StoreError>;

    fn stats(&self) -> Result<StoreStats, StoreError>;

    /// Makes everything put so far durable on disk.
    fn flush(&self) -> Result<(), StoreError>;

    /// Stores an exported document as it was exported (its sources, first and last
    /// seen, cleaner version and near-duplicate link), under the next sequence number;
    /// a document already stored under its hash takes its sources instead.
    fn import(&self, doc: &StoredDocument) -> Result<PutOutcome, StoreError>;

    /// Replaces the document under `seq`, stored as `old_hash`, with `document` (the
    /// current cleaner's output for its raw page), in one atomic step. The sequence
    /// number, sources and first and last seen stay. New text re-keys the document; text
    /// another document already has merges this one's sources into it and retires
    /// `seq`. [`StoreError::EmptyDocument`] when `document` has no text.
    fn replace(
        &self,
        seq: u64,
        old_hash: &str,
        document: &Document,
        cleaner_version: &str,
    ) -> Result<Recleaned, StoreError>;

    /// The one document whose hash starts with `prefix`: [`StoreError::NotFound`] when
    /// none does, [`StoreError::Ambiguous`] when several do.
    fn by_unique_hash_prefix(&self, prefix: &str) -> Result<StoredDocument, StoreError> {
        let mut found = self.by_hash_prefix(prefix)?;
        match found.len() {
            0 => Err(StoreError::NotFound(format!("hash prefix {prefix}"))),
            1 => Ok(found.remove(0)),
            count => Err(StoreError::Ambiguous {
                prefix: prefix.to_string(),
                count,
            }),
        }
    }
}

/// The record a put makes of new text: one source, first and last seen at its
/// sighting; its sequence number (0 here) is drawn when it is stored, and its
/// near-duplicate link set by the backend.
pub(crate) fn fresh_record(new: &NewDocument<'_>, hash: &str, raw_hash: &str) -> StoredDocument {
    let seen = new.source.seen_at;
    StoredDocument {
        seq: 0,
        hash: hash.to_string(),
        kind: new.document.kind,
        blocks: new.document.blocks.clone(),
        metadata: new.document.metadata.clone(),
        host: document_host(&new.document.metadata, &new.source.locator),
        sources: vec![SourceRecord {
            locator: new.source.locator.clone(),
            first_seen: seen,
            last_seen: seen,
            raw_hash: raw_hash.to_string(),
            http: new.source.http.clone(),
        }],
        first_seen: seen,
        last_seen: seen,
        cleaner_version: new.cleaner_version.to_string(),
        near_duplicate_of: None,
    }
}

/// The host a document is filed under: the page's own hostname, else the host of the
/// locator when it is a URL. `www.` is dropped, as the cleaner does for `hostname`.
pub fn document_host(metadata: &Metadata, locator: &str) -> Option<String> {
    if let Some(h) = metadata.hostname.as_deref().map(str::trim) {
        if !h.is_empty() {
            return Some(h.to_string());
        }
    }
    let url = url::Url::parse(locator).ok()?;
    let host = url.host_str()?;
    Some(host.trim_start_matches("www.").to_ascii_lowercase())
}
