//! `gleaner clean`: files, directories or stdin → clean text on stdout, in files, in a store.

use super::{tally, Error, Progress, StoreWriter};
use crate::export::{self, file_name, write_atomic, Durability, Format};
use crate::pipeline::{self, Batch, Summary};
use crate::sources::files;
use crate::store::open::open_arg;
use crate::store::{content_hash, NearConfig, PutOutcome};
use gleaner_clean::{CleanConfig, Cleaner};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// How output files are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `<input stem>.txt`, e.g. `0042.html` → `0042.txt`.
    Stem,
    /// `NNN_<first 16 hex digits of the content hash>.txt`, like the seeds.
    Hash,
}

pub struct CleanArgs {
    pub paths: Vec<PathBuf>,
    pub store: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
    pub naming: Naming,
    pub format: Format,
    pub jobs: usize,
    pub clean: CleanConfig,
    /// What the store does with near-duplicates (from `[store]` of `--config`).
    pub near: NearConfig,
}

pub fn clean(
    args: &CleanArgs,
    progress: &dyn Progress,
    stdout: &mut dyn Write,
) -> Result<Summary, Error> {
    let started = Instant::now();
    let cleaner = Cleaner::new(&args.clean)?;
    // Open the store before reading anything: a locked store should fail fast.
    let store = args
        .store
        .as_deref()
        .map(|s| open_arg(s, args.near))
        .transpose()?;
    let batch = Batch::from(files::discover(&args.paths));
    let mut summary = Summary::default();
    // One page goes to stdout as it is; many need a place each, or JSON lines.
    let single = batch.files.len() == 1 && batch.archives.is_empty();
    let to_stdout = args.out_dir.is_none() && (single || args.format == Format::Json);
    if args.out_dir.is_none() && args.store.is_none() && !to_stdout && !batch.is_empty() {
        let what = if batch.archives.is_empty() {
            format!("{} inputs", batch.files.len())
        } else {
            format!("{} WARC files", batch.archives.len())
        };
        return Err(Error::Usage(format!(
            "{what}: give --out-dir DIR (one file each), --store DIR, or --format json \
             (JSON lines on stdout)"
        )));
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|source| Error::Output {
            path: dir.clone(),
            source,
        })?;
    }
    let mut writer = store.as_deref().map(|s| StoreWriter::new(s));
    let mut names = Names::default();
    let opts = pipeline::Options {
        jobs: args.jobs,
        templates: args.clean.text.templates,
        max_input_bytes: args.clean.max_input_bytes as u64,
    };
    // An archive's records are only known as they are read.
    let total = batch
        .archives
        .is_empty()
        .then_some(batch.known_inputs() as u64);
    progress.start(total);
    let result = pipeline::run(batch, &cleaner, &opts, |outcome| -> Result<(), Error> {
        progress.advance();
        let Some(cleaned) = tally(outcome, &mut summary) else {
            return Ok(());
        };
        let doc = &cleaned.document;
        let put = match &mut writer {
            Some(w) => w.put(&cleaned, &mut summary)?,
            None => None,
        };
        // Stored documents render with their store fields; the record is only
        // fetched when the output needs it.
        let stored = match (&store, &put, args.format) {
            (Some(s), Some(p), Format::Json) => s.by_seq(p.seq())?,
            _ => None,
        };
        let body = export::render(doc, stored.as_ref(), args.format);
        if let Some(dir) = &args.out_dir {
            let name = match args.naming {
                Naming::Stem => names.unique(&cleaned.input.stem(), args.format.extension()),
                Naming::Hash => {
                    let hash = content_hash(&doc.text());
                    let seq = put
                        .as_ref()
                        .map_or_else(|| names.seq_for(&hash), PutOutcome::seq);
                    file_name(seq, &hash, args.format.extension())
                }
            };
            write_atomic(&dir.join(name), body.as_bytes(), Durability::Renamed)?;
        } else if to_stdout {
            writeln!(stdout, "{body}").map_err(|source| Error::Output {
                path: "<stdout>".into(),
                source,
            })?;
        }
        Ok(())
    });
    progress.finish();
    // Whatever happened, what was reported stored must be on disk before we return.
    if let Some(w) = &mut writer {
        w.flush()?;
    }
    result?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Output names handed out so far in this command.
#[derive(Default)]
struct Names {
    used: HashSet<String>,
    /// Without a store, `--name hash` numbers distinct documents in input order.
    seqs: HashMap<String, u64>,
}

impl Names {
    /// `stem.ext`, or `stem_2.ext`, ... when two inputs in different directories share a stem.
    fn unique(&mut self, stem: &str, ext: &str) -> String {
        let mut name = format!("{stem}.{ext}");
        let mut n = 1;
        while !self.used.insert(name.clone()) {
            n += 1;
            name = format!("{stem}_{n}.{ext}");
        }
        name
    }

    fn seq_for(&mut self, hash: &str) -> u64 {
        let next = self.seqs.len() as u64;
        *self.seqs.entry(hash.to_string()).or_insert(next)
    }
}
