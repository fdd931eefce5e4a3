//! Any bytes, treated as a plain-text dump: no panic, and cleaning the output again
//! changes nothing (idempotence).
#![no_main]

use gleaner_clean::{Cleaner, Hints};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(&Default::default()).expect("default cleaner"))
}

fuzz_target!(|data: &[u8]| {
    let hints = Hints::default().with_content_type("text/plain");
    if let Ok(doc) = cleaner().clean(data, &hints) {
        let text = doc.text();
        if let Ok(again) = cleaner().clean(text.as_bytes(), &hints) {
            assert_eq!(again.text(), text, "cleaning is not idempotent");
        }
    }
});
