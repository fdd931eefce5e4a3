//! What one crawl shares between its tasks: the sites, the HTTP client, per-host
//! politeness, the counts, and the store, which async code reaches only through
//! [`Crawl::store`] so that no sled call blocks a runtime worker thread.

use super::config::{FetchConfig, SiteConfig};
use super::host::{Fetcher, Host, RequestCounts};
use super::http::{Http, HttpError};
use super::url::{host_key, is_resource, normalise, Scope};
use crate::pipeline::feed::Feed;
use crate::pipeline::PageCleaner;
use crate::sources::warc::writer::WarcWriter;
use crate::store::crawl::{EntryKind, FrontierEntry, FrontierKey, NewEntry};
use crate::store::crawled::{CrawledPage, Verdict};
use crate::store::{Backend, StoreError};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::time::Instant;
use url::Url;

/// What a crawl did, for the run summary and the run record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrawlCounts {
    /// Pages answered 2xx and read.
    pub fetched: u64,
    /// Pages answered 304 Not Modified: no download, no cleaning.
    pub unchanged: u64,
    pub new_documents: u64,
    /// Pages already stored under another text: one more version.
    pub new_versions: u64,
    /// Pages whose text was already stored (from this URL or another).
    pub duplicates: u64,
    /// Pages whose text is near a stored one's: linked to it, or not stored.
    pub near_duplicates: u64,
    /// Pages that cleaned to nothing.
    pub empty: u64,
    /// URLs not requested because robots.txt disallows them.
    pub robots_skipped: u64,
    /// Pages fetched but not stored, by reason.
    pub not_stored: BTreeMap<NotStored, u64>,
    /// 404 and 410.
    pub gone: u64,
    /// URLs given up on; by class in `errors`.
    pub failed: u64,
    pub errors: BTreeMap<String, u64>,
    /// URLs parked this run: failed too many runs in a row, or crashed the cleaner.
    pub parked: u64,
    pub sitemaps: u64,
    pub feeds: u64,
    /// HTTP requests made, robots.txt and retries included.
    pub requests: u64,
    pub retries: u64,
    /// Body bytes received, as on the wire.
    pub bytes: u64,
    /// Links not queued: past `max_depth`, or to a non-page resource (by extension).
    pub beyond_depth: u64,
    pub not_pages: u64,
    /// Entries left in the frontier for the next run, and why.
    pub left: u64,
    pub left_page_budget: u64,
    pub left_time_budget: u64,
    /// The time budget ran out.
    pub stopped_by_budget: bool,
}

impl CrawlCounts {
    /// URLs visited with an outcome, the base of the failure share.
    pub fn visited(&self) -> u64 {
        self.fetched + self.unchanged + self.robots_skipped + self.gone + self.failed
    }

    pub fn fail(&mut self, class: &str) {
        self.failed += 1;
        *self.errors.entry(class.to_string()).or_default() += 1;
    }

    pub fn not_stored(&mut self, reason: NotStored) {
        *self.not_stored.entry(reason).or_default() += 1;
    }

    pub fn not_stored_total(&self) -> u64 {
        self.not_stored.values().sum()
    }
}

/// Why a fetched page was not stored (besides cleaning to nothing: `empty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NotStored {
    /// `noindex` in a meta tag or an X-Robots-Tag header.
    Noindex,
    /// Served as something other than HTML or text.
    ContentType,
    /// An empty 200, or binary bytes served as a page.
    EmptyOrBinary,
    /// Redirected off the site.
    OffScope,
    /// A "not found" page served as a page (status 200): a soft 404.
    SoftNotFound,
    /// A page type the site's `store_types` leaves out (its links are still followed).
    PageType,
}

impl NotStored {
    /// The name in run records: `not_stored_<key>`.
    pub fn key(self) -> &'static str {
        match self {
            NotStored::Noindex => "noindex",
            NotStored::ContentType => "content_type",
            NotStored::EmptyOrBinary => "empty_or_binary",
            NotStored::OffScope => "off_scope",
            NotStored::SoftNotFound => "soft_404",
            NotStored::PageType => "page_type",
        }
    }

    /// The name in the run summary.
    pub fn label(self) -> &'static str {
        match self {
            NotStored::Noindex => "noindex",
            NotStored::ContentType => "content type",
            NotStored::EmptyOrBinary => "empty / binary",
            NotStored::OffScope => "off scope",
            NotStored::SoftNotFound => "soft 404",
            NotStored::PageType => "page type",
        }
    }
}

