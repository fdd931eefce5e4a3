//! Per-page cleaning time, without process start-up or file writes: every file of a
//! directory is read into memory, then each is cleaned `--runs` times (default 3) on one
//! thread and its fastest run kept, so the figures are the cleaner's, not the machine's
//! noise. Prints the median, 90th percentile and mean in milliseconds, and pages/s.
//!
//! With `--learned-cost`, each page is also cleaned with the learned classifiers off (the
//! HTML block classifier and the text line classifier; the two runs taking turns at going
//! first), and the ratio of their total times is printed: the classifiers' cost, measured
//! against a reference run in the same process. Over a directory of text dumps, that is
//! the line classifier's.
//!
//!     cargo run --release --example page_times -- DIR [--runs N] [--learned-cost]

use gleaner_clean::{CleanConfig, Cleaner, Hints};
use std::time::Instant;

fn fastest(cleaner: &Cleaner, page: &[u8], runs: usize) -> f64 {
    let hints = Hints::default();
    (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            let doc = cleaner.clean(page, &hints);
            let e = t.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(doc).ok();
            e
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let usage = "usage: page_times DIR [--runs N] [--learned-cost]";
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect(usage);
    let (mut runs, mut learned_cost) = (3usize, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect(usage),
            "--learned-cost" => learned_cost = true,
            _ => panic!("{usage}"),
        }
    }
    let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
        .collect();
    pages.sort();
    let cleaner = Cleaner::new(&CleanConfig::default()).expect("built-in rules compile");
    let mut cfg = CleanConfig::default();
    cfg.html.learned = false;
    cfg.text.learned = false;
    let unlearned = Cleaner::new(&cfg).expect("built-in rules compile");
    let (mut ms, mut off_total) = (Vec::with_capacity(pages.len()), 0.0);
    for (i, p) in pages.iter().enumerate() {
        // Whichever runs second finds the page warm in the caches: take turns.
        if learned_cost && i % 2 == 1 {
            off_total += fastest(&unlearned, p, runs);
        }
        ms.push(fastest(&cleaner, p, runs));
        if learned_cost && i % 2 == 0 {
            off_total += fastest(&unlearned, p, runs);
        }
    }
    ms.sort_by(f64::total_cmp);
    let n = ms.len().max(1);
    let total: f64 = ms.iter().sum();
    println!(
        "{} pages: median {:.2} ms, p90 {:.2} ms, mean {:.2} ms, {:.0} pages/s",
        ms.len(),
        ms.get(n / 2).copied().unwrap_or(0.0),
        ms.get(n * 9 / 10).copied().unwrap_or(0.0),
        total / n as f64,
        n as f64 * 1e3 / total.max(1e-9)
    );
    if learned_cost {
        println!(
            "learned classifier on / off: {:.3}x the time",
            total / off_total.max(1e-9)
        );
    }
}
