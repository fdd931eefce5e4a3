//! What the crawler keeps between runs: per-URL state (validators, versions, outgoing
//! links), the frontier of URLs still to visit, each site's crawl epoch, and run records.
//!
//! # Epochs and resuming
//!
//! Each site crawls in *epochs*. A run that finds no frontier entry of a site starts a
//! new epoch for it and seeds it; a run that finds entries left (the last run was
//! killed, or stopped at its time budget or page budget) resumes that epoch instead. A
//! URL is enqueued at most once per epoch, which is how "fetched at most once per run"
//! survives a crash: what the killed run completed is not fetched again.
//!
//! # On disk (sled backend)
//!
//! | tree       | key                                 | value                         |
//! |------------|-------------------------------------|-------------------------------|
//! | `urls`     | normalised URL (UTF-8)              | [`UrlState`], JSON            |
//! | `frontier` | host, 0x00, entry id (u64 BE)       | [`FrontierEntry`], JSON       |
//! | `sites`    | site name (UTF-8)                   | current epoch (u64 BE)        |
//! | `runs`     | run id (u64 BE)                     | [`RunRecord`], JSON           |
//!
//! Keys by host keep each host's queue contiguous and in insertion order (breadth
//! first), so a host's worker reads its next entry with one range scan. Completing a URL
//! is one transaction: its state, the removal of its entry and the entries of the links
//! it brought commit together.

use super::{NewDocument, PutOutcome, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a frontier entry is, which decides what is done with the response.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Page,
    Sitemap,
    Feed,
}

/// A URL waiting to be visited.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FrontierEntry {
    pub url: String,
    pub site: String,
    /// Links from a seed, sitemap or feed entry (those are 0).
    pub depth: u32,
    pub kind: EntryKind,
}

/// An entry's place in the frontier; opaque to callers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FrontierKey(pub(crate) Vec<u8>);

/// A URL to add to the frontier, with the host it is queued under.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub host: String,
    pub entry: FrontierEntry,
}

/// A visited URL's completion: its state, what it is also known as (redirect target,
/// canonical), and the links it brought. Recorded in one transaction, with its page's
/// document when one is stored.
#[derive(Debug, Clone)]
pub struct Completion {
    pub key: FrontierKey,
    pub url: String,
    pub state: UrlState,
    pub aliases: Vec<String>,
    pub links: Vec<NewEntry>,
}

/// What the last visit of a URL found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum UrlStatus {
    /// In the frontier, not visited yet in this epoch.
    Queued,
    /// Fetched; its text is document `hash`.
    Stored,
    /// Answered 304 Not Modified (or the same text as before).
    Unchanged,
    /// Fetched, but nothing to store: cleaned to nothing, `noindex`, a sitemap or feed.
    NotStored { reason: String },
    /// 404 or 410: the page is gone.
    Gone,
    /// Not requested: robots.txt, scope, or page budget.
    Skipped { reason: String },
    /// Every attempt failed; `class` as counted in the run summary.
    Failed { class: String, message: String },
    /// Failed too often (or crashed the cleaner): never queued again until unparked.
    Parked { reason: String },
}

/// One text a URL has had, from the time it was first seen with it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Version {
    pub at: DateTime<Utc>,
    pub hash: String,
}

/// Everything known about one URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UrlState {
    pub v: u64,
    pub site: String,
    /// The site epoch in which the URL was last enqueued.
    pub epoch: u64,
    /// The site epoch in which the URL was last visited, or reached as another URL's
    /// redirect target or canonical: a queued entry already visited is not fetched.
    #[serde(default)]
    pub visited: u64,
    pub depth: u32,
    pub status: UrlStatus,
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub fetched_at: Option<DateTime<Utc>>,
    /// Every distinct text the page has had, oldest first; the last is current.
    #[serde(default)]
    pub versions: Vec<Version>,
    /// Outgoing links (normalised) of the last version, followed again on a 304.
    #[serde(default)]
    pub links: Vec<String>,
    /// The page's `rel=canonical`, when it names another URL.
    #[serde(default)]
    pub canonical: Option<String>,
    /// Visits in a row (one per run at most) that failed; reset by any answer.
    #[serde(default)]
    pub failures: u32,
    /// The Content-Type of the last 2xx answer, when it was not a page (an image, a
    /// PDF): such a URL is not requested again.
    #[serde(default)]
    pub not_a_page: Option<String>,
}

