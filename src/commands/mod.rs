//! What each CLI command does, as library calls: the binary only parses arguments,
//! sets up logging and a progress bar, and maps [`Error`] to an exit code.

mod clean;
mod copy;
mod explain;
mod import;
mod inspect;
mod reclean;
mod run;

pub use clean::{clean, CleanArgs, Naming};
pub use copy::{copy, CopyArgs, CopySummary};
pub use explain::{explain, html_page, listing, write_html, ExplainArgs};
pub use import::{import, ImportArgs, ImportSummary};
pub use inspect::{describe, describe_run, describe_stats, show, stats, unpark, ParkedUrl, Stats};
pub use reclean::{reclean, RecleanArgs, RecleanSummary};
pub use run::{run, RunSummary};

use crate::config::ConfigError;
use crate::export::ExportError;
use crate::pipeline::{Cleaned, Summary};
use crate::store::{NewDocument, PutOutcome, SourceRef, Store, StoreError};
use gleaner_clean::ConfigError as CleanConfigError;
use std::path::PathBuf;

/// Exit codes, as documented in the README.
pub mod exit {
    /// Every input was processed.
    pub const OK: i32 = 0;
    /// Some inputs failed (each was reported), or an output could not be written.
    pub const FAILURES: i32 = 1;
    /// Bad arguments or config.
    pub const USAGE: i32 = 2;
    /// The store is in use by another gleaner process.
    pub const LOCKED: i32 = 3;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cleaning config: {0}")]
    Clean(#[from] CleanConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("crawl: {0}")]
    Crawl(String),
    #[error("cannot read {path}: {source}")]
    Input {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) | Error::Clean(_) => exit::USAGE,
            Error::Store(StoreError::Locked { .. }) => exit::LOCKED,
            Error::Export(ExportError::Store(StoreError::Locked { .. })) => exit::LOCKED,
            _ => exit::FAILURES,
        }
    }
}

/// Told about each finished input; the binary draws a progress bar with it.
pub trait Progress: Sync {
    /// `total` inputs are coming; `None` when that is not known in advance (a crawl).
    fn start(&self, total: Option<u64>);
    fn advance(&self);
    fn finish(&self);
}

/// No progress display (stderr is not a terminal, or a library caller).
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: Option<u64>) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Puts cleaned pages in the store, committing to disk in groups: a flush per put would
/// cap a batch at the disk's fsync rate, so puts are made durable every
/// [`FLUSH_EVERY`] documents and at the end. A kill loses at most that last group, which
/// the next run stores again; it never leaves a torn record.
struct StoreWriter<'a> {
    store: &'a dyn Store,
    unflushed: usize,
}

const FLUSH_EVERY: usize = 256;

impl<'a> StoreWriter<'a> {
    fn new(store: &'a dyn Store) -> Self {
        StoreWriter {
            store,
            unflushed: 0,
        }
    }

    /// Stores one page and counts what happened. Empty documents (pages that were all
    /// furniture) and soft 404s are counted by [`tally`], not stored.
    fn put(
        &mut self,
        cleaned: &Cleaned,
        summary: &mut Summary,
    ) -> Result<Option<PutOutcome>, StoreError> {
        if cleaned.document.is_empty() || cleaned.document.metadata.soft_404 {
            return Ok(None);
        }
        let outcome = self.store.put(NewDocument {
            document: &cleaned.document,
            source: SourceRef {
                locator: cleaned.input.locator(),
                seen_at: cleaned.input.fetched_at.unwrap_or_else(chrono::Utc::now),
                http: cleaned.input.http.clone(),
            },
            raw: &cleaned.raw,
            cleaner_version: gleaner_clean::CLEANER_VERSION,
        })?;
        match &outcome {
            PutOutcome::New {
                near_duplicate_of, ..
            } => {
                summary.new_documents += 1;
                summary.near_duplicates += u64::from(near_duplicate_of.is_some());
            }
            PutOutcome::Duplicate { .. } => summary.duplicates += 1,
            PutOutcome::NearDuplicate { .. } => summary.near_duplicates += 1,
        }
        self.unflushed += 1;
        if self.unflushed >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(Some(outcome))
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.store.flush()?;
        self.unflushed = 0;
        Ok(())
    }
}

/// Counts a cleaned page and reports a failed one; returns the cleaned page, if any.
fn tally(outcome: crate::pipeline::Outcome, summary: &mut Summary) -> Option<Box<Cleaned>> {
    match outcome {
        crate::pipeline::Outcome::Skipped(label) => {
            *summary.skipped.entry(label.to_string()).or_default() += 1;
            None
        }
        crate::pipeline::Outcome::Cleaned(c) => {
            summary.inputs += 1;
            summary.cleaned += 1;
            if c.document.metadata.soft_404 {
                summary.soft_404 += 1;
                tracing::info!("not stored {}: soft 404", c.input.locator());
            } else if c.document.is_empty() {
                summary.empty += 1;
            }
            Some(c)
        }
        crate::pipeline::Outcome::Failed {
            locator,
            reason,
            internal,
            ..
        } => {
            summary.inputs += 1;
            summary.failures += 1;
            if internal {
                summary.internal_errors += 1;
                tracing::error!("skipped {locator}: {reason}");
            } else {
                tracing::warn!("skipped {locator}: {reason}");
            }
            None
        }
    }
}
