//! Every development-set page through the cleaner: no panic, no error on real HTML, and
//! no page taking unreasonably long (a hang guard, not a speed measurement: speed is
//! measured by the benchmark). Runs where `../shared/devset` sits beside the repo, as on
//! developer machines and CI.

use gleaner::{Cleaner, Hints};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

const DEVSET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/devset/wcxb/dev/html"
);

/// Far above any real page (a few ms); only a runaway pass would come near it.
const HANG: Duration = Duration::from_secs(5);

#[test]
fn every_dev_page_cleans_without_panic_in_bounded_time() {
    let dir = Path::new(DEVSET);
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipped: no development set at {DEVSET}");
        return;
    };
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    let (mut pages, mut empty) = (0, 0);
    for path in &paths {
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
            .read_to_end(&mut html)
            .unwrap();
        let started = Instant::now();
        let doc = cleaner
            .clean(&html, &Hints::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let took = started.elapsed();
        assert!(took < HANG, "{}: {took:?}", path.display());
        pages += 1;
        empty += usize::from(doc.is_empty());
    }
    assert!(pages >= 1000, "{pages} pages");
    // Some pages are rendered by JavaScript and hold no text; most must not come out empty.
    assert!(
        empty * 20 < pages,
        "{empty} of {pages} pages came out empty"
    );
}
