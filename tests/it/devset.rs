//! Every development-set page through the cleaner: no panic, no error on real HTML, and
//! no page taking unreasonably long (a hang guard, not a speed measurement: speed is
//! measured by the benchmark). Both development sets, `wcxb` and `trafilatura`, are read
//! from `../shared/devset` beside the repo, as on developer machines and CI (or from
//! `$GLEANER_DEVSET`); a missing set fails the test, unless `GLEANER_SKIP_DEVSET=1` says
//! to skip it.
//!
//! The helpers here (listing the pages, cleaning with a panic caught and located, the
//! watchdog) are shared with `mutations`.

use gleaner::clean::CleanError;
use gleaner::{Cleaner, Hints};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

const DEVSET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/devset");

/// The development sets: name, directory of gzipped pages under [`DEVSET`], and the
/// fewest pages a complete copy holds.
pub const SETS: [(&str, &str, usize); 2] = [
    ("wcxb", "wcxb/dev/html", 1497),
    ("trafilatura", "trafilatura/html", 490),
];

/// Far above any real page (a few ms); only a runaway pass would come near it.
pub const HANG: Duration = Duration::from_secs(5);

/// A page still being cleaned after this long is taken for an endless loop: the
/// watchdog names it and aborts the test binary, rather than leaving CI hanging.
const ABORT_AFTER: Duration = Duration::from_secs(120);

/// One development-set page.
pub struct Page {
    /// `wcxb` or `trafilatura`.
    pub set: &'static str,
    pub path: PathBuf,
}

impl Page {
    /// `set/file` for reports.
    pub fn name(&self) -> String {
        let file = self.path.file_name().unwrap_or_default().to_string_lossy();
        format!("{}/{}", self.set, file.trim_end_matches(".html.gz"))
    }

    /// The page's HTML, decompressed.
    pub fn html(&self) -> Vec<u8> {
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&self.path).unwrap())
            .read_to_end(&mut html)
            .unwrap_or_else(|e| panic!("{}: {e}", self.path.display()));
        html
    }
}

/// Every page of both development sets, in a fixed order. `None` (after saying so)
/// when `GLEANER_SKIP_DEVSET=1`; otherwise a missing or incomplete set fails the test
/// calling this, with a message saying where the sets are expected.
pub fn pages(test: &str) -> Option<Vec<Page>> {
    if std::env::var("GLEANER_SKIP_DEVSET").is_ok_and(|v| v == "1") {
        eprintln!("{test}: skipped, GLEANER_SKIP_DEVSET=1");
        return None;
    }
    let root =
        std::env::var_os("GLEANER_DEVSET").map_or_else(|| PathBuf::from(DEVSET), PathBuf::from);
    let mut pages = Vec::new();
    for (set, dir, want) in SETS {
        let dir = root.join(dir);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "{test}: the {set} development set is missing: cannot read {}: {e}.\n\
                 The dev sets are expected in ../shared/devset beside the repo (or where \
                 GLEANER_DEVSET points); set GLEANER_SKIP_DEVSET=1 to skip the tests that \
                 need them.",
                dir.display()
            )
        });
        let mut paths: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
            .collect();
        paths.sort();
        assert!(
            paths.len() >= want,
            "{test}: the {set} development set at {} holds {} pages, not {want}: \
             an incomplete copy (set GLEANER_SKIP_DEVSET=1 to skip)",
            dir.display(),
            paths.len()
        );
        pages.extend(paths.into_iter().map(|path| Page { set, path }));
    }
    Some(pages)
}

thread_local! {
    /// Set while a page is cleaned under [`clean_caught`]: the panic hook then records
    /// the panic here instead of printing it.
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records the location and message of a panic on a
/// thread inside [`clean_caught`], and hands every other panic to the previous hook.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let recorded = CAUGHT.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let payload = info.payload();
                        let message = payload
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| payload.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "(no message)".to_string());
                        let at = info
                            .location()
                            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                            .unwrap_or_else(|| "(unknown location)".to_string());
                        *slot = Some(format!("{at}: {message}"));
                        true
                    }
                    None => false,
                }
            });
            if !recorded {
                previous(info);
            }
        }));
    });
}

/// How one clean went.
pub enum Outcome {
    /// A document, empty or not, in that time.
    Cleaned { empty: bool, took: Duration },
    /// A typed error, in that time.
    Failed(CleanError, Duration),
    /// `file:line:col: message` of the panic.
    Panicked(String),
}

/// Cleans one page, catching a panic and recording where it happened and what it said
/// (silently: a run that finds hundreds prints them once, in its report).
pub fn clean_caught(cleaner: &Cleaner, html: &[u8], hints: &Hints) -> Outcome {
    install_hook();
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| cleaner.clean(html, hints)));
    let took = started.elapsed();
    let caught = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    match result {
        Ok(Ok(doc)) => Outcome::Cleaned {
            empty: doc.is_empty(),
            took,
        },
        Ok(Err(e)) => Outcome::Failed(e, took),
        Err(_) => Outcome::Panicked(caught.unwrap_or_else(|| "(panic not recorded)".into())),
    }
}

/// Runs `f` on every item on rayon's threads, with a watchdog naming any item still
/// running after [`ABORT_AFTER`] and aborting the process (an endless loop in the
/// cleaner would otherwise hang the test run with no word of which page).
pub fn run_watched<T: Sync, R: Send>(
    items: &[T],
    name: impl Fn(&T) -> String + Sync,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let running: Arc<Mutex<HashMap<usize, (String, Instant)>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (running, done) = (running.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let map = running.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((page, since)) = map.values().find(|(_, t)| t.elapsed() > ABORT_AFTER) {
                    eprintln!(
                        "{page} has been cleaning for {:?}: an endless loop; aborting",
                        since.elapsed()
                    );
                    std::process::abort();
                }
            }
        })
    };
    let out = items
        .par_iter()
        .enumerate()
        .map(|(i, item)| {
            running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(i, (name(item), Instant::now()));
            let r = f(item);
            running.lock().unwrap_or_else(|e| e.into_inner()).remove(&i);
            r
        })
        .collect();
    done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    out
}

#[test]
fn every_dev_page_cleans_without_panic_in_bounded_time() {
    let Some(pages) = pages("devset") else {
        return;
    };
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    // Per page: None when it cleaned to some text, Some(false) when it came out empty,
    // or the failure.
    let results = run_watched(&pages, Page::name, |page| {
        match clean_caught(&cleaner, &page.html(), &Hints::default()) {
            Outcome::Panicked(p) => Err(format!("panicked at {p}")),
            Outcome::Failed(e, _) => Err(format!("error: {e}")),
            Outcome::Cleaned { took, .. } if took >= HANG => Err(format!("took {took:?}")),
            Outcome::Cleaned { empty, .. } => Ok(empty),
        }
    });
    let mut failures = Vec::new();
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (page, r) in pages.iter().zip(&results) {
        let c = counts.entry(page.set).or_default();
        c.0 += 1;
        match r {
            Ok(empty) => c.1 += usize::from(*empty),
            Err(e) => failures.push(format!("  {}: {e}", page.name())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} dev pages failed:\n{}",
        failures.len(),
        pages.len(),
        failures.join("\n")
    );
    for (set, (n, empty)) in counts {
        eprintln!("devset: {set}: {n} pages, {empty} empty");
        // Some pages are rendered by JavaScript and hold no text; most must not come
        // out empty.
        assert!(empty * 20 < n, "{set}: {empty} of {n} pages came out empty");
    }
}
