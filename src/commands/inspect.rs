//! `gleaner stats` and `gleaner show`: looking into a store.

use super::Error;
use crate::export::{self, Format};
use crate::store::crawl::{Fleet, RunRecord, UrlStatus};
use crate::store::{Backend, CrawlStore, Store, StoreStats, StoredDocument};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What `gleaner stats` shows: the store's counts and the URLs the crawler parked.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    #[serde(flatten)]
    pub store: StoreStats,
    pub parked: Vec<ParkedUrl>,
    /// A shared store's crawl: the frontier, the fleet working on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleet: Option<Fleet>,
}

/// A URL the crawler stopped requesting, and why (`gleaner unpark` lets it go again).
#[derive(Debug, Clone, Serialize)]
pub struct ParkedUrl {
    pub url: String,
    pub reason: String,
    pub since: Option<DateTime<Utc>>,
}

pub fn stats(store: &dyn Backend) -> Result<Stats, Error> {
    let mut parked = Vec::new();
    for item in store.parked() {
        let (url, state) = item?;
        if let UrlStatus::Parked { reason } = state.status {
            parked.push(ParkedUrl {
                url,
                reason,
                since: state.fetched_at,
            });
        }
    }
    Ok(Stats {
        store: store.stats()?,
        parked,
        fleet: store.fleet()?,
    })
}

/// The stats for a reader, one count a line, then the parked URLs.
pub fn describe_stats(s: &Stats) -> String {
    let st = &s.store;
    let mut out = format!(
        "documents:        {}\nsources:          {}\nhosts:            {}\nraw pages:        {}\n\
         raw bytes (zstd): {}\ntext bytes:       {}\nnext seq:         {}\nparked URLs:      {}\n",
        st.documents,
        st.sources,
        st.hosts,
        st.raw_pages,
        st.raw_bytes_compressed,
        st.text_bytes,
        st.next_seq,
        s.parked.len()
    );
    for p in &s.parked {
        out.push_str(&format!("  {}  ({})\n", p.url, p.reason));
    }
    if let Some(f) = &s.fleet {
        out.push_str(&format!(
            "frontier:         {} waiting, {} leased ({} lapsed)\nin flight:        {} \
             requests\nhosts held back:  {}\ncoordinator:      {}\nworkers:          {}{}\n",
            f.waiting,
            f.leased,
            f.lapsed,
            f.in_flight,
            f.hosts_held,
            if f.coordinator { "running" } else { "none" },
            f.workers.len(),
            if f.workers.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.workers.join(", "))
            }
        ));
    }
    out
}

/// Lets parked URLs be queued again: `urls`, or all of them when None.
pub fn unpark(store: &dyn CrawlStore, urls: Option<&[String]>) -> Result<u64, Error> {
    Ok(store.unpark(urls)?)
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
    field("type:", m.page_type.map(|t| t.name()));
    field("host:", doc.host.as_deref());
    field("date:", m.date.as_deref());
    field("language:", m.language.as_deref());
    field("cleaner:", Some(&doc.cleaner_version));
    field("near:", doc.near_duplicate_of.as_deref());
    field("first:", Some(&doc.first_seen.to_rfc3339()));
    field("last:", Some(&doc.last_seen.to_rfc3339()));
    for s in &doc.sources {
        let status = s.http.as_ref().map(|h| format!(", HTTP {}", h.status));
        out.push_str(&format!(
            "source:   {} ({}{})\n",
            s.locator,
            s.last_seen.to_rfc3339(),
            status.unwrap_or_default()
        ));
    }
    out.push('\n');
    out.push_str(&doc.text());
    out
}

/// One line per run: id, start, status, duration, the counts that matter most, and the
/// worker of a `--worker` run.
pub fn describe_run(run: &RunRecord) -> String {
    let n = |k: &str| run.counts.get(k).copied().unwrap_or(0);
    let status = serde_json::to_value(run.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut line = format!(
        "{:>4}  {}  {:<11} {:>8.1}s  fetched {} unchanged {} new {} versions {} dup {} robots {} failed {} parked {} files {}",
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
        n("parked"),
        n("files"),
    );
    if !run.errors.is_empty() {
        let list: Vec<String> = run.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
        line.push_str(&format!("  ({})", list.join(", ")));
    }
    if let Some(worker) = &run.worker {
        line.push_str(&format!("  worker {worker}"));
    }
    line
}
