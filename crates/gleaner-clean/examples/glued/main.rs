//! Counts the words gleaner's clean text glues together across a line boundary of the
//! page (a date run into the heading after it: "January 13, 2023EV Home..."), over
//! directories of pages (`*.html`, or `*.html.gz` read through `gzip -dc`).
//!
//!     cargo run --release -p gleaner-clean --example glued -- [--show N] DIR...
//!
//! Per directory it prints the pages, the pages with glue, the glued words of the classic
//! shape (a lower-case letter or a digit then an upper-case letter starting the next
//! block's word) and all glued words (any two blocks' words run together: "by:ProMatcher"
//! too). `--show N` lists up to N glued words per directory with their page.
//! See `detect.rs` for how the page's DOM tells glue from words like "iPhone".

mod detect;

use gleaner_clean::{Cleaner, Hints};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn read_page(path: &Path) -> Option<Vec<u8>> {
    if path.extension().is_some_and(|e| e == "gz") {
        let out = std::process::Command::new("gzip")
            .arg("-dc")
            .arg(path)
            .output()
            .ok()?;
        return out.status.success().then_some(out.stdout);
    }
    std::fs::read(path).ok()
}

fn pages_in(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| {
                    let name = p.to_string_lossy();
                    name.ends_with(".html") || name.ends_with(".html.gz") || name.ends_with(".htm")
                })
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
}

fn main() -> ExitCode {
    let mut show = 0usize;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--show" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => show = n,
                None => {
                    eprintln!("--show N");
                    return ExitCode::from(2);
                }
            }
        } else {
            dirs.push(PathBuf::from(a));
        }
    }
    if dirs.is_empty() {
        eprintln!("usage: glued [--show N] DIR...");
        return ExitCode::from(2);
    }
    let cleaner = Cleaner::new(&Default::default()).expect("built-in rules compile");
    let hints = Hints::default();
    for dir in &dirs {
        let (mut pages, mut with_glue, mut case_breaks, mut all) = (0, 0, 0, 0);
        let mut shown = 0;
        for path in pages_in(dir) {
            let Some(bytes) = read_page(&path) else {
                eprintln!("{}: unreadable", path.display());
                continue;
            };
            let Ok(doc) = cleaner.clean(&bytes, &hints) else {
                continue;
            };
            pages += 1;
            // The cleaner sniffs the charset; the dev sets' pages are UTF-8 but for a
            // handful, whose odd words may then count as glue in the wider figure only.
            let page = detect::Page::new(&String::from_utf8_lossy(&bytes));
            let glued = page.glued(&doc.text());
            if !glued.is_empty() {
                with_glue += 1;
            }
            all += glued.len();
            for g in &glued {
                case_breaks += usize::from(g.case_break);
                if shown < show {
                    shown += 1;
                    let mark = if g.case_break { "case" } else { "    " };
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    println!("  {mark} {name}: {}", g.word);
                }
            }
        }
        println!(
            "{}: {pages} pages, {with_glue} with glue, {case_breaks} case-break glued words, {all} glued words in all",
            dir.display()
        );
    }
    ExitCode::SUCCESS
}
