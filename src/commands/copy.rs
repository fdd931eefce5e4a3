//! `gleaner store copy`: every document of one store, with its sources and the raw
//! pages they name, into another (sled to PostgreSQL or back), streamed; then the crawl
//! state that makes the next crawl incremental: each URL's state (validators, versions,
//! links), each site's epoch, and the run records. Documents go in as `import` takes
//! them (deduplicated by hash) and URL states only where the destination has none, so
//! a copy that was stopped is finished by running it again. The frontier is not
//! copied: the next `gleaner run` starts each site's next epoch.

use super::{Error, Progress};
use crate::store::open::{open, Location, Options};
use crate::store::PutOutcome;
use std::time::{Duration, Instant};

pub struct CopyArgs {
    pub from: Location,
    pub to: Location,
    /// Options for both ends (passwords from the environment).
    pub options: Options,
}

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopySummary {
    pub documents: u64,
    /// Documents the destination did not have.
    pub copied: u64,
    /// Documents it had (a copy run again), whose sources were merged.
    pub already: u64,
    pub raw_pages: u64,
    /// Raw pages a source names that the origin does not hold.
    pub raws_missing: u64,
    /// URL states copied (those the destination did not know).
    pub url_states: u64,
    pub runs: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for CopySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents: {} copied, {} already there; {} raw pages ({} missing at the \
             origin); {} URL states, {} runs, in {:.2}s",
            self.documents,
            self.copied,
            self.already,
            self.raw_pages,
            self.raws_missing,
            self.url_states,
            self.runs,
            self.elapsed.as_secs_f64()
        )
    }
}

pub fn copy(args: &CopyArgs, progress: &dyn Progress) -> Result<CopySummary, Error> {
    let started = Instant::now();
    if args.from == args.to {
        return Err(Error::Usage(format!(
            "--from and --to are the same store ({})",
            args.from.shown()
        )));
    }
    let from = open(&args.from, &args.options)?;
    let to = open(&args.to, &args.options)?;
    let mut summary = CopySummary::default();
    progress.start(Some(from.stats()?.documents));
    for doc in from.documents() {
        let doc = doc?;
        // Raw pages first: a document is never there without the pages it names.
        for source in &doc.sources {
            match from.raw(&source.raw_hash)? {
                Some(raw) => {
                    to.put_raw(&raw)?;
                    summary.raw_pages += 1;
                }
                None => summary.raws_missing += 1,
            }
        }
        match to.import(&doc)? {
            PutOutcome::New { .. } => summary.copied += 1,
            _ => summary.already += 1,
        }
        summary.documents += 1;
        progress.advance();
    }
    for (site, epoch) in from.site_epochs()? {
        to.import_site_epoch(&site, epoch)?;
    }
    for item in from.url_states() {
        let (url, state) = item?;
        summary.url_states += u64::from(to.import_url_state(&url, &state)?);
    }
    let known: std::collections::BTreeSet<u64> = to.runs()?.iter().map(|r| r.id).collect();
    for run in from.runs()? {
        if !known.contains(&run.id) {
            to.save_run(&run)?;
            summary.runs += 1;
        }
    }
    to.flush()?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
}
