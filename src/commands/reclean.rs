//! `gleaner reclean`: the current cleaner over the stored raw pages, so a store catches
//! up with a better cleaner. Each document is re-cleaned from the raw page of its most
//! recent source and replaced in one store transaction ([`Store::replace`]): killed at
//! any point, the store holds each document either as it was or as it now is, and
//! running the command again finishes the job.

use super::{Error, Progress};
use crate::export::Filter;
use crate::pipeline::{clean_contained, CleanFailure};
use crate::store::open::open_arg;
use crate::store::{NearConfig, Recleaned, Store, StoreError, StoredDocument};
use gleaner_clean::{CleanConfig, Cleaner, Document, Hints};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct RecleanArgs {
    pub store: PathBuf,
    /// Which documents (`--site`, `--since`).
    pub filter: Filter,
    pub clean: CleanConfig,
    pub near: NearConfig,
    pub jobs: usize,
}

/// What a re-clean did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecleanSummary {
    /// New text: the document re-keyed under its new hash, same sequence number.
    pub changed: u64,
    /// New text another document had: merged into it.
    pub merged: u64,
    pub unchanged: u64,
    /// No raw page, a cleaner failure, or no text left: the document is kept as it was.
    pub failed: u64,
    pub elapsed: Duration,
}

impl RecleanSummary {
    /// Documents re-cleaned: each was changed, merged, unchanged or failed. One merged
    /// into another since the list was made is not counted; its target is.
    pub fn examined(&self) -> u64 {
        self.changed + self.merged + self.unchanged + self.failed
    }
}

impl std::fmt::Display for RecleanSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} examined: {} changed, {} merged, {} unchanged, {} failed, in {:.2}s",
            self.examined(),
            self.changed,
            self.merged,
            self.unchanged,
            self.failed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Documents cleaned per parallel round, per thread.
const CHUNK_PER_THREAD: usize = 32;

pub fn reclean(args: &RecleanArgs, progress: &dyn Progress) -> Result<RecleanSummary, Error> {
    let started = Instant::now();
    let cleaner = Cleaner::new(&args.clean)?;
    let store = open_arg(&args.store, args.near)?;
    // Fixed up front, by sequence number only (8 bytes each): re-keying and merging
    // move documents while the work goes on.
    let mut todo = Vec::new();
    for doc in store.documents() {
        let doc = doc?;
        if args.filter.admits(&doc) {
            todo.push(doc.seq);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .thread_name(|i| format!("gleaner-reclean-{i}"))
        .build()
        .expect("a thread pool with a fixed size can always be built");
    let mut summary = RecleanSummary::default();
    progress.start(Some(todo.len() as u64));
    for chunk in todo.chunks(CHUNK_PER_THREAD.saturating_mul(pool.current_num_threads())) {
        let cleaned: Vec<Result<Option<(StoredDocument, Document)>, String>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&seq| clean_again(&*store, &cleaner, seq))
                .collect()
        });
        for (seq, result) in chunk.iter().zip(cleaned) {
            progress.advance();
            let (old, doc) = match result {
                Ok(Some(pair)) => pair,
                // Merged into another since the list was made: that one is examined.
                Ok(None) => continue,
                Err(reason) => {
                    summary.failed += 1;
                    tracing::warn!("skipped document {seq}: {reason}");
                    continue;
                }
            };
            match store.replace(old.seq, &old.hash, &doc, gleaner_clean::CLEANER_VERSION) {
                Ok(Recleaned::Unchanged) => summary.unchanged += 1,
                Ok(Recleaned::Changed { hash }) => {
                    tracing::info!(seq, from = %old.hash, to = %hash, "changed");
                    summary.changed += 1;
                }
                Ok(Recleaned::Merged { into_seq, .. }) => {
                    tracing::info!(seq, into_seq, "merged");
                    summary.merged += 1;
                }
                Ok(Recleaned::Gone) => {}
                Err(StoreError::EmptyDocument) => {
                    summary.failed += 1;
                    tracing::warn!("kept document {seq} as it was: it cleans to nothing now");
                }
                Err(e) => return Err(e.into()),
            }
        }
        store.flush()?;
    }
    progress.finish();
    store.flush()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The stored document under `seq` and what the cleaner makes of its newest raw page
/// now; `None` when `seq` is no longer stored.
fn clean_again(
    store: &dyn Store,
    cleaner: &Cleaner,
    seq: u64,
) -> Result<Option<(StoredDocument, Document)>, String> {
    let Some(old) = store.by_seq(seq).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let Some(source) = old.sources.iter().max_by_key(|s| s.last_seen) else {
        return Err("no source".into());
    };
    let raw = store
        .raw(&source.raw_hash)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("raw page {} is missing", source.raw_hash))?;
    // The URL it was cleaned with: the page's own, else the locator when it is one.
    let url = old.metadata.url.clone().or_else(|| {
        let l = &source.locator;
        (l.starts_with("http://") || l.starts_with("https://")).then(|| l.clone())
    });
    let mut hints = Hints::default();
    hints.url = url.as_deref();
    // The Content-Type it was served with, when it came over HTTP: its charset.
    hints.content_type = source.http.as_ref().and_then(|h| h.header("content-type"));
    let doc = clean_contained(cleaner, &raw, &hints).map_err(|e| match e {
        CleanFailure::Refused(e) => e.to_string(),
        CleanFailure::Internal(m) => format!("internal error: {m}"),
    })?;
    Ok(Some((old, doc)))
}
