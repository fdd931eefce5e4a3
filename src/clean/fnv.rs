//! FNV-1a, the hasher of small lookup tables keyed by short words: the HTML extractor's
//! class-name words and its per-page memo of them, and the item-list runs of the text
//! cleaner. Their keys are hashed once per class token or line and the tables don't grow
//! with anything a page controls beyond its own size, so SipHash's flood resistance buys
//! little and costs a noticeable share of the run time. Tables keyed by hashes of page
//! lines (templates, repeats) use `text::template::Seeded`, a per-table random seed.

use std::hash::Hasher;

#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}
