//! Near-duplicate detection: MinHash signatures over word shingles, banded for
//! locality-sensitive lookup, as FineWeb, Dolma and text-dedup do.
//!
//! A document's words (lower-cased, split at anything not a letter or digit) form
//! 5-word shingles; each shingle is hashed once, and [`HASHES`] cheap permutations of
//! that hash give the signature's minima. Two documents whose shingle sets have
//! Jaccard similarity J agree on each signature position with probability J. The
//! signature is cut into [`BANDS`] bands of [`ROWS`]; documents sharing a whole band
//! are candidates (probability 1 - (1 - J^8)^14: 0.92 at J = 0.8, 0.05 at J = 0.5), and a
//! candidate is a near-duplicate when the share of positions the two signatures agree
//! on, an estimate of J, reaches the threshold.
//!
//! Everything here is pure and stable across builds and platforms: the signatures
//! live in the store, so the hash functions are written out, not taken from std.

/// Words per shingle.
pub const SHINGLE: usize = 5;
pub const BANDS: usize = 14;
pub const ROWS: usize = 8;
/// Signature length.
pub const HASHES: usize = BANDS * ROWS;
/// The default estimated Jaccard similarity from which a document is a near-duplicate.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// A document's MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; HASHES]);

impl Signature {
    /// The signature of a text. A text of fewer than [`SHINGLE`] words is one shingle.
    pub fn of(text: &str) -> Signature {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut mins = [u32::MAX; HASHES];
        let (a, b) = permutations();
        let mut add = |shingle: &[String]| {
            let h = shingle_hash(shingle);
            for ((min, a), b) in mins.iter_mut().zip(a).zip(b) {
                // The high half of a*h + b (odd a): a cheap, well-mixed permutation.
                let v = (a.wrapping_mul(h).wrapping_add(*b) >> 32) as u32;
                *min = (*min).min(v);
            }
        };
        if words.len() < SHINGLE {
            add(&words);
        } else {
            for w in words.windows(SHINGLE) {
                add(w);
            }
        }
        Signature(mins)
    }

    /// The estimated Jaccard similarity: the share of positions that agree.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / HASHES as f64
    }

    /// Band `i`'s key: a hash of its rows.
    pub fn band(&self, i: usize) -> u64 {
        let rows = self
            .0
            .get(i.saturating_mul(ROWS)..i.saturating_add(1).saturating_mul(ROWS))
            .unwrap_or_default();
        let mut h = FNV_OFFSET;
        for r in rows {
            for byte in r.to_le_bytes() {
                h = (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
            }
        }
        mix(h)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != HASHES * 4 {
            return None;
        }
        let mut out = [0u32; HASHES];
        for (v, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *v = u32::from_le_bytes(chunk.try_into().ok()?);
        }
        Some(Signature(out))
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn shingle_hash(words: &[String]) -> u64 {
    let mut h = FNV_OFFSET;
    for w in words {
        for byte in w.bytes().chain([0x1f]) {
            h = (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        }
    }
    mix(h)
}

/// splitmix64's finaliser: spreads FNV's output over all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The permutations' multipliers and offsets, from splitmix64 with a fixed seed: the
/// same everywhere. Computed once: every shingle of every text uses all of them.
fn permutations() -> &'static ([u64; HASHES], [u64; HASHES]) {
    static TABLE: std::sync::OnceLock<([u64; HASHES], [u64; HASHES])> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let (mut a, mut b) = ([0u64; HASHES], [0u64; HASHES]);
        for (i, (a, b)) in (0u64..).zip(a.iter_mut().zip(b.iter_mut())) {
            let odd = i.wrapping_mul(2).wrapping_add(1);
            *a = mix(0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(odd)) | 1;
            *b = mix(0x2545_f491_4f6c_dd1d_u64.wrapping_mul(odd.wrapping_add(1)));
        }
        (a, b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "The council agreed on Tuesday to repair the old bridge before \
        winter. Work starts next month and should take eleven weeks, the mayor said. \
        Residents had complained for years about the potholes on the approach roads, \
        and a petition signed by four hundred people was handed in last spring. The \
        repairs will cost about two million euros, most of it from the regional fund. \
        Traffic will be diverted through the industrial estate while the deck is \
        replaced, and a ferry will carry cyclists and walkers across the river.";

    #[test]
    fn the_same_text_with_small_changes_is_near_and_another_text_is_not() {
        let base = Signature::of(ARTICLE);
        assert_eq!(base.similarity(&Signature::of(ARTICLE)), 1.0);
        let edited = ARTICLE.replace("eleven weeks", "twelve weeks");
        assert!(base.similarity(&Signature::of(&edited)) > 0.8);
        let furnished = format!("Home News Sport\n{ARTICLE}\nShare this article");
        assert!(base.similarity(&Signature::of(&furnished)) > 0.8);
        let other = "A new bakery opened on the main square this weekend, selling bread \
            from an old family recipe. The owners moved from the coast last year and \
            spent months restoring the building, which had been empty since the war.";
        assert!(base.similarity(&Signature::of(other)) < 0.2);
    }

    #[test]
    fn signatures_are_stable_and_round_trip() {
        let s = Signature::of("one two three four five six");
        // Written to disk: these values must never change between builds or platforms.
        assert_eq!((s.0[0], s.0[111]), (1132284064, 972125255));
        assert_eq!(s.band(13), 18223200221930137777);
        assert_eq!(s, Signature::of("One, two; three four five SIX"));
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s.clone()));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
        assert_ne!(s.band(0), s.band(1));
    }
}
