//! The serialised records and their schema versions. Backend-neutral: bytes in, bytes out.

use super::{SourceRecord, StoreError, StoreStats, StoredDocument};
use chrono::{DateTime, Utc};
use gleaner_clean::{Block, InputKind, Metadata};
use serde::{Deserialize, Serialize};

/// The schema version this build writes and the newest it reads.
pub(crate) const SCHEMA_VERSION: u64 = 1;

/// A `docs` value. Mirrors [`StoredDocument`] plus the version, spelled out rather than
/// `#[serde(flatten)]`ed so decoding stays a straight (fast) struct parse.
#[derive(Serialize, Deserialize)]
struct DocRecord {
    v: u64,
    seq: u64,
    hash: String,
    kind: InputKind,
    blocks: Vec<Block>,
    metadata: Metadata,
    #[serde(default)]
    host: Option<String>,
    sources: Vec<SourceRecord>,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    cleaner_version: String,
    #[serde(default)]
    near_duplicate_of: Option<String>,
}

/// Just the version, so a record from a newer schema is recognised as such even when
/// the rest of it no longer parses as this build's layout.
#[derive(Deserialize)]
struct VersionOnly {
    v: u64,
}

/// The `meta/counters` value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Counters {
    pub v: u64,
    pub next_seq: u64,
    pub documents: u64,
    pub sources: u64,
    pub raw_pages: u64,
    pub raw_bytes_compressed: u64,
    pub text_bytes: u64,
    pub hosts: u64,
}

impl Counters {
    pub fn new() -> Counters {
        Counters {
            v: SCHEMA_VERSION,
            ..Counters::default()
        }
    }

    /// The next sequence number, taken. A number is never reused: a store whose
    /// counter is at the end of the range is refused rather than wrapped.
    pub fn take_seq(&mut self) -> Result<u64, StoreError> {
        let seq = self.next_seq;
        self.next_seq = seq.checked_add(1).ok_or_else(|| StoreError::Corrupt {
            key: "meta/counters".into(),
            reason: format!("next_seq {seq} is the last there is"),
        })?;
        Ok(seq)
    }

    pub fn stats(&self) -> StoreStats {
        StoreStats {
            documents: self.documents,
            sources: self.sources,
            raw_pages: self.raw_pages,
            raw_bytes_compressed: self.raw_bytes_compressed,
            text_bytes: self.text_bytes,
            next_seq: self.next_seq,
            hosts: self.hosts,
        }
    }
}

/// Encodes `doc` as a `docs` value with sequence number `seq` (which overrides `doc.seq`,
/// so a put can prepare the record before its number is known).
pub(crate) fn encode_doc(doc: &StoredDocument, seq: u64) -> Result<Vec<u8>, StoreError> {
    // Borrowing twin of DocRecord: encoding happens on every put, so no field clones.
    #[derive(Serialize)]
    struct DocRecordRef<'a> {
        v: u64,
        seq: u64,
        hash: &'a str,
        kind: InputKind,
        blocks: &'a [Block],
        metadata: &'a Metadata,
        host: &'a Option<String>,
        sources: &'a [SourceRecord],
        first_seen: DateTime<Utc>,
        last_seen: DateTime<Utc>,
        cleaner_version: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        near_duplicate_of: &'a Option<String>,
    }
    let rec = DocRecordRef {
        v: SCHEMA_VERSION,
        seq,
        hash: &doc.hash,
        kind: doc.kind,
        blocks: &doc.blocks,
        metadata: &doc.metadata,
        host: &doc.host,
        sources: &doc.sources,
        first_seen: doc.first_seen,
        last_seen: doc.last_seen,
        cleaner_version: &doc.cleaner_version,
        near_duplicate_of: &doc.near_duplicate_of,
    };
    serde_json::to_vec(&rec).map_err(|e| StoreError::Corrupt {
        key: format!("docs/{}", doc.hash),
        reason: format!("cannot encode: {e}"),
    })
}

/// Decodes a `docs` value; `key` names the record in errors.
pub(crate) fn decode_doc(key: &str, bytes: &[u8]) -> Result<StoredDocument, StoreError> {
    let rec: DocRecord = decode(key, bytes)?;
    Ok(StoredDocument {
        seq: rec.seq,
        hash: rec.hash,
        kind: rec.kind,
        blocks: rec.blocks,
        metadata: rec.metadata,
        host: rec.host,
        sources: rec.sources,
        first_seen: rec.first_seen,
        last_seen: rec.last_seen,
        cleaner_version: rec.cleaner_version,
        near_duplicate_of: rec.near_duplicate_of,
    })
}

pub(crate) fn encode_counters(c: &Counters) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(c).map_err(|e| StoreError::Corrupt {
        key: "meta/counters".into(),
        reason: format!("cannot encode: {e}"),
    })
}

pub(crate) fn decode_counters(bytes: &[u8]) -> Result<Counters, StoreError> {
    decode("meta/counters", bytes)
}

/// Parses a versioned record. A record that fails to parse is looked at again for just its
/// version, so "written by a newer gleaner" is told apart from "damaged".
fn decode<T: for<'de> Deserialize<'de> + Versioned>(
    key: &str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    let unsupported = |found: u64| StoreError::UnsupportedSchema {
        key: key.to_string(),
        found,
        supported: SCHEMA_VERSION,
    };
    match serde_json::from_slice::<T>(bytes) {
        Ok(rec) if (1..=SCHEMA_VERSION).contains(&rec.version()) => Ok(rec),
        Ok(rec) => Err(unsupported(rec.version())),
        Err(e) => match serde_json::from_slice::<VersionOnly>(bytes) {
            Ok(VersionOnly { v }) if v > SCHEMA_VERSION => Err(unsupported(v)),
            _ => Err(StoreError::Corrupt {
                key: key.to_string(),
                reason: format!("undecodable: {e}"),
            }),
        },
    }
}

trait Versioned {
    fn version(&self) -> u64;
}

impl Versioned for DocRecord {
    fn version(&self) -> u64 {
        self.v
    }
}

impl Versioned for Counters {
    fn version(&self) -> u64 {
        self.v
    }
}

pub(crate) fn encode_seq(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

pub(crate) fn decode_seq(bytes: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        key: format!("seq/{}", String::from_utf8_lossy(bytes)),
        reason: format!("key is {} bytes, expected 8", bytes.len()),
    })?;
    Ok(u64::from_be_bytes(arr))
}

pub(crate) fn decode_u64(key: &str, bytes: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        key: key.to_string(),
        reason: format!("value is {} bytes, expected 8", bytes.len()),
    })?;
    Ok(u64::from_be_bytes(arr))
}

/// A hash stored as a value (the `seq` index), checked to be a hash.
pub(crate) fn decode_hash(key: &str, bytes: &[u8]) -> Result<String, StoreError> {
    match std::str::from_utf8(bytes) {
        Ok(s) if s.len() == 64 && super::hash::is_hash_prefix(s) => Ok(s.to_string()),
        _ => Err(StoreError::Corrupt {
            key: key.to_string(),
            reason: "value is not a 64-char lowercase hex hash".into(),
        }),
    }
}
