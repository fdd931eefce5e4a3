//! Per-page cleaning time, without process start-up or file writes: every file of a
//! directory is read into memory, then each is cleaned `--runs` times (default 3) on one
//! thread and its fastest run kept, so the figures are the cleaner's, not the machine's
//! noise. Prints the median, 90th percentile and mean in milliseconds, and pages/s.
//!
//!     cargo run --release --example page_times -- DIR [--runs N]

use gleaner_clean::{Cleaner, Hints};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: page_times DIR [--runs N]");
    let runs: usize = match (args.next().as_deref(), args.next()) {
        (Some("--runs"), Some(n)) => n.parse().expect("--runs N"),
        _ => 3,
    };
    let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
        .collect();
    pages.sort();
    let cleaner = Cleaner::new(&Default::default()).expect("built-in rules compile");
    let hints = Hints::default();
    let mut ms: Vec<f64> = pages
        .iter()
        .map(|p| {
            (0..runs.max(1))
                .map(|_| {
                    let t = Instant::now();
                    let doc = cleaner.clean(p, &hints);
                    let e = t.elapsed().as_secs_f64() * 1e3;
                    std::hint::black_box(doc).ok();
                    e
                })
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
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
}