impl UrlState {
    /// The state of an alias: another URL the visit of `url` (recorded in `visited`)
    /// found to be the same page. Its own state, if it has one, joins the visit's site
    /// and epoch as visited; else a new state says whose page it is.
    pub(crate) fn alias(known: Option<UrlState>, url: &str, visited: &UrlState) -> UrlState {
        let epoch = visited.epoch;
        match known {
            Some(mut s) => {
                s.site.clone_from(&visited.site);
                s.epoch = epoch;
                s.visited = epoch;
                s
            }
            None => UrlState {
                status: UrlStatus::NotStored {
                    reason: format!("same page as {url}"),
                },
                visited: epoch,
                ..UrlState::queued(&visited.site, epoch, visited.depth)
            },
        }
    }

    pub fn queued(site: &str, epoch: u64, depth: u32) -> UrlState {
        UrlState {
            v: 1,
            site: site.to_string(),
            epoch,
            visited: 0,
            depth,
            status: UrlStatus::Queued,
            http_status: None,
            etag: None,
            last_modified: None,
            fetched_at: None,
            versions: Vec::new(),
            links: Vec::new(),
            canonical: None,
            failures: 0,
            not_a_page: None,
        }
    }

    pub fn is_parked(&self) -> bool {
        matches!(self.status, UrlStatus::Parked { .. })
    }

    /// Records a failed visit: `Failed`, or `Parked` when this is the
    /// `park_after`-th failure in a row or `park` says so at once. True when parked.
    pub fn record_failure(
        &mut self,
        class: &str,
        message: String,
        park_after: u32,
        park: bool,
    ) -> bool {
        self.failures = self.failures.saturating_add(1);
        if park || self.failures >= park_after {
            let runs = if self.failures == 1 {
                String::new()
            } else {
                format!(" ({} runs in a row)", self.failures)
            };
            self.status = UrlStatus::Parked {
                reason: format!("{class}: {message}{runs}"),
            };
            true
        } else {
            self.status = UrlStatus::Failed {
                class: class.to_string(),
                message,
            };
            false
        }
    }

    /// The current document, if the page has been stored.
    pub fn current_hash(&self) -> Option<&str> {
        self.versions.last().map(|v| v.hash.as_str())
    }

    /// Notes that the page now holds the document `hash`, at `at`, if that is not the
    /// current one. True when it replaces an earlier document: a new version.
    pub fn record_version(&mut self, hash: &str, at: DateTime<Utc>) -> bool {
        if self.current_hash() == Some(hash) {
            return false;
        }
        let replaces = !self.versions.is_empty();
        self.versions.push(Version {
            at,
            hash: hash.to_string(),
        });
        replaces
    }
}

/// How a site's crawl starts this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteStart {
    pub epoch: u64,
    /// Entries were left in the frontier: continue them rather than re-seed.
    pub resumed: bool,
    pub pending: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    /// Every source was processed.
    Finished,
    /// Stopped at the time budget; the next run resumes.
    TimeBudget,
    /// Found still "running" by a later run: the process was killed.
    Interrupted,
    /// Ended by an error (the store, the config).
    Failed,
}

/// One `gleaner run` (or `gleaner run --worker`), as `gleaner runs` lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    pub v: u64,
    pub id: u64,
    pub started: DateTime<Utc>,
    #[serde(default)]
    pub finished: Option<DateTime<Utc>>,
    pub status: RunStatus,
    /// The run summary's counts, by name.
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
    /// Failures by class (`timeout`, `http_5xx`, `too_large`...).
    #[serde(default)]
    pub errors: BTreeMap<String, u64>,
    #[serde(default)]
    pub elapsed_secs: f64,
    /// The worker (host:pid) of a `gleaner run --worker`; None for a coordinator's run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
}

impl RunRecord {
    /// A run that has just started.
    pub fn running(id: u64, started: DateTime<Utc>, worker: Option<String>) -> RunRecord {
        RunRecord {
            v: 1,
            id,
            started,
            finished: None,
            status: RunStatus::Running,
            counts: BTreeMap::new(),
            errors: BTreeMap::new(),
            elapsed_secs: 0.0,
            worker,
        }
    }
}

/// A crawl record (URL state, frontier entry, run) as JSON, named by `key` when corrupt:
/// the one codec of both backends.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    key: &str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        key: key.to_string(),
        reason: e.to_string(),
    })
}

pub(crate) fn encode_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("crawl records serialise")
}

/// [`CrawlStore::start_run`] for a store one process holds (sled): runs left "running"
/// become interrupted, and the new run takes the next id.
pub(crate) fn start_run_in(
    store: &(impl CrawlStore + ?Sized),
    started: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut last = 0;
    for run in store.runs()? {
        last = run.id;
        if run.status == RunStatus::Running {
            store.save_run(&RunRecord {
                status: RunStatus::Interrupted,
                ..run
            })?;
        }
    }
    let id = last.checked_add(1).ok_or_else(|| StoreError::Corrupt {
        key: "runs".into(),
        reason: format!("run id {last} is the last there is"),
    })?;
    store.save_run(&RunRecord::running(id, started, None))?;
    Ok(id)
}

