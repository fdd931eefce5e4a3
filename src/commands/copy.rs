//! `gleaner store copy`: every document of one store, with its sources and the raw
//! pages they name, into another (sled to PostgreSQL or back), streamed. Documents go
//! in as `import` takes them (deduplicated by hash), so a copy that was stopped is
//! finished by running it again: what is there already comes out as a duplicate.

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
    pub elapsed: Duration,
}

impl std::fmt::Display for CopySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents: {} copied, {} already there; {} raw pages ({} missing at the origin), in {:.2}s",
            self.documents,
            self.copied,
            self.already,
            self.raw_pages,
            self.raws_missing,
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
    to.flush()?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
}
