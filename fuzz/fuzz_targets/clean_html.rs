//! Any bytes, treated as HTML: the cleaner must return (a document or a typed error),
//! never panic or hang.
#![no_main]

use gleaner_clean::{Cleaner, Hints};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(&Default::default()).expect("default cleaner"))
}

fuzz_target!(|data: &[u8]| {
    let hints = Hints::default().with_content_type("text/html");
    let _ = cleaner().clean(data, &hints);
});
