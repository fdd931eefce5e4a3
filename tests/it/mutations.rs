//! Every development-set page (both sets), cleaned after random mutations of its head
//! and attributes: injected and altered `<meta>` dates, JSON-LD (dates, authors,
//! headlines, `@graph`s), canonical links, `<time>` elements, `<html lang>`, bylines,
//! titles, and class/id/style/href values holding multi-byte characters at awkward byte
//! offsets, invisible and combining characters, and bytes that are not UTF-8; the page
//! URL given as a hint is mutated likewise. What metadata extraction and the
//! extractor's attribute handling meet on the web, at scale, on every CI run.
//!
//! No page may panic or take longer than [`HANG`]. Panics are caught per page and
//! reported together, grouped by where they happened, so one run shows a whole class
//! of bug; each failing input is written to `$CARGO_TARGET_TMPDIR/mutations/` to be
//! replayed. The mutations are drawn from a seeded RNG (`GLEANER_MUTATION_SEED`
//! overrides the seed, `GLEANER_MUTATION_VARIANTS` the number of mutated copies per
//! page), so a run is reproducible. The generators are in `mutate` (the values) and
//! `mutant` (the edits to a page and the seeding).

use crate::devset::{clean_caught, pages, run_watched, Outcome, Page, HANG};
use crate::mutant::{mutant, seed};
use gleaner::{Cleaner, Hints};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

/// Mutated copies of each page: 5,961 cleans of real pages, about 75 s of CPU in
/// release mode (40 s on two idle cores), finding each class of slicing bug on dozens
/// of pages.
const VARIANTS: u64 = 3;

fn variants() -> u64 {
    std::env::var("GLEANER_MUTATION_VARIANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(VARIANTS)
}

struct Failure {
    page: String,
    variant: u64,
    /// `file:line:col: message`, or why it counts as a hang.
    what: String,
    /// Where `what` happened: the panic location, or "hang".
    site: String,
    input: PathBuf,
    url: Option<String>,
    done: Vec<String>,
}

fn failure_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutations");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

#[test]
fn mutated_dev_pages_clean_without_panic_in_bounded_time() {
    let Some(pages) = pages("mutations") else {
        return;
    };
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    let (seed, variants) = (seed(), variants());
    let results = run_watched(&pages, Page::name, |page| {
        let html = page.html();
        let mut failures = Vec::new();
        for variant in 0..variants {
            let mt = mutant(page, &html, variant);
            let mut hints = Hints::default();
            if let Some(u) = &mt.url {
                hints = hints.with_url(u);
            }
            let (what, site) = match clean_caught(&cleaner, &mt.html, &hints) {
                Outcome::Panicked(p) => {
                    // `file:line:col: message`: the site is the location.
                    let site = p.split(": ").next().unwrap_or_default().to_string();
                    (format!("panicked at {p}"), site)
                }
                Outcome::Cleaned { took, .. } | Outcome::Failed(_, took) if took >= HANG => {
                    (format!("took {took:?}"), "hang".to_string())
                }
                // A typed error (the mutations can make a page look binary) is an
                // answer, not a crash.
                Outcome::Cleaned { .. } | Outcome::Failed(..) => continue,
            };
            let name = page.name().replace('/', "-");
            let input = failure_dir().join(format!("{name}-v{variant}.html"));
            let _ = std::fs::write(&input, &mt.html);
            failures.push(Failure {
                page: page.name(),
                variant,
                what,
                site,
                input,
                url: mt.url,
                done: mt.done,
            });
        }
        failures
    });
    let failures: Vec<Failure> = results.into_iter().flatten().collect();
    let cleaned = pages.len() as u64 * variants;
    eprintln!(
        "mutations: {cleaned} mutated pages ({} pages x {variants}, seed {seed}), {} failed",
        pages.len(),
        failures.len()
    );
    if failures.is_empty() {
        return;
    }
    let mut by_site: BTreeMap<&str, Vec<&Failure>> = BTreeMap::new();
    for f in &failures {
        by_site.entry(&f.site).or_default().push(f);
    }
    let mut report = format!(
        "{} of {cleaned} mutated dev pages failed (seed {seed}), at {} distinct places:\n",
        failures.len(),
        by_site.len()
    );
    for (site, fs) in &by_site {
        let _ = writeln!(
            report,
            "  {site}: {} pages, e.g. {} v{}: {}",
            fs.len(),
            fs[0].page,
            fs[0].variant,
            fs[0].what
        );
    }
    let _ = writeln!(
        report,
        "\nEvery failure (the mutated page is saved at the path given; replay it with the URL shown):"
    );
    for f in &failures {
        let _ = writeln!(
            report,
            "  {} v{} [url {:?}] {}\n      input {}\n      mutations: {}",
            f.page,
            f.variant,
            f.url,
            f.what,
            f.input.display(),
            f.done.join("; ")
        );
    }
    panic!("{report}");
}
