//! Clean documents as WARC `conversion` records: what `gleaner export --format warc`
//! writes, so that WARC tools can keep the clean text beside the crawl it came from.
//! Each record names the page it was made from (`WARC-Refers-To-Target-URI`, and
//! `WARC-Refers-To-Date`, when the page was first seen), and carries the text as
//! `text/plain`, one gzip member per record.

use crate::sources::warc::writer::{gzip, record};
use crate::store::StoredDocument;
use chrono::SecondsFormat;

/// The gzipped `conversion` record of one document.
pub fn conversion(doc: &StoredDocument) -> Vec<u8> {
    let first = doc.sources.first();
    // The page's own URL, else where it was read from (a file, a WARC record).
    let target = doc
        .metadata
        .url
        .clone()
        .or_else(|| first.map(|s| s.locator.clone()))
        .unwrap_or_else(|| format!("urn:gleaner:{}", doc.hash));
    let seen = doc.first_seen.to_rfc3339_opts(SecondsFormat::Secs, true);
    let digest = format!("blake3:{}", doc.hash);
    let seq = doc.seq.to_string();
    let page_type = doc.metadata.page_type.map(|t| t.name()).unwrap_or("other");
    let mut fields: Vec<(&str, &str)> = vec![
        ("WARC-Target-URI", &target),
        ("WARC-Refers-To-Target-URI", &target),
        ("WARC-Refers-To-Date", &seen),
        ("Content-Type", "text/plain; charset=utf-8"),
        // Not a WARC digest algorithm, so under our own names: what the store keys by.
        ("X-Gleaner-Hash", &digest),
        ("X-Gleaner-Seq", &seq),
        ("X-Gleaner-Page-Type", page_type),
        ("X-Gleaner-Cleaner-Version", &doc.cleaner_version),
    ];
    if let Some(title) = &doc.metadata.title {
        fields.push(("X-Gleaner-Title", title));
    }
    gzip(&record("conversion", &fields, doc.text().as_bytes()))
}
