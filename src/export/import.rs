//! The inverse of the JSON lines export: a line back into a stored document, for
//! `gleaner import` (moving data between machines, versions and backends).
//!
//! The export carries the text, not the blocks: a document comes back as paragraphs
//! (the text, and so the content hash, the JSON and text exports, are the same;
//! Markdown loses headings and lists). It carries no raw pages either: an imported
//! document can be exported and deduplicated, not re-cleaned.

use crate::store::{content_hash, SourceRecord, StoredDocument};
use chrono::{DateTime, Utc};
use gleaner_clean::{Block, InputKind, Metadata, PageType};
use serde::Deserialize;

/// One exported line, as `export::JsonRecord` writes it for a stored document.
#[derive(Debug, Deserialize)]
struct Line {
    title: Option<String>,
    author: Option<String>,
    hostname: Option<String>,
    date: Option<String>,
    date_modified: Option<String>,
    url: Option<String>,
    sitename: Option<String>,
    description: Option<String>,
    tags: Option<String>,
    image: Option<String>,
    language: Option<String>,
    text: String,
    comments: Option<String>,
    page_type: Option<String>,
    #[serde(default)]
    soft_404: bool,
    hash: String,
    seq: u64,
    sources: Vec<SourceRecord>,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    cleaner_version: String,
    #[serde(default)]
    near_duplicate_of: Option<String>,
}

fn paragraphs(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(Block::paragraph)
        .collect()
}

/// Parses one line of a `gleaner export --format jsonl` file. The hash must be the
/// text's: an edited or damaged line is refused rather than stored under a wrong key.
pub fn parse_line(line: &str) -> Result<StoredDocument, String> {
    let l: Line =
        serde_json::from_str(line).map_err(|e| format!("not an exported document: {e}"))?;
    let hash = content_hash(&l.text);
    if hash != l.hash {
        return Err(format!("its hash {} is not its text's ({hash})", l.hash));
    }
    let page_type = match l.page_type.as_deref() {
        None => None,
        Some(name) => {
            Some(PageType::from_name(name).ok_or_else(|| format!("unknown page type {name:?}"))?)
        }
    };
    let split = |v: Option<String>, sep: &str| -> Vec<String> {
        v.map(|s| s.split(sep).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let mut metadata = Metadata::default();
    metadata.title = l.title;
    metadata.authors = split(l.author, "; ");
    metadata.hostname = l.hostname;
    metadata.date = l.date;
    metadata.date_modified = l.date_modified;
    metadata.url = l.url;
    metadata.sitename = l.sitename;
    metadata.description = l.description;
    metadata.tags = split(l.tags, ",");
    metadata.image = l.image;
    metadata.language = l.language;
    metadata.comments = l.comments.as_deref().map(paragraphs).unwrap_or_default();
    metadata.page_type = page_type;
    metadata.soft_404 = l.soft_404;
    let host = crate::store::document_host(
        &metadata,
        l.sources.first().map(|s| s.locator.as_str()).unwrap_or(""),
    );
    Ok(StoredDocument {
        seq: l.seq,
        hash: l.hash,
        kind: InputKind::Text,
        blocks: paragraphs(&l.text),
        metadata,
        host,
        sources: l.sources,
        first_seen: l.first_seen,
        last_seen: l.last_seen,
        cleaner_version: l.cleaner_version,
        near_duplicate_of: l.near_duplicate_of,
    })
}
