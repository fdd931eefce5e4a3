//! `gleaner run`: the main job. Every source in the config into the store, recorded as
//! a run (`gleaner runs` lists them).

use super::{tally, Error, Progress, StoreWriter};
use crate::config::LoadedConfig;
use crate::pipeline::{self, Batch, Summary};
use crate::sources::files;
use crate::sources::web::{self, CrawlCounts, CrawlError, Role};
use crate::store::crawl::{RunRecord, RunStatus};
use crate::store::{Backend, Store};
use gleaner_clean::Cleaner;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one run did: files cleaned, pages crawled.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub id: u64,
    /// The worker (host:pid) of a `gleaner run --worker`.
    pub worker: Option<String>,
    pub files: Summary,
    pub web: CrawlCounts,
    pub elapsed: Duration,
    /// The share of visited URLs that failed is over the configured threshold.
    pub over_threshold: bool,
}

impl RunSummary {
    /// Every count by name, as stored in the run record and logged.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let f = &self.files;
        let w = &self.web;
        [
            ("files", f.inputs),
            ("files_cleaned", f.cleaned),
            ("files_empty", f.empty),
            ("files_soft_404", f.soft_404),
            ("files_failed", f.failures),
            ("files_internal_errors", f.internal_errors),
            ("archive_records_skipped", f.skipped_total()),
            ("fetched", w.fetched),
            ("unchanged", w.unchanged),
            ("new_documents", f.new_documents + w.new_documents),
            ("new_versions", w.new_versions),
            ("duplicates", f.duplicates + w.duplicates),
            ("near_duplicates", f.near_duplicates + w.near_duplicates),
            ("empty", w.empty),
            ("robots_skipped", w.robots_skipped),
            ("not_stored", w.not_stored_total()),
            ("gone", w.gone),
            ("failed", w.failed),
            ("parked", w.parked),
            ("sitemaps", w.sitemaps),
            ("feeds", w.feeds),
            ("requests", w.requests),
            ("retries", w.retries),
            ("bytes", w.bytes),
            ("links_beyond_depth", w.beyond_depth),
            ("links_not_pages", w.not_pages),
            ("frontier_left", w.left),
            ("left_page_budget", w.left_page_budget),
            ("left_time_budget", w.left_time_budget),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain(
            w.not_stored
                .iter()
                .map(|(reason, n)| (format!("not_stored_{}", reason.key()), *n)),
        )
        .collect()
    }

    /// Failures worth exit code 1: a file that could not be read, or more failed URLs
    /// than the threshold allows.
    pub fn failed(&self) -> bool {
        self.files.failures > 0 || self.over_threshold
    }
}

impl std::fmt::Display for RunSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = &self.web;
        let elapsed = self.elapsed.as_secs_f64();
        match &self.worker {
            Some(w) => writeln!(f, "run {} (worker {w}) finished in {elapsed:.2}s", self.id)?,
            None => writeln!(f, "run {} finished in {elapsed:.2}s", self.id)?,
        }
        if self.files.inputs > 0 {
            writeln!(f, "files: {}", self.files)?;
        }
        if w.requests > 0 || w.left > 0 {
            let not_stored = if w.not_stored.is_empty() {
                String::new()
            } else {
                let by: Vec<String> = w
                    .not_stored
                    .iter()
                    .map(|(r, n)| format!("{} {n}", r.label()))
                    .collect();
                format!(" ({})", by.join(", "))
            };
            writeln!(
                f,
                "web: {} fetched, {} unchanged (304), {} new documents, {} new versions, {} duplicates, {} near-duplicates, \
                 {} empty, {} not stored{not_stored}, {} gone, {} skipped by robots.txt, {} failed, {} parked",
                w.fetched, w.unchanged, w.new_documents, w.new_versions, w.duplicates, w.near_duplicates, w.empty,
                w.not_stored_total(), w.gone, w.robots_skipped, w.failed, w.parked
            )?;
            writeln!(
                f,
                "web: {} requests ({} retries), {} bytes, {} sitemaps, {} feeds; links not followed: \
                 {} past max_depth, {} to non-page resources",
                w.requests, w.retries, w.bytes, w.sitemaps, w.feeds, w.beyond_depth, w.not_pages,
            )?;
            let other = w
                .left
                .saturating_sub(w.left_page_budget + w.left_time_budget);
            writeln!(
                f,
                "web: {} URLs left for the next run ({} page budget, {} time budget{}){}",
                w.left,
                w.left_page_budget,
                w.left_time_budget,
                if other > 0 {
                    format!(", {other} of sites not in the config")
                } else {
                    String::new()
                },
                if w.stopped_by_budget {
                    "; time budget reached"
                } else {
                    ""
                }
            )?;
            if !w.errors.is_empty() {
                writeln!(f, "web errors: {}", list(&w.errors))?;
            }
        }
        Ok(())
    }
}

/// "a 2, b 1": counts by name, for the summary.
fn list(counts: &BTreeMap<String, u64>) -> String {
    let items: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    items.join(", ")
}

