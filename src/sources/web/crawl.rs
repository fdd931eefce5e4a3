//! The crawl's schedule: one worker per host pulls that host's frontier entries from the
//! store and visits them within the host's politeness limits; a coordinator starts
//! workers as hosts get entries and ends the crawl when every worker has drained its
//! host, or at the time budget. A visit that panics (a bug) fails its own URL only.

use super::config::{FetchConfig, SiteConfig};
use super::http::Http;
use super::state::{Crawl, CrawlError, PageTicket, Site};
use super::visit;
use crate::pipeline::feed::{Feed, Running};
use crate::pipeline::{Options, PageCleaner};
use crate::sources::warc::writer::WarcWriter;
use crate::store::crawl::{EntryKind, FrontierEntry, FrontierKey, NewEntry};
use crate::store::crawled::CrawlSink;
use crate::store::{Backend, StoreError};
use gleaner_clean::{CleanConfig, Cleaner};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::{Id, JoinSet};
use tokio::time::Instant;
use url::Url;

/// How often a worker sharing its frontier with other processes looks for hosts that
/// got entries from them, or whose leases ran out.
const SHARED_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Store writers for crawled pages in a shared store (one for sled: its commits don't
/// wait on a network, and one writer keeps sequence numbers in arrival order).
const SHARED_WRITERS: usize = 4;

/// How a host's worker ended.
#[derive(Debug, PartialEq, Eq)]
enum Exit {
    /// No workable entry left when its last visit finished.
    Drained,
    /// The time budget ran out.
    Deadline,
}

/// A host's visits under way, with the entry each is for, so that a visit that panics
/// can still have its entry completed (as failed) instead of retried forever.
#[derive(Default)]
struct Visits {
    tasks: JoinSet<Result<(), CrawlError>>,
    entries: HashMap<Id, (FrontierKey, FrontierEntry)>,
}

impl Visits {
    fn spawn(
        &mut self,
        crawl: &Arc<Crawl>,
        permit: OwnedSemaphorePermit,
        key: FrontierKey,
        entry: FrontierEntry,
        url: Url,
    ) {
        let crawl = crawl.clone();
        let (k, e) = (key.clone(), entry.clone());
        let handle = self.tasks.spawn(async move {
            let _permit = permit;
            visit::visit(&crawl, k, e, url).await
        });
        self.entries.insert(handle.id(), (key, entry));
    }

    fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Collects the visits that have finished, without waiting.
    async fn reap(&mut self, crawl: &Crawl) -> Result<(), CrawlError> {
        while let Some(done) = self.tasks.try_join_next_with_id() {
            self.finished(crawl, done).await?;
        }
        Ok(())
    }

    /// Waits for one visit to finish; false when none was under way.
    async fn join_one(&mut self, crawl: &Crawl) -> Result<bool, CrawlError> {
        match self.tasks.join_next_with_id().await {
            Some(done) => self.finished(crawl, done).await.map(|()| true),
            None => Ok(false),
        }
    }

    async fn finished(
        &mut self,
        crawl: &Crawl,
        done: Result<(Id, Result<(), CrawlError>), tokio::task::JoinError>,
    ) -> Result<(), CrawlError> {
        match done {
            Ok((id, result)) => {
                let entry = self.entries.remove(&id);
                match (result, entry) {
                    // A bug met while visiting one URL (a panic on a blocking thread)
                    // fails that URL; only the store failing ends the crawl.
                    (Err(CrawlError::Internal(message)), Some((key, entry))) => {
                        visit::internal_error(crawl, key, entry, message).await
                    }
                    (result, _) => result,
                }
            }
            Err(e) => {
                let entry = self.entries.remove(&e.id());
                match (entry, e.try_into_panic()) {
                    (Some((key, entry)), Ok(payload)) => {
                        let message = crate::pipeline::panic_message(payload.as_ref());
                        visit::internal_error(crawl, key, entry, message).await
                    }
                    // Cancelled: only at shutdown, when the entry stays for next run.
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Visits `host`'s entries, up to the site's concurrency at once.
async fn host_worker(crawl: Arc<Crawl>, host: String) -> Result<Exit, CrawlError> {
    let mut cursor: Option<FrontierKey> = None;
    let mut visits = Visits::default();
    let mut slots: Option<Arc<Semaphore>> = None;
    let exit = loop {
        visits.reap(&crawl).await?;
        if Instant::now() >= crawl.deadline {
            break Exit::Deadline;
        }
        let Some((key, entry)) = crawl.next_workable(&host, cursor.clone()).await? else {
            // Visits in flight may still queue entries here: wait for one, look again.
            if visits.join_one(&crawl).await? {
                continue;
            }
            break Exit::Drained;
        };
        cursor = Some(key.clone());
        let (Some(site), Ok(url)) = (crawl.sites.get(&entry.site), Url::parse(&entry.url)) else {
            continue; // only normalised URLs of configured sites are workable
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
                crawl.enqueue(site.epoch, found).await?;
            }
        }
        let slots = slots
            .get_or_insert_with(|| host_state.slots.clone())
            .clone();
        let permit = tokio::select! {
            p = slots.acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break Exit::Drained, // slots are never closed
            },
            _ = tokio::time::sleep_until(crawl.deadline) => break Exit::Deadline,
        };
        if entry.kind == EntryKind::Page {
            // Reserved now so that concurrent visits can't overshoot `max_pages`;
            // given back by a visit that makes no request.
            site.pages.fetch_add(1, Relaxed);
        }
        visits.spawn(&crawl, permit, key, entry, url);
    };
    while !visits.is_empty() {
        visits.join_one(&crawl).await?;
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
    for host in crawl.store(|s| s.frontier_hosts()).await? {
        spawn(host, &mut running, &mut workers);
    }
    // Other processes sharing the frontier queue entries this one hears nothing of:
    // it looks for them every tick, and ends only when the frontier is empty.
    let shared = crawl.is_shared();
    let mut tick = tokio::time::interval(SHARED_POLL);
    loop {
        while let Ok(host) = woken.try_recv() {
            spawn(host, &mut running, &mut workers);
        }
        if workers.is_empty() {
            if !shared
                || Instant::now() >= crawl.deadline
                || crawl.store(|s| s.frontier_len()).await? == 0
            {
                return Ok(());
            }
            tokio::select! {
                _ = tick.tick() => {}
                _ = tokio::time::sleep_until(crawl.deadline) => return Ok(()),
            }
            for host in crawl.store(|s| s.frontier_hosts()).await? {
                spawn(host, &mut running, &mut workers);
            }
            continue;
        }
        tokio::select! {
            _ = tick.tick(), if shared => {
                for host in crawl.store(|s| s.frontier_hosts()).await? {
                    spawn(host, &mut running, &mut workers);
                }
            }
            Some(host) = woken.recv() => spawn(host, &mut running, &mut workers),
            Some(done) = workers.join_next() => {
                let (host, exit) = match done {
                    Ok(done) => done,
                    Err(e) => {
                        // A bug in the worker itself (visits contain their own panics):
                        // its host waits for the next run; the others go on.
                        tracing::error!("internal error in a host's worker: {e}");
                        continue;
                    }
                };
                running.remove(&host);
                // A wake for this host may have come while it was finishing.
                if exit? == Exit::Drained && crawl.has_workable(&host).await? {
                    spawn(host, &mut running, &mut workers);
                }
            }
        }
    }
}

/// What [`prepare`] makes: the crawl's shared state, the hosts woken as entries are
/// queued, and the pipeline that cleans and stores what the crawl fetches.
pub(super) struct Prepared {
    pub crawl: Arc<Crawl>,
    pub woken: mpsc::UnboundedReceiver<String>,
    pub pipeline: Running<StoreError>,
}

/// Builds the crawl's runtime state: one [`Site`] per config entry, each starting or
/// resuming its epoch, seeded when it starts afresh, and the pipeline on `threads`
/// cleaning threads. Runs before the crawl's async tasks, so its store calls block
/// nothing.
pub(super) fn prepare(
    sites: &[SiteConfig],
    fetch: &FetchConfig,
    cleaners: Cleaners<'_>,
    store: Arc<dyn Backend>,
    threads: usize,
    role: super::Role,
    on_visit: Box<dyn Fn() + Send + Sync>,
) -> Result<Prepared, CrawlError> {
    let (wake, woken) = mpsc::unbounded_channel();
    let mut runtime_sites = HashMap::new();
    for cfg in sites {
        let cleaner = cleaners(cfg)?;
        let site = match role {
            super::Role::Coordinator => start_site(cfg, fetch, cleaner, store.as_ref())?,
            super::Role::Worker => match join_site(cfg, cleaner, store.as_ref())? {
                Some(site) => site,
                None => continue,
            },
        };
        runtime_sites.insert(cfg.name.clone(), site);
    }
    let deadline = super::host::later(Instant::now(), fetch.time_budget());
    let archive = match &fetch.warc_dir {
        None => None,
        Some(dir) => {
            // Named like Heritrix's: prefix, start time, process; then a serial.
            let prefix = format!(
                "gleaner-{}-{}",
                chrono::Utc::now().format("%Y%m%d%H%M%S"),
                std::process::id()
            );
            let writer =
                WarcWriter::create(dir, &prefix, fetch.warc_file_bytes).map_err(|source| {
                    CrawlError::Archive {
                        dir: dir.clone(),
                        source,
                    }
                })?;
            Some(Arc::new(writer))
        }
    };
    // The store stage: a page worth keeping commits with its URL's completion; the
    // verdict goes back to the visit waiting for it. A shared store's every commit
    // waits on the database's round trips: several writers keep the crawl from
    // waiting on them one at a time.
    let opts = Options {
        jobs: threads.max(1),
        templates: false,
        // Bodies were capped as they were received.
        max_input_bytes: u64::MAX,
    };
    let writers = if store.is_shared() { SHARED_WRITERS } else { 1 };
    let (pipeline, running) = Feed::start(opts, writers, || {
        let mut sink = CrawlSink::new(store.clone());
        move |outcome, (page, reply): PageTicket| {
            let verdict = sink.take(outcome, page)?;
            // A visit no longer waiting (cancelled at the deadline) has nothing to record.
            let _ = reply.send(verdict);
            Ok(())
        }
    })
    .map_err(CrawlError::Pipeline)?;
    let crawl = Crawl::new(
        Http::new(fetch)?,
        fetch.clone(),
        store,
        runtime_sites,
        deadline,
        wake,
        on_visit,
        archive,
        pipeline,
    );
    Ok(Prepared {
        crawl: Arc::new(crawl),
        woken,
        pipeline: running,
    })
}

/// Builds each site's cleaner from its config: the `[clean]` table plus the site's
/// own rules (a stand-in in the tests).
pub(super) type Cleaners<'a> = &'a dyn Fn(&SiteConfig) -> Result<Arc<dyn PageCleaner>, CrawlError>;

/// The cleaner `[clean]` and a site's own rules make.
pub(super) fn site_cleaner(
    clean: &CleanConfig,
    cfg: &SiteConfig,
) -> Result<Arc<dyn PageCleaner>, CrawlError> {
    let mut site_clean = clean.clone();
    site_clean.rules.extend(cfg.rules.clone());
    let cleaner = Cleaner::new(&site_clean).map_err(|e| CrawlError::Rules {
        site: cfg.name.clone(),
        message: e.to_string(),
    })?;
    Ok(Arc::new(cleaner))
}

fn scope_of(cfg: &SiteConfig) -> Result<super::url::Scope, CrawlError> {
    super::url::Scope::new(cfg).map_err(|e| CrawlError::Rules {
        site: cfg.name.clone(),
        message: e.to_string(),
    })
}

/// A site as a worker joins it: in the epoch its coordinator started; None (said in
/// the log) when no coordinator started it yet.
fn join_site(
    cfg: &SiteConfig,
    cleaner: Arc<dyn PageCleaner>,
    store: &dyn Backend,
) -> Result<Option<Site>, CrawlError> {
    let Some(epoch) = store.site_epoch(&cfg.name)? else {
        tracing::warn!(site = %cfg.name, "no coordinator has started this site yet: left alone (run `gleaner run` once)");
        return Ok(None);
    };
    Ok(Some(Site {
        cfg: cfg.clone(),
        scope: scope_of(cfg)?,
        cleaner,
        epoch,
        pages: AtomicU64::new(0),
    }))
}

/// One site's scope, and its epoch: resumed when entries were left,
/// otherwise a new one, seeded.
fn start_site(
    cfg: &SiteConfig,
    fetch: &FetchConfig,
    cleaner: Arc<dyn PageCleaner>,
    store: &dyn Backend,
) -> Result<Site, CrawlError> {
    let scope = scope_of(cfg)?;
    let start = store.begin_site(&cfg.name)?;
    let site = Site {
        cfg: cfg.clone(),
        scope,
        cleaner,
        epoch: start.epoch,
        pages: AtomicU64::new(0),
    };
    if start.resumed {
        tracing::info!(site = %cfg.name, pending = start.pending, epoch = start.epoch, "resuming the last crawl");
        return Ok(site);
    }
    let mut list: Vec<(String, EntryKind)> = Vec::new();
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
    let entries: Vec<NewEntry> = list
        .iter()
        .filter_map(|(u, kind)| site.entry(u, None, 0, *kind, &fetch.tracking_params))
        .collect();
    store.enqueue(start.epoch, &entries)?;
    Ok(site)
}
