//! The learned classifiers' training examples: for every file of a directory (sorted by
//! name), one JSON line with the file's name, its clean text without the classifiers,
//! and its units with their features: for an HTML page, the blocks the rules keep
//! (`null` when the page has no region and goes to the text cleaner); for a text dump,
//! every line. `bench/classifier/train.py` runs this (with `--text` on the dumps).
//!
//!     cargo run --release --example block_samples -- DIR > samples.jsonl

use gleaner_clean::{CleanConfig, Cleaner, Hints};
use std::io::Write;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: block_samples DIR > samples.jsonl");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    files.sort();
    let mut cfg = CleanConfig::default();
    cfg.html.learned = false;
    cfg.text.learned = false;
    let cleaner = Cleaner::new(&cfg).expect("built-in rules compile");
    let hints = Hints::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let text = cleaner.clean(&bytes, &hints).map(|d| d.text()).ok();
        let blocks = cleaner.samples(&bytes, &hints).ok().flatten();
        let line = serde_json::json!({ "file": name, "text": text, "blocks": blocks });
        writeln!(out, "{line}").expect("stdout");
    }
}