/// Why a crawl could not go on: the store failed. Network trouble is never this; it is
/// counted per URL.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot start the HTTP client: {0}")]
    Client(#[from] HttpError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cleaning rules of site {site}: {message}")]
    Rules { site: String, message: String },
    #[error("internal error: {0}")]
    Internal(String),
    #[error("cannot start the cleaning pipeline: {0}")]
    Pipeline(std::io::Error),
    /// The pipeline stopped under a visit: its store stage failed, and the crawl ends
    /// with that failure.
    #[error(transparent)]
    Stopped(#[from] crate::pipeline::feed::Stopped),
    #[error("cannot write WARC files in {dir}: {source}")]
    Archive {
        dir: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// One site's runtime: its config, scope, cleaner and this run's budget.
pub struct Site {
    pub cfg: SiteConfig,
    pub scope: Scope,
    pub cleaner: Arc<dyn PageCleaner>,
    pub epoch: u64,
    /// Page requests made (or reserved by a visit under way) this run, against
    /// `max_pages`.
    pub pages: AtomicU64,
}

impl Site {
    /// The normalised form of `raw` (relative to `base`) as one of this site's frontier
    /// entries, or None when the site may not request it.
    pub fn entry(
        &self,
        raw: &str,
        base: Option<&Url>,
        depth: u32,
        kind: EntryKind,
        tracking: &[String],
    ) -> Option<NewEntry> {
        let url = normalise(raw, base, tracking)?;
        let ok = match kind {
            EntryKind::Page => self.scope.allows(&url),
            EntryKind::Sitemap | EntryKind::Feed => self.scope.has_host(&url),
        };
        ok.then(|| NewEntry {
            host: host_key(&url),
            entry: FrontierEntry {
                url: url.into(),
                site: self.cfg.name.clone(),
                depth,
                kind,
            },
        })
    }

    pub fn exhausted(&self) -> bool {
        self.pages.load(Relaxed) >= self.cfg.max_pages
    }

    /// Gives back a page request reserved by a visit that made none (robots.txt said
    /// no, or the URL is known not to be a page).
    pub fn refund_page(&self) {
        let _ = self
            .pages
            .fetch_update(Relaxed, Relaxed, |n| Some(n.saturating_sub(1)));
    }
}

pub struct Crawl {
    pub http: Http,
    pub fetch: FetchConfig,
    store: Arc<dyn Backend>,
    pub sites: HashMap<String, Site>,
    pub hosts: Mutex<HashMap<String, Arc<Host>>>,
    pub global: Semaphore,
    pub deadline: Instant,
    pub requests: RequestCounts,
    pub counts: Mutex<CrawlCounts>,
    /// Hosts that got entries, for the coordinator to give a worker.
    wake: mpsc::UnboundedSender<String>,
    /// Where fetched pages go to be cleaned and stored.
    pub pipeline: Feed<PageTicket>,
    /// Told once per URL visited (the progress bar).
    pub on_visit: Box<dyn Fn() + Send + Sync>,
    /// Where responses are kept as WARC (`warc_dir`), if anywhere.
    pub archive: Option<Arc<WarcWriter>>,
}

/// A fetched page's ticket through the pipeline: what its store stage commits with
/// it, and where the verdict goes back to the visit waiting for it.
pub type PageTicket = (CrawledPage, oneshot::Sender<Verdict>);

thread_local! {
    /// Set while a closure given to [`blocking`] runs: what the tests check to prove
    /// that store calls stay off the async worker threads.
    static ON_BLOCKING_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Whether the calling code runs inside [`blocking`].
#[cfg(test)]
pub fn on_blocking_thread() -> bool {
    ON_BLOCKING_THREAD.with(Cell::get)
}

/// Runs CPU or disk work (sled, cleaning, decompression, XML parsing) on tokio's
/// blocking threads, so that timers, read-stall timeouts and politeness delays keep
/// firing on the async workers meanwhile. A panic in `f` comes back as an error.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CrawlError> {
    struct Mark;
    impl Drop for Mark {
        fn drop(&mut self) {
            ON_BLOCKING_THREAD.with(|b| b.set(false));
        }
    }
    tokio::task::spawn_blocking(move || {
        ON_BLOCKING_THREAD.with(|b| b.set(true));
        let _mark = Mark;
        f()
    })
    .await
    .map_err(|e| CrawlError::Internal(format!("blocking task failed: {e}")))
}

/// A lock whose holder panicked still guards counts and maps that are whole after
/// every statement: go on with them rather than spread the panic.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Crawl {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        http: Http,
        fetch: FetchConfig,
        store: Arc<dyn Backend>,
        sites: HashMap<String, Site>,
        deadline: Instant,
        wake: mpsc::UnboundedSender<String>,
        on_visit: Box<dyn Fn() + Send + Sync>,
        archive: Option<Arc<WarcWriter>>,
        pipeline: Feed<PageTicket>,
    ) -> Crawl {
        Crawl {
            http,
            global: Semaphore::new(fetch.concurrency),
            fetch,
            store,
            sites,
            hosts: Mutex::new(HashMap::new()),
            deadline,
            requests: RequestCounts::default(),
            counts: Mutex::new(CrawlCounts::default()),
            wake,
            pipeline,
            on_visit,
            archive,
        }
    }

    /// Runs `f` on the store, on a blocking thread.
    pub async fn store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Backend) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, CrawlError> {
        let store = self.store.clone();
        Ok(blocking(move || f(store.as_ref())).await??)
    }

    pub fn fetcher(&self) -> Fetcher<'_> {
        Fetcher {
            http: &self.http,
            cfg: &self.fetch,
            global: &self.global,
            deadline: self.deadline,
            counts: &self.requests,
            archive: self.archive.clone(),
            shared: self.store.is_shared().then(|| self.store.clone()),
        }
    }

    /// The politeness state of `url`'s host, made with `site`'s delay and concurrency
    /// when first seen.
    pub fn host(&self, url: &Url, site: &Site) -> Arc<Host> {
        let key = host_key(url);
        lock(&self.hosts)
            .entry(key)
            .or_insert_with(|| Arc::new(Host::new(site.cfg.delay(), site.cfg.concurrency)))
            .clone()
    }

    pub fn count(&self, f: impl FnOnce(&mut CrawlCounts)) {
        f(&mut lock(&self.counts));
    }

    /// Tells the coordinator these hosts have entries.
    pub fn wake(&self, hosts: Vec<String>) {
        for h in hosts {
            let _ = self.wake.send(h);
        }
    }

    /// Queues `entries` in the site epoch `epoch` and wakes their hosts' workers.
    pub async fn enqueue(&self, epoch: u64, entries: Vec<NewEntry>) -> Result<(), CrawlError> {
        if entries.is_empty() {
            return Ok(());
        }
        let hosts = self.store(move |s| s.enqueue(epoch, &entries)).await?;
        self.wake(hosts);
        Ok(())
    }

    /// The normalised form of a link found on `base`, as a frontier entry of `site`
    /// when the site may request it. A page link whose path names an image, a
    /// document or an archive (`.jpg`, `.pdf`, `.zip`...) is counted, not queued.
    pub fn entry_for(
        &self,
        site: &Site,
        raw: &str,
        base: Option<&Url>,
        depth: u32,
        kind: EntryKind,
    ) -> Option<NewEntry> {
        let e = site.entry(raw, base, depth, kind, &self.fetch.tracking_params)?;
        if kind == EntryKind::Page && is_resource(&e.entry.url) {
            self.count(|c| c.not_pages += 1);
            return None;
        }
        Some(e)
    }

    /// The first entry of `host` after `after` that may be visited now: entries of a
    /// site past its page budget stay for the next run.
    pub async fn next_workable(
        self: &Arc<Self>,
        host: &str,
        after: Option<FrontierKey>,
    ) -> Result<Option<(FrontierKey, FrontierEntry)>, CrawlError> {
        let crawl = self.clone();
        let host = host.to_string();
        // One blocking call scans past any number of blocked entries.
        self.store(move |store| {
            // Whether a site has spent its page budget is read once per scan: a visit
            // giving its page back mid-scan (robots.txt said no) must not let a later
            // entry be returned past an earlier one just skipped as blocked, which would
            // leave that one behind the worker's cursor, unvisited while budget remains.
            let mut exhausted: HashMap<String, bool> = HashMap::new();
            let mut after = after;
            loop {
                let Some((key, entry)) = store.next_entry(&host, after.as_ref())? else {
                    return Ok(None);
                };
                let blocked = match crawl.sites.get(&entry.site) {
                    // A site removed from the config: its entries wait (harmlessly) forever.
                    None => true,
                    Some(_) if entry.kind != EntryKind::Page => false,
                    Some(site) => *exhausted
                        .entry(entry.site.clone())
                        .or_insert_with(|| site.exhausted()),
                };
                if !blocked {
                    return Ok(Some((key, entry)));
                }
                // A shared store leased it: give it back for when budget allows.
                store.release(&key)?;
                after = Some(key);
            }
        })
        .await
    }

    /// The frontier left at the end of the run, into the counts: how many entries, and
    /// how many of them wait because their site spent its page budget or because the
    /// time budget ran out.
    pub async fn count_left(&self) -> Result<(), CrawlError> {
        let by_site = self.store(|s| s.pending_by_site()).await?;
        let stopped = Instant::now() >= self.deadline;
        let mut c = lock(&self.counts);
        c.stopped_by_budget = stopped;
        for (site, n) in by_site {
            c.left += n;
            match self.sites.get(&site) {
                Some(s) if s.exhausted() => c.left_page_budget += n,
                Some(_) if stopped => c.left_time_budget += n,
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether `host` has an entry this worker may visit now (given back at once: the
    /// host's worker claims it).
    pub async fn has_workable(self: &Arc<Self>, host: &str) -> Result<bool, CrawlError> {
        match self.next_workable(host, None).await? {
            Some((key, _)) => {
                self.store(move |s| s.release(&key)).await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// How long the store's claims last, if it leases them.
    pub fn store_lease(&self) -> Option<std::time::Duration> {
        self.store.lease()
    }

    /// Whether other processes crawl the same frontier.
    pub fn is_shared(&self) -> bool {
        self.store.is_shared()
    }

    pub async fn flush(&self) -> Result<(), CrawlError> {
        self.store(|s| s.flush()).await
    }
}
