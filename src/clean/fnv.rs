//! FNV-1a, the hasher of the cleaners' hot lookup tables: stopwords, class-name words,
//! line hashes. Their keys are short words hashed once per page word or class token and
//! are not attacker-chosen keys into anything that grows, so SipHash's flood resistance
//! buys nothing there and costs a noticeable share of the run time. (Tables keyed by
//! page text that a hostile page could craft keep std's SipHash.)

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
