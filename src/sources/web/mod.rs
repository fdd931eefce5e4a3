//! Web sources: sites crawled politely (robots.txt, per-host delay and concurrency),
//! incrementally (ETag / Last-Modified, 304 costs nothing) and resumably (the frontier
//! and every URL's state live in the store).
//!
//! The flow of one URL: frontier entry → robots.txt and scope → politeness gate →
//! bounded HTTP exchange (redirects and retries) → clean → store → links back into the
//! frontier. `crawl` runs it for every configured site and returns the counts.

mod config;
mod crawl;
mod discover;
mod host;
mod http;
mod url;
mod visit;

pub use config::{FetchConfig, SiteConfig};
pub use crawl::{CrawlCounts, CrawlError};
pub use discover::{feed, page_links, sitemap, PageLinks, Sitemap};
pub use url::{normalise, Scope};

use crate::clean::CleanConfig;
use crate::store::Backend;
use std::sync::Arc;

/// Crawls every site until its frontier is drained, its page budget is spent or the
/// run's time budget runs out. Blocks; runs its own async runtime on `threads` threads.
pub fn crawl(
    sites: &[SiteConfig],
    fetch: &FetchConfig,
    clean: &CleanConfig,
    store: Arc<dyn Backend>,
    threads: usize,
    on_visit: Box<dyn Fn() + Send + Sync>,
) -> Result<CrawlCounts, CrawlError> {
    if sites.is_empty() {
        return Ok(CrawlCounts::default());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(CrawlError::Runtime)?;
    runtime.block_on(async {
        let (state, woken) = crawl::prepare(sites, fetch, clean, store.clone(), on_visit)?;
        crawl::coordinate(state.clone(), woken).await?;
        store.flush()?;
        let mut counts = state.counts.lock().expect("counts lock").clone();
        use std::sync::atomic::Ordering::Relaxed;
        counts.requests = state.requests.requests.load(Relaxed);
        counts.retries = state.requests.retries.load(Relaxed);
        counts.bytes = state.requests.bytes.load(Relaxed);
        counts.stopped_by_budget = tokio::time::Instant::now() >= state.deadline;
        counts.left = store.frontier_len()?;
        Ok(counts)
    })
}
