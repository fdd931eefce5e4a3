//! Writing documents out: the seeds' `NNN_<hash16>.txt` files, JSON lines, Markdown,
//! WARC conversion records. Exports stream: one document in memory at a time.

mod filter;
mod import;
mod warc;

pub use filter::{parse_since, parse_type, Filter};
pub use import::parse_line;

use crate::store::{SourceRecord, Store, StoreError, StoredDocument};
use chrono::{DateTime, Utc};
use gleaner_clean::Document;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `NNN_<first 16 hex digits of the hash>.<ext>`: seq zero-padded to three digits,
/// wider past 999, exactly like the seeds in `shared/seeds`.
pub fn file_name(seq: u64, hash: &str, ext: &str) -> String {
    format!("{seq:03}_{}.{ext}", hash.get(..16).unwrap_or(hash))
}

/// How a document is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, blocks separated by blank lines.
    Text,
    /// Markdown: headings, nested lists, quotes, fenced code, pipe tables.
    Markdown,
    /// One JSON object with text and metadata (one per line for many documents).
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }
}

/// The JSON shape of a document. Field names follow trafilatura's JSON output where the
/// two overlap; store fields are present only for stored documents.
#[derive(Debug, Serialize)]
pub struct JsonRecord<'a> {
    pub title: Option<&'a str>,
    /// Authors joined by "; ", as trafilatura does.
    pub author: Option<String>,
    pub hostname: Option<&'a str>,
    pub date: Option<&'a str>,
    pub date_modified: Option<&'a str>,
    pub url: Option<&'a str>,
    pub sitename: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Tags joined by ",", as trafilatura does.
    pub tags: Option<String>,
    pub image: Option<&'a str>,
    pub language: Option<&'a str>,
    pub text: String,
    /// User comments (only when asked for), blocks separated by blank lines.
    pub comments: Option<String>,
    /// `article`, `listing`, `forum`, `product`, `documentation`, `service` or `other`.
    pub page_type: Option<&'static str>,
    /// Present (true) only for a soft 404: a "not found" page served as a page.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub soft_404: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub stored: Option<StoredFields<'a>>,
}

#[derive(Debug, Serialize)]
pub struct StoredFields<'a> {
    pub hash: &'a str,
    pub seq: u64,
    pub sources: &'a [SourceRecord],
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub cleaner_version: &'a str,
    /// The hash of the earlier document this one's text is near, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_duplicate_of: Option<&'a str>,
}

impl<'a> JsonRecord<'a> {
    pub fn new(doc: &'a Document) -> Self {
        let m = &doc.metadata;
        let joined = |v: &[String], sep: &str| (!v.is_empty()).then(|| v.join(sep));
        JsonRecord {
            title: m.title.as_deref(),
            author: joined(&m.authors, "; "),
            hostname: m.hostname.as_deref(),
            date: m.date.as_deref(),
            date_modified: m.date_modified.as_deref(),
            url: m.url.as_deref(),
            sitename: m.sitename.as_deref(),
            description: m.description.as_deref(),
            tags: joined(&m.tags, ","),
            image: m.image.as_deref(),
            language: m.language.as_deref(),
            text: doc.text(),
            comments: (!doc.metadata.comments.is_empty()).then(|| doc.comments_text()),
            page_type: m.page_type.map(|t| t.name()),
            soft_404: m.soft_404,
            stored: None,
        }
    }

    pub fn stored(doc: &'a Document, stored: &'a StoredDocument) -> Self {
        JsonRecord {
            stored: Some(StoredFields {
                hash: &stored.hash,
                seq: stored.seq,
                sources: &stored.sources,
                first_seen: stored.first_seen,
                last_seen: stored.last_seen,
                cleaner_version: &stored.cleaner_version,
                near_duplicate_of: stored.near_duplicate_of.as_deref(),
            }),
            ..JsonRecord::new(doc)
        }
    }
}

/// Renders a document in `format`; JSON is a single line.
pub fn render(doc: &Document, stored: Option<&StoredDocument>, format: Format) -> String {
    match format {
        Format::Text => doc.text(),
        Format::Markdown => doc.markdown(),
        Format::Json => {
            let rec = match stored {
                Some(s) => JsonRecord::stored(doc, s),
                None => JsonRecord::new(doc),
            };
            serde_json::to_string(&rec).expect("documents serialise to JSON")
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How hard a written file is pushed to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsynced before the rename that publishes it, and its directory after: a power
    /// cut leaves the old file or the new one. What `gleaner export` writes.
    Synced,
    /// Renamed into place without an fsync: a reader never sees half a file, but a
    /// power cut may lose the newest ones. `gleaner clean --out-dir` writes so, since
    /// one fsync per page would double a batch's time and the store is its durable
    /// record.
    Renamed,
}

/// Writes `contents` to `path` through a temporary file and a rename, so a reader (or a
/// crash) never sees half a file.
pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    durability: Durability,
) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("tmp~");
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(contents).map_err(err)?;
    if !(contents.ends_with(b"\n") || contents.is_empty()) {
        f.write_all(b"\n").map_err(err)?;
    }
    if durability == Durability::Synced {
        f.sync_all().map_err(err)?;
    }
    drop(f);
    publish(&tmp, path, durability)
}

