//! The crawl: one worker per host pulls that host's frontier entries from the store and
//! visits them within the host's politeness limits; a coordinator starts workers as
//! hosts get entries and ends the crawl when every worker has drained its host, or at
//! the time budget.

use super::config::{FetchConfig, SiteConfig};
use super::host::{Fetcher, Host, RequestCounts};
use super::http::{Http, HttpError};
use super::url::{host_key, normalise, Scope};
use crate::clean::{CleanConfig, Cleaner};
use crate::store::crawl::{EntryKind, FrontierEntry, FrontierKey, NewEntry};
use crate::store::{Backend, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
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
    /// Pages that cleaned to nothing.
    pub empty: u64,
    /// URLs not requested because robots.txt disallows them.
    pub robots_skipped: u64,
    /// Pages fetched but not stored: `noindex`, or not HTML/text.
    pub not_stored: u64,
    /// 404 and 410.
    pub gone: u64,
    /// URLs given up on; by class in `errors`.
    pub failed: u64,
    pub errors: BTreeMap<String, u64>,
    pub sitemaps: u64,
    pub feeds: u64,
    /// HTTP requests made, robots.txt and retries included.
    pub requests: u64,
    pub retries: u64,
    /// Body bytes received, as on the wire.
    pub bytes: u64,
    /// Entries left in the frontier for the next run (time or page budget).
    pub left: u64,
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
}

/// One site's runtime: its config, scope, cleaner and this run's budget.
pub(super) struct Site {
    pub cfg: SiteConfig,
    pub scope: Scope,
    pub cleaner: Arc<Cleaner>,
    pub epoch: u64,
    /// Page requests started this run, against `max_pages`.
    pub pages: AtomicU64,
}

impl Site {
    /// The normalised form of `raw` (relative to `base`) as one of this site's frontier
    /// entries, or None when the site may not request it.
    fn entry(
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
}

pub(super) struct Crawl {
    pub http: Http,
    pub fetch: FetchConfig,
    pub store: Arc<dyn Backend>,
    pub sites: HashMap<String, Site>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    pub global: Semaphore,
    pub deadline: Instant,
    pub requests: RequestCounts,
    pub counts: Mutex<CrawlCounts>,
    /// Hosts that got entries, for the coordinator to give a worker.
    wake: mpsc::UnboundedSender<String>,
    puts: AtomicU64,
    /// Told once per URL visited (the progress bar).
    pub on_visit: Box<dyn Fn() + Send + Sync>,
}

/// Puts are made durable in groups, as files runs do (see `commands::StoreWriter`).
const FLUSH_EVERY: u64 = 256;

impl Crawl {
    pub fn fetcher(&self) -> Fetcher<'_> {
        Fetcher {
            http: &self.http,
            cfg: &self.fetch,
            global: &self.global,
            deadline: self.deadline,
            counts: &self.requests,
        }
    }

    /// The politeness state of `url`'s host, made with `site`'s delay and concurrency
    /// when first seen.
    pub fn host(&self, url: &Url, site: &Site) -> Arc<Host> {
        let key = host_key(url);
        let mut hosts = self.hosts.lock().expect("hosts lock");
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Host::new(site.cfg.delay(), site.cfg.concurrency)))
            .clone()
    }

    pub fn count(&self, f: impl FnOnce(&mut CrawlCounts)) {
        f(&mut self.counts.lock().expect("counts lock"));
    }

    /// Tells the coordinator these hosts have entries.
    pub fn wake(&self, hosts: Vec<String>) {
        for h in hosts {
            let _ = self.wake.send(h);
        }
    }

    /// Called after each document put: flushes every [`FLUSH_EVERY`].
    pub fn after_put(&self) -> Result<(), StoreError> {
        if self.puts.fetch_add(1, Relaxed) % FLUSH_EVERY == FLUSH_EVERY - 1 {
            self.store.flush()?;
        }
        Ok(())
    }

    /// The normalised form of a link found on `base`, as a frontier entry of `site`
    /// when the site may request it.
    pub fn entry_for(
        &self,
        site: &Site,
        raw: &str,
        base: Option<&Url>,
        depth: u32,
        kind: EntryKind,
    ) -> Option<NewEntry> {
        site.entry(raw, base, depth, kind, &self.fetch.tracking_params)
    }

    /// The first entry of `host` after `after` that may be visited now: entries of a
    /// site past its page budget stay for the next run.
    fn next_workable(
        &self,
        host: &str,
        mut after: Option<FrontierKey>,
    ) -> Result<Option<(FrontierKey, FrontierEntry)>, StoreError> {
        loop {
            let Some((key, entry)) = self.store.next_entry(host, after.as_ref())? else {
                return Ok(None);
            };
            let blocked = match self.sites.get(&entry.site) {
                // A site removed from the config: its entries wait (harmlessly) forever.
                None => true,
                Some(site) => entry.kind == EntryKind::Page && site.exhausted(),
            };
            if !blocked {
                return Ok(Some((key, entry)));
            }
            after = Some(key);
        }
    }
}