/// robots.txt as one worker found it, shared with the others through the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsAnswer {
    AllowAll,
    DisallowAll,
    /// A 2xx robots.txt: its body, to parse.
    Rules(Vec<u8>),
}

/// What a worker does about a host's robots.txt in a shared store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsClaim {
    /// Another worker fetched it, and it is fresh.
    Known(RobotsAnswer),
    /// This worker fetches it (and saves it with [`CrawlStore::save_robots`]).
    Fetch,
    /// Another worker is fetching it: ask again shortly.
    Wait,
}

/// A request turn at a host, as a shared store gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Start the request after `wait`, holding request slot `slot` of the host until
    /// it ends (then [`CrawlStore::release_slot`]).
    Go {
        wait: std::time::Duration,
        slot: i32,
    },
    /// As many requests as the host allows are in flight, from whichever workers: ask
    /// again shortly.
    Full,
}

/// A shared store's crawl as it stands, for whoever watches the fleet (`gleaner stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fleet {
    /// Frontier entries no worker holds.
    pub waiting: u64,
    /// Frontier entries a worker holds, and those of them whose lease ran out (their
    /// worker died or hangs: another takes them over).
    pub leased: u64,
    pub lapsed: u64,
    /// Requests in flight, every host's together.
    pub in_flight: u64,
    /// Hosts a Retry-After holds back now.
    pub hosts_held: u64,
    /// Whether a coordinator (`gleaner run`) holds the store now.
    pub coordinator: bool,
    /// The workers alive now (`gleaner run --worker`), by name (host:pid).
    pub workers: Vec<String>,
}

/// The crawler's side of a store. Backends: sled (one process) and PostgreSQL (where
/// many workers share one frontier).
pub trait CrawlStore: Send + Sync {
    /// Starts or resumes `site`'s epoch (see the module docs).
    fn begin_site(&self, site: &str) -> Result<SiteStart, StoreError>;

    /// Adds the entries whose URL was not enqueued yet in `epoch` (of their site), each
    /// marked as enqueued. Returns the hosts that got entries.
    fn enqueue(&self, epoch: u64, entries: &[NewEntry]) -> Result<Vec<String>, StoreError>;

    /// The first entry of `host` after `after` (from the start when None).
    fn next_entry(
        &self,
        host: &str,
        after: Option<&FrontierKey>,
    ) -> Result<Option<(FrontierKey, FrontierEntry)>, StoreError>;

    /// Entries in the frontier.
    fn frontier_len(&self) -> Result<u64, StoreError>;

    /// The hosts with entries in the frontier.
    fn frontier_hosts(&self) -> Result<Vec<String>, StoreError>;

    /// Entries in the frontier, per site.
    fn pending_by_site(&self) -> Result<BTreeMap<String, u64>, StoreError>;

