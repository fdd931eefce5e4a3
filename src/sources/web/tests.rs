//! A crawl whose store checks, on every call, that it is not being run on one of the
//! crawl's async worker threads: sled reads, writes, transactions and flushes must go
//! through `state::blocking`, or they would stall every timer and politeness delay of
//! the other hosts while they run.

#[path = "../../../tests/it/site.rs"]
mod site;

use super::state::on_blocking_thread;
use super::{crawl, crawl_with, FetchConfig, SiteConfig};
use crate::pipeline::tests::Panicky;
use crate::pipeline::PageCleaner;
use crate::store::crawl::*;
use crate::store::{
    Backend, CrawlStore, NewDocument, PutOutcome, SledStore, Store, StoreError, StoreStats,
    StoredDocument,
};
use chrono::{DateTime, Utc};
use gleaner_clean::Cleaner;
use site::{Reply, Site};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// Delegates to sled, counting calls made off the blocking threads from inside the
/// crawl's runtime (its threads are named `gleaner-crawl`).
struct Guarded {
    inner: SledStore,
    calls: AtomicU64,
    on_workers: AtomicU64,
}

impl Guarded {
    fn check(&self) {
        self.calls.fetch_add(1, Relaxed);
        let in_runtime = std::thread::current().name() == Some(super::THREAD_NAME);
        if in_runtime && !on_blocking_thread() {
            self.on_workers.fetch_add(1, Relaxed);
        }
    }
}

impl Store for Guarded {
    fn put(&self, doc: NewDocument<'_>) -> Result<PutOutcome, StoreError> {
        self.check();
        self.inner.put(doc)
    }
    fn by_seq(&self, seq: u64) -> Result<Option<StoredDocument>, StoreError> {
        self.check();
        self.inner.by_seq(seq)
    }
    fn by_hash_prefix(&self, prefix: &str) -> Result<Vec<StoredDocument>, StoreError> {
        self.check();
        self.inner.by_hash_prefix(prefix)
    }
    fn documents(&self) -> Box<dyn Iterator<Item = Result<StoredDocument, StoreError>> + '_> {
        self.check();
        self.inner.documents()
    }
    fn raw(&self, raw_hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.check();
        self.inner.raw(raw_hash)
    }
    fn put_raw(&self, raw: &[u8]) -> Result<String, StoreError> {
        self.check();
        self.inner.put_raw(raw)
    }
    fn stats(&self) -> Result<StoreStats, StoreError> {
        self.check();
        self.inner.stats()
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.check();
        self.inner.flush()
    }
    fn import(&self, doc: &StoredDocument) -> Result<PutOutcome, StoreError> {
        self.check();
        self.inner.import(doc)
    }
    fn replace(
        &self,
        seq: u64,
        old_hash: &str,
        document: &gleaner_clean::Document,
        cleaner_version: &str,
    ) -> Result<crate::store::Recleaned, StoreError> {
        self.check();
        self.inner.replace(seq, old_hash, document, cleaner_version)
    }
}

impl CrawlStore for Guarded {
    fn site_epoch(&self, site: &str) -> Result<Option<u64>, StoreError> {
        self.check();
        self.inner.site_epoch(site)
    }
    fn site_epochs(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        self.check();
        self.inner.site_epochs()
    }
    fn import_url_state(&self, url: &str, state: &UrlState) -> Result<bool, StoreError> {
        self.check();
        self.inner.import_url_state(url, state)
    }
    fn import_site_epoch(&self, site: &str, epoch: u64) -> Result<(), StoreError> {
        self.check();
        self.inner.import_site_epoch(site, epoch)
    }
    fn begin_site(&self, site: &str) -> Result<SiteStart, StoreError> {
        self.check();
        self.inner.begin_site(site)
    }
    fn enqueue(&self, epoch: u64, entries: &[NewEntry]) -> Result<Vec<String>, StoreError> {
        self.check();
        self.inner.enqueue(epoch, entries)
    }
    fn next_entry(
        &self,
        host: &str,
        after: Option<&FrontierKey>,
    ) -> Result<Option<(FrontierKey, FrontierEntry)>, StoreError> {
        self.check();
        self.inner.next_entry(host, after)
    }
    fn frontier_len(&self) -> Result<u64, StoreError> {
        self.check();
        self.inner.frontier_len()
    }
    fn frontier_hosts(&self) -> Result<Vec<String>, StoreError> {
        self.check();
        self.inner.frontier_hosts()
    }
    fn pending_by_site(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        self.check();
        self.inner.pending_by_site()
    }
    fn complete(
        &self,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<Vec<String>, StoreError> {
        self.check();
        self.inner.complete(key, url, state, aliases, links)
    }
    fn store_page(
        &self,
        document: NewDocument<'_>,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<(PutOutcome, Vec<String>, bool), StoreError> {
        self.check();
        self.inner
            .store_page(document, key, url, state, aliases, links)
    }
    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StoreError> {
        self.check();
        self.inner.url_state(url)
    }
    fn url_states(&self) -> Box<dyn Iterator<Item = Result<(String, UrlState), StoreError>> + '_> {
        self.check();
        self.inner.url_states()
    }
    fn start_run(&self, started: DateTime<Utc>) -> Result<u64, StoreError> {
        self.check();
        self.inner.start_run(started)
    }
    fn save_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.check();
        self.inner.save_run(run)
    }
    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.check();
        self.inner.runs()
    }
    fn unpark(&self, urls: Option<&[String]>) -> Result<u64, StoreError> {
        self.check();
        self.inner.unpark(urls)
    }
}

