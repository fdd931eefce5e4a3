//! Web sources: sites crawled politely (robots.txt, per-host delay and concurrency),
//! incrementally (ETag / Last-Modified, 304 costs nothing) and resumably (the frontier
//! and every URL's state live in the store).
//!
//! The flow of one URL: frontier entry → robots.txt and scope → politeness gate →
//! bounded HTTP exchange (redirects and retries) → clean → store → links back into the
//! frontier. `crawl` runs it for every configured site and returns the counts.

// Arithmetic on what a config, a server's headers or a page gave is checked or
// saturating in these modules (a Retry-After of 10^19 seconds, a 1e20 budget).
#[warn(clippy::arithmetic_side_effects)]
mod archive;
#[warn(clippy::arithmetic_side_effects)]
mod config;
mod crawl;
#[warn(clippy::arithmetic_side_effects)]
mod discover;
#[warn(clippy::arithmetic_side_effects)]
mod host;
#[warn(clippy::arithmetic_side_effects)]
mod http;
mod page;
#[warn(clippy::arithmetic_side_effects)]
mod shared;
mod state;
#[cfg(test)]
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests;
#[warn(clippy::arithmetic_side_effects)]
mod url;
mod visit;

pub use config::{FetchConfig, Invalid, SiteConfig, MAX_SECS};
pub use discover::{feed, page_links, robots, sitemap, PageLinks, Robots, Sitemap};
pub use state::{CrawlCounts, CrawlError, NotStored};
pub use url::{normalise, Scope};

use crate::store::Backend;
use gleaner_clean::CleanConfig;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

/// Leases are renewed at most this often.
const RENEW_AT_LEAST: std::time::Duration = std::time::Duration::from_millis(100);

/// The crawl runtime's threads, async workers and blocking threads alike.
const THREAD_NAME: &str = "gleaner-crawl";

/// What a process does in a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Starts (or resumes) each site's epoch, seeding it, then crawls: `gleaner run`.
    Coordinator,
    /// Crawls the epochs a coordinator started, from a frontier other workers share:
    /// `gleaner run --worker`. Sites no coordinator started are left alone.
    Worker,
}

/// Crawls every site until its frontier is drained, its page budget is spent or the
/// run's time budget runs out. Blocks; runs its own async runtime on `threads` threads.
pub fn crawl(
    sites: &[SiteConfig],
    fetch: &FetchConfig,
    clean: &CleanConfig,
    store: Arc<dyn Backend>,
    threads: usize,
    role: Role,
    on_visit: Box<dyn Fn() + Send + Sync>,
) -> Result<CrawlCounts, CrawlError> {
    let cleaners = |cfg: &SiteConfig| crawl::site_cleaner(clean, cfg);
    crawl_with(sites, fetch, &cleaners, store, threads, role, on_visit)
}

/// [`crawl`], with each site's cleaner made by `cleaners`.
fn crawl_with(
    sites: &[SiteConfig],
    fetch: &FetchConfig,
    cleaners: crawl::Cleaners<'_>,
    store: Arc<dyn Backend>,
    threads: usize,
    role: Role,
    on_visit: Box<dyn Fn() + Send + Sync>,
) -> Result<CrawlCounts, CrawlError> {
    if sites.is_empty() {
        return Ok(CrawlCounts::default());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .thread_name(THREAD_NAME)
        .enable_all()
        .build()
        .map_err(CrawlError::Runtime)?;
    // Seeding is store work: done here, before any async task runs.
    let prepared = {
        let _runtime = runtime.enter();
        crawl::prepare(sites, fetch, cleaners, store, threads, role, on_visit)?
    };
    let state = prepared.crawl;
    let crawled = runtime.block_on(async {
        // A shared store's claims are renewed a few times per lease while this process
        // crawls; if it dies, they run out a lease later and other workers take over.
        let renewals = state.store_lease().map(|lease| {
            let state = state.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval((lease / 4).max(RENEW_AT_LEAST));
                loop {
                    every.tick().await;
                    if let Err(e) = state.store(|s| s.renew_leases()).await {
                        tracing::warn!("cannot renew this worker's leases: {e}");
                    }
                }
            })
        });
        let coordinated = crawl::coordinate(state.clone(), prepared.woken).await;
        if let Some(task) = renewals {
            task.abort();
            // Reaped here, so that its handle on the crawl is gone before the runtime.
            let _ = task.await;
        }
        coordinated?;
        // Entries claimed and not visited (the time budget ran out) go back at once.
        state.store(|s| s.release_held()).await?;
        state.flush().await?;
        state.count_left().await?;
        if let Some(archive) = state.archive.clone() {
            let dir = state.fetch.warc_dir.clone().unwrap_or_default();
            let files = state::blocking(move || archive.finish())
                .await?
                .map_err(|source| CrawlError::Archive { dir, source })?;
            tracing::info!(files = files.len(), "WARC files written");
        }
        let mut counts = state::lock(&state.counts).clone();
        counts.requests = state.requests.requests.load(Relaxed);
        counts.retries = state.requests.retries.load(Relaxed);
        counts.bytes = state.requests.bytes.load(Relaxed);
        Ok(counts)
    });
    state.pipeline.close();
    // A store failure in the pipeline is the crawl's error, rather than the "stopped"
    // its visits saw.
    let finished = prepared.pipeline.finish();
    // The runtime goes first, with whatever its threads still hold; the crawl's last
    // handle on the store is then dropped here, outside it: a PostgreSQL client blocks
    // when it closes, which a runtime thread must not do.
    drop(runtime);
    drop(state);
    finished?;
    crawled
}