/// Renames a finished temporary file into place; when `Synced`, fsyncs the directory
/// that holds it (where the platform allows opening one).
fn publish(tmp: &Path, path: &Path, durability: Durability) -> Result<(), ExportError> {
    std::fs::rename(tmp, path).map_err(|source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    if durability == Durability::Renamed {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            // Best effort: some filesystems refuse to sync a directory.
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Where an export goes.
pub enum Destination<'a> {
    /// One file per document (`NNN_<hash16>.txt|md`), or `documents.jsonl` for JSON.
    Dir(&'a Path),
    /// JSON lines on a stream (stdout).
    Stream(&'a mut dyn Write),
}

/// Exports the stored documents `filter` admits, in sequence order. Returns how many
/// were written.
pub fn export(
    store: &dyn Store,
    format: Format,
    filter: &Filter,
    dest: Destination,
) -> Result<u64, ExportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    match dest {
        Destination::Stream(out) => {
            let n = write_jsonl(store, filter, out).map_err(|e| e.at(Path::new("<stdout>")))?;
            out.flush().map_err(write_err(Path::new("<stdout>")))?;
            Ok(n)
        }
        Destination::Dir(dir) => {
            std::fs::create_dir_all(dir).map_err(write_err(dir))?;
            if format == Format::Json {
                let path = dir.join("documents.jsonl");
                let tmp = path.with_extension("jsonl.tmp~");
                let file = std::fs::File::create(&tmp).map_err(write_err(&tmp))?;
                let mut w = std::io::BufWriter::new(file);
                let n = write_jsonl(store, filter, &mut w).map_err(|e| e.at(&tmp))?;
                w.into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|f| f.sync_all())
                    .map_err(write_err(&tmp))?;
                publish(&tmp, &path, Durability::Synced)?;
                return Ok(n);
            }
            let mut n = 0;
            for stored in store.documents() {
                let stored = stored?;
                if !filter.admits(&stored) {
                    continue;
                }
                let body = render(&stored.to_document(), Some(&stored), format);
                let name = file_name(stored.seq, &stored.hash, format.extension());
                write_atomic(&dir.join(name), body.as_bytes(), Durability::Synced)?;
                n += 1;
            }
            Ok(n)
        }
    }
}

/// Exports the documents `filter` admits as WARC `conversion` records, one gzip member
/// each, to `DIR/documents.warc.gz` (written aside, fsynced, then renamed into place).
pub fn export_warc(store: &dyn Store, filter: &Filter, dir: &Path) -> Result<u64, ExportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let path = dir.join("documents.warc.gz");
    let tmp = dir.join("documents.warc.gz.tmp~");
    let file = std::fs::File::create(&tmp).map_err(write_err(&tmp))?;
    let mut w = std::io::BufWriter::new(file);
    let mut n = 0;
    for stored in store.documents() {
        let stored = stored?;
        if !filter.admits(&stored) {
            continue;
        }
        w.write_all(&warc::conversion(&stored))
            .map_err(write_err(&tmp))?;
        n += 1;
    }
    w.into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .map_err(write_err(&tmp))?;
    publish(&tmp, &path, Durability::Synced)?;
    Ok(n)
}

/// Store errors pass through; I/O errors get their path from the caller.
enum JsonlError {
    Store(StoreError),
    Io(std::io::Error),
}

impl JsonlError {
    fn at(self, path: &Path) -> ExportError {
        match self {
            JsonlError::Store(e) => ExportError::Store(e),
            JsonlError::Io(source) => ExportError::Write {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

fn write_jsonl(store: &dyn Store, filter: &Filter, out: &mut dyn Write) -> Result<u64, JsonlError> {
    let mut n = 0;
    for stored in store.documents() {
        let stored = stored.map_err(JsonlError::Store)?;
        if !filter.admits(&stored) {
            continue;
        }
        let line = render(&stored.to_document(), Some(&stored), Format::Json);
        out.write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(JsonlError::Io)?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_seeds() {
        let h = "e354e611adafdd87aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        assert_eq!(file_name(1, h, "txt"), "001_e354e611adafdd87.txt");
        assert_eq!(file_name(1234, h, "txt"), "1234_e354e611adafdd87.txt");
    }
}
