//! Any bytes as a WARC file (plain, or gzipped when the first byte is odd): reading it
//! never panics, and every item it yields consumed input, so reading ends.
#![no_main]

use gleaner::sources::warc::{writer::gzip, WarcPages};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (flag, rest) = data.split_first().unwrap_or((&0, &[]));
    let bytes = if flag % 2 == 1 { gzip(rest) } else { rest.to_vec() };
    let path = std::env::temp_dir().join(format!("gleaner-fuzz-{}.warc", std::process::id()));
    std::fs::write(&path, &bytes).expect("temp file");
    let bound = data.len().saturating_add(2);
    let n = WarcPages::new(vec![path], 1 << 16).take(bound.saturating_add(1)).count();
    assert!(n <= bound, "{n} items from {} bytes", data.len());
});
