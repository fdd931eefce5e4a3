//! The batch pipeline: sources (files, WARC archives) → (site templates) → clean, in
//! parallel, in bounded chunks, handing each outcome in input order to a sink on the
//! calling thread.
//!
//! Outcomes arrive in input order whatever the thread count, so a store fed from here
//! assigns the same sequence numbers on one core or many. A source that runs on its own
//! schedule (the crawler) feeds the same cleaning through [`feed`].

pub mod feed;

use crate::sources::files::Found;
use crate::sources::warc::WarcPages;
use crate::sources::{Input, Item, SourceError};
use gleaner_clean::{sniff, CleanError, Cleaner, Document, Hints, InputKind, SNIFF_BYTES};
use gleaner_clean::{Template, TemplateLearner};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Inputs cleaned per parallel round, per worker thread. Bounds memory to a few times
/// this many raw pages and documents in flight per thread, while keeping every thread
/// busy.
const CHUNK_PER_THREAD: usize = 32;

#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Learn site templates per group before cleaning.
    pub templates: bool,
    /// Files larger than this are refused unread.
    pub max_input_bytes: u64,
}

/// A page that was read and cleaned.
#[derive(Debug)]
pub struct Cleaned {
    pub input: Input,
    pub raw: Arc<Vec<u8>>,
    pub document: Document,
}

