//! `gleaner import FILE.jsonl`: documents exported by `gleaner export --format jsonl`
//! into a store (another machine's, another version's), deduplicated by hash as usual.
//! Streamed line by line: a file of any size in constant memory.

use super::{Error, Progress};
use crate::export::parse_line;
use crate::store::open::open_arg;
use crate::store::{NearConfig, PutOutcome, StoreError};
use std::io::BufRead;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct ImportArgs {
    /// A JSON lines file, or `-` for stdin.
    pub file: PathBuf,
    pub store: PathBuf,
    pub near: NearConfig,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSummary {
    pub lines: u64,
    pub new_documents: u64,
    pub duplicates: u64,
    /// Lines that are not exported documents (each reported with its line number).
    pub failed: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} lines: {} new documents, {} duplicates, {} failed, in {:.2}s",
            self.lines,
            self.new_documents,
            self.duplicates,
            self.failed,
            self.elapsed.as_secs_f64()
        )
    }
}

const FLUSH_EVERY: u64 = 256;

pub fn import(args: &ImportArgs, progress: &dyn Progress) -> Result<ImportSummary, Error> {
    let started = Instant::now();
    let store = open_arg(&args.store, args.near)?;
    let input: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.file).map_err(|source| Error::Input {
            path: args.file.clone(),
            source,
        })?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut summary = ImportSummary::default();
    progress.start(None);
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|source| Error::Input {
            path: args.file.clone(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        progress.advance();
        summary.lines += 1;
        let at = format!("{} line {}", args.file.display(), n.saturating_add(1));
        let doc = match parse_line(&line) {
            Ok(doc) => doc,
            Err(reason) => {
                summary.failed += 1;
                tracing::warn!("skipped {at}: {reason}");
                continue;
            }
        };
        match store.import(&doc) {
            Ok(PutOutcome::Duplicate { .. }) => summary.duplicates += 1,
            Ok(_) => summary.new_documents += 1,
            Err(StoreError::EmptyDocument) => {
                summary.failed += 1;
                tracing::warn!("skipped {at}: no text");
            }
            Err(e) => return Err(e.into()),
        }
        if summary.lines % FLUSH_EVERY == 0 {
            store.flush()?;
        }
    }
    progress.finish();
    store.flush()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
