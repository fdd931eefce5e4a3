//! Shared helpers of the crawl tests: a config around a loopback site, running
//! `gleaner run` on it, and reading back what the run recorded.

use crate::helpers::{output, s, tmp};
use gleaner::store::crawl::{RunRecord, UrlState};
use gleaner::store::{CrawlStore, SledStore, Store, StoreError, StoredDocument};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Settings that keep a test's worst case (every timeout and retry) to a few seconds.
pub const FAST: &str = "connect_timeout_secs = 2.0\nresponse_timeout_secs = 4.0\n\
    read_stall_secs = 1.0\nbackoff_base_secs = 0.05\nretry_after_cap_secs = 3.0\n\
    max_attempts = 3\ntime_budget_secs = 60.0\nfailure_threshold = 1.0\n";

/// A temp dir with a config for one site starting at `seeds`.
pub struct Crawl {
    /// Holds the temp dir for the test's lifetime.
    pub _dir: tempfile::TempDir,
    pub config: PathBuf,
    pub store: PathBuf,
}

impl Crawl {
    /// `site` and `fetch` are extra TOML lines for `[[sources.web]]` and `[fetch]`.
    pub fn new(seeds: &[String], site: &str, fetch: &str) -> Crawl {
        let dir = tmp();
        let config = dir.path().join("gleaner.toml");
        let seeds: Vec<String> = seeds.iter().map(|u| format!("{u:?}")).collect();
        let site_defaults = "delay_secs = 0.0\nconcurrency = 4\ndiscover_sitemaps = false\n";
        let text = format!(
            "[store]\npath = \"store\"\n\n[fetch]\n{}\n[[sources.web]]\nname = \"test\"\n\
             seeds = [{}]\n{}\n",
            merge(FAST, fetch),
            seeds.join(", "),
            merge(site_defaults, site),
        );
        std::fs::write(&config, text).expect("write config");
        let store = dir.path().join("store");
        Crawl {
            _dir: dir,
            config,
            store,
        }
    }

    /// Runs `gleaner run` on the config: (exit code, stdout, stderr).
    pub fn run(&self) -> (i32, String, String) {
        let out = crate::helpers::gleaner()
            .args(["run", "--config", s(&self.config)])
            .output()
            .expect("gleaner runs");
        output(out)
    }

    /// Runs and asserts it exited 0; returns the run's record.
    pub fn run_ok(&self) -> RunRecord {
        let started = Instant::now();
        let (code, out, err) = self.run();
        assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
        assert!(started.elapsed() < Duration::from_secs(60), "{out}");
        self.last_run()
    }

    /// Opens the store in this process. A lock still held by this very process (the
    /// store the last call dropped, whose sled threads let go of its files a moment
    /// later, slower on a loaded machine) is waited out for up to 10 s; one held by a
    /// `gleaner` child is an error at once.
    pub fn open(&self) -> SledStore {
        let ours = format!("pid {},", std::process::id());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match SledStore::open(&self.store) {
                Err(StoreError::Locked {
                    holder: Some(h), ..
                }) if h.starts_with(&ours) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                result => return result.expect("store opens"),
            }
        }
    }

    pub fn last_run(&self) -> RunRecord {
        self.open()
            .runs()
            .expect("runs")
            .pop()
            .expect("a run record")
    }

    pub fn documents(&self) -> Vec<StoredDocument> {
        let store = self.open();
        let docs = store.documents().collect::<Result<Vec<_>, _>>();
        docs.expect("documents")
    }

    pub fn state(&self, url: &str) -> UrlState {
        let state = self.open().url_state(url).expect("url state");
        state.unwrap_or_else(|| panic!("no state for {url}"))
    }
}

/// TOML lines: `defaults` whose key `overrides` doesn't set, then `overrides`.
fn merge(defaults: &str, overrides: &str) -> String {
    let key = |l: &str| l.split('=').next().unwrap_or("").trim().to_string();
    let set: Vec<String> = overrides.lines().map(key).collect();
    let kept: Vec<&str> = defaults
        .lines()
        .filter(|l| !set.contains(&key(l)))
        .collect();
    format!("{}\n{overrides}\n", kept.join("\n"))
}

/// A count of a run record, 0 when absent.
pub fn count(run: &RunRecord, key: &str) -> u64 {
    run.counts.get(key).copied().unwrap_or(0)
}

pub fn errors(run: &RunRecord, class: &str) -> u64 {
    run.errors.get(class).copied().unwrap_or(0)
}

/// An article page with enough prose to be kept, distinct per `n`, with `links`.
pub fn article(n: usize, links: &[&str]) -> String {
    let anchors: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    format!(
        "<!doctype html><html lang=en><head><title>Article {n}</title></head><body>\
         <nav><ul>{anchors}</ul></nav><article><h1>Article number {n}</h1>\
         <p>This is article {n}. The committee met on Tuesday to discuss the harbour, and \
         after a long debate about the budget the members agreed that the old pier would be \
         repaired before the winter storms arrived in the bay.</p>\
         <p>Residents of the town, who had waited {n} years for the work, said they were \
         relieved, although several of them wondered aloud whether the money would last \
         until the end of the project and what would happen to the fishing boats.</p>\
         </article><footer>Scroll to Top</footer></body></html>"
    )
}