    /// Atomically: records the visited URL's `state`, marks `aliases` (where it
    /// redirected to, its canonical URL) as visited in the same epoch so they are not
    /// fetched again, removes the entry `key`, and enqueues `links` as
    /// [`CrawlStore::enqueue`] would. Returns the hosts that got entries.
    fn complete(
        &self,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<Vec<String>, StoreError>;

    /// [`Store::put`](super::Store::put) and [`CrawlStore::complete`] as one atomic
    /// step, so that a process killed between them can't leave a stored page whose
    /// entry is still queued (fetched again on resume) or the reverse. The document's
    /// version is added to `state` here, from the hash the put computes. Returns the
    /// put's outcome, the hosts that got entries, and whether the page now holds a new
    /// version of an earlier document.
    fn store_page(
        &self,
        document: NewDocument<'_>,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<(PutOutcome, Vec<String>, bool), StoreError>;

    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StoreError>;

    /// Every URL state, in URL order, streamed.
    fn url_states(&self) -> Box<dyn Iterator<Item = Result<(String, UrlState), StoreError>> + '_>;

    /// Records a new run as running, after marking runs left "running" as interrupted
    /// (the store lock guarantees no other coordinator's is still alive; a shared store
    /// leaves the runs of live workers alone). Returns its id.
    fn start_run(&self, started: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Records the run of a worker (`gleaner run --worker`) on a shared store: its own
    /// id, and this worker's name. It stays "running" while the worker lives, however
    /// many coordinators start meanwhile; one that starts after the worker died marks
    /// it interrupted. Stores no other process shares have no workers.
    fn start_worker_run(&self, _started: DateTime<Utc>) -> Result<RunRecord, StoreError> {
        Err(StoreError::Backend(
            "only a store other processes share has workers".into(),
        ))
    }

    fn save_run(&self, run: &RunRecord) -> Result<(), StoreError>;

    /// The fleet's crawl as it stands; None for a store one process holds.
    fn fleet(&self) -> Result<Option<Fleet>, StoreError> {
        Ok(None)
    }

    /// Every run, oldest first.
    fn runs(&self) -> Result<Vec<RunRecord>, StoreError>;

    /// The parked URLs and their states, in URL order.
    fn parked(&self) -> Box<dyn Iterator<Item = Result<(String, UrlState), StoreError>> + '_> {
        Box::new(self.url_states().filter(|item| match item {
            Ok((_, state)) => state.is_parked(),
            Err(_) => true,
        }))
    }

    /// Lets parked URLs be queued again: those of `urls`, or every one when None.
    /// Returns how many were parked.
    fn unpark(&self, urls: Option<&[String]>) -> Result<u64, StoreError>;

    /// Every site's current epoch, by name.
    fn site_epochs(&self) -> Result<BTreeMap<String, u64>, StoreError>;

    /// What copying a store brings over: a URL's state (its validators, versions and
    /// links), kept unless the store already knows the URL; and a site's epoch, raised
    /// to `epoch` if it is behind (so that no URL copied is taken as queued this epoch
    /// by mistake).
    fn import_url_state(&self, url: &str, state: &UrlState) -> Result<bool, StoreError>;
    fn import_site_epoch(&self, site: &str, epoch: u64) -> Result<(), StoreError>;

    /// The epoch `site` is crawling in, without starting one (what a worker joining a
    /// coordinator's run uses); None when the site never started.
    fn site_epoch(&self, site: &str) -> Result<Option<u64>, StoreError>;

    // What a store shared by several processes adds. The defaults are those of a store
    // one process holds: nothing to share.

    /// Makes this process the one that starts runs, epochs and seeds;
    /// [`StoreError::Locked`] when another process is. A store one process holds (sled)
    /// has nothing more to take.
    fn lock_coordinator(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Whether other processes crawl the same frontier: then entries come from them
    /// too, and politeness is kept through the store.
    fn is_shared(&self) -> bool {
        false
    }

    /// Gives back an entry [`CrawlStore::next_entry`] handed out but that will not be
    /// visited now (its site has spent its page budget).
    fn release(&self, _key: &FrontierKey) -> Result<(), StoreError> {
        Ok(())
    }

    /// How long this process's claims last unless renewed; None when the store
    /// leases nothing (one process holds it).
    fn lease(&self) -> Option<std::time::Duration> {
        None
    }

    /// Renews every claim this process holds: called a few times per lease while it
    /// crawls, so that a visit however slow (a long politeness wait, a busy store)
    /// keeps its URL, and a process that died lets go of its URLs a lease later.
    fn renew_leases(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Gives back every entry this process still holds (claimed and not completed):
    /// called when its crawl ends, so that other workers need not wait for the leases.
    fn release_held(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Reserves the next request turn of `host`: `delay` after the one before it
    /// (whoever made it), and one of its `concurrency` request slots, so that all
    /// workers together keep the pace and the in-flight limit one worker would. None
    /// when the store keeps no pace.
    fn reserve_turn(
        &self,
        _host: &str,
        _delay: std::time::Duration,
        _concurrency: usize,
    ) -> Result<Option<Turn>, StoreError> {
        Ok(None)
    }

    /// Frees the request slot a [`Turn::Go`] gave, once its request has ended.
    fn release_slot(&self, _host: &str, _slot: i32) -> Result<(), StoreError> {
        Ok(())
    }

    /// Holds every worker's requests to `host` back for `hold` (a Retry-After).
    fn hold_host(&self, _host: &str, _hold: std::time::Duration) -> Result<(), StoreError> {
        Ok(())
    }

    /// Whether this worker fetches `host`'s robots.txt or another did or does.
    fn claim_robots(&self, _host: &str) -> Result<RobotsClaim, StoreError> {
        Ok(RobotsClaim::Fetch)
    }

    /// Shares the robots.txt this worker fetched, with the delay it asks for.
    fn save_robots(
        &self,
        _host: &str,
        _answer: &RobotsAnswer,
        _delay: std::time::Duration,
    ) -> Result<(), StoreError> {
        Ok(())
    }
}