/// How a host's worker ended.
#[derive(Debug, PartialEq, Eq)]
enum Exit {
    /// No workable entry left when its last visit finished.
    Drained,
    /// The time budget ran out.
    Deadline,
}

/// Visits `host`'s entries, up to the site's concurrency at once.
async fn host_worker(crawl: Arc<Crawl>, host: String) -> Result<Exit, CrawlError> {
    let mut cursor: Option<FrontierKey> = None;
    let mut visits: JoinSet<Result<(), CrawlError>> = JoinSet::new();
    let mut slots: Option<Arc<Semaphore>> = None;
    let exit = loop {
        while let Some(done) = visits.try_join_next() {
            done.expect("visit task panicked")?;
        }
        if Instant::now() >= crawl.deadline {
            break Exit::Deadline;
        }
        let Some((key, entry)) = crawl.next_workable(&host, cursor.clone())? else {
            // Visits in flight may still queue entries here: wait for one, look again.
            match visits.join_next().await {
                Some(done) => {
                    done.expect("visit task panicked")?;
                    continue;
                }
                None => break Exit::Drained,
            }
        };
        cursor = Some(key.clone());
        let site = &crawl.sites[&entry.site];
        let url = match Url::parse(&entry.url) {
            Ok(u) => u,
            Err(_) => continue, // only normalised URLs are queued
        };
        let host_state = crawl.host(&url, site);
        if slots.is_none() {
            // robots.txt first: it may list sitemaps, and its Crawl-delay sets the pace.
            let robots = host_state.robots(&crawl.fetcher(), &url).await;
            if site.cfg.discover_sitemaps {
                let found: Vec<NewEntry> = robots
                    .sitemaps()
                    .iter()
                    .filter_map(|u| crawl.entry_for(site, u, Some(&url), 0, EntryKind::Sitemap))
                    .collect();
                if !found.is_empty() {
                    crawl.wake(crawl.store.enqueue(site.epoch, &found)?);
                }
            }
        }
        let slots = slots
            .get_or_insert_with(|| host_state.slots.clone())
            .clone();
        let permit = tokio::select! {
            p = slots.acquire_owned() => p.expect("slots never close"),
            _ = tokio::time::sleep_until(crawl.deadline) => break Exit::Deadline,
        };
        if entry.kind == EntryKind::Page {
            site.pages.fetch_add(1, Relaxed);
        }
        let crawl2 = crawl.clone();
        visits.spawn(async move {
            let _permit = permit;
            super::visit::visit(&crawl2, key, entry, url).await
        });
    };
    while let Some(done) = visits.join_next().await {
        done.expect("visit task panicked")?;
    }
    Ok(exit)
}

