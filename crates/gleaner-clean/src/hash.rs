//! The hashers of the cleaners' hot lookup tables, cheaper than std's SipHash:
//! - [`Fnv`] for small tables keyed by short words (the HTML extractor's class-name words
//!   and its per-page memo of them, the text cleaner's item-list runs). Their keys are
//!   hashed once per class token or line and the tables don't grow with anything a page
//!   controls beyond its own size, so flood resistance buys little.
//! - [`Seeded`] for tables keyed by hashes of page lines (templates, repeats), with a
//!   random seed per table.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

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

/// The hasher of tables keyed by hashes of page lines (`key_hash` values, the text
/// cleaner's line shapes): one lookup per line of every page. The keys are hashes
/// already, so all that is left is to spread them over the buckets where a hostile page
/// can't aim: a random seed per table, folded in with one 64x64->128-bit multiply (as
/// foldhash does for integers), instead of std's SipHash at several times the cost.
#[derive(Clone)]
pub(crate) struct Seeded(u64);

impl Default for Seeded {
    fn default() -> Self {
        Seeded(RandomState::new().hash_one(0u64))
    }
}

impl BuildHasher for Seeded {
    type Hasher = SeededHasher;
    fn build_hasher(&self) -> SeededHasher {
        SeededHasher(self.0)
    }
}

pub(crate) struct SeededHasher(u64);

impl Hasher for SeededHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = fold_mul(self.0 ^ x, 0x9e37_79b9_7f4a_7c15);
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not used for `u64` keys; any bytes still get mixed in.
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
}

/// The 128-bit product of `a` and `b`, its halves xored: a cheap, thorough mix.
pub(crate) fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    p as u64 ^ (p >> 64) as u64
}
