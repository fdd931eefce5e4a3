//! Cleans one saved page with the library alone (no gleaner binary, no store, no
//! network): prints its metadata, then its clean text.
//!
//!     cargo run -p gleaner-clean --example clean_file -- PAGE [URL]
//!
//! PAGE is an HTML file or a plain-text dump; URL, when given, is where the page came
//! from (it fills the URL and host when the page names neither).

use gleaner_clean::{CleanConfig, Cleaner, Hints};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: clean_file PAGE [URL]");
        return ExitCode::from(2);
    };
    let url = args.next();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Build once, then clean as many pages as you like, from any number of threads.
    let cleaner = match Cleaner::new(&CleanConfig::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("config: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut hints = Hints::default();
    hints.url = url.as_deref();
    match cleaner.clean(&bytes, &hints) {
        Ok(doc) => {
            let m = &doc.metadata;
            let show = |name: &str, value: Option<&str>| {
                if let Some(v) = value {
                    println!("{name:<10}{v}");
                }
            };
            show("title:", m.title.as_deref());
            show(
                "authors:",
                Some(&m.authors.join("; "))
                    .filter(|a| !a.is_empty())
                    .map(String::as_str),
            );
            show("date:", m.date.as_deref());
            show("site:", m.sitename.as_deref());
            show("url:", m.url.as_deref());
            show("language:", m.language.as_deref());
            println!();
            println!("{}", doc.text());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
