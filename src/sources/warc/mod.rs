//! WARC archives as a source: every `response` (HTTP, 2xx) and `resource` record of
//! each file becomes a page, with its target URI, date and Content-Type; every other
//! record is counted as skipped; a record that can't be read is a failure naming the
//! file and offset, and reading goes on at the next one.
//!
//! Written here rather than taken from the `warc` crate: that crate neither says where
//! a record is in a gzip file nor resumes after a corrupt one, and both are what a user
//! with a damaged crawl needs. The format is small.

mod http;
mod reader;
mod rewind;
mod stream;
#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests;
pub mod writer;

pub use reader::{Head, Item as Record, Offset, Reader, RecordError, MAX_HEADER};
pub use stream::Codec;

use super::{HttpMeta, Input, Item, Location, SourceError};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

/// The record types whose blocks are pages.
const PAGE_TYPES: &[&str] = &["response", "resource"];

/// The pages of WARC files, one file after another, record by record.
pub struct WarcPages {
    paths: VecDeque<PathBuf>,
    current: Option<(PathBuf, Reader)>,
    max_bytes: u64,
}

impl WarcPages {
    /// Pages of these files; a page (a record's block, or its HTTP body once decoded)
    /// over `max_bytes` is a failure.
    pub fn new(paths: Vec<PathBuf>, max_bytes: u64) -> Self {
        WarcPages {
            paths: paths.into(),
            current: None,
            max_bytes,
        }
    }

    fn open(&self, path: &std::path::Path) -> Result<Reader, SourceError> {
        let io = |source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        };
        // `-` is stdin, recognised as a WARC by `files::discover`.
        let file: Box<dyn std::io::Read + Send> = if path.as_os_str() == "-" {
            Box::new(std::io::stdin())
        } else {
            Box::new(std::fs::File::open(path).map_err(io)?)
        };
        // The block holds the HTTP header as well as the body: room for a large one.
        let max_block = self.max_bytes.saturating_add(MAX_HEADER);
        Reader::new(file, max_block, PAGE_TYPES).map_err(io)
    }
}

impl Iterator for WarcPages {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let Some((path, reader)) = &mut self.current else {
                let path = self.paths.pop_front()?;
                match self.open(&path) {
                    Ok(reader) => self.current = Some((path, reader)),
                    Err(e) => return Some(Item::Failed(e)),
                }
                continue;
            };
            let failed = |offset: Offset, reason: String| {
                Item::Failed(SourceError::Record {
                    path: path.clone(),
                    offset: offset.to_string(),
                    reason,
                })
            };
            return Some(match reader.next() {
                None => {
                    self.current = None;
                    continue;
                }
                Some(Err(e)) => failed(e.offset, e.reason),
                Some(Ok(Record::Passed { head, .. })) => Item::Skipped(skip_label(&head)),
                Some(Ok(Record::Read {
                    offset,
                    head,
                    block,
                })) => match page(path, offset, &head, block, self.max_bytes) {
                    Ok(item) => item,
                    Err(reason) => failed(offset, reason),
                },
            });
        }
    }
}

/// What a passed-over record is counted as.
fn skip_label(head: &Head) -> &'static str {
    match head.warc_type() {
        "request" => "request",
        "metadata" => "metadata",
        "warcinfo" => "warcinfo",
        "revisit" => "revisit",
        "conversion" => "conversion",
        "continuation" => "continuation",
        _ => "other",
    }
}

/// The page a `response` or `resource` record holds.
fn page(
    path: &std::path::Path,
    offset: Offset,
    head: &Head,
    block: Vec<u8>,
    max: u64,
) -> Result<Item, String> {
    let record_type = head.get("Content-Type").unwrap_or("");
    let mut http = None;
    let (bytes, content_type) = if head.warc_type() == "response" {
        // DNS answers and other protocols are recorded as responses too.
        if !record_type
            .to_ascii_lowercase()
            .starts_with("application/http")
        {
            return Ok(Item::Skipped("not_http"));
        }
        let response = http::parse(&block, max)?;
        if !(200..300).contains(&response.status) {
            return Ok(Item::Skipped("not_2xx"));
        }
        http = Some(HttpMeta {
            status: response.status,
            headers: response.headers,
        });
        (response.body, response.content_type)
    } else {
        if block.len() as u64 > max {
            return Err(format!("page over the {max}-byte limit"));
        }
        (
            block,
            Some(record_type.to_string()).filter(|t| !t.is_empty()),
        )
    };
    // WARC 1.0 writers put the URI in angle brackets.
    let url = head
        .get("WARC-Target-URI")
        .map(|u| u.trim_start_matches('<').trim_end_matches('>').to_string())
        .filter(|u| !u.is_empty());
    let fetched_at = head
        .get("WARC-Date")
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&chrono::Utc));
    let host = url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string));
    Ok(Item::Page(Input {
        location: Location::Archive {
            path: path.to_path_buf(),
            offset: offset.to_string(),
            bytes: Arc::new(bytes),
        },
        // Pages of one host share a template, as crawled pages do.
        group: host.unwrap_or_else(|| path.display().to_string()),
        url,
        content_type,
        fetched_at,
        http,
    }))
}