/// What became of one input.
#[derive(Debug)]
pub enum Outcome {
    Cleaned(Box<Cleaned>),
    /// A record that holds no page (a WARC request, a redirect), by its label.
    Skipped(&'static str),
    /// Unreadable, binary, empty or oversized, or the cleaner failed on it: the locator
    /// and the reason.
    Failed {
        locator: String,
        reason: String,
        /// The cleaner panicked: a bug, counted apart from bad inputs.
        internal: bool,
        /// The cleaner refused it as empty or binary: not a page, rather than a page
        /// that failed (a crawl records it so, and does not retry it).
        not_a_page: bool,
    },
}

/// Why a page gave no document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CleanFailure {
    /// The input is not a page (empty, binary, oversized).
    #[error(transparent)]
    Refused(#[from] CleanError),
    /// The cleaner panicked on it. A bug; contained so that one page can't take a batch
    /// or a crawl down.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What the pipeline asks of a cleaner: [`Cleaner`] itself, or a stand-in (the tests
/// use one that panics on a marked page, to show the panic stays that page's).
pub trait PageCleaner: Send + Sync {
    fn clean(&self, bytes: &[u8], hints: &Hints) -> Result<Document, CleanError>;
    /// The lines a page contributes to site-template learning.
    fn template_lines(&self, bytes: &[u8], hints: &Hints) -> Result<String, CleanError>;
}

impl PageCleaner for Cleaner {
    fn clean(&self, bytes: &[u8], hints: &Hints) -> Result<Document, CleanError> {
        Cleaner::clean(self, bytes, hints)
    }
    fn template_lines(&self, bytes: &[u8], hints: &Hints) -> Result<String, CleanError> {
        Cleaner::template_lines(self, bytes, hints)
    }
}

/// Cleans one page, containing a panic as that page's failure. Every caller that
/// cleans many pages in one process (batches, the crawler) goes through here.
pub fn clean_contained(
    cleaner: &dyn PageCleaner,
    bytes: &[u8],
    hints: &Hints,
) -> Result<Document, CleanFailure> {
    contain(|| cleaner.clean(bytes, hints))?.map_err(CleanFailure::Refused)
}

/// Runs `f`, turning a panic into [`CleanFailure::Internal`] with the panic's message.
pub fn contain<T>(f: impl FnOnce() -> T) -> Result<T, CleanFailure> {
    // Nothing `f` touches outlives the call but the cleaner, which holds no state a
    // half-finished call could leave inconsistent: it is only read.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|payload| CleanFailure::Internal(panic_message(payload.as_ref())))
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// What a batch command cleans.
#[derive(Debug, Default)]
pub struct Batch {
    /// Files and stdin: read by the workers; text dumps among them share site templates.
    pub files: Vec<Input>,
    /// WARC files: read record by record on the calling thread, a chunk at a time.
    pub archives: Vec<PathBuf>,
    /// Paths that could not be listed: reported first, as failures.
    pub errors: Vec<SourceError>,
}

impl From<Found> for Batch {
    fn from(found: Found) -> Batch {
        Batch {
            files: found.inputs,
            archives: found.archives,
            errors: found.errors,
        }
    }
}

impl Batch {
    /// Inputs known before reading: files and listing errors (an archive's records are
    /// counted as they come).
    pub fn known_inputs(&self) -> usize {
        self.files.len().saturating_add(self.errors.len())
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.archives.is_empty() && self.errors.is_empty()
    }
}

/// Cleans `batch` and passes each outcome, in input order, to `sink`. Stops at the
/// first error the sink returns (an output or store failure), after which nothing more
/// is read. Memory is bounded by a few chunks, whatever the archives hold.
pub fn run<E>(
    batch: Batch,
    cleaner: &dyn PageCleaner,
    opts: &Options,
    mut sink: impl FnMut(Outcome) -> Result<(), E>,
) -> Result<(), E> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .thread_name(|i| format!("gleaner-clean-{i}"))
        .build()
        .expect("a thread pool with a fixed size can always be built");
    let templates = if opts.templates {
        pool.install(|| learn_templates(&batch.files, cleaner, opts.max_input_bytes))
    } else {
        HashMap::new()
    };
    let items = batch
        .errors
        .into_iter()
        .map(Item::Failed)
        .chain(batch.files.into_iter().map(Item::Page))
        .chain(WarcPages::new(batch.archives, opts.max_input_bytes));
    let chunk_len = CHUNK_PER_THREAD.saturating_mul(pool.current_num_threads());
    if pool.current_num_threads() <= 1 {
        // One thread means one: `--jobs 1` is what single-core comparisons measure.
        let mut items = items;
        loop {
            let chunk: Vec<Item> = items.by_ref().take(chunk_len).collect();
            if chunk.is_empty() {
                return Ok(());
            }
            for outcome in pool.install(|| clean_chunk(chunk, cleaner, &templates, opts)) {
                sink(outcome)?;
            }
        }
    }
    // Three stages, each a chunk ahead of the next through a channel of one chunk:
    // reading (an archive's decompression and parsing) on its own thread, cleaning on
    // the pool, storing here. Memory stays bounded by a few chunks whatever the batch.
    std::thread::scope(|scope| {
        let (chunks, to_clean) = std::sync::mpsc::sync_channel::<Vec<Item>>(1);
        scope.spawn(move || {
            let mut items = items;
            loop {
                let chunk: Vec<Item> = items.by_ref().take(chunk_len).collect();
                // A closed channel: the sink failed and the batch is over.
                if chunk.is_empty() || chunks.send(chunk).is_err() {
                    return;
                }
            }
        });
        let (cleaned, to_store) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(1);
        let (pool, templates) = (&pool, &templates);
        scope.spawn(move || {
            for chunk in to_clean {
                let outcomes = pool.install(|| clean_chunk(chunk, cleaner, templates, opts));
                if cleaned.send(outcomes).is_err() {
                    return;
                }
            }
        });
        for outcomes in to_store {
            for outcome in outcomes {
                sink(outcome)?;
            }
        }
        Ok(())
    })
}

fn clean_chunk(
    chunk: Vec<Item>,
    cleaner: &dyn PageCleaner,
    templates: &HashMap<String, Template>,
    opts: &Options,
) -> Vec<Outcome> {
    chunk
        .into_par_iter()
        .map(|item| match item {
            Item::Page(input) => {
                let template = templates.get(&input.group);
                clean_one(input, cleaner, template, opts)
            }
            Item::Skipped(label) => Outcome::Skipped(label),
            Item::Failed(e) => Outcome::Failed {
                locator: e.locator(),
                reason: e.reason(),
                internal: false,
                not_a_page: false,
            },
        })
        .collect()
}

fn clean_one(
    input: Input,
    cleaner: &dyn PageCleaner,
    template: Option<&Template>,
    opts: &Options,
) -> Outcome {
    let raw = match input.read(opts.max_input_bytes) {
        Ok(raw) => raw,
        Err(e) => {
            return Outcome::Failed {
                locator: input.locator(),
                reason: e.reason(),
                internal: false,
                not_a_page: false,
            }
        }
    };
    let mut hints = Hints::default();
    hints.url = input.url.as_deref();
    hints.content_type = input.content_type.as_deref();
    hints.template = template;
    match clean_contained(cleaner, &raw, &hints) {
        Ok(document) => Outcome::Cleaned(Box::new(Cleaned {
            input,
            raw,
            document,
        })),
        Err(e) => Outcome::Failed {
            locator: input.locator(),
            reason: e.to_string(),
            internal: matches!(e, CleanFailure::Internal(_)),
            not_a_page: matches!(
                e,
                CleanFailure::Refused(CleanError::Empty | CleanError::Binary)
            ),
        },
    }
}

/// First pass: per group of at least three text pages, the lines they share. Only text
/// dumps take part; HTML pages lose their furniture by structure instead.
fn learn_templates(
    inputs: &[Input],
    cleaner: &dyn PageCleaner,
    max: u64,
) -> HashMap<String, Template> {
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for input in inputs {
        *sizes.entry(input.group.as_str()).or_default() += 1;
    }
    let mut learners: HashMap<String, TemplateLearner> = HashMap::new();
    for chunk in inputs.chunks(CHUNK_PER_THREAD * rayon::current_num_threads()) {
        // Reading and decoding in parallel; counting lines in order, on this thread.
        let pages: Vec<(&str, String)> = chunk
            .par_iter()
            .filter(|i| sizes[i.group.as_str()] >= 3)
            .filter_map(|input| {
                // Sniffing needs only the start: HTML pages are not read twice.
                let head = input.read_prefix(SNIFF_BYTES).ok()?;
                if sniff(&head, input.content_type.as_deref()) != InputKind::Text {
                    return None;
                }
                let raw = input.read(max).ok()?;
                // A page the cleaner fails on is left out here and reported when it
                // is cleaned.
                let lines = contain(|| cleaner.template_lines(&raw, &Hints::default()))
                    .ok()?
                    .ok()?;
                Some((input.group.as_str(), lines))
            })
            .collect();
        for (group, lines) in pages {
            learners
                .entry(group.to_string())
                .or_default()
                .observe(&lines);
        }
    }
    learners
        .into_iter()
        .map(|(group, learner)| (group, learner.finish()))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// Counts of one command or run, printed at its end and kept for `--log-format json`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub inputs: u64,
    pub cleaned: u64,
    /// Inputs that cleaned to nothing (all furniture).
    pub empty: u64,
    /// Soft 404s: pages that say they were not found. Cleaned, never stored.
    pub soft_404: u64,
    pub new_documents: u64,
    pub duplicates: u64,
    /// Documents whose text is near a stored one's: linked to it, or not stored.
    pub near_duplicates: u64,
    /// Inputs that could not be read or cleaned, `internal_errors` included.
    pub failures: u64,
    /// Inputs the cleaner panicked on: bugs, contained.
    pub internal_errors: u64,
    /// Archive records that hold no page, by kind (`request`, `not_2xx`, …).
    pub skipped: BTreeMap<String, u64>,
    pub elapsed: Duration,
}

impl Summary {
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inputs: {} cleaned ({} empty, {} soft 404), {} new documents, {} duplicates, \
             {} near-duplicates, {} failed",
            self.inputs,
            self.cleaned,
            self.empty,
            self.soft_404,
            self.new_documents,
            self.duplicates,
            self.near_duplicates,
            self.failures,
        )?;
        if self.internal_errors > 0 {
            write!(f, " ({} internal errors)", self.internal_errors)?;
        }
        if !self.skipped.is_empty() {
            let by: Vec<String> = self
                .skipped
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            write!(
                f,
                ", {} archive records skipped ({})",
                self.skipped_total(),
                by.join(", ")
            )?;
        }
        write!(f, ", in {:.2}s", self.elapsed.as_secs_f64())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sources::Location;

    /// A cleaner with a bug: it panics on pages that hold `PANIC-ME`, and cleans the
    /// others as the real one does.
    pub(crate) struct Panicky(pub Cleaner);

    impl PageCleaner for Panicky {
        fn clean(&self, bytes: &[u8], hints: &Hints) -> Result<Document, CleanError> {
            if bytes.windows(8).any(|w| w == b"PANIC-ME") {
                panic!("a bug met on a marked page");
            }
            self.0.clean(bytes, hints)
        }
        fn template_lines(&self, bytes: &[u8], hints: &Hints) -> Result<String, CleanError> {
            self.0.template_lines(bytes, hints)
        }
    }

    /// A text page held in memory.
    pub(crate) fn text_input(name: &str, text: &str) -> Input {
        Input {
            location: Location::Memory {
                name: name.into(),
                bytes: Arc::new(text.as_bytes().to_vec()),
            },
            group: "g".into(),
            url: None,
            content_type: Some("text/plain".into()),
            fetched_at: None,
            http: None,
        }
    }

    /// A panic while cleaning one input is that input's failure, named and marked
    /// internal; the inputs after it are cleaned as usual, in order.
    #[test]
    fn a_panic_fails_its_input_only() {
        let cleaner = Panicky(Cleaner::new(&Default::default()).unwrap());
        let prose = "The council agreed on Tuesday, after a long debate, to repair the \
                     old bridge before winter, and the work starts next month.";
        let inputs = vec![
            text_input("a", prose),
            text_input("b", &format!("{prose} PANIC-ME")),
            text_input("c", prose),
        ];
        let opts = Options {
            jobs: 2,
            templates: true,
            max_input_bytes: 1 << 20,
        };
        let mut seen = Vec::new();
        let batch = Batch {
            files: inputs,
            ..Batch::default()
        };
        run(batch, &cleaner, &opts, |o| -> Result<(), ()> {
            seen.push(o);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert!(matches!(&seen[0], Outcome::Cleaned(c) if c.input.locator() == "a"));
        match &seen[1] {
            Outcome::Failed {
                locator,
                reason,
                internal,
                ..
            } => {
                assert_eq!(locator, "b");
                assert!(*internal);
                assert!(reason.starts_with("internal error: a bug met"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&seen[2], Outcome::Cleaned(c) if c.input.locator() == "c"));
    }
}
