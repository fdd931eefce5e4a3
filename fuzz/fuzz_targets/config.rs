//! Config text through gleaner's validation (`gleaner::config::from_text`, the checks
//! `LoadedConfig::load` makes), and, when it validates, the runtime pieces a run builds
//! from it: the cleaner (`Cleaner::new`, once per site with the site's rules, then
//! used on a small page), every duration getter added to the clock (the run's deadline
//! is `now + time_budget`), the backoff arithmetic, the semaphores sized by the
//! concurrency settings, each site's `Scope` and its normalised seeds.
//!
//! Each input is used twice: as TOML text as it is, and as the randomness of a
//! generator that writes a config from the real tables and keys (as `[table]` headers,
//! dotted keys or inline tables), with values usually of the right type but extreme
//! (1e20, 1e300, inf, nan, -0.0, negative, u64::MAX, u32::MAX + 1, a year and a second,
//! 0x hex, 1_000), sometimes of the wrong type, plus unknown keys. The generator is in
//! `common::toml_value` (values) and `common::toml_doc` (tables).
//!
//! Properties: validation returns, never panics; a config it accepts never panics or
//! fails while the run's pieces are built from it.
#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use common::toml_doc::Doc;
use gleaner::config::{from_text, Config};
use gleaner::sources::web::{normalise, Scope, MAX_SECS};
use gleaner_clean::{CleanConfig, Cleaner, Hints};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::time::Instant;

// ---- the run's pieces --------------------------------------------------------------

const PAGE: &[u8] = b"<!doctype html><html lang=en><head><title>A headline | Example</title>\
<meta property=\"article:published_time\" content=\"2024-03-05T10:00:00Z\"></head><body>\
<nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav><article><h1>A headline</h1>\
<p>The first paragraph of the article holds enough words to be prose, and the cleaner keeps \
it as the main content of the page.</p><p>Subscribe to our newsletter</p>\
<p>The second paragraph is here too, so that the article is long enough to be chosen over \
the navigation.</p></article><footer>Copyright 2024</footer></body></html>";

const DUMP: &[u8] = b"Home | News | Sport\nA headline\n\nThe first paragraph of the article \
holds enough words to be prose, and the cleaner keeps it as the main content.\nShare this \
article\nThe second paragraph is here too, with the words a sentence needs to be kept.\n\
Copyright 2024\n";

fn default_cleaner() -> &'static Cleaner {
    static C: OnceLock<Cleaner> = OnceLock::new();
    C.get_or_init(|| Cleaner::new(&CleanConfig::default()).expect("default cleaner"))
}

fn with_cleaner(cfg: &CleanConfig, what: &str, f: impl FnOnce(&Cleaner)) {
    if *cfg == CleanConfig::default() {
        f(default_cleaner());
    } else {
        let c = Cleaner::new(cfg)
            .unwrap_or_else(|e| panic!("a validated config's {what} does not build: {e}"));
        f(&c);
    }
}

fn use_cleaner(c: &Cleaner) {
    let hints = Hints::default().with_url("https://example.org/2024/03/05/a-headline");
    let _ = c.clean(PAGE, &hints);
    let _ = c.clean(DUMP, &Hints::default().with_content_type("text/plain"));
    let _ = c.template_lines(PAGE, &hints);
}

/// What `Host::new`, the deadline, the retry loop and the politeness gate do with the
/// config's numbers.
fn run_pieces(config: &Config) {
    with_cleaner(&config.clean, "[clean]", use_cleaner);
    let f = &config.fetch;
    let now = Instant::now();
    for d in [
        f.connect_timeout(),
        f.response_timeout(),
        f.read_stall(),
        f.backoff_base(),
        f.retry_after_cap(),
        f.time_budget(),
    ] {
        assert!(d.as_secs_f64() <= MAX_SECS, "{d:?} over a year");
        let _ = now + d;
    }
    // The run's deadline and the grace after it.
    let deadline = now + f.time_budget();
    let _ = deadline + Duration::from_secs(5);
    // Backoff: base * 2^(n-1) * [0.5, 1.5), for every attempt allowed.
    for attempt in 1..=f.max_attempts {
        let exp = f
            .backoff_base()
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let secs = exp.as_secs_f64() * 1.5;
        let d = Duration::try_from_secs_f64(secs.min(MAX_SECS)).unwrap_or(Duration::ZERO);
        let _ = now + d;
    }
    let _ = tokio::sync::Semaphore::new(f.concurrency);
    let _ = usize::try_from(f.max_body_bytes);
    let _ = f.max_decompressed_bytes.saturating_mul(4);

    for site in &config.sources.web {
        let mut clean = config.clean.clone();
        clean.rules.extend(site.rules.clone());
        with_cleaner(&clean, "[clean] with a site's rules", |c| {
            let _ = c.clean(PAGE, &Hints::default());
        });
        let scope = Scope::new(site)
            .unwrap_or_else(|e| panic!("a validated site's scope does not build: {e}"));
        let _ = tokio::sync::Semaphore::new(site.concurrency);
        let _ = now + site.delay();
        for u in site.seeds.iter().chain(&site.sitemaps).chain(&site.feeds) {
            if let Some(n) = normalise(u, None, &f.tracking_params) {
                let _ = scope.allows(&n);
                if let Ok(s) = n.join("/sitemap.xml") {
                    let _ = scope.has_host(&s);
                }
            }
        }
    }
}

fn check(text: &str) {
    let result = from_text(text, Path::new("fuzz.toml"));
    if common::debug() {
        eprintln!(
            "---- config ----\n{text}\n---- {:?}",
            result.as_ref().map(|_| "valid")
        );
    }
    if let Ok(config) = result {
        run_pieces(&config);
    }
}

fuzz_target!(|data: &[u8]| {
    check(&String::from_utf8_lossy(data));
    if let Ok(doc) = Doc::arbitrary(&mut Unstructured::new(data)) {
        check(&doc.render());
    }
});
