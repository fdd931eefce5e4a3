//! `gleaner stats` and `gleaner show`: looking into a store.

use super::Error;
use crate::export::{self, Format};
use crate::store::crawl::RunRecord;
use crate::store::{Store, StoreStats, StoredDocument};

pub fn stats(store: &dyn Store) -> Result<StoreStats, Error> {
    Ok(store.stats()?)
}

/// Finds documents by sequence number (all digits) or hash prefix (hex). A number that
/// is no sequence number is tried as a hash prefix too, since "001a..." and "001" look alike.
pub fn show(store: &dyn Store, query: &str) -> Result<Vec<StoredDocument>, Error> {
    let q = query.trim().to_ascii_lowercase();
    if q.is_empty() || !q.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::Usage(format!(
            "{query:?} is neither a sequence number nor a hash prefix (hex digits)"
        )));
    }
    if q.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(seq) = q.parse::<u64>() {
            if let Some(doc) = store.by_seq(seq)? {
                return Ok(vec![doc]);
            }
        }
    }
    Ok(store.by_hash_prefix(&q)?)
}

/// A stored document for a reader: a short header, then the text.
pub fn describe(doc: &StoredDocument, format: Format) -> String {
    if format != Format::Text {
        return export::render(&doc.to_document(), Some(doc), format);
    }
    let m = &doc.metadata;
    let mut out = format!("seq:      {}\nhash:     {}\n", doc.seq, doc.hash);
    let mut field = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            out.push_str(&format!("{name:<9} {v}\n"));
        }
    };
    field("title:", m.title.as_deref());
    field("host:", doc.host.as_deref());
    field("date:", m.date.as_deref());
    field("language:", m.language.as_deref());
    field("cleaner:", Some(&doc.cleaner_version));
    field("first:", Some(&doc.first_seen.to_rfc3339()));
    field("last:", Some(&doc.last_seen.to_rfc3339()));
    for s in &doc.sources {
        out.push_str(&format!(
            "source:   {} ({})\n",
            s.locator,
            s.last_seen.to_rfc3339()
        ));
    }
    out.push('\n');
    out.push_str(&doc.text());
    out
}

/// One line per run: id, start, status, duration and the counts that matter most.
pub fn describe_run(run: &RunRecord) -> String {
    let n = |k: &str| run.counts.get(k).copied().unwrap_or(0);
    let status = serde_json::to_value(run.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut line = format!(
        "{:>4}  {}  {:<11} {:>8.1}s  fetched {} unchanged {} new {} versions {} dup {} robots {} failed {} files {}",
        run.id,
        run.started.format("%Y-%m-%d %H:%M:%S"),
        status,
        run.elapsed_secs,
        n("fetched"),
        n("unchanged"),
        n("new_documents"),
        n("new_versions"),
        n("duplicates"),
        n("robots_skipped"),
        n("failed"),
        n("files"),
    );
    if !run.errors.is_empty() {
        let list: Vec<String> = run.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
        line.push_str(&format!("  ({})", list.join(", ")));
    }
    line
}