/// Runs every source of the config into its store. As [`Role::Coordinator`] (`gleaner
/// run`), the one process that starts runs and epochs; as [`Role::Worker`] (`gleaner run
/// --worker`, on a shared store), one of many crawling the frontier a coordinator
/// seeded, until it is empty or the time budget ends: no files, and a run record of
/// its own.
pub fn run(
    config: &LoadedConfig,
    jobs: usize,
    role: Role,
    progress: &dyn Progress,
) -> Result<RunSummary, Error> {
    let started = Instant::now();
    let cfg = &config.config;
    let cleaner = Cleaner::new(&cfg.clean)?;
    let store = cfg.store.open()?;
    let (mut record, result) = match role {
        Role::Worker => {
            if !store.is_shared() {
                return Err(Error::Usage(
                    "--worker needs a store other processes share: [store] backend = \
                     \"postgres\""
                        .into(),
                ));
            }
            let record = store.start_worker_run(chrono::Utc::now())?;
            (record, run_web(config, store.clone(), jobs, role, progress))
        }
        Role::Coordinator => {
            // One coordinator per store: on sled, holding the store is that; on
            // PostgreSQL, an advisory lock, while any number of workers crawl beside it.
            store.lock_coordinator()?;
            let now = chrono::Utc::now();
            let id = store.start_run(now)?;
            let record = RunRecord::running(id, now, None);
            (
                record,
                run_sources(config, &cleaner, store.clone(), jobs, progress),
            )
        }
    };
    record.finished = Some(chrono::Utc::now());
    record.elapsed_secs = started.elapsed().as_secs_f64();
    record.status = match &result {
        Ok(s) if s.web.stopped_by_budget => RunStatus::TimeBudget,
        Ok(_) => RunStatus::Finished,
        Err(_) => RunStatus::Failed,
    };
    if let Ok(s) = &result {
        record.counts = s.counts();
        record.errors = s.web.errors.clone();
    }
    store.save_run(&record)?;
    store.flush()?;
    let mut summary = result?;
    summary.id = record.id;
    summary.worker = record.worker;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn run_sources(
    config: &LoadedConfig,
    cleaner: &Cleaner,
    store: Arc<dyn Backend>,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<RunSummary, Error> {
    let files = run_files(config, cleaner, store.as_ref(), jobs, progress)?;
    let mut summary = run_web(config, store, jobs, Role::Coordinator, progress)?;
    summary.files = files;
    Ok(summary)
}

/// The web sources, crawled in `role`.
fn run_web(
    config: &LoadedConfig,
    store: Arc<dyn Backend>,
    jobs: usize,
    role: Role,
    progress: &dyn Progress,
) -> Result<RunSummary, Error> {
    let cfg = &config.config;
    let mut summary = RunSummary::default();
    if !cfg.sources.web.is_empty() {
        let threads = if jobs == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            jobs
        };
        progress.start(None);
        // The crawl ticks a counter; a scoped thread moves the bar (which lives here).
        let visited = Arc::new(AtomicU64::new(0));
        let tick = visited.clone();
        let done = AtomicBool::new(false);
        let backend: Arc<dyn Backend> = store;
        let web = std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut shown = 0;
                while !done.load(Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let now = visited.load(Relaxed);
                    (shown..now).for_each(|_| progress.advance());
                    shown = now;
                }
            });
            // The ticker must stop however the crawl ends, a panic included: the scope
            // waits for it before it returns (or unwinds).
            struct Stop<'a>(&'a AtomicBool);
            impl Drop for Stop<'_> {
                fn drop(&mut self) {
                    self.0.store(true, Relaxed);
                }
            }
            let _stop = Stop(&done);
            web::crawl(
                &cfg.sources.web,
                &cfg.fetch,
                &cfg.clean,
                backend,
                threads,
                role,
                Box::new(move || {
                    tick.fetch_add(1, Relaxed);
                }),
            )
        })
        .map_err(|e| match e {
            CrawlError::Store(s) => Error::Store(s),
            other => Error::Crawl(other.to_string()),
        })?;
        progress.finish();
        let visited = web.visited();
        summary.over_threshold =
            visited > 0 && web.failed as f64 > cfg.fetch.failure_threshold * visited as f64;
        summary.web = web;
    }
    Ok(summary)
}

fn run_files(
    config: &LoadedConfig,
    cleaner: &Cleaner,
    store: &dyn Store,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Summary, Error> {
    let started = Instant::now();
    let cfg = &config.config;
    let mut batch = Batch::default();
    let mut summary = Summary::default();
    for source in &cfg.sources.files {
        let found = files::discover(&source.paths);
        tracing::info!(
            source = %source.name,
            inputs = found.inputs.len(),
            archives = found.archives.len(),
            "discovered"
        );
        batch.files.extend(found.inputs);
        batch.archives.extend(found.archives);
        batch.errors.extend(found.errors);
    }
    for source in &cfg.sources.warc {
        // A file named in a WARC source is read as WARC whatever its name; directories
        // give their WARC files.
        let (named, dirs): (Vec<_>, Vec<_>) =
            source.paths.iter().cloned().partition(|p| p.is_file());
        let found = files::discover(&dirs);
        tracing::info!(
            source = %source.name,
            archives = named.len() + found.archives.len(),
            "discovered"
        );
        batch.archives.extend(named);
        batch.archives.extend(found.archives);
        batch.errors.extend(found.errors);
    }
    if batch.is_empty() {
        return Ok(summary);
    }
    let opts = pipeline::Options {
        jobs,
        templates: cfg.clean.text.templates,
        max_input_bytes: cfg.clean.max_input_bytes as u64,
    };
    let total = batch
        .archives
        .is_empty()
        .then_some(batch.known_inputs() as u64);
    let mut writer = StoreWriter::new(store);
    progress.start(total);
    let result = pipeline::run(batch, cleaner, &opts, |outcome| -> Result<(), Error> {
        progress.advance();
        if let Some(cleaned) = tally(outcome, &mut summary) {
            writer.put(&cleaned, &mut summary)?;
        }
        Ok(())
    });
    progress.finish();
    writer.flush()?;
    result?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