fn article(n: usize, links: &str) -> String {
    let para = "The council met on Tuesday evening and agreed, after a long and careful \
                debate about the budget, to repair the old bridge before the winter comes.";
    format!("<html><body><article><h1>Story {n}</h1><p>{para} {n}</p><p>{para}</p></article>{links}</body></html>")
}

/// A site seeded at `web`'s front page, without politeness delays.
fn seeded_at(web: &Site) -> SiteConfig {
    toml::from_str(&format!(
        "name = 's'\nseeds = ['{}']\ndelay_secs = 0\ndiscover_sitemaps = false",
        web.url("/")
    ))
    .unwrap()
}

#[test]
fn store_calls_stay_off_the_async_workers() {
    let web = Site::routes()
        .route("/robots.txt", Reply::text("User-agent: *\nAllow: /\n"))
        .route(
            "/",
            Reply::html(article(
                0,
                "<a href=/a>a</a> <a href=/b>b</a> <a href=/gone>g</a>",
            )),
        )
        .route("/a", Reply::html(article(1, "<a href=/b>b</a>")))
        .route("/b", Reply::html(article(2, "")))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Guarded {
        inner: SledStore::open(dir.path()).unwrap(),
        calls: AtomicU64::new(0),
        on_workers: AtomicU64::new(0),
    });
    let site = seeded_at(&web);
    let backend: Arc<dyn Backend> = store.clone();
    let counts = crawl(
        &[site],
        &FetchConfig::default(),
        &Default::default(),
        backend,
        2,
        super::Role::Coordinator,
        Box::new(|| {}),
    )
    .unwrap();
    assert_eq!(counts.new_documents, 3, "{counts:?}");
    assert_eq!(counts.gone, 1, "{counts:?}");
    assert!(store.calls.load(Relaxed) > 10);
    assert_eq!(
        store.on_workers.load(Relaxed),
        0,
        "store calls made on an async worker thread"
    );
}

/// A page that panics the cleaner fails alone: the crawl stores the others and ends with
/// its counts; the URL is parked with the panic's message, so the next run does not
/// trip on it again.
#[test]
fn a_page_that_panics_the_cleaner_is_parked_and_the_crawl_goes_on() {
    let web = Site::routes()
        .route("/robots.txt", Reply::text("User-agent: *\nAllow: /\n"))
        .route(
            "/",
            Reply::html(article(
                0,
                "<a href=/a>a</a> <a href=/bug>b</a> <a href=/c>c</a>",
            )),
        )
        .route("/a", Reply::html(article(1, "")))
        .route("/bug", Reply::html(article(2, "PANIC-ME")))
        .route("/c", Reply::html(article(3, "")))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SledStore::open(dir.path()).unwrap());
    let site = seeded_at(&web);
    let cleaners = |_: &SiteConfig| -> Result<Arc<dyn PageCleaner>, super::CrawlError> {
        Ok(Arc::new(Panicky(
            Cleaner::new(&Default::default()).unwrap(),
        )))
    };
    let run = |store: &Arc<SledStore>| {
        let backend: Arc<dyn Backend> = store.clone();
        crawl_with(
            std::slice::from_ref(&site),
            &FetchConfig::default(),
            &cleaners,
            backend,
            2,
            super::Role::Coordinator,
            Box::new(|| {}),
        )
        .unwrap()
    };
    let counts = run(&store);
    assert_eq!(counts.new_documents, 3, "{counts:?}");
    assert_eq!(counts.errors.get("internal"), Some(&1), "{counts:?}");
    assert_eq!(counts.parked, 1, "{counts:?}");
    let state = store.url_state(&web.url("/bug")).unwrap().unwrap();
    match &state.status {
        UrlStatus::Parked { reason } => assert!(reason.contains("a bug met"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.parked().count(), 1);
    // The next run starts a new epoch from the seed and does not ask for it again.
    let again = run(&store);
    assert_eq!(again.failed, 0, "{again:?}");
    assert_eq!(web.hits("/bug"), 1);
    assert_eq!(web.hits("/a"), 2);
}