/// Runs workers until no host has workable entries or the deadline passes.
pub(super) async fn coordinate(
    crawl: Arc<Crawl>,
    mut woken: mpsc::UnboundedReceiver<String>,
) -> Result<(), CrawlError> {
    let mut running: HashSet<String> = HashSet::new();
    let mut workers: JoinSet<(String, Result<Exit, CrawlError>)> = JoinSet::new();
    let spawn = |host: String, running: &mut HashSet<String>, workers: &mut JoinSet<_>| {
        if running.insert(host.clone()) {
            let crawl = crawl.clone();
            workers.spawn(async move {
                let exit = host_worker(crawl, host.clone()).await;
                (host, exit)
            });
        }
    };
    for host in crawl.store.frontier_hosts()? {
        spawn(host, &mut running, &mut workers);
    }
    loop {
        while let Ok(host) = woken.try_recv() {
            spawn(host, &mut running, &mut workers);
        }
        if workers.is_empty() {
            return Ok(());
        }
        tokio::select! {
            Some(host) = woken.recv() => spawn(host, &mut running, &mut workers),
            Some(done) = workers.join_next() => {
                let (host, exit) = done.expect("host worker panicked");
                running.remove(&host);
                // A wake for this host may have come while it was finishing.
                if exit? == Exit::Drained && crawl.next_workable(&host, None)?.is_some() {
                    spawn(host, &mut running, &mut workers);
                }
            }
        }
    }
}

/// Builds the crawl's runtime state: one [`Site`] per config entry, each starting or
/// resuming its epoch, seeded when it starts afresh.
pub(super) fn prepare(
    sites: &[SiteConfig],
    fetch: &FetchConfig,
    clean: &CleanConfig,
    store: Arc<dyn Backend>,
    on_visit: Box<dyn Fn() + Send + Sync>,
) -> Result<(Arc<Crawl>, mpsc::UnboundedReceiver<String>), CrawlError> {
    let (wake, woken) = mpsc::unbounded_channel();
    let mut runtime_sites = HashMap::new();
    for cfg in sites {
        let mut site_clean = clean.clone();
        site_clean.rules.extend(cfg.rules.clone());
        let cleaner = Cleaner::new(&site_clean).map_err(|e| CrawlError::Rules {
            site: cfg.name.clone(),
            message: e.to_string(),
        })?;
        let scope = Scope::new(cfg).map_err(|e| CrawlError::Rules {
            site: cfg.name.clone(),
            message: e.to_string(),
        })?;
        let start = store.begin_site(&cfg.name)?;
        let mut list: Vec<(String, EntryKind)> = Vec::new();
        if start.resumed {
            tracing::info!(site = %cfg.name, pending = start.pending, epoch = start.epoch, "resuming the last crawl");
        } else {
            list.extend(cfg.seeds.iter().map(|u| (u.clone(), EntryKind::Page)));
            list.extend(cfg.sitemaps.iter().map(|u| (u.clone(), EntryKind::Sitemap)));
            list.extend(cfg.feeds.iter().map(|u| (u.clone(), EntryKind::Feed)));
            if cfg.discover_sitemaps {
                for seed in &cfg.seeds {
                    if let Ok(u) = Url::parse(seed).and_then(|u| u.join("/sitemap.xml")) {
                        list.push((u.into(), EntryKind::Sitemap));
                    }
                }
            }
        }
        let site = Site {
            cfg: cfg.clone(),
            scope,
            cleaner: Arc::new(cleaner),
            epoch: start.epoch,
            pages: AtomicU64::new(0),
        };
        if !start.resumed {
            let entries: Vec<NewEntry> = list
                .iter()
                .filter_map(|(u, kind)| site.entry(u, None, 0, *kind, &fetch.tracking_params))
                .collect();
            store.enqueue(start.epoch, &entries)?;
        }
        runtime_sites.insert(cfg.name.clone(), site);
    }
    let crawl = Arc::new(Crawl {
        http: Http::new(fetch)?,
        fetch: fetch.clone(),
        store,
        sites: runtime_sites,
        hosts: Mutex::new(HashMap::new()),
        global: Semaphore::new(fetch.concurrency),
        deadline: Instant::now() + fetch.time_budget(),
        requests: RequestCounts::default(),
        counts: Mutex::new(CrawlCounts::default()),
        wake,
        puts: AtomicU64::new(0),
        on_visit,
    });
    Ok((crawl, woken))
}
